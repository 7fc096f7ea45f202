using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EndToEnd.Tests.Infrastructure;

/// <summary>How <see cref="RawS3Client.SendAsync"/> frames and declares the body.</summary>
public enum PayloadStyle
{
    /// <summary>x-amz-content-sha256 is the hex SHA-256 of the body.</summary>
    SignedHex,

    /// <summary>x-amz-content-sha256: UNSIGNED-PAYLOAD.</summary>
    Unsigned,

    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD: signed aws-chunked, no trailer.</summary>
    StreamingSigned,

    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER with an x-amz-checksum-crc32 trailer.</summary>
    StreamingSignedTrailer,

    /// <summary>STREAMING-UNSIGNED-PAYLOAD-TRAILER with an x-amz-checksum-crc32 trailer.</summary>
    StreamingUnsignedTrailer,
}

/// <summary>Ways to corrupt a request on purpose; set the fields you want in the tamper callback.</summary>
public sealed class ChunkTamper
{
    /// <summary>Zero-based index of the chunk (the final zero-size chunk included) whose signature is replaced by zeros.</summary>
    public int? BadChunkSignatureIndex { get; set; }

    /// <summary>Drop this many bytes from the end of the encoded body (Content-Length still matches what is sent).</summary>
    public int TruncateBy { get; set; }

    /// <summary>Send this value for the x-amz-checksum-crc32 trailer instead of the real CRC32 (the trailer signature covers it).</summary>
    public string? TrailerChecksumOverride { get; set; }

    /// <summary>Announce and send this checksum trailer instead of x-amz-checksum-crc32 (its value is <see cref="TrailerChecksumOverride"/>).</summary>
    public string? TrailerName { get; set; }

    /// <summary>Replace the x-amz-trailer-signature by zeros.</summary>
    public bool BadTrailerSignature { get; set; }

    /// <summary>Send this (base64) Content-MD5, signed, instead of none.</summary>
    public string? ContentMd5Override { get; set; }
}

/// <summary>
/// Sends hand-signed SigV4 requests for what SDKs never send (tampered chunks, odd encodings, raw targets).
/// Paths and queries are sent exactly as given; signing uses the independent <see cref="WireSigner"/>, pinned to
/// AWS's published examples, never the gateway's own SigV4 code.
/// </summary>
public sealed class RawS3Client(HttpClient http, string accessKey, string secret, string region = "us-east-1")
{
    /// <summary>The service the credential scope names: "s3", or "s3express" for directory buckets.</summary>
    public string Service { get; set; } = "s3";

    /// <summary>Chunk size for aws-chunked bodies; S3 requires at least 8 KiB for every signed chunk but the last.</summary>
    public int ChunkSize { get; set; } = 64 * 1024;

