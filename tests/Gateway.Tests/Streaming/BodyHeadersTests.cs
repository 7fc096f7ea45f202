using Gateway.Auth;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Streaming;
using Storage.Checksums;

namespace Gateway.Tests.Streaming;

/// <summary>BodyHeaders.Parse: what a write's headers declare about its body, and S3's error for every bad combination.</summary>
[TestFixture]
internal sealed class BodyHeadersTests
{
    private const string Crc32OfNothing = "AAAAAA==";
    private const string Sha256Of32Zeros = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    private static BodyDeclaration Parse(PayloadMode mode, params (string, string)[] headers) =>
        BodyHeaders.Parse(RequestHeaders.From(headers), mode);

    private static S3Exception Fails(PayloadMode mode, params (string, string)[] headers) =>
        Assert.Throws<S3Exception>(() => Parse(mode, headers))!;

    [Test]
    public void APlainBodyIsItsContentLength() =>
        Assert.That(Parse(PayloadMode.SignedHex, ("Content-Length", "12")), Is.EqualTo(new BodyDeclaration(false, 12, null, null, null, null)));

    [Test]
    public void AnAwsChunkedBodyIsItsDecodedLength()
    {
        var d = Parse(PayloadMode.StreamingSignedTrailer, ("Content-Length", "999"), ("x-amz-decoded-content-length", "12"), ("x-amz-trailer", "x-amz-checksum-crc32"));
        Assert.That((d.Streaming, d.Length, d.TrailerAlgorithm, d.TrailerName, d.ClientAlgorithm),
            Is.EqualTo((true, 12L, (ChecksumAlgorithm?)ChecksumAlgorithm.Crc32, "x-amz-checksum-crc32", (ChecksumAlgorithm?)ChecksumAlgorithm.Crc32)));
    }

    [Test]
    public void ChunkedTransferWithoutALengthIsAllowedButNoLengthAtAllIsNot()
    {
        Assert.That(Parse(PayloadMode.Unsigned, ("Transfer-Encoding", "chunked")).Length, Is.Null);
        Assert.That(Fails(PayloadMode.Unsigned).Code, Is.EqualTo(S3ErrorCode.MissingContentLength));
        Assert.That(Fails(PayloadMode.StreamingSigned, ("Content-Length", "5")).Code, Is.EqualTo(S3ErrorCode.MissingContentLength));
        Assert.That(Fails(PayloadMode.StreamingSigned, ("x-amz-decoded-content-length", "-1")).Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(Fails(PayloadMode.StreamingSigned, ("x-amz-decoded-content-length", "1e3")).Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
    }

    [Test]
    public void ContentMd5MustBeSixteenBytesOfBase64()
    {
        var md5 = new byte[16];
        md5[0] = 0xAB;
        Assert.That(Parse(PayloadMode.Unsigned, ("Content-Length", "0"), ("Content-MD5", Convert.ToBase64String(md5))).ContentMd5, Is.EqualTo(md5));
        Assert.That(Fails(PayloadMode.Unsigned, ("Content-Length", "0"), ("Content-MD5", Convert.ToBase64String(new byte[15]))).Code, Is.EqualTo(S3ErrorCode.InvalidDigest));
        Assert.That(Fails(PayloadMode.Unsigned, ("Content-Length", "0"), ("Content-MD5", "not-base64")).Code, Is.EqualTo(S3ErrorCode.InvalidDigest));
    }

    [Test]
    public void AChecksumHeaderIsValidatedAndKept()
    {
        var d = Parse(PayloadMode.Unsigned, ("Content-Length", "0"), ("x-amz-checksum-sha256", " " + Sha256Of32Zeros + " "));
        Assert.That((d.HeaderAlgorithm, d.HeaderValue), Is.EqualTo(((ChecksumAlgorithm?)ChecksumAlgorithm.Sha256, Sha256Of32Zeros)));
        var e = Fails(PayloadMode.Unsigned, ("Content-Length", "0"), ("x-amz-checksum-sha256", Crc32OfNothing));
        Assert.That((e.Code, e.Message), Is.EqualTo((S3ErrorCode.InvalidRequest, "Value for x-amz-checksum-sha256 header is invalid.")));
    }

    [Test]
    public void OneChecksumAtMost()
    {
        var e = Fails(PayloadMode.Unsigned, ("Content-Length", "0"), ("x-amz-checksum-crc32", Crc32OfNothing), ("x-amz-checksum-crc32c", Crc32OfNothing));
        Assert.That(e.Message, Is.EqualTo("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."));
        e = Fails(PayloadMode.StreamingUnsignedTrailer, ("x-amz-decoded-content-length", "0"), ("x-amz-checksum-crc32", Crc32OfNothing), ("x-amz-trailer", "x-amz-checksum-crc32c"));
        Assert.That(e.Message, Is.EqualTo("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."));
    }

    [Test]
    public void TrailersNeedATrailerPayloadAndAKnownName()
    {
        Assert.That(Fails(PayloadMode.StreamingSigned, ("x-amz-decoded-content-length", "0"), ("x-amz-trailer", "x-amz-checksum-crc32")).Message,
            Is.EqualTo("The x-amz-trailer header is only allowed with a STREAMING-*-TRAILER payload."));
        Assert.That(Fails(PayloadMode.StreamingUnsignedTrailer, ("x-amz-decoded-content-length", "0"), ("x-amz-trailer", "x-amz-meta-a")).Message,
            Is.EqualTo("The trailer x-amz-meta-a is not supported."));
        Assert.That(Parse(PayloadMode.StreamingUnsignedTrailer, ("x-amz-decoded-content-length", "0"), ("x-amz-trailer", " X-Amz-Checksum-CRC64NVME ")).TrailerAlgorithm,
            Is.EqualTo(ChecksumAlgorithm.Crc64Nvme));
    }

    [Test]
    public void TheSdkAlgorithmMustNameTheChecksumSent()
    {
        Assert.That(Parse(PayloadMode.Unsigned, ("Content-Length", "0"), ("x-amz-checksum-crc32", Crc32OfNothing), ("x-amz-sdk-checksum-algorithm", "crc32")).HeaderAlgorithm,
            Is.EqualTo(ChecksumAlgorithm.Crc32));
        Assert.That(Fails(PayloadMode.Unsigned, ("Content-Length", "0"), ("x-amz-sdk-checksum-algorithm", "CRC32")).Message,
            Is.EqualTo("x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found."));
        Assert.That(Fails(PayloadMode.Unsigned, ("Content-Length", "0"), ("x-amz-checksum-crc32", Crc32OfNothing), ("x-amz-sdk-checksum-algorithm", "SHA1")).Message,
            Is.EqualTo("Value for x-amz-sdk-checksum-algorithm header is invalid."));
        Assert.That(Fails(PayloadMode.Unsigned, ("Content-Length", "0"), ("x-amz-sdk-checksum-algorithm", "MD4")).Message,
            Is.EqualTo("Value for x-amz-sdk-checksum-algorithm header is invalid."));
    }

    [Test]
    public void CompleteMultipartUploadsChecksumHeadersAreNotTheDocuments()
    {
        var d = BodyHeaders.Parse(RequestHeaders.From([("Content-Length", "10"), ("x-amz-checksum-crc32", "garbage"), ("x-amz-sdk-checksum-algorithm", "CRC32")]),
            PayloadMode.Unsigned, checksumHeadersDescribeBody: false);
        Assert.That((d.HeaderAlgorithm, d.Length), Is.EqualTo(((ChecksumAlgorithm?)null, 10L)));
    }
}
