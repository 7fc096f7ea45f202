using Gateway.Auth;
using Gateway.Errors;
using Gateway.Handlers;
using Storage.Checksums;
using Storage.Metadata;

namespace Gateway.Streaming;

/// <summary>
/// The decoded, verifying body of a write request, built by stacking readers over Kestrel's body:
/// aws-chunked decoding (chunk and trailer signatures), then the SHA-256 of a signed payload, then the flexible
/// checksum (from a header or a trailer). Each layer throws from the read that reaches the end of the body if
/// its check fails, so storage, which commits only after end-of-body, never commits a body that failed.
/// Every header is checked here, before a body byte is read.
/// </summary>
internal sealed class RequestBody
{
    private RequestBody(Stream stream, long? length, byte[]? contentMd5, ChecksumAlgorithm? clientChecksum, Func<StoredChecksum?> checksumAtEnd)
    {
        Stream = stream;
        DeclaredLength = length;
        ContentMd5 = contentMd5;
        ClientChecksum = clientChecksum;
        ChecksumAtEnd = checksumAtEnd;
    }

    public Stream Stream { get; }

    /// <summary>The decoded length the client declared (Content-Length or x-amz-decoded-content-length).</summary>
    public long? DeclaredLength { get; }

    /// <summary>The Content-MD5 the client sent, checked by storage against the MD5 it computes anyway.</summary>
    public byte[]? ContentMd5 { get; }

    /// <summary>The checksum algorithm the client supplied a value for, if any (echoed in the response).</summary>
    public ChecksumAlgorithm? ClientChecksum { get; }

    /// <summary>The checksum to store, valid once the body has been read to its end.</summary>
    public Func<StoredChecksum?> ChecksumAtEnd { get; }

    private readonly Dictionary<ChecksumAlgorithm, string> _computed = [];

    /// <summary>The base64 checksum computed over the body for <paramref name="algorithm"/>, once the body has been read to its end.</summary>
    public string Computed(ChecksumAlgorithm algorithm) =>
        _computed.TryGetValue(algorithm, out var v) ? v : throw new InvalidOperationException($"{algorithm} was not computed or the body was not read to its end.");

    /// <param name="ctx">The request.</param>
    /// <param name="defaultChecksum">Computed and stored when the client sends none (S3 stores CRC64NVME).</param>
    /// <param name="alsoCompute">Computed as well, whatever the client sends (a multipart upload's tracked algorithm).</param>
    /// <param name="checksumHeadersDescribeBody">
    /// False for CompleteMultipartUpload, whose x-amz-checksum-* headers carry the whole object's checksum, not the
    /// request document's.
    /// </param>
    public static RequestBody Open(S3Context ctx, ChecksumAlgorithm? defaultChecksum, ChecksumAlgorithm? alsoCompute = null, bool checksumHeadersDescribeBody = true)
    {
        var auth = ctx.Auth;
        var streaming = auth.Payload is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer;
        long? length;
        if (streaming)
        {
            var decoded = ctx.Header("x-amz-decoded-content-length")
                ?? throw new S3Exception(S3ErrorCode.MissingContentLength, "You must provide the x-amz-decoded-content-length header with aws-chunked content.");
            length = long.TryParse(decoded, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d)
                ? d : throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-decoded-content-length is not a number.");
        }
        else
        {
            length = ctx.Request.ContentLength;
            if (length is null && !ctx.Request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new S3Exception(S3ErrorCode.MissingContentLength);
            }
        }

        var md5 = ParseContentMd5(ctx.Header("Content-MD5"));
        var (headerAlgorithm, headerValue) = checksumHeadersDescribeBody ? ChecksumHeader(ctx) : (null, null);
        var trailerName = ctx.Header("x-amz-trailer")?.Trim().ToLowerInvariant();
        ChecksumAlgorithm? trailerAlgorithm = null;
        if (!string.IsNullOrEmpty(trailerName))
        {
            if (auth.Payload is not (PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "The x-amz-trailer header is only allowed with a STREAMING-*-TRAILER payload.");
            }

            if (!ChecksumAlgorithms.TryParseHeaderName(trailerName, out var ta))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, $"The trailer {trailerName} is not supported.");
            }

            if (headerAlgorithm is not null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }

