using System.Text;
using Gateway.Auth;
using Gateway.Errors;
using Gateway.Streaming;

namespace Gateway.Tests.Streaming;

[TestFixture]
public sealed class AwsChunkedStreamTests
{
    private static readonly ChunkSigningContext Context = new(
        SigV4.DeriveSigningKey("test", "20240301", "us-east-1", "s3"), "20240301T120000Z", "20240301/us-east-1/s3/aws4_request", new string('5', 64));

    private const string Checksum = "x-amz-checksum-crc32";

    /// <summary>Builds a signed (context != null) or unsigned aws-chunked body; the tamper hooks corrupt one part.</summary>
    private static byte[] Build(IReadOnlyList<byte[]> chunks, ChunkSigningContext? context, bool trailer, string checksumValue = "AAAAAA==",
        int badChunk = -1, bool badTrailerSignature = false, string? extraTrailer = null, bool finalCrlf = true)
    {
        var body = new MemoryStream();
        void Write(string s) => body.Write(Encoding.ASCII.GetBytes(s));
        var previous = context?.SeedSignature;
        var all = chunks.Append([]).ToList();
        for (var i = 0; i < all.Count; i++)
        {
            Write(all[i].Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
            if (context != null)
            {
                var sig = SigV4.ChunkSignature(context.SigningKey, context.AmzDate, context.Scope, previous!, all[i]);
                previous = sig;
                Write(";chunk-signature=" + (i == badChunk ? new string('0', 64) : sig));
            }

            Write("\r\n");
            body.Write(all[i]);
            if (all[i].Length > 0)
            {
                Write("\r\n");
            }
        }

        if (trailer)
        {
            var trailers = new List<KeyValuePair<string, string>> { new(Checksum, checksumValue) };
            if (extraTrailer != null)
            {
                trailers.Add(new(extraTrailer, "v"));
            }

            foreach (var (k, v) in trailers)
            {
                Write($"{k}:{v}\r\n");
            }

            if (context != null)
            {
                var sig = SigV4.TrailerSignature(context.SigningKey, context.AmzDate, context.Scope, previous!, trailers);
                Write("x-amz-trailer-signature:" + (badTrailerSignature ? new string('0', 64) : sig) + "\r\n");
            }
        }

        if (finalCrlf)
        {
            Write("\r\n");
        }

        return body.ToArray();
    }

    private static byte[] Data(int size, byte seed) => Enumerable.Range(0, size).Select(i => (byte)(seed + i)).ToArray();

    private static readonly byte[][] ThreeChunks = [Data(8192, 1), Data(8192, 2), Data(100, 3)];

    private static (byte[] Data, AwsChunkedStream Stream) Decode(byte[] body, ChunkSigningContext? context, bool trailer, int readSize, long? length,
        Func<byte[], Stream>? wrap = null)
    {
        var stream = new AwsChunkedStream(wrap?.Invoke(body) ?? new MemoryStream(body), context, trailer && context != null, trailer ? [Checksum] : [], length);
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return (output.ToArray(), stream);
    }

    private static S3ErrorCode FailCode(byte[] body, ChunkSigningContext? context, bool trailer, long? length = null, int readSize = 7)
    {
        var e = Assert.Throws<S3Exception>(() => Decode(body, context, trailer, readSize, length))!;
        return e.Code;
    }

    [TestCase(true, true)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    public void DecodesWithOneByteReadsAndOneByteInnerReads(bool signed, bool trailer)
    {
        var context = signed ? Context : null;
        var body = Build(ThreeChunks, context, trailer);
        var (data, stream) = Decode(body, context, trailer, 1, 16484, b => new TrickleStream(b, 1));
        Assert.That(data, Is.EqualTo(ThreeChunks.SelectMany(c => c).ToArray()));
        Assert.That(stream.Trailers.Count, Is.EqualTo(trailer ? 1 : 0));
    }

    [Test]
    public void EverySplitPointOfASignedBodyWithTrailer()
    {
        byte[][] chunks = [Data(8192, 1), Data(5, 2)];
        var body = Build(chunks, Context, trailer: true, checksumValue: "q1w2e3==");
        var expected = chunks.SelectMany(c => c).ToArray();
        for (var split = 0; split <= body.Length; split += split < 100 || split > body.Length - 300 ? 1 : 97)
        {
            var (data, stream) = Decode(body, Context, true, 4096, null, b => new SplitStream(b, split));
            Assert.That(data, Is.EqualTo(expected), $"split {split}");
            Assert.That(stream.Trailers[Checksum], Is.EqualTo("q1w2e3=="));
        }
    }

    /// <summary>
    /// The asynchronous form reads chunk data straight into the caller's buffer and the framing through a small buffer
    /// of its own: every read size against every inner delivery size, signed and unsigned, decodes the same bytes and
    /// keeps the trailer.
    /// </summary>
    [TestCase(true, true)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    public async Task AsyncReadsOfEverySizeDecodeTheSameBytes(bool signed, bool trailer)
    {
        var context = signed ? Context : null;
        byte[][] chunks = [Data(8192, 5), Data(70000, 6), Data(8193, 7), Data(1, 8)];
        var body = Build(chunks, context, trailer, checksumValue: "q1w2e3==");
        var expected = chunks.SelectMany(c => c).ToArray();
        foreach (var inner in new[] { 1, 3, 90, 256, 4096, 1 << 20 })
        {
            foreach (var read in new[] { 1, 5, 255, 8192, 65536, 300000 })
            {
                using var stream = new AwsChunkedStream(new TrickleStream(body, inner), context, trailer && signed, trailer ? [Checksum] : [], expected.Length);
                var output = new MemoryStream();
                var buffer = new byte[read];
                int n;
                while ((n = await stream.ReadAsync(buffer)) > 0)
                {
                    Assert.That(n, Is.LessThanOrEqualTo(read));
                    output.Write(buffer, 0, n);
                }

                Assert.That(output.ToArray(), Is.EqualTo(expected), $"inner {inner}, read {read}");
                Assert.That(stream.Trailers.GetValueOrDefault(Checksum), Is.EqualTo(trailer ? "q1w2e3==" : null), $"inner {inner}, read {read}");
            }
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task AnAsyncReadThatEndsABadChunkThrowsBeforeAnyLaterData(int badChunk)
    {
        var body = Build(ThreeChunks, Context, trailer: false, badChunk: badChunk);
        using var stream = new AwsChunkedStream(new MemoryStream(body), Context, false, [], null);
        var buffer = new byte[4096];
        var returned = new MemoryStream();
        var e = Assert.ThrowsAsync<S3Exception>(async () =>
        {
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                returned.Write(buffer, 0, n);
            }
        })!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.SignatureDoesNotMatch));
        // Chunks are counted from 0 here: the bad one's last byte never comes out, nor anything after it.
        var good = ThreeChunks.Take(badChunk).SelectMany(c => c).ToArray();
        Assert.That(returned.Length, Is.GreaterThanOrEqualTo(good.Length).And.LessThan(good.Length + ThreeChunks[badChunk].Length));
        Assert.That(returned.ToArray(), Is.EqualTo(ThreeChunks.SelectMany(c => c).Take((int)returned.Length).ToArray()));
        Assert.ThrowsAsync<S3Exception>(async () => _ = await stream.ReadAsync(buffer), "a failed stream stays failed");
    }

    [Test]
    public async Task AsyncReadsDecodeToo()
    {
        var body = Build(ThreeChunks, Context, trailer: true);
        using var stream = new AwsChunkedStream(new TrickleStream(body, 3), Context, true, [Checksum], null);
        var output = new MemoryStream();
        await stream.CopyToAsync(output);
        Assert.That(output.ToArray(), Is.EqualTo(ThreeChunks.SelectMany(c => c).ToArray()));
    }

    [Test]
    public void MissingFinalCrlfIsTolerated()
    {
        var body = Build(ThreeChunks, Context, trailer: true, finalCrlf: false);
        Assert.That(Decode(body, Context, true, 100, null).Data, Has.Length.EqualTo(16484));
    }

    [Test]
    public void BadChunkSignatureThrowsBeforeTheChunkEnds()
    {
        var body = Build(ThreeChunks, Context, trailer: false, badChunk: 1);
        var stream = new AwsChunkedStream(new MemoryStream(body), Context, false, [], null);
        var buffer = new byte[8192];
        Assert.That(stream.Read(buffer), Is.EqualTo(8192));
        var e = Assert.Throws<S3Exception>(() =>
        {
            while (stream.Read(buffer) > 0)
            {
            }
        })!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.SignatureDoesNotMatch));
        Assert.That(e.Extra.Any(x => x.Key == "StringToSign"), Is.True);
    }

