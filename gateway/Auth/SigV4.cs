using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Auth;

/// <summary>
/// The AWS Signature Version 4 primitives, shared by <see cref="SignatureVerifier"/>, the aws-chunked decoder and the
/// test signers. Everything here follows "Signature Calculations for the Authorization Header: Transferring
/// Payload in a Single Chunk" (S3 API reference, sig-v4-header-based-auth) unless a comment says otherwise.
/// </summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Service = "s3";

    /// <summary>The service directory buckets' requests are signed for (S3 Express One Zone), sessions or not.</summary>
    public const string ExpressService = "s3express";
    public const string Terminator = "aws4_request";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingSignedPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public const string ChunkAlgorithm = "AWS4-HMAC-SHA256-PAYLOAD";
    public const string TrailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER";
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>Hex SHA-256 of the empty string; it stands in for the (absent) headers of every chunk string to sign.</summary>
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    public static byte[] DeriveSigningKey(string secret, string yyyymmdd, string region, string service)
    {
        var kDate = HmacSha256(Encoding.UTF8.GetBytes("AWS4" + secret), yyyymmdd);
        var kRegion = HmacSha256(kDate, region);
        var kService = HmacSha256(kRegion, service);
        return HmacSha256(kService, Terminator);
    }

    public static byte[] HmacSha256(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    /// <summary>Lowercase hex, as every SigV4 hash and signature is written.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Hex(SHA256.HashData(data));

    public static string Sha256Hex(string data) => Sha256Hex(Encoding.UTF8.GetBytes(data));

    /// <summary>Hex HMAC-SHA256 of <paramref name="stringToSign"/>: the signature itself.</summary>
    public static string Sign(byte[] signingKey, string stringToSign) => Hex(HmacSha256(signingKey, stringToSign));

    public static string Scope(string yyyymmdd, string region, string service = Service) =>
        $"{yyyymmdd}/{region}/{service}/{Terminator}";

    /// <summary>
    /// UriEncode from the SigV4 docs: every byte of the UTF-8 form except the unreserved characters
    /// (A-Z a-z 0-9 - . _ ~) becomes %XX with uppercase hex; '/' is kept only in the object key path.
    /// </summary>
    public static string UriEncode(string value, bool keepSlash) => UriEncodeBytes(Encoding.UTF8.GetBytes(value), keepSlash);

    public static string UriEncodeBytes(ReadOnlySpan<byte> bytes, bool keepSlash)
    {
        var sb = new StringBuilder(bytes.Length * 3 / 2);
        foreach (var b in bytes)
        {
            if (IsUnreserved(b) || (keepSlash && b == (byte)'/'))
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Percent-decodes to raw bytes. A '%' not followed by two hex digits stays literal, like S3's lenient parser.
    /// <paramref name="plusIsSpace"/> applies the form-encoding rule some clients use in query strings.
    /// </summary>
    public static byte[] PercentDecode(string value, bool plusIsSpace)
    {
        var raw = Encoding.UTF8.GetBytes(value);
        var result = new byte[raw.Length];
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b == (byte)'%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
            {
                result[n++] = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                i += 2;
            }
            else
            {
                result[n++] = plusIsSpace && b == (byte)'+' ? (byte)' ' : b;
            }
        }

        return result.AsSpan(0, n).ToArray();
    }

    /// <summary>
    /// S3 neither normalises nor double-encodes the path (unlike other services): decode what was sent and
    /// re-encode every byte except unreserved characters and '/'.
    /// </summary>
    public static string CanonicalUri(string rawPath)
    {
        if (rawPath.Length == 0)
        {
            return "/";
        }

        return UriEncodeBytes(PercentDecode(rawPath, plusIsSpace: false), keepSlash: true);
    }

    /// <summary>
    /// Canonical query from a raw query string (without '?'): names and values decoded and re-encoded, a
    /// parameter without '=' becomes "name=", pairs sorted by encoded name then value (byte order), and
    /// <paramref name="exclude"/> (X-Amz-Signature for presigned URLs) dropped.
    /// </summary>
    public static string CanonicalQuery(string rawQuery, bool plusIsSpace, string? exclude = null)
    {
        var pairs = new List<(string Name, string Value)>();
        foreach (var (name, value) in SplitQuery(rawQuery))
        {
            if (exclude != null && string.Equals(DecodeString(name, plusIsSpace), exclude, StringComparison.Ordinal))
            {
                continue;
            }

            pairs.Add((UriEncodeBytes(PercentDecode(name, plusIsSpace), false), UriEncodeBytes(PercentDecode(value, plusIsSpace), false)));
        }

        return CanonicalQuery(pairs);
    }

    /// <summary>Canonical query from already-encoded pairs.</summary>
    public static string CanonicalQuery(IEnumerable<(string EncodedName, string EncodedValue)> pairs)
    {
        var sorted = pairs.ToList();
        sorted.Sort((a, b) =>
        {
            var c = string.CompareOrdinal(a.EncodedName, b.EncodedName);
            return c != 0 ? c : string.CompareOrdinal(a.EncodedValue, b.EncodedValue);
        });
        return string.Join('&', sorted.Select(p => p.EncodedName + "=" + p.EncodedValue));
    }

    /// <summary>Splits a raw query into raw (still encoded) name/value pairs; empty segments are skipped.</summary>
    public static IEnumerable<(string Name, string Value)> SplitQuery(string rawQuery)
    {
        foreach (var part in rawQuery.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            yield return eq < 0 ? (part, "") : (part[..eq], part[(eq + 1)..]);
        }
    }

    public static string DecodeString(string value, bool plusIsSpace) => Encoding.UTF8.GetString(PercentDecode(value, plusIsSpace));

    /// <summary>
    /// Canonical headers block: for each signed header, "lowercase-name:value\n", values trimmed with inner
    /// runs of spaces collapsed and repeated headers joined with ','. Signed names are expected lowercase and
    /// sorted, as they appear in SignedHeaders; a signed header that is absent contributes an empty value.
    /// </summary>
    public static string CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers, IReadOnlyList<string> signedHeaders)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var name in signedHeaders)
        {
            values[name] = [];
        }

        foreach (var (name, value) in headers)
        {
            if (values.TryGetValue(name.ToLowerInvariant(), out var list))
            {
                list.Add(TrimAll(value));
            }
        }

        var sb = new StringBuilder();
        foreach (var name in signedHeaders)
        {
            sb.Append(name).Append(':').AppendJoin(',', values[name]).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Trims and collapses runs of spaces (and tabs) to a single space, per the Trimall function of the SigV4 docs.</summary>
    public static string TrimAll(string value)
    {
        var sb = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value.AsSpan().Trim())
        {
            if (c is ' ' or '\t')
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    public static string CanonicalRequest(string method, string canonicalUri, string canonicalQuery, string canonicalHeaders, string signedHeaders, string payloadHash) =>
        $"{method}\n{canonicalUri}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Sha256Hex(canonicalRequest)}";

    /// <summary>
    /// Chunk string to sign from "Signature Calculation: Transfer Payload in Multiple Chunks (Chunked Upload)":
    /// the empty-string hash stands where the canonical headers hash would be.
    /// </summary>
    public static string ChunkStringToSign(string amzDate, string scope, string previousSignature, string chunkSha256Hex) =>
        $"{ChunkAlgorithm}\n{amzDate}\n{scope}\n{previousSignature}\n{EmptySha256}\n{chunkSha256Hex}";

    public static string ChunkSignature(byte[] signingKey, string amzDate, string scope, string previousSignature, string chunkSha256Hex) =>
        Sign(signingKey, ChunkStringToSign(amzDate, scope, previousSignature, chunkSha256Hex));

    public static string ChunkSignature(byte[] signingKey, string amzDate, string scope, string previousSignature, ReadOnlySpan<byte> chunkData) =>
        ChunkSignature(signingKey, amzDate, scope, previousSignature, Sha256Hex(chunkData));

    /// <summary>
    /// Canonical trailer block hashed by the trailer signature ("Signature calculations for trailing headers"):
    /// "name:value\n" per trailer, lowercase names sorted, values trimmed, the signature line itself excluded.
    /// AWS SDKs build it with the same canonicaliser they use for request headers.
    /// </summary>
    public static string CanonicalTrailers(IEnumerable<KeyValuePair<string, string>> trailers)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in trailers
                     .Select(t => new KeyValuePair<string, string>(t.Key.Trim().ToLowerInvariant(), TrimAll(t.Value)))
                     .OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            sb.Append(name).Append(':').Append(value).Append('\n');
        }

        return sb.ToString();
    }

    public static string TrailerStringToSign(string amzDate, string scope, string previousSignature, string canonicalTrailers) =>
        $"{TrailerAlgorithm}\n{amzDate}\n{scope}\n{previousSignature}\n{Sha256Hex(canonicalTrailers)}";

    public static string TrailerSignature(byte[] signingKey, string amzDate, string scope, string previousSignature, IEnumerable<KeyValuePair<string, string>> trailers) =>
        Sign(signingKey, TrailerStringToSign(amzDate, scope, previousSignature, CanonicalTrailers(trailers)));

    /// <summary>S3 reports StringToSignBytes and CanonicalRequestBytes as two-digit hex bytes separated by spaces.</summary>
    public static string SpacedHex(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var sb = new StringBuilder(bytes.Length * 3);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }

            sb.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    public static bool IsSha256Hex(string value) =>
        value.Length == 64 && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F'));

    private const string HexUpper = "0123456789ABCDEF";

    private static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    private static bool IsHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F');

    private static int HexValue(byte b) => b <= (byte)'9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
