using Gateway.Errors;

namespace Gateway.Tests.Errors;

[TestFixture]
internal sealed class S3ErrorTableTests
{
    private static readonly int[] AllowedStatuses = [304, 400, 403, 404, 405, 409, 411, 412, 416, 500, 501, 507];

    private static IEnumerable<S3ErrorCode> AllCodes() => Enum.GetValues<S3ErrorCode>();

    [TestCaseSource(nameof(AllCodes))]
    public void EveryCodeHasAWireCodeEqualToItsNameAStatusAndAMessage(S3ErrorCode code)
    {
        var entry = S3ErrorTable.Lookup(code);
        Assert.Multiple(() =>
        {
            // KMS.NotFoundException is the one wire code with a dot, which a member name cannot have.
            Assert.That(entry.Code.Replace(".", "", StringComparison.Ordinal), Is.EqualTo(code.ToString()));
            Assert.That(AllowedStatuses, Does.Contain(entry.Status));
            Assert.That(entry.Message, Is.Not.Null.And.Not.Empty);
        });
    }

    [Test]
    public void WireCodesAreDistinct()
    {
        var codes = AllCodes().Select(c => S3ErrorTable.Lookup(c).Code).ToList();
        Assert.That(codes, Is.Unique);
        Assert.That(codes, Has.Count.EqualTo(Enum.GetValues<S3ErrorCode>().Length));
    }

    [TestCase(S3ErrorCode.NoSuchKey, 404)]
    [TestCase(S3ErrorCode.NoSuchBucket, 404)]
    [TestCase(S3ErrorCode.NoSuchUpload, 404)]
    [TestCase(S3ErrorCode.InvalidRange, 416)]
    [TestCase(S3ErrorCode.PreconditionFailed, 412)]
    [TestCase(S3ErrorCode.NotModified, 304)]
    [TestCase(S3ErrorCode.NotImplemented, 501)]
    [TestCase(S3ErrorCode.SignatureDoesNotMatch, 403)]
    [TestCase(S3ErrorCode.AccessDenied, 403)]
    [TestCase(S3ErrorCode.InvalidAccessKeyId, 403)]
    [TestCase(S3ErrorCode.RequestTimeTooSkewed, 403)]
    [TestCase(S3ErrorCode.MissingContentLength, 411)]
    [TestCase(S3ErrorCode.MethodNotAllowed, 405)]
    [TestCase(S3ErrorCode.BucketAlreadyExists, 409)]
    [TestCase(S3ErrorCode.BucketAlreadyOwnedByYou, 409)]
    [TestCase(S3ErrorCode.InsufficientStorage, 507)]
    [TestCase(S3ErrorCode.BucketNotEmpty, 409)]
    [TestCase(S3ErrorCode.InternalError, 500)]
    [TestCase(S3ErrorCode.BadDigest, 400)]
    [TestCase(S3ErrorCode.EntityTooLarge, 400)]
    [TestCase(S3ErrorCode.InvalidArgument, 400)]
    [TestCase(S3ErrorCode.MalformedXML, 400)]
    [TestCase(S3ErrorCode.XAmzContentSHA256Mismatch, 400)]
    public void Status(S3ErrorCode code, int status)
    {
        Assert.That(S3ErrorTable.Lookup(code).Status, Is.EqualTo(status));
    }

    [Test]
    public void S3ExceptionUsesTheTableMessageUnlessGivenOne()
    {
        Assert.That(new S3Exception(S3ErrorCode.NoSuchKey).Message, Is.EqualTo("The specified key does not exist."));
        Assert.That(new S3Exception(S3ErrorCode.NoSuchKey, "custom").Message, Is.EqualTo("custom"));
    }

    [Test]
    public void ErrorDocumentIsPinnedWithExtraElementsAndEscaping()
    {
        var error = new S3Exception(S3ErrorCode.SignatureDoesNotMatch, "a & b < c > d")
            .With("StringToSign", "AWS4-HMAC-SHA256\n<x>&\"y\"")
            .With("SignatureProvided", "abc");
        var xml = ErrorDocument.Build(error, "/b/a&b<c>", "req-1", "host-1");
        Assert.That(xml, Is.EqualTo(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" +
            "<Error><Code>SignatureDoesNotMatch</Code><Message>a &amp; b &lt; c &gt; d</Message>" +
            "<StringToSign>AWS4-HMAC-SHA256&#10;&lt;x&gt;&amp;&quot;y&quot;</StringToSign>" +
            "<SignatureProvided>abc</SignatureProvided>" +
            "<Resource>/b/a&amp;b&lt;c&gt;</Resource><RequestId>req-1</RequestId><HostId>host-1</HostId></Error>"));
    }

    [Test]
    public void ErrorDocumentWithTheDefaultMessage()
    {
        var xml = ErrorDocument.Build(new S3Exception(S3ErrorCode.NoSuchBucket), "/b", "r", "h");
        Assert.That(xml, Is.EqualTo(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" +
            "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>" +
            "<Resource>/b</Resource><RequestId>r</RequestId><HostId>h</HostId></Error>"));
    }
}
