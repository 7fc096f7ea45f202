using System.Globalization;
using Gateway.Auth;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Storage.Checksums;

namespace Gateway.Streaming;

/// <summary>What the headers of a write request say about its body: its framing, length and declared digests.</summary>
/// <param name="Streaming">aws-chunked (STREAMING-* payload): the length is the decoded length.</param>
/// <param name="Length">Content-Length, or x-amz-decoded-content-length for aws-chunked; null for an unframed chunked transfer.</param>
/// <param name="ContentMd5">The Content-MD5 digest, decoded.</param>
/// <param name="HeaderAlgorithm">The algorithm of the x-amz-checksum-* header, when one was sent.</param>
/// <param name="HeaderValue">That header's (base64) value.</param>
/// <param name="TrailerAlgorithm">The algorithm of the checksum trailer announced by x-amz-trailer.</param>
internal sealed record BodyDeclaration(
    bool Streaming, long? Length, byte[]? ContentMd5, ChecksumAlgorithm? HeaderAlgorithm, string? HeaderValue, ChecksumAlgorithm? TrailerAlgorithm)
{
    /// <summary>The algorithm the client declared a checksum of, in a header or a trailer.</summary>
    public ChecksumAlgorithm? ClientAlgorithm => HeaderAlgorithm ?? TrailerAlgorithm;

    /// <summary>The trailer's header name (x-amz-checksum-crc32 ...), when one was announced.</summary>
    public string? TrailerName => TrailerAlgorithm is { } a ? ChecksumNames.HeaderName(a) : null;
}

/// <summary>
/// The pure half of reading a body: parses and checks the payload and checksum headers, before a body byte is
/// read, with S3's errors for each bad combination.
/// </summary>
internal static class BodyHeaders
{
    /// <param name="headers">The request's headers.</param>
    /// <param name="payload">The payload mode the signature declared (x-amz-content-sha256).</param>
    /// <param name="checksumHeadersDescribeBody">
    /// False for CompleteMultipartUpload, whose x-amz-checksum-* headers carry the whole object's checksum, not the
    /// request document's.
    /// </param>
    public static BodyDeclaration Parse(RequestHeaders headers, PayloadMode payload, bool checksumHeadersDescribeBody = true)
    {
        var streaming = payload is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer;
        long? length;
        if (streaming)
        {
            var decoded = headers["x-amz-decoded-content-length"]
                ?? throw new S3Exception(S3ErrorCode.MissingContentLength, "You must provide the x-amz-decoded-content-length header with aws-chunked content.");
            length = long.TryParse(decoded, NumberStyles.None, CultureInfo.InvariantCulture, out var d)
                ? d : throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-decoded-content-length is not a number.");
        }
        else
        {
            length = long.TryParse(headers["Content-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
            if (length is null && !(headers["Transfer-Encoding"] ?? "").Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new S3Exception(S3ErrorCode.MissingContentLength);
            }
        }

        var md5 = ParseContentMd5(headers["Content-MD5"]);
        var (headerAlgorithm, headerValue) = checksumHeadersDescribeBody ? ChecksumHeader(headers) : (null, null);
        var trailerName = headers["x-amz-trailer"]?.Trim().ToLowerInvariant();
        ChecksumAlgorithm? trailerAlgorithm = null;
        if (!string.IsNullOrEmpty(trailerName))
        {
            if (payload is not (PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "The x-amz-trailer header is only allowed with a STREAMING-*-TRAILER payload.");
            }

            if (!ChecksumNames.TryParseHeaderName(trailerName, out var ta))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, $"The trailer {trailerName} is not supported.");
            }

            if (headerAlgorithm is not null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }

            trailerAlgorithm = ta;
        }

        var sdkAlgorithm = headers["x-amz-sdk-checksum-algorithm"];
        if (sdkAlgorithm is not null && checksumHeadersDescribeBody)
        {
            if (!ChecksumNames.TryParse(sdkAlgorithm, out var sa))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.");
            }

            if ((headerAlgorithm ?? trailerAlgorithm) is not { } declared)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.");
            }

            if (declared != sa)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.");
            }
        }

        return new BodyDeclaration(streaming, length, md5, headerAlgorithm, headerValue, trailerAlgorithm);
    }

    public static byte[]? ParseContentMd5(string? header)
    {
        if (header is null)
        {
            return null;
        }

        var bytes = new byte[16];
        if (!Convert.TryFromBase64String(header.Trim(), bytes, out var n) || n != 16)
        {
            throw new S3Exception(S3ErrorCode.InvalidDigest);
        }

        return bytes;
    }

    /// <summary>The x-amz-checksum-* headers that are not checksums: they say how to treat one.</summary>
    private static readonly HashSet<string> ChecksumSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-amz-checksum-algorithm", "x-amz-checksum-type", "x-amz-checksum-mode",
    };

    /// <summary>
    /// The one x-amz-checksum-* header of the request, validated; (null, null) when there is none. A checksum header of
    /// an algorithm the gateway does not know is refused rather than ignored: a client that sent one expects it checked.
    /// </summary>
    public static (ChecksumAlgorithm? Algorithm, string? Value) ChecksumHeader(RequestHeaders headers)
    {
        foreach (var name in headers.NamesStartingWith("x-amz-checksum-"))
        {
            if (!ChecksumSettings.Contains(name) && !ChecksumNames.TryParseHeaderName(name, out _))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest,
                    $"The {name} header names no checksum algorithm S3 knows; the valid ones are {string.Join(", ", ChecksumNames.HeaderNames)}.");
            }
        }

        ChecksumAlgorithm? found = null;
        string? value = null;
        foreach (var alg in ChecksumAlgorithms.All)
        {
            var v = headers[ChecksumNames.HeaderName(alg)];
            if (v is null)
            {
                continue;
            }

            if (found is not null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }

            if (!ChecksumAlgorithms.IsValidValue(alg, v))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, $"Value for {ChecksumNames.HeaderName(alg)} header is invalid.");
            }

            found = alg;
            value = v.Trim();
        }

        return (found, value);
    }
}
