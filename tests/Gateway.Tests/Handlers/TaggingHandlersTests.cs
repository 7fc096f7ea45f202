using System.Security.Cryptography;
using System.Text;
using Gateway.Errors;
using Storage.Faults;
using Storage.Objects;

namespace Gateway.Tests.Handlers;

/// <summary>Object and bucket tagging, and the x-amz-tagging header on writes, as values: request in, response out.</summary>
[TestFixture]
internal sealed class TaggingHandlersTests
{
    private const string Prefix = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>";
    private HandlerHarness _h = null!;

    [SetUp]
    public void SetUp()
    {
        _h = new HandlerHarness();
        _h.Storage.Buckets.Create("bkt", HandlerHarness.Account);
    }

    [TearDown]
    public void TearDown() => _h.Dispose();

    private static string Doc(string tags) => $"<Tagging><TagSet>{tags}</TagSet></Tagging>";

    private static Dictionary<string, string> Md5(string body) => new() { ["Content-MD5"] = Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(body))) };

    private IReadOnlyList<Tag> TagsOf(string key) => _h.Storage.Objects.Head("bkt", key, HandlerHarness.Account).Tags;

    [Test]
    public async Task PutThenGetObjectTaggingAnswersTheSetInKeyOrderAndLeavesTheObjectAlone()
    {
        await _h.Send("PUT", "/bkt/k", "data");
        var before = _h.Storage.Objects.Head("bkt", "k", HandlerHarness.Account);
        var put = await _h.Send("PUT", "/bkt/k?tagging", Doc("<Tag><Key>z</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value></Value></Tag>"));
        Assert.That(put.Status, Is.EqualTo(200));
        var get = await _h.Send("GET", "/bkt/k?tagging");
        Assert.That(get.BodyText, Is.EqualTo(Prefix + "<Tag><Key>a</Key><Value></Value></Tag><Tag><Key>z</Key><Value>1</Value></Tag></TagSet></Tagging>"));
        var after = _h.Storage.Objects.Head("bkt", "k", HandlerHarness.Account);
        Assert.That((after.ETag, after.LastModified, after.Id), Is.EqualTo((before.ETag, before.LastModified, before.Id)));
        var head = await _h.Send("HEAD", "/bkt/k");
        Assert.That(head.Header("x-amz-tagging-count"), Is.EqualTo("2"));
    }

    [Test]
    public async Task PutReplacesTheWholeSetAndDeleteEmptiesIt()
    {
        await _h.Send("PUT", "/bkt/k", "data", new() { ["x-amz-tagging"] = "a=1&b=2" });
        await _h.Send("PUT", "/bkt/k?tagging", Doc("<Tag><Key>c</Key><Value>3</Value></Tag>"));
        Assert.That(TagsOf("k"), Is.EqualTo(new[] { new Tag("c", "3") }));
        var delete = await _h.Send("DELETE", "/bkt/k?tagging");
        Assert.That(delete.Status, Is.EqualTo(204));
        Assert.That((await _h.Send("GET", "/bkt/k?tagging")).BodyText, Is.EqualTo(Prefix + "</TagSet></Tagging>"));
        Assert.That((await _h.Send("HEAD", "/bkt/k")).Header("x-amz-tagging-count"), Is.Null, "no tags, no header");
    }

    [Test]
    public async Task AnInvalidSetChangesNothing()
    {
        await _h.Send("PUT", "/bkt/k", "data", new() { ["x-amz-tagging"] = "keep=me" });
        var tooMany = Doc(string.Concat(Enumerable.Range(0, 11).Select(i => $"<Tag><Key>k{i}</Key><Value>v</Value></Tag>")));
        var e = Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/bkt/k?tagging", tooMany))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.BadRequest));
        var dup = Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/bkt/k?tagging", Doc("<Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag>")))!;
        Assert.That(dup.Code, Is.EqualTo(S3ErrorCode.InvalidTag));
        Assert.That(TagsOf("k"), Is.EqualTo(new[] { new Tag("keep", "me") }));
    }

    [Test]
    public void TaggingAMissingObjectIsNoSuchKeyAndAnotherVersionIsNoSuchVersion()
    {
        Assert.That(Assert.ThrowsAsync<StorageException>(() => _h.Send("GET", "/bkt/none?tagging"))!.Fault, Is.EqualTo(StorageFault.ObjectNotFound));
        Assert.That(Assert.ThrowsAsync<StorageException>(() => _h.Send("PUT", "/bkt/none?tagging", Doc("")))!.Fault, Is.EqualTo(StorageFault.ObjectNotFound));
        Assert.That(Assert.ThrowsAsync<StorageException>(() => _h.Send("DELETE", "/bkt/none?tagging"))!.Fault, Is.EqualTo(StorageFault.ObjectNotFound));
        Assert.That(Assert.ThrowsAsync<StorageException>(() => _h.Send("GET", "/bkt/none?tagging&versionId=3HL4kqtJlcpXroDTDmJ"))!.Fault, Is.EqualTo(StorageFault.VersionNotFound));
    }

    [Test]
    public async Task TheNullVersionIsTheObject()
    {
        await _h.Send("PUT", "/bkt/k", "data", new() { ["x-amz-tagging"] = "a=1" });
        Assert.That((await _h.Send("GET", "/bkt/k?tagging&versionId=null")).BodyText, Does.Contain("<Key>a</Key>"));
    }

    [Test]
    public async Task PutObjectWithABadTaggingHeaderStoresNothing()
    {
        var e = Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/bkt/k", "data", new() { ["x-amz-tagging"] = "a=1&a=2" }))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(Assert.Throws<StorageException>(() => _h.Storage.Objects.Head("bkt", "k", HandlerHarness.Account))!.Fault, Is.EqualTo(StorageFault.ObjectNotFound));
        await Task.CompletedTask;
    }

    [Test]
    public async Task CopyKeepsTheSourceTagsUnlessTheDirectiveReplacesThem()
    {
        await _h.Send("PUT", "/bkt/src", "data", new() { ["x-amz-tagging"] = "a=1" });
        await _h.Send("PUT", "/bkt/copy", "", new() { ["x-amz-copy-source"] = "bkt/src" });
        Assert.That(TagsOf("copy"), Is.EqualTo(new[] { new Tag("a", "1") }));
        await _h.Send("PUT", "/bkt/replaced", "", new() { ["x-amz-copy-source"] = "bkt/src", ["x-amz-tagging-directive"] = "REPLACE", ["x-amz-tagging"] = "b=2" });
        Assert.That(TagsOf("replaced"), Is.EqualTo(new[] { new Tag("b", "2") }));
        await _h.Send("PUT", "/bkt/none", "", new() { ["x-amz-copy-source"] = "bkt/src", ["x-amz-tagging-directive"] = "REPLACE" });
        Assert.That(TagsOf("none"), Is.Empty);
        var e = Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/bkt/x", "", new() { ["x-amz-copy-source"] = "bkt/src", ["x-amz-tagging-directive"] = "MERGE" }))!;
        Assert.That((e.Code, e.Message), Is.EqualTo((S3ErrorCode.InvalidArgument, "Unknown tagging directive: MERGE")));
    }

    [Test]
    public async Task MultipartTagsComeFromCreateAndApplyAtComplete()
    {
        var create = await _h.Send("POST", "/bkt/mp?uploads", "", new() { ["x-amz-tagging"] = "Hello=World&foo=bar" });
        var uploadId = System.Xml.Linq.XDocument.Parse(create.BodyText).Descendants().Single(e => e.Name.LocalName == "UploadId").Value;
        var part = await _h.Send("PUT", $"/bkt/mp?partNumber=1&uploadId={uploadId}", "x");
        await _h.Send("POST", $"/bkt/mp?uploadId={uploadId}",
            $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{part.Header("ETag")}</ETag></Part></CompleteMultipartUpload>");
        Assert.That(TagsOf("mp"), Is.EqualTo(new[] { new Tag("Hello", "World"), new Tag("foo", "bar") }));
    }

    [Test]
    public async Task BucketTaggingIsNoSuchTagSetUntilPutAndAfterDelete()
    {
        var none = Assert.ThrowsAsync<S3Exception>(() => _h.Send("GET", "/bkt?tagging"))!;
        Assert.That(none.Code, Is.EqualTo(S3ErrorCode.NoSuchTagSet));
        var body = Doc("<Tag><Key>Hello</Key><Value>World</Value></Tag>");
        Assert.That((await _h.Send("PUT", "/bkt?tagging", body, Md5(body))).Status, Is.EqualTo(204));
        Assert.That((await _h.Send("GET", "/bkt?tagging")).BodyText, Is.EqualTo(Prefix + "<Tag><Key>Hello</Key><Value>World</Value></Tag></TagSet></Tagging>"));
        Assert.That((await _h.Send("DELETE", "/bkt?tagging")).Status, Is.EqualTo(204));
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => _h.Send("GET", "/bkt?tagging"))!.Code, Is.EqualTo(S3ErrorCode.NoSuchTagSet));
    }

    [Test]
    public async Task PutBucketTaggingNeedsAnIntegrityHeaderAndKeepsTheOldSetOnError()
    {
        var body = Doc("<Tag><Key>a</Key><Value>1</Value></Tag>");
        var e = Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/bkt?tagging", body))!;
        Assert.That((e.Code, e.Message), Is.EqualTo((S3ErrorCode.InvalidRequest, "Missing required header for this request: Content-MD5")));
        await _h.Send("PUT", "/bkt?tagging", body, Md5(body));
        var bad = Doc("<Tag><Key>aws:x</Key><Value>1</Value></Tag>");
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/bkt?tagging", bad, Md5(bad)))!.Code, Is.EqualTo(S3ErrorCode.InvalidTag));
        Assert.That(_h.Storage.Buckets.Tags("bkt", HandlerHarness.Account), Is.EqualTo(new[] { new Tag("a", "1") }));
    }

    [Test]
    public void AnotherAccountsBucketIsNotTheirsToTag()
    {
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => _h.Send("GET", "/bkt?tagging", account: HandlerHarness.Other))!.Code, Is.EqualTo(S3ErrorCode.AccessDenied));
    }
}