    /// <summary>
    /// Signs and sends one request. <paramref name="rawPathAndQuery"/> is sent byte for byte (already percent-encoded as wanted).
    /// <paramref name="headers"/> are added and signed. <paramref name="now"/> overrides the signing time (for skew tests).
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string rawPathAndQuery, byte[]? body = null,
        IDictionary<string, string>? headers = null, PayloadStyle style = PayloadStyle.SignedHex, Action<ChunkTamper>? tamper = null,
        DateTimeOffset? now = null, CancellationToken cancellationToken = default)
    {
        var t = new ChunkTamper();
        tamper?.Invoke(t);
        body ??= [];
        var at = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var amzDate = at.ToString(WireSigner.AmzDateFormat, CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var scope = WireSigner.Scope(date, region, Service);
        var key = WireSigner.SigningKey(secret, date, region, Service);

        var signedHeaders = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = HostHeader(),
            ["x-amz-date"] = amzDate,
        };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            signedHeaders[name.ToLowerInvariant()] = value;
        }

        if (t.ContentMd5Override != null)
        {
            signedHeaders["content-md5"] = t.ContentMd5Override;
        }

        var streaming = style is PayloadStyle.StreamingSigned or PayloadStyle.StreamingSignedTrailer or PayloadStyle.StreamingUnsignedTrailer;
        var trailer = style is PayloadStyle.StreamingSignedTrailer or PayloadStyle.StreamingUnsignedTrailer;
        // A caller-supplied x-amz-content-sha256 wins, so a test can declare a hash that the body will not match.
        signedHeaders["x-amz-content-sha256"] = headers is not null && headers.TryGetValue("x-amz-content-sha256", out var declared) ? declared : style switch
        {
            PayloadStyle.SignedHex => WireSigner.Sha256Hex(body),
            PayloadStyle.Unsigned => WireSigner.UnsignedPayload,
            PayloadStyle.StreamingSigned => WireSigner.StreamingSigned,
            PayloadStyle.StreamingSignedTrailer => WireSigner.StreamingSignedTrailer,
            _ => WireSigner.StreamingUnsignedTrailer,
        };
        if (streaming)
        {
            signedHeaders["content-encoding"] = "aws-chunked";
            signedHeaders["x-amz-decoded-content-length"] = body.Length.ToString(CultureInfo.InvariantCulture);
            if (trailer)
            {
                signedHeaders["x-amz-trailer"] = t.TrailerName ?? "x-amz-checksum-crc32";
            }
        }

        var q = rawPathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? rawPathAndQuery : rawPathAndQuery[..q];
        var query = q < 0 ? "" : rawPathAndQuery[(q + 1)..];
        var canonical = WireSigner.CanonicalRequest(method.Method, path, query, signedHeaders, signedHeaders["x-amz-content-sha256"], out var signedText);
        var signature = WireSigner.Sign(key, WireSigner.StringToSign(amzDate, scope, canonical));

        var wire = body;
        if (streaming)
        {
            var context = style == PayloadStyle.StreamingUnsignedTrailer ? null : new ChunkSigning(key, amzDate, scope, signature);
            wire = EncodeChunked(body, context, trailer, ChunkSize, t);
        }

        if (t.TruncateBy > 0)
        {
            wire = wire[..Math.Max(0, wire.Length - t.TruncateBy)];
        }

        var request = new HttpRequestMessage(method, new Uri(http.BaseAddress!, rawPathAndQuery));
        request.Headers.TryAddWithoutValidation("Authorization", $"{WireSigner.Algorithm} Credential={accessKey}/{scope}, SignedHeaders={signedText}, Signature={signature}");
        var content = new ByteArrayContent(wire);
        foreach (var (name, value) in signedHeaders)
        {
            if (name == "host")
            {
                continue;
            }

            if (name.StartsWith("content-", StringComparison.Ordinal))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (body.Length > 0 || streaming || method == HttpMethod.Put || method == HttpMethod.Post)
        {
            request.Content = content;
        }

        return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A presigned URL path-and-query for <paramref name="pathAndQuery"/> (signed over host only, UNSIGNED-PAYLOAD),
    /// valid for <paramref name="expires"/> from <paramref name="now"/> (default: the current time).
    /// </summary>
    public string Presign(HttpMethod method, string pathAndQuery, TimeSpan expires, DateTimeOffset? now = null)
    {
        var amzDate = (now ?? DateTimeOffset.UtcNow).UtcDateTime.ToString(WireSigner.AmzDateFormat, CultureInfo.InvariantCulture);
        var scope = WireSigner.Scope(amzDate[..8], region);
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        var query = new StringBuilder(q < 0 ? "" : pathAndQuery[(q + 1)..]);
        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append("X-Amz-Algorithm=").Append(WireSigner.Algorithm)
            .Append("&X-Amz-Credential=").Append(WireSigner.Encode($"{accessKey}/{scope}", path: false))
            .Append("&X-Amz-Date=").Append(amzDate)
            .Append("&X-Amz-Expires=").Append(((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture))
            .Append("&X-Amz-SignedHeaders=host");
        var canonical = WireSigner.CanonicalRequest(method.Method, path, query.ToString(), new Dictionary<string, string> { ["host"] = HostHeader() },
            WireSigner.UnsignedPayload, out _);
        var key = WireSigner.SigningKey(secret, amzDate[..8], region);
        var signature = WireSigner.Sign(key, WireSigner.StringToSign(amzDate, scope, canonical));
        return $"{path}?{query}&X-Amz-Signature={signature}";
    }

    /// <summary>
    /// Encodes <paramref name="data"/> as aws-chunked: signed chunks when <paramref name="context"/> is set, else unsigned,
    /// with an x-amz-checksum-crc32 trailer when <paramref name="trailer"/> (format per "Signature calculations for trailing headers").
    /// </summary>
    internal static byte[] EncodeChunked(byte[] data, ChunkSigning? context, bool trailer, int chunkSize, ChunkTamper? tamper = null)
    {
        var output = new MemoryStream();
        void Write(string s) => output.Write(Encoding.ASCII.GetBytes(s));
        var previous = context?.SeedSignature;
        var index = 0;
        for (var offset = 0; ; offset += chunkSize, index++)
        {
            var chunk = data.AsSpan(Math.Min(offset, data.Length), Math.Max(0, Math.Min(chunkSize, data.Length - offset)));
            Write(chunk.Length.ToString("x", CultureInfo.InvariantCulture));
            if (context != null)
            {
                var sig = WireSigner.ChunkSignature(context.Key, context.AmzDate, context.Scope, previous!, chunk);
                previous = sig;
                Write(";chunk-signature=" + (tamper?.BadChunkSignatureIndex == index ? new string('0', 64) : sig));
            }

            Write("\r\n");
            if (chunk.Length == 0)
            {
                break;
            }

            output.Write(chunk);
            Write("\r\n");
        }

        if (trailer)
        {
            var crc = tamper?.TrailerChecksumOverride ?? Convert.ToBase64String(Crc32BigEndian(data));
            var name = tamper?.TrailerName ?? "x-amz-checksum-crc32";
            var trailers = new[] { new KeyValuePair<string, string>(name, crc) };
            Write($"{name}:{crc}\r\n");
            if (context != null)
            {
                var sig = WireSigner.TrailerSignature(context.Key, context.AmzDate, context.Scope, previous!, trailers);
                Write("x-amz-trailer-signature:" + (tamper?.BadTrailerSignature == true ? new string('0', 64) : sig) + "\r\n");
            }
        }

        Write("\r\n");
        return output.ToArray();
    }

    /// <summary>The Content-MD5 value (base64) S3 expects for <paramref name="data"/>.</summary>
    public static string ContentMd5(byte[] data) => Convert.ToBase64String(MD5.HashData(data));

    private string HostHeader()
    {
        var uri = http.BaseAddress ?? throw new InvalidOperationException("HttpClient.BaseAddress must be set.");
        return uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
    }

    /// <summary>S3 checksums are the big-endian CRC32 (IEEE, reflected 0xEDB88320) bytes, base64-encoded.</summary>
    internal static byte[] Crc32BigEndian(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        var value = ~crc;
        return [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
    }
}
