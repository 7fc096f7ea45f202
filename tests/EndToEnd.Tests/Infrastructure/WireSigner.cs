using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EndToEnd.Tests.Infrastructure;

/// <summary>
/// The raw test client's own AWS Signature Version 4 for S3: header signing, presigned queries, aws-chunked chunk
/// and trailer signatures. Written from the S3 API reference ("Signature Calculations for the Authorization
/// Header", "Authenticating Requests: Using Query Parameters", "Signature Calculation: Transfer Payload in Multiple
/// Chunks", "Signature calculations for trailing headers") and pinned to its published examples in
/// <c>WireSignerTests</c>. It shares no code with the gateway's verifier, so a bug on one side cannot hide in both.
/// </summary>
public static class WireSigner
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static string Scope(string date, string region, string service = "s3") => $"{date}/{region}/{service}/aws4_request";

    public static byte[] SigningKey(string secret, string date, string region, string service = "s3")
    {
        var k = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date);
        k = Hmac(k, region);
        k = Hmac(k, service);
        return Hmac(k, "aws4_request");
    }

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Sign(byte[] key, string stringToSign) => Convert.ToHexStringLower(Hmac(key, stringToSign));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    /// <summary>Percent-encodes every UTF-8 byte but A-Z a-z 0-9 - . _ ~ (and '/' in paths), in uppercase hex.</summary>
    public static string Encode(string value, bool path) => Encode(Encoding.UTF8.GetBytes(value), path);

    private static string Encode(byte[] bytes, bool path)
    {
        var sb = new StringBuilder();
        foreach (var b in bytes)
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' || (path && c == '/'))
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

    /// <summary>S3's canonical URI: the path as sent, decoded once and encoded once (no normalisation).</summary>
    public static string CanonicalUri(string rawPath) => rawPath.Length == 0 ? "/" : Encode(Decode(rawPath, plusIsSpace: false), path: true);

    /// <summary>The canonical query: each name and value decoded ('+' as space) and re-encoded, sorted by name then value.</summary>
    public static string CanonicalQuery(string rawQuery) =>
        string.Join('&', rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p =>
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? p : p[..eq];
                var value = eq < 0 ? "" : p[(eq + 1)..];
                return (Name: Encode(Decode(name, plusIsSpace: true), false), Value: Encode(Decode(value, plusIsSpace: true), false));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));

    /// <summary>%XX to the byte it names, every other character to its UTF-8 bytes; a '%' without two hex digits stays itself.</summary>
    private static byte[] Decode(string s, bool plusIsSpace)
    {
        var raw = Encoding.UTF8.GetBytes(s);
        var result = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && Uri.IsHexDigit((char)raw[i + 1]) && Uri.IsHexDigit((char)raw[i + 2]))
            {
                result.Add(Convert.ToByte(Encoding.ASCII.GetString(raw, i + 1, 2), 16));
                i += 2;
            }
            else
            {
                result.Add(plusIsSpace && raw[i] == '+' ? (byte)' ' : raw[i]);
            }
        }

        return [.. result];
    }

    /// <summary>
    /// The canonical request over <paramref name="headers"/>, all of which are signed: lowercase names, sorted,
    /// values trimmed with inner spaces collapsed.
    /// </summary>
    public static string CanonicalRequest(string method, string rawPath, string rawQuery, IReadOnlyDictionary<string, string> headers, string payloadHash,
        out string signedHeaders)
    {
        var sorted = headers.Select(h => (Name: h.Key.ToLowerInvariant(), Value: Collapse(h.Value))).OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
        signedHeaders = string.Join(';', sorted.Select(h => h.Name));
        var canonicalHeaders = string.Concat(sorted.Select(h => h.Name + ":" + h.Value + "\n"));
        return $"{method}\n{CanonicalUri(rawPath)}\n{CanonicalQuery(rawQuery)}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";
    }

    private static string Collapse(string value) => string.Join(' ', value.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Sha256Hex(Encoding.UTF8.GetBytes(canonicalRequest))}";

    /// <summary>The signature of one aws-chunked chunk, chained on the previous signature (the seed for the first).</summary>
    public static string ChunkSignature(byte[] key, string amzDate, string scope, string previous, ReadOnlySpan<byte> chunk) =>
        Sign(key, $"AWS4-HMAC-SHA256-PAYLOAD\n{amzDate}\n{scope}\n{previous}\n{EmptySha256}\n{Sha256Hex(chunk)}");

    /// <summary>The signature of the trailers ("name:value\n" each, sorted), chained on the last chunk's signature.</summary>
    public static string TrailerSignature(byte[] key, string amzDate, string scope, string previous, IEnumerable<KeyValuePair<string, string>> trailers)
    {
        var canonical = string.Concat(trailers.Select(t => (Name: t.Key.ToLowerInvariant(), Value: t.Value.Trim()))
            .OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => t.Name + ":" + t.Value + "\n"));
        return Sign(key, $"AWS4-HMAC-SHA256-TRAILER\n{amzDate}\n{scope}\n{previous}\n{Sha256Hex(Encoding.UTF8.GetBytes(canonical))}");
    }
}

/// <summary>What the aws-chunked encoder needs to sign chunks: the signing key, time, scope and the request's own signature.</summary>
public sealed record ChunkSigning(byte[] Key, string AmzDate, string Scope, string SeedSignature);