    [Test]
    public void BadFinalChunkSignature() => Assert.That(FailCode(Build(ThreeChunks, Context, false, badChunk: 3), Context, false), Is.EqualTo(S3ErrorCode.SignatureDoesNotMatch));

    [Test]
    public void WrongTrailerSignature() =>
        Assert.That(FailCode(Build(ThreeChunks, Context, true, badTrailerSignature: true), Context, true), Is.EqualTo(S3ErrorCode.SignatureDoesNotMatch));

    [Test]
    public void TamperedTrailerValueBreaksTheTrailerSignature()
    {
        var body = Encoding.ASCII.GetString(Build(ThreeChunks, Context, true)).Replace("AAAAAA==", "BBBBBB==", StringComparison.Ordinal);
        Assert.That(FailCode(Encoding.ASCII.GetBytes(body), Context, true), Is.EqualTo(S3ErrorCode.SignatureDoesNotMatch));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void TruncatedBodies(bool signed)
    {
        var context = signed ? Context : null;
        var body = Build(ThreeChunks, context, trailer: !signed);
        var finalChunk = Encoding.ASCII.GetString(body).LastIndexOf(signed ? "\r\n0;" : "\r\n0\r\n", StringComparison.Ordinal);
        foreach (var cut in new[] { 0, 3, 100, 8192 + 40, finalChunk, finalChunk + 2 })
        {
            Assert.That(FailCode(body[..cut], context, !signed), Is.EqualTo(S3ErrorCode.IncompleteBody), $"cut at {cut}");
        }
    }

    [Test]
    public void DecodedLengthMismatch()
    {
        var body = Build(ThreeChunks, Context, false);
        Assert.That(FailCode(body, Context, false, length: 16485), Is.EqualTo(S3ErrorCode.IncompleteBody));
        Assert.That(FailCode(body, Context, false, length: 16483), Is.EqualTo(S3ErrorCode.IncompleteBody));
    }

    [Test]
    public void ExtraBytesAfterTheEnd()
    {
        byte[] body = [.. Build(ThreeChunks, Context, true), .. "junk"u8];
        Assert.That(FailCode(body, Context, true), Is.EqualTo(S3ErrorCode.InvalidRequest));
    }

    [Test]
    public void SmallNonFinalSignedChunk()
    {
        var body = Build([Data(100, 1), Data(100, 2)], Context, false);
        var e = Assert.Throws<S3Exception>(() => Decode(body, Context, false, 64, null))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidChunkSizeError));
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("BadChunkSize", "100")));
        Assert.That(Decode(Build([Data(100, 1), Data(100, 2)], null, true), null, true, 64, null).Data, Has.Length.EqualTo(200), "unsigned streams may use small chunks");
    }

    [TestCase("zz;chunk-signature=")]
    [TestCase("10000000000000000;chunk-signature=")]
    public void MalformedSizeLine(string prefix)
    {
        var body = Encoding.ASCII.GetBytes(prefix + new string('0', 64) + "\r\n");
        Assert.That(FailCode(body, Context, false), Is.EqualTo(S3ErrorCode.InvalidRequest));
    }

    [Test]
    public void OverlongSizeLineAndMissingCrlf()
    {
        Assert.That(FailCode(Encoding.ASCII.GetBytes("5;" + new string('a', 5000)), null, true), Is.EqualTo(S3ErrorCode.InvalidRequest));
        Assert.That(FailCode(Encoding.ASCII.GetBytes("5\nhello\r\n0\r\n\r\n"), null, false), Is.EqualTo(S3ErrorCode.InvalidRequest));
        Assert.That(FailCode(Encoding.ASCII.GetBytes("5\r\nhelloXX0\r\n\r\n"), null, false), Is.EqualTo(S3ErrorCode.InvalidRequest));
    }

    [Test]
    public void TrailerProblems()
    {
        Assert.That(FailCode(Build(ThreeChunks, null, true, extraTrailer: "x-amz-meta-sneaky"), null, true), Is.EqualTo(S3ErrorCode.MalformedTrailerError), "undeclared trailer");
        var noTrailer = Build(ThreeChunks, null, trailer: false);
        Assert.That(FailCode(noTrailer, null, true), Is.EqualTo(S3ErrorCode.MalformedTrailerError), "declared trailer missing");
        var signedNoSig = Build(ThreeChunks, null, trailer: true);
        Assert.Throws<S3Exception>(() => Decode(signedNoSig, Context, true, 64, null));
    }

    /// <summary>Returns at most <c>max</c> bytes per Read.</summary>
    private sealed class TrickleStream(byte[] data, int max) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, max));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, max)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, max)], cancellationToken);
    }

    /// <summary>The first Read ends exactly at <c>split</c>; later reads return the rest.</summary>
    private sealed class SplitStream(byte[] data, int split) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            var limit = Position < split ? (int)(split - Position) : count;
            return base.Read(buffer, offset, Math.Min(count, Math.Max(limit, 1)));
        }

        public override int Read(Span<byte> buffer) => throw new NotSupportedException();
    }
}
