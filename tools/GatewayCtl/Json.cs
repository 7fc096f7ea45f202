using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace GatewayCtl;

internal static class Json
{
    /// <summary>
    /// Keys and bucket names are printed as they are (no \u escapes for non-ASCII or '+'), since the output is
    /// for people and jq alike.
    /// </summary>
    private static readonly JsonWriterOptions Pretty = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Parses a response body as one of the contract's documents; a body that is not that document is the server's fault (exit 1).</summary>
    public static T Read<T>(string body, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type)
                   ?? throw new AdminApiException("InvalidResponse", "the server answered with JSON null");
        }
        catch (JsonException e)
        {
            throw new AdminApiException("InvalidResponse", $"unexpected response from the server: {e.Message}");
        }
    }

    /// <summary>The server's JSON re-indented; values (numbers included) keep their exact text.</summary>
    public static string PrettyPrint(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return Write(document.RootElement.WriteTo);
        }
        catch (JsonException e)
        {
            throw new AdminApiException("InvalidResponse", $"the server's answer is not JSON: {e.Message}");
        }
    }

    public static string PrettyPrint(JsonNode node) => Write(w => node.WriteTo(w));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Pretty))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
