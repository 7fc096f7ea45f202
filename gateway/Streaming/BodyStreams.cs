using Gateway.Auth;
using Gateway.Errors;
using Storage;
using Storage.Checksums;
using Storage.Streams;

namespace Gateway.Streaming;

/// <summary>
/// A request body decoded and verified as far as the transport goes (aws-chunked framing with its chunk and
/// trailer signatures, or the SHA-256 of a signed payload), and what the client declared about its content, as
/// data for storage to check: <see cref="Checks"/>. A checksum sent as a trailer is the stream's own result once it
/// has reached its end (<see cref="ITrailingChecksum"/>); storage reads it there.
/// </summary>
internal sealed record DecodedBody(Stream Stream, BodyDeclaration Declaration, ExpectedChecksum? Checksum)
{
    public BodyChecks Checks => new(Declaration.Length, Declaration.ContentMd5, Checksum);

    /// <summary>The declared checksum's value: sent ahead of the body, or, once the body has been read to its end, behind it.</summary>
    public string? ChecksumValue => Checksum?.Value ?? (Stream as ITrailingChecksum)?.TrailingChecksum;
}

/// <summary>The other half of reading a body: stacks the transport's decoders over the raw body.</summary>
internal static class BodyStreams
{
    public static DecodedBody Open(Stream raw, AuthResult auth, BodyDeclaration declaration)
    {
        Stream stream = raw;
        ExpectedChecksum? checksum = declaration.HeaderAlgorithm is { } h ? new ExpectedChecksum(h, declaration.HeaderValue) : null;
        if (declaration.Streaming)
        {
            var trailer = declaration.TrailerName;
            var chunked = new AwsChunkedStream(raw, auth.Payload == PayloadMode.StreamingUnsignedTrailer ? null : auth.Chunk,
                auth.Payload == PayloadMode.StreamingSignedTrailer, trailer is null ? [] : [trailer], declaration.Length);
            stream = chunked;
            if (declaration.TrailerAlgorithm is { } t)
            {
                checksum = new ExpectedChecksum(t);
                stream = new TrailerChecksumStream(chunked, trailer!, t);
            }
        }
        else if (auth.Payload == PayloadMode.SignedHex)
        {
            var expected = auth.PayloadSha256Hex!;
            var sha = IncrementalChecksum.Create(ChecksumAlgorithm.Sha256);
            stream = new DigestingStream(raw, sha.Append, sha.Finish, digest =>
            {
                if (!string.Equals(Convert.ToHexStringLower(digest), expected, StringComparison.Ordinal))
                {
                    throw new S3Exception(S3ErrorCode.XAmzContentSHA256Mismatch)
                        .With("ClientComputedContentSHA256", expected)
                        .With("S3ComputedContentSHA256", Convert.ToHexStringLower(digest));
                }
            });
        }

        return new DecodedBody(stream, declaration, checksum);
    }

    /// <summary>
    /// Passes an aws-chunked body through and, at its end, validates the checksum trailer and reports it as its
    /// result: storage, which read the body to that end, compares it before it commits.
    /// </summary>
    private sealed class TrailerChecksumStream(AwsChunkedStream inner, string trailerName, ChecksumAlgorithm algorithm) : ReadOnlyStream, ITrailingChecksum
    {
        public string? TrailingChecksum { get; private set; }

        public override int Read(Span<byte> buffer) => Seen(inner.Read(buffer), buffer.IsEmpty);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Seen(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.IsEmpty);

        private int Seen(int n, bool emptyRequest)
        {
            if (n == 0 && !emptyRequest && TrailingChecksum is null && inner.Trailers.TryGetValue(trailerName, out var value))
            {
                if (!ChecksumAlgorithms.IsValidValue(algorithm, value))
                {
                    throw new S3Exception(S3ErrorCode.InvalidRequest, $"Value for {trailerName} trailing header is invalid.");
                }

                TrailingChecksum = value.Trim();
            }

            return n;
        }
    }
}
