using System.Text.Json.Nodes;

namespace Gateway.Adapters;

/// <summary>An adapter's answer as a value: status, headers and an optional JSON body.</summary>
internal sealed class AdapterResponse(int status, JsonNode? json = null)
{
    public int Status { get; } = status;

    public JsonNode? Json { get; } = json;

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public AdapterResponse With(string name, string? value)
    {
        if (value is not null)
        {
            Headers.Add(new(name, value));
        }

        return this;
    }
}
