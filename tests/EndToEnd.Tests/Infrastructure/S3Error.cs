using System.Xml.Linq;

namespace EndToEnd.Tests.Infrastructure;

/// <summary>An S3 error document read from a raw response.</summary>
internal sealed record S3Error(XDocument? Document)
{
    public string? Code => Element("Code");

    public string? Element(string name) => Document?.Root?.Element(name)?.Value;

    public static async Task<S3Error> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return new S3Error(string.IsNullOrEmpty(text) ? null : XDocument.Parse(text));
    }
}