            trailerAlgorithm = ta;
        }

        var sdkAlgorithm = ctx.Header("x-amz-sdk-checksum-algorithm");
        if (sdkAlgorithm is not null && checksumHeadersDescribeBody)
        {
            if (!ChecksumAlgorithms.TryParse(sdkAlgorithm, out var sa))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.");
            }

            if ((headerAlgorithm ?? trailerAlgorithm) is null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.");
            }

            if ((headerAlgorithm ?? trailerAlgorithm) != sa)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.");
            }
        }

        Stream stream = ctx.Request.Body;
        AwsChunkedStream? chunked = null;
        if (streaming)
        {
            var trailers = trailerName is null ? Array.Empty<string>() : new[] { trailerName };
            chunked = new AwsChunkedStream(stream, auth.Payload == PayloadMode.StreamingUnsignedTrailer ? null : auth.Chunk,
                auth.Payload == PayloadMode.StreamingSignedTrailer, trailers, length);
            stream = chunked;
        }
        else if (auth.Payload == PayloadMode.SignedHex)
        {
            var expected = auth.PayloadSha256Hex!;
            var sha = IncrementalChecksum.Create(ChecksumAlgorithm.Sha256);
            stream = new DigestingStream(stream, sha.Append, sha.Finish, digest =>
            {
                if (!string.Equals(Convert.ToHexStringLower(digest), expected, StringComparison.Ordinal))
                {
                    throw new S3Exception(S3ErrorCode.XAmzContentSHA256Mismatch)
                        .With("ClientComputedContentSHA256", expected)
                        .With("S3ComputedContentSHA256", Convert.ToHexStringLower(digest));
                }
            });
        }

        var algorithm = headerAlgorithm ?? trailerAlgorithm ?? defaultChecksum;
        RequestBody? result = null;
        if (alsoCompute is { } extra && extra != algorithm)
        {
            var extraChecksum = IncrementalChecksum.Create(extra);
            stream = new DigestingStream(stream, extraChecksum.Append, extraChecksum.Finish, digest => result!._computed[extra] = Convert.ToBase64String(digest));
        }

        if (algorithm is not { } alg)
        {
            return result = new RequestBody(stream, length, md5, null, () => null);
        }

        var checksum = IncrementalChecksum.Create(alg);
        string? computed = null;
        var verifying = new DigestingStream(stream, checksum.Append, checksum.Finish, digest =>
        {
            computed = Convert.ToBase64String(digest);
            result!._computed[alg] = computed;
            var expected = headerValue;
            if (trailerAlgorithm is not null)
            {
                expected = chunked!.Trailers.GetValueOrDefault(trailerName!)
                    ?? throw new S3Exception(S3ErrorCode.InvalidRequest, $"The trailer {trailerName} was declared but not sent.");
                if (!ValidChecksumValue(alg, expected))
                {
                    throw new S3Exception(S3ErrorCode.InvalidRequest, $"Value for {trailerName} trailing header is invalid.");
                }
            }

            if (expected is not null && expected != computed)
            {
                throw new S3Exception(S3ErrorCode.BadDigest, $"The {ChecksumAlgorithms.WireName(alg)} you specified did not match the calculated checksum.");
            }
        });
        var clientAlgorithm = headerAlgorithm ?? trailerAlgorithm;
        return result = new RequestBody(verifying, length, md5, clientAlgorithm,
            () => new StoredChecksum(ChecksumAlgorithms.WireName(alg), computed ?? throw new InvalidOperationException("Body not read to its end."), "FULL_OBJECT"));
    }

    private static byte[]? ParseContentMd5(string? header)
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

    private static (ChecksumAlgorithm? Algorithm, string? Value) ChecksumHeader(S3Context ctx)
    {
        ChecksumAlgorithm? found = null;
        string? value = null;
        foreach (var alg in ChecksumAlgorithms.All)
        {
            var v = ctx.Header(ChecksumAlgorithms.HeaderName(alg));
            if (v is null)
            {
                continue;
            }

            if (found is not null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }

            if (!ValidChecksumValue(alg, v))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, $"Value for {ChecksumAlgorithms.HeaderName(alg)} header is invalid.");
            }

            found = alg;
            value = v.Trim();
        }

        return (found, value);
    }

    private static bool ValidChecksumValue(ChecksumAlgorithm alg, string value)
    {
        Span<byte> buffer = stackalloc byte[64];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var n) && n == ChecksumAlgorithms.DigestSize(alg);
    }
}
