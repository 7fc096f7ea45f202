using System.Text;
using System.Xml.Linq;
using Gateway.Errors;
using Storage.Checksums;
using Storage.Faults;

namespace Gateway.Tests.Handlers;

/// <summary>Create, UploadPart, UploadPartCopy, ListParts, ListMultipartUploads, Complete and Abort as values.</summary>
[TestFixture]
internal sealed class MultipartHandlersTests
{
    private HandlerHarness _h = null!;

    [SetUp]
    public void SetUp()
    {
        _h = new HandlerHarness();
        _h.Storage.Buckets.Create("bkt", HandlerHarness.Account);
    }

    [TearDown]
    public void TearDown() => _h.Dispose();

    private static string Element(string xml, string name) => XDocument.Parse(xml).Descendants().First(e => e.Name.LocalName == name).Value;

    private static string Crc32(byte[] data) => Convert.ToBase64String(IncrementalChecksum.Compute(ChecksumAlgorithm.Crc32, data));

    private async Task<string> Create(string key, Dictionary<string, string>? headers = null) =>
        Element((await _h.Send("POST", $"/bkt/{key}?uploads", [], headers)).BodyText, "UploadId");

    [Test]
    public async Task CreateAnswersTheUploadIdAndTheDeclaredChecksum()
    {
        var r = await _h.Send("POST", "/bkt/k?uploads", [], new() { ["x-amz-checksum-algorithm"] = "crc32" });
        Assert.That((r.Status, r.Header("x-amz-checksum-algorithm"), r.Header("x-amz-checksum-type")), Is.EqualTo((200, "CRC32", "COMPOSITE")));
        var id = Element(r.BodyText, "UploadId");
        Assert.That(r.BodyText, Is.EqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
            $"<Bucket>bkt</Bucket><Key>k</Key><UploadId>{id}</UploadId></InitiateMultipartUploadResult>"));
    }

    [TestCase("SHA256", "FULL_OBJECT", "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.")]
    [TestCase("CRC64NVME", "COMPOSITE", "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.")]
    [TestCase("MD4", null, "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256, MD5, SHA512, XXHASH64, XXHASH3, XXHASH128]")]
    [TestCase(null, "COMPOSITE", "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")]
    public void CreateRefusesBadChecksumDeclarations(string? algorithm, string? type, string message)
    {
        var headers = new Dictionary<string, string>();
        if (algorithm is not null)
        {
            headers["x-amz-checksum-algorithm"] = algorithm;
        }

        if (type is not null)
        {
            headers["x-amz-checksum-type"] = type;
        }

        var e = Assert.CatchAsync(() => _h.Send("POST", "/bkt/k?uploads", [], headers))!;
        var s3 = e as S3Exception ?? FaultMap.ToS3((StorageException)e);
        Assert.That((s3.Code, s3.Message), Is.EqualTo((S3ErrorCode.InvalidRequest, message)));
    }

    [Test]
    public async Task PartsListAndCompleteIntoOneObject()
    {
        var id = await Create("k");
        byte[] a = [.. Enumerable.Repeat((byte)'a', 5)], b = [.. Enumerable.Repeat((byte)'b', 3)];
        var p1 = await _h.Send("PUT", $"/bkt/k?partNumber=1&uploadId={id}", a, new() { ["x-amz-checksum-crc32"] = Crc32(a) });
        Assert.That(p1.Header("x-amz-checksum-crc32"), Is.EqualTo(Crc32(a)), "the declared checksum is echoed");
        Assert.That(p1.Header("x-amz-checksum-crc64nvme"), Is.Null, "an upload without an algorithm echoes only what was sent");
        var p2 = await _h.Send("PUT", $"/bkt/k?partNumber=2&uploadId={id}", b);

        var list = await _h.Send("GET", $"/bkt/k?uploadId={id}");
        Assert.That(XDocument.Parse(list.BodyText).Descendants().Where(e => e.Name.LocalName == "PartNumber").Select(e => e.Value), Is.EqualTo(new[] { "1", "2" }));
        var uploads = await _h.Send("GET", "/bkt?uploads");
        Assert.That(Element(uploads.BodyText, "UploadId"), Is.EqualTo(id));

        var complete = await _h.Send("POST", $"/bkt/k?uploadId={id}",
            $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{p1.Header("ETag")}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>{p2.Header("ETag")}</ETag></Part></CompleteMultipartUpload>");
        Assert.That(Element(complete.BodyText, "Location"), Is.EqualTo("http://127.0.0.1:9000/bkt/k"));
        Assert.That(Element(complete.BodyText, "ETag"), Does.EndWith("-2\""));
        Assert.That(Element(complete.BodyText, "ChecksumType"), Is.EqualTo("FULL_OBJECT"));
        var get = await _h.Send("GET", "/bkt/k");
        Assert.That(Encoding.ASCII.GetString(await HandlerHarness.BodyOf(get)), Is.EqualTo("aaaaabbb"));
    }

    [Test]
    public async Task ACompositeUploadNeedsEachPartsChecksum()
    {
        var id = await Create("k", new() { ["x-amz-checksum-algorithm"] = "CRC32" });
        var e = Assert.ThrowsAsync<StorageException>(() => _h.Send("PUT", $"/bkt/k?partNumber=1&uploadId={id}", [1, 2, 3]))!;
        Assert.That(FaultMap.ToS3(e).Message, Is.EqualTo("Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: null"));
        byte[] data = [1, 2, 3];
        var part = await _h.Send("PUT", $"/bkt/k?partNumber=1&uploadId={id}", data, new() { ["x-amz-checksum-crc32"] = Crc32(data) });
        var missing = Assert.ThrowsAsync<StorageException>(() => _h.Send("POST", $"/bkt/k?uploadId={id}",
            $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{part.Header("ETag")}</ETag></Part></CompleteMultipartUpload>"))!;
        Assert.That(missing.Fault, Is.EqualTo(StorageFault.MissingPartChecksum));
        var wrongWhole = Assert.ThrowsAsync<StorageException>(() => _h.Send("POST", $"/bkt/k?uploadId={id}",
            $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{part.Header("ETag")}</ETag></Part></CompleteMultipartUpload>",
            new() { ["x-amz-checksum-crc32"] = "AAAAAA==" }))!;
        Assert.That(wrongWhole.Fault, Is.EqualTo(StorageFault.ObjectChecksumMismatch), "a wrong whole-object claim is found before a missing part checksum");
        var done = await _h.Send("POST", $"/bkt/k?uploadId={id}",
            $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{part.Header("ETag")}</ETag><ChecksumCRC32>{Crc32(data)}</ChecksumCRC32></Part></CompleteMultipartUpload>");
        Assert.That(Element(done.BodyText, "ChecksumCRC32"), Does.EndWith("-1"));
    }

    [Test]
    public async Task UploadPartCopyTakesARangeOfTheSource()
    {
        await _h.Send("PUT", "/bkt/src", Encoding.ASCII.GetBytes("0123456789"));
        var id = await Create("dst");
        var copy = await _h.Send("PUT", $"/bkt/dst?partNumber=1&uploadId={id}", [], new() { ["x-amz-copy-source"] = "/bkt/src", ["x-amz-copy-source-range"] = "bytes=2-4" });
        var etag = Element(copy.BodyText, "ETag");
        Assert.That(etag, Is.EqualTo("\"" + Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("234"u8)) + "\""));
        var past = Assert.ThrowsAsync<StorageException>(() => _h.Send("PUT", $"/bkt/dst?partNumber=1&uploadId={id}", [],
            new() { ["x-amz-copy-source"] = "/bkt/src", ["x-amz-copy-source-range"] = "bytes=5-10" }))!;
        Assert.That(past.Fault, Is.EqualTo(StorageFault.CopyRangeOutOfBounds));
    }

    [Test]
    public async Task AbortIs204AndTheUploadIsGone()
    {
        var id = await Create("k");
        Assert.That((await _h.Send("DELETE", $"/bkt/k?uploadId={id}")).Status, Is.EqualTo(204));
        Assert.That(Assert.ThrowsAsync<StorageException>(() => _h.Send("DELETE", $"/bkt/k?uploadId={id}"))!.Fault, Is.EqualTo(StorageFault.UploadNotFound));
    }

    [TestCase("/bkt/k?partNumber=0&uploadId=u", S3ErrorCode.InvalidArgument)]
    [TestCase("/bkt/k?partNumber=10001&uploadId=u", S3ErrorCode.InvalidArgument)]
    [TestCase("/bkt/k?partNumber=x&uploadId=u", S3ErrorCode.InvalidArgument)]
    [TestCase("/bkt/k?uploadId=u", S3ErrorCode.InvalidArgument)]
    [TestCase("/bkt/k?partNumber=1", S3ErrorCode.NoSuchUpload)]
    [TestCase("/bkt/k?partNumber=1&uploadId=", S3ErrorCode.NoSuchUpload)]
    public void TheRouterRejectsBadPartParameters(string target, S3ErrorCode code)
    {
        var r = _h.Request("PUT", target, [1]);
        Assert.That(r.Route.Rejection?.Code, Is.EqualTo(code));
    }
}
