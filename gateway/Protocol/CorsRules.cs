using System.Text.Json;
using System.Xml.Linq;
using Gateway.Errors;
using Gateway.Xml;

namespace Gateway.Protocol;

/// <summary>One CORS rule: which origins, methods and request headers it allows, what it exposes, how long a preflight is cached.</summary>
internal sealed record CorsRule(
    string? Id, IReadOnlyList<string> AllowedOrigins, IReadOnlyList<string> AllowedMethods, IReadOnlyList<string> AllowedHeaders,
    IReadOnlyList<string> ExposeHeaders, int? MaxAgeSeconds)
{
    /// <summary>Whether the rule allows <paramref name="origin"/> with <paramref name="method"/> (and, for a preflight, every requested header).</summary>
    public bool Allows(string origin, string method, IReadOnlyList<string> requestHeaders) =>
        AllowedOrigins.Any(o => CorsRules.Matches(o, origin, ignoreCase: false))
        && AllowedMethods.Contains(method, StringComparer.Ordinal)
        && requestHeaders.All(h => AllowedHeaders.Any(a => CorsRules.Matches(a, h, ignoreCase: true)));
}

/// <summary>
/// S3's bucket CORS configuration: the CORSConfiguration document (Put/GetBucketCors) and how a request is judged
/// against its rules (the first rule that allows the origin, the method and every requested header applies).
/// </summary>
internal static class CorsRules
{
    private static readonly string[] Methods = ["GET", "PUT", "POST", "DELETE", "HEAD"];

    /// <summary>An origin or header pattern with at most one '*', which stands for any run of characters.</summary>
    public static bool Matches(string pattern, string value, bool ignoreCase)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var star = pattern.IndexOf('*');
        if (star < 0)
        {
            return string.Equals(pattern, value, comparison);
        }

        var (head, tail) = (pattern[..star], pattern[(star + 1)..]);
        return value.Length >= head.Length + tail.Length && value.StartsWith(head, comparison) && value.EndsWith(tail, comparison);
    }

    /// <summary>The first rule allowing the request, or null.</summary>
    public static CorsRule? Match(IReadOnlyList<CorsRule> rules, string origin, string method, IReadOnlyList<string> requestHeaders) =>
        rules.FirstOrDefault(r => r.Allows(origin, method, requestHeaders));

    public static List<CorsRule> FromXml(XDocument doc)
    {
        var root = doc.Root;
        if (root is null || root.Name.LocalName != "CORSConfiguration")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var rules = new List<CorsRule>();
        foreach (var r in root.Elements())
        {
            if (r.Name.LocalName != "CORSRule")
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            var origins = Values(r, "AllowedOrigin");
            var methods = Values(r, "AllowedMethod");
            var headers = Values(r, "AllowedHeader");
            if (origins.Count == 0 || methods.Count == 0)
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            if (methods.FirstOrDefault(m => !Methods.Contains(m, StringComparer.Ordinal)) is { } bad)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, $"Found unsupported HTTP method in CORS config. Unsupported method is {bad}");
            }

            if (origins.Concat(headers).FirstOrDefault(p => p.Count(c => c == '*') > 1) is { } twice)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, $"AllowedOrigin \"{twice}\" can not have more than one wildcard.");
            }

            int? maxAge = null;
            if (r.Child("MaxAgeSeconds")?.Value is { } age)
            {
                maxAge = int.TryParse(age, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
                    ? n
                    : throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            rules.Add(new CorsRule(r.Child("ID")?.Value, origins, methods, headers, Values(r, "ExposeHeader"), maxAge));
        }

        return rules.Count is >= 1 and <= 100 ? rules : throw new S3Exception(S3ErrorCode.MalformedXML);
    }

    private static List<string> Values(XElement rule, string name) => rule.Children(name).Select(e => e.Value.Trim()).ToList();

    public static string ToXml(IReadOnlyList<CorsRule> rules)
    {
        var xml = new XmlBuilder().Root("CORSConfiguration");
        foreach (var r in rules)
        {
            xml.Open("CORSRule").Element("ID", r.Id);
            foreach (var h in r.AllowedHeaders)
            {
                xml.Element("AllowedHeader", h);
            }

            foreach (var m in r.AllowedMethods)
            {
                xml.Element("AllowedMethod", m);
            }

            foreach (var o in r.AllowedOrigins)
            {
                xml.Element("AllowedOrigin", o);
            }

            foreach (var e in r.ExposeHeaders)
            {
                xml.Element("ExposeHeader", e);
            }

            xml.Element("MaxAgeSeconds", r.MaxAgeSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)).Close("CORSRule");
        }

        return xml.Close("CORSConfiguration").ToString();
    }

    public static string ToJson(IReadOnlyList<CorsRule> rules) => JsonSerializer.Serialize(rules, GatewayJson.Default.IReadOnlyListCorsRule);

    public static List<CorsRule> FromJson(string json) => JsonSerializer.Deserialize(json, GatewayJson.Default.ListCorsRule) ?? [];
}
