using System.Security.Cryptography;
using System.Text;
using Gateway.Errors;
using Gateway.Http;
using Storage.Faults;

namespace Gateway.Tests.Handlers;

/// <summary>PutObject, GetObject, HeadObject, DeleteObject and DeleteObjects as values: request in, response out.</summary>
[TestFixture]
internal sealed class ObjectHandlersTests
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

    private static readonly byte[] Hello = Encoding.UTF8.GetBytes("hello, world");

    [Test]
    public async Task PutAnswersTheQuotedMd5AndStoresTheHeadersAsAttributes()
    {
        var put = await _h.Send("PUT", "/bkt/k", Hello, new() { ["Content-Type"] = "text/plain", ["x-amz-meta-colour"] = "blue" });
        Assert.That((put.Status, put.Header("ETag")), Is.EqualTo((200, "\"" + Convert.ToHexStringLower(MD5.HashData(Hello)) + "\"")));
        Assert.That(put.Header("x-amz-checksum-crc64nvme"), Is.Null, "no checksum was declared, so none is echoed");
        var info = _h.Storage.Objects.Head("bkt", "k", HandlerHarness.Account);
        Assert.That(info.Attributes, Is.EquivalentTo(new Dictionary<string, string> { ["content-type"] = "text/plain", ["x-amz-meta-colour"] = "blue" }));
    }

    [Test]
    public async Task PutWithAChecksumHeaderEchoesIt()
    {
        var crc = Convert.ToBase64String(Storage.Checksums.IncrementalChecksum.Compute(Storage.Checksums.ChecksumAlgorithm.Crc32, Hello));
        var put = await _h.Send("PUT", "/bkt/k", Hello, new() { ["x-amz-checksum-crc32"] = crc });
        Assert.That((put.Header("x-amz-checksum-crc32"), put.Header("x-amz-checksum-type")), Is.EqualTo((crc, "FULL_OBJECT")));
    }

    [Test]
    public void PutWithAWrongChecksumIsBadDigestAndStoresNothing()
    {
        var e = Assert.ThrowsAsync<StorageException>(() => _h.Send("PUT", "/bkt/k", Hello, new() { ["x-amz-checksum-crc32"] = "AAAAAA==" }))!;
        Assert.That(FaultMap.ToS3(e).Code, Is.EqualTo(S3ErrorCode.BadDigest));
        Assert.That(Assert.Throws<StorageException>(() => _h.Storage.Objects.Head("bkt", "k", HandlerHarness.Account))!.Fault, Is.EqualTo(StorageFault.ObjectNotFound));
    }

    [Test]
    public async Task GetAnswersTheObjectWithItsHeadersAndARangeWith206()
    {
        await _h.Send("PUT", "/bkt/k", Hello, new() { ["Content-Type"] = "text/plain" });
        var get = await _h.Send("GET", "/bkt/k");
        Assert.That((get.Status, get.Header("Content-Type"), get.Header("Accept-Ranges")), Is.EqualTo((200, "text/plain", "bytes")));
        Assert.That(await HandlerHarness.BodyOf(get), Is.EqualTo(Hello));

        var range = await _h.Send("GET", "/bkt/k", headers: new() { ["Range"] = "bytes=7-" });
        Assert.That((range.Status, range.Header("Content-Range")), Is.EqualTo((206, "bytes 7-11/12")));
        Assert.That(Encoding.UTF8.GetString(await HandlerHarness.BodyOf(range)), Is.EqualTo("world"));
    }

    [Test]
    public async Task HeadSendsNoBodyAndResponseOverridesApply()
    {
        await _h.Send("PUT", "/bkt/k", Hello);
        var head = await _h.Send("HEAD", "/bkt/k?response-content-type=x%2Fy&response-cache-control=no-cache");
        var body = (ResponseBody.ObjectRange)head.Body;
        body.Reader.Dispose();
        Assert.That((body.SendBody, body.Length, head.Header("Content-Type"), head.Header("Cache-Control")), Is.EqualTo((false, 12L, "x/y", "no-cache")));
    }

    [Test]
    public async Task ConditionalGetIsNotModifiedOrPreconditionFailed()
    {
        var put = await _h.Send("PUT", "/bkt/k", Hello);
        var etag = put.Header("ETag")!;
        var notModified = Assert.ThrowsAsync<StorageException>(() => _h.Send("GET", "/bkt/k", headers: new() { ["If-None-Match"] = etag }))!;
        Assert.That(FaultMap.ToS3(notModified).Code, Is.EqualTo(S3ErrorCode.NotModified));
        var failed = Assert.ThrowsAsync<StorageException>(() => _h.Send("GET", "/bkt/k", headers: new() { ["If-Match"] = "\"other\"" }))!;
        Assert.That(FaultMap.ToS3(failed).Code, Is.EqualTo(S3ErrorCode.PreconditionFailed));
    }

    [Test]
    public async Task PartNumberReadOfAnObjectWrittenWholeIsItsOnlyPart()
    {
        await _h.Send("PUT", "/bkt/k", Hello);
        var part = await _h.Send("GET", "/bkt/k?partNumber=1");
        Assert.That((part.Status, part.Header("Content-Range")), Is.EqualTo((206, "bytes 0-11/12")));
        ((ResponseBody.ObjectRange)part.Body).Reader.Dispose();
        var e = Assert.ThrowsAsync<S3Exception>(() => _h.Send("GET", "/bkt/k?partNumber=2"))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidPartNumber));
        Assert.ThrowsAsync<S3Exception>(() => _h.Send("GET", "/bkt/k?partNumber=1", headers: new() { ["Range"] = "bytes=0-1" }));
    }

    [Test]
    public async Task DeleteIs204EvenForAMissingKey()
    {
        await _h.Send("PUT", "/bkt/k", Hello);
        Assert.That((await _h.Send("DELETE", "/bkt/k")).Status, Is.EqualTo(204));
        Assert.That((await _h.Send("DELETE", "/bkt/k")).Status, Is.EqualTo(204));
    }

    [Test]
    // A version that does not exist is deleted already: S3 reports it deleted, as it does a key that does not exist.
    public async Task DeleteObjectsReportsEachKeyAndNeedsAnIntegrityHeader()
    {
        await _h.Send("PUT", "/bkt/a", Hello);
        var xml = "<Delete><Object><Key>a</Key></Object><Object><Key>b</Key><VersionId>v9</VersionId></Object></Delete>";
        var md5 = Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(xml)));
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => _h.Send("POST", "/bkt?delete", xml))!.Code, Is.EqualTo(S3ErrorCode.InvalidRequest));
        var r = await _h.Send("POST", "/bkt?delete", xml, new() { ["Content-MD5"] = md5 });
        Assert.That(r.BodyText, Is.EqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
            "<Deleted><Key>a</Key></Deleted><Deleted><Key>b</Key><VersionId>v9</VersionId></Deleted>" +
            "</DeleteResult>"));
    }

    [Test]
    public void UnsupportedHeadersAre501BeforeAnythingIsStored()
    {
        var e = Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/bkt/k", Hello, new() { ["x-amz-website-redirect-location"] = "/elsewhere" }))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.NotImplemented));
    }
}
