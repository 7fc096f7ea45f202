using System.Globalization;
using System.Text;

namespace Gateway.Protocol;

/// <summary>How S3 writes values on the wire: quoted ETags, HTTP dates, continuation tokens.</summary>
internal static class Wire
{
    public static string Quote(string etag) => "\"" + etag + "\"";

    /// <summary>HTTP-date (RFC 7231 IMF-fixdate), as S3 sends Last-Modified.</summary>
    public static string HttpDate(DateTimeOffset t) => t.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    /// <summary>S3's timestamp form in XML and JSON: ISO 8601 UTC with milliseconds.</summary>
    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// Continuation tokens: opaque to clients, base64 of a marker with a version prefix so a garbled or foreign
/// token is refused rather than misread.
/// </summary>
internal static class Tokens
{
    public static string Encode(string marker) => Convert.ToBase64String(Encoding.UTF8.GetBytes("v1:" + marker));

    public static string? Decode(string token)
    {
        try
        {
            var s = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return s.StartsWith("v1:", StringComparison.Ordinal) ? s[3..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
