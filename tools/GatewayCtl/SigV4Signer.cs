using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GatewayCtl;

/// <summary>
/// A self-contained AWS Signature Version 4 header signer (service s3), following "Signature Calculations for
/// the Authorization Header: Transferring Payload in a Single Chunk" in the S3 API reference. It deliberately
/// does not reuse the gateway's verifier code: an independent implementation is what catches a bug on either side.
/// </summary>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Service = "s3";
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>Hex SHA-256 of the empty body: every admin call here has no body.</summary>
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>
    /// Signs a request and returns the headers to send with it: x-amz-date, x-amz-content-sha256 and
    /// Authorization. <paramref name="host"/> and every entry of <paramref name="extraHeaders"/> are signed too;
    /// the caller must send them with exactly these values.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Sign(string method, string path,
        IEnumerable<KeyValuePair<string, string>> query, string host, string payloadSha256, DateTimeOffset time,
        SigV4Credentials credentials, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        var amzDate = time.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", host),
            new("x-amz-content-sha256", payloadSha256),
            new("x-amz-date", amzDate),
        };
        headers.AddRange(extraHeaders ?? []);
        var canonical = CanonicalRequest(method, path, query, headers, payloadSha256, out var signedHeaders);
        var scope = $"{amzDate[..8]}/{credentials.Region}/{Service}/aws4_request";
        var stringToSign = StringToSign(amzDate, scope, canonical);
        var key = SigningKey(credentials.SecretKey, amzDate[..8], credentials.Region);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return
        [
            new("x-amz-date", amzDate),
            new("x-amz-content-sha256", payloadSha256),
            new("Authorization", $"{Algorithm} Credential={credentials.AccessKey}/{scope},SignedHeaders={signedHeaders},Signature={signature}"),
        ];
    }

    public static string CanonicalRequest(string method, string path, IEnumerable<KeyValuePair<string, string>> query,
        IEnumerable<KeyValuePair<string, string>> headers, string payloadSha256, out string signedHeaders)
    {
        // Header names compare case-insensitively; values are trimmed and inner runs of spaces collapsed.
        var canonicalHeaders = headers
            .GroupBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => CollapseSpaces(h.Value)))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        signedHeaders = string.Join(';', canonicalHeaders.Select(h => h.Name));
        var sb = new StringBuilder();
        sb.Append(method).Append('\n');
        sb.Append(CanonicalUri(path)).Append('\n');
        sb.Append(CanonicalQuery(query)).Append('\n');
        foreach (var (name, value) in canonicalHeaders)
        {
            sb.Append(name).Append(':').Append(value).Append('\n');
        }

        sb.Append('\n').Append(signedHeaders).Append('\n').Append(payloadSha256);
        return sb.ToString();
    }

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    /// <summary>The path as sent, each segment URI-encoded once (S3 does not double-encode) and '/' kept.</summary>
    public static string CanonicalUri(string path) =>
        path.Length == 0 ? "/" : string.Join('/', path.Split('/').Select(UriEncode));

    /// <summary>name=value pairs, encoded, sorted by name then value, joined by '&amp;'. Also the query string sent.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query) =>
        string.Join('&', query
            .Select(p => (Name: UriEncode(p.Key), Value: UriEncode(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));

    /// <summary>RFC 3986 percent-encoding of the UTF-8 bytes; only A-Z a-z 0-9 - . _ ~ stay literal.</summary>
    public static string UriEncode(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static byte[] SigningKey(string secret, string yyyymmdd, string region)
    {
        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in new[] { yyyymmdd, region, Service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return key;
    }

    private static string CollapseSpaces(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value.Trim())
        {
            if (c != ' ' || sb.Length == 0 || sb[^1] != ' ')
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}

internal sealed record SigV4Credentials(string AccessKey, string SecretKey, string Region);
