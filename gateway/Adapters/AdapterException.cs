using System.Text.Json.Nodes;

namespace Gateway.Adapters;

/// <summary>An adapter's error answer: a status and the protocol's own JSON error body.</summary>
internal sealed class AdapterException(int status, JsonObject? body, string message) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The error document; null for an answer without a body (Box's 401).</summary>
    public JsonObject? Body { get; } = body;

    /// <summary>Headers to send with the error (Retry-After, ...).</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public AdapterException WithHeader(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }
}
