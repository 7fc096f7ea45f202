using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Faults;
using Storage.Multipart;
using Storage.Objects;

namespace Storage.Tests.Objects;

/// <summary>Tag sets on objects, uploads and buckets: stored as given, carried by copies and Complete, kept across a reopen.</summary>
[TestFixture]
internal sealed class TagStorageTests
{
    private const string Account = "acct";
    private const string Bucket = "bkt";
    private static readonly Tag[] Ab = [new("a", "1"), new("b", "")];
    private string _dir = "";
    private StorageEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "tags-" + Guid.NewGuid().ToString("N"));
        _engine = Open();
        _engine.Buckets.Create(Bucket, Account);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private StorageEngine Open() => new(new StorageOptions(_dir, 16), SystemClock.Instance);

    private Task<ObjectInfo> Put(string key, IReadOnlyList<Tag> tags, int size = 40) => _engine.Objects.PutAsync(
        new PutObjectCommand(Bucket, key, Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(size, null)) { Tags = tags },
        new MemoryStream(new byte[size]), CancellationToken.None);

    [Test]
    public async Task PutStoresTheTagsAndSetTagsReplacesThemWithoutTouchingTheObject()
    {
        var put = await Put("k", Ab);
        Assert.That(_engine.Objects.Head(Bucket, "k", Account).Tags, Is.EqualTo(Ab));
        var set = _engine.Objects.SetTags(Bucket, "k", Account, [new Tag("c", "3")]);
        var head = _engine.Objects.Head(Bucket, "k", Account);
        Assert.Multiple(() =>
        {
            Assert.That(set.Tags, Is.EqualTo(new[] { new Tag("c", "3") }));
            Assert.That(head.Tags, Is.EqualTo(new[] { new Tag("c", "3") }));
            Assert.That((head.Id, head.ETag, head.LastModified, head.Size), Is.EqualTo((put.Id, put.ETag, put.LastModified, put.Size)));
            Assert.That(_engine.Check().IsConsistent, Is.True);
        });
        _engine.Objects.SetTags(Bucket, "k", Account, []);
        Assert.That(_engine.Objects.Head(Bucket, "k", Account).Tags, Is.Empty);
    }

    [Test]
    public void SetTagsOnAMissingObjectOrAnotherAccountsBucketFails()
    {
        Assert.That(Assert.Throws<StorageException>(() => _engine.Objects.SetTags(Bucket, "none", Account, Ab))!.Fault, Is.EqualTo(StorageFault.ObjectNotFound));
        Assert.That(Assert.Throws<StorageException>(() => _engine.Objects.SetTags(Bucket, "none", "other", Ab))!.Fault, Is.EqualTo(StorageFault.NotOwner));
    }

    [Test]
    public async Task ACopyKeepsTheSourceTagsUnlessGivenItsOwn()
    {
        await Put("src", Ab);
        CopyObjectCommand Copy(string key, IReadOnlyList<Tag>? tags) =>
            new(Bucket, "src", Bucket, key, Account, null, ReadConditions.None, WriteConditions.None) { Tags = tags };
        Assert.That(_engine.Objects.Copy(Copy("kept", null)).Tags, Is.EqualTo(Ab));
        Assert.That(_engine.Objects.Copy(Copy("none", [])).Tags, Is.Empty);
        Assert.That(_engine.Objects.Head(Bucket, "kept", Account).Tags, Is.EqualTo(Ab));
        Assert.That(_engine.Objects.Head(Bucket, "none", Account).Tags, Is.Empty);
    }

    [Test]
    public async Task AnUploadsTagsBecomeTheObjectsAtComplete()
    {
        var upload = _engine.Multipart.Create(Bucket, "mp", Account, new Dictionary<string, string>(), extras: new UploadExtras(Tags: Ab));
        Assert.That(_engine.Multipart.Lookup(upload.UploadId)!.Tags, Is.EqualTo(Ab));
        var part = await _engine.Multipart.UploadPartAsync(new UploadPartCommand(Bucket, "mp", upload.UploadId, 1, Account, new BodyChecks(5, null)),
            new MemoryStream(new byte[5]), CancellationToken.None);
        var done = _engine.Multipart.Complete(new CompleteCommand(Bucket, "mp", upload.UploadId, Account, [new CompletePart(1, part.Part.ETag)], WriteConditions.None));
        Assert.That(done.Object.Tags, Is.EqualTo(Ab));
        Assert.That(_engine.Objects.Head(Bucket, "mp", Account).Tags, Is.EqualTo(Ab));
    }

    [Test]
    public async Task TagsOfObjectsAndBucketsSurviveAReopen()
    {
        await Put("k", Ab);
        Assert.That(_engine.Buckets.Tags(Bucket, Account), Is.Null);
        _engine.Buckets.SetTags(Bucket, Account, [new Tag("team", "x")]);
        SqliteConnection.ClearAllPools();
        _engine = Open();
        Assert.That(_engine.Objects.Head(Bucket, "k", Account).Tags, Is.EqualTo(Ab));
        Assert.That(_engine.Buckets.Tags(Bucket, Account), Is.EqualTo(new[] { new Tag("team", "x") }));
        _engine.Buckets.SetTags(Bucket, Account, null);
        Assert.That(_engine.Buckets.Tags(Bucket, Account), Is.Null);
    }
}
