using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Faults;
using Storage.Metadata;
using Storage.Multipart;
using Storage.Objects;

namespace Storage.Tests.Segments;

/// <summary>
/// Small bodies kept in the metadata database (inline segments): where the line falls, that they are read,
/// copied, completed, replaced, deleted and billed like segment files, survive a restart, and that a failed
/// write leaves no row. Segment size 64 bytes with an inline threshold of 32.
/// </summary>
[TestFixture]
internal sealed class InlineSegmentTests
{
    private const string Account = "acct";
    private const string Bucket = "bkt";
    private const int Threshold = 32;
    private string _dir = "";
    private StorageEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "inline-" + Guid.NewGuid().ToString("N"));
        _engine = Open();
        _engine.Buckets.Create(Bucket, Account);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private StorageEngine Open(long threshold = Threshold) =>
        new(new StorageOptions(_dir, 64, new StorageLimits(long.MaxValue, 1, 1 << 20, 10000, 10000, long.MaxValue), InlineThreshold: threshold), SystemClock.Instance);

    private static byte[] Body(int size, int seed = 1)
    {
        var data = new byte[size];
        new Random(seed * 7919 + size).NextBytes(data);
        return data;
    }

    private Task<ObjectInfo> Put(string key, byte[] body, Stream? stream = null, byte[]? md5 = null, StorageEngine? engine = null) =>
        (engine ?? _engine).Objects.PutAsync(
            new PutObjectCommand(Bucket, key, Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(body.Length, md5)),
            stream ?? new MemoryStream(body), CancellationToken.None);

    private byte[] Read(string key, long start = 0, long? length = null, StorageEngine? engine = null)
    {
        using var reader = (engine ?? _engine).Objects.Open(Bucket, key, Account);
        using var s = reader.OpenRange(start, length ?? reader.Info.Size - start);
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private IntegrityReport Check()
    {
        var check = _engine.Check();
        Assert.That(check.IsConsistent, Is.True, "meter equals recount; stored segments are exactly the referenced ones");
        return check;
    }

    [TestCase(1)]
    [TestCase(Threshold)]
    public async Task ABodyUpToTheThresholdIsOneInlineSegmentAndNoFile(int size)
    {
        var body = Body(size);
        var info = await Put("k", body);
        Assert.That(info.ETag, Is.EqualTo(Convert.ToHexStringLower(MD5.HashData(body))));
        var check = Check();
        Assert.That((check.SegmentFiles.Count, check.InlineSegments.Count), Is.EqualTo((0, 1)));
        Assert.That(Directory.GetFiles(Path.Combine(_dir, "tmp")), Is.Empty);
        Assert.That(check.Gauges.Single().ObjectSegments, Is.EqualTo(1), "an inline segment is billed as a segment");
        Assert.That(check.Gauges.Single().ObjectBytes, Is.EqualTo(size));
        Assert.That(Read("k"), Is.EqualTo(body));
        Assert.That(Read("k", size - 1, 1), Is.EqualTo(body[^1..]));
    }

    [TestCase(Threshold + 1, 1)]
    [TestCase(64, 1)]
    [TestCase(65, 2)]
    public async Task ALargerBodyGoesToSegmentFilesAsBefore(int size, int files)
    {
        var body = Body(size);
        await Put("k", body);
        var check = Check();
        Assert.That((check.SegmentFiles.Count, check.InlineSegments.Count), Is.EqualTo((files, 0)));
        Assert.That(Read("k"), Is.EqualTo(body));
    }

    [Test]
    public async Task ABodyThatArrivesAByteAtATimeIsJudgedByItsWholeLength()
    {
        await Put("small", Body(Threshold), new TrickleStream(Body(Threshold)));
        await Put("large", Body(Threshold + 1), new TrickleStream(Body(Threshold + 1)));
        var check = Check();
        Assert.That((check.SegmentFiles.Count, check.InlineSegments.Count), Is.EqualTo((1, 1)));
        Assert.That(Read("small"), Is.EqualTo(Body(Threshold)));
        Assert.That(Read("large"), Is.EqualTo(Body(Threshold + 1)));
    }

    [Test]
    public async Task ThresholdZeroStoresEveryBodyInAFile()
    {
        SqliteConnection.ClearAllPools();
        var engine = Open(0);
        await Put("k", Body(3), engine: engine);
        var check = engine.Check();
        Assert.That((check.SegmentFiles.Count, check.InlineSegments.Count), Is.EqualTo((1, 0)));
    }

    [Test]
    public async Task ReplacingAndDeletingRemoveTheRowInTheSameCommit()
    {
        await Put("k", Body(10, 1));
        var first = Check().InlineSegments.Single();
        await Put("k", Body(10, 2));
        var second = Check().InlineSegments.Single();
        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(Read("k"), Is.EqualTo(Body(10, 2)));
        await Put("k", Body(50, 3));
        Assert.That(Check().InlineSegments, Is.Empty, "replaced by a file-backed body");
        await Put("k", Body(5, 4));
        _engine.Objects.Delete(Bucket, "k", Account);
        var check = Check();
        Assert.That((check.SegmentFiles.Count, check.InlineSegments.Count), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task ACopySharesTheInlineSegmentUntilTheLastReferenceGoes()
    {
        await Put("src", Body(20));
        _engine.Objects.Copy(new CopyObjectCommand(Bucket, "src", Bucket, "dst", Account, null, ReadConditions.None, WriteConditions.None));
        Assert.That(Check().InlineSegments, Has.Count.EqualTo(1), "no byte copied");
        _engine.Objects.Delete(Bucket, "src", Account);
        Assert.That(Check().InlineSegments, Has.Count.EqualTo(1));
        Assert.That(Read("dst"), Is.EqualTo(Body(20)));
        _engine.Objects.Delete(Bucket, "dst", Account);
        Assert.That(Check().InlineSegments, Is.Empty);
    }

    [Test]
    public async Task InlineAndFilePartsCompleteIntoOneObjectWithoutCopying()
    {
        var mp = _engine.Multipart;
        var u = mp.Create(Bucket, "mp", Account, new Dictionary<string, string>(), null, null);
        var parts = new[] { Body(100, 1), Body(8, 2), Body(70, 3), Body(3, 4) };
        var infos = new List<PartInfo>();
        for (var i = 0; i < parts.Length; i++)
        {
            infos.Add((await mp.UploadPartAsync(new UploadPartCommand(Bucket, "mp", u.UploadId, i + 1, Account, new BodyChecks(parts[i].Length)),
                new MemoryStream(parts[i]), CancellationToken.None)).Part);
        }

        var before = Check();
        Assert.That((before.SegmentFiles.Count, before.InlineSegments.Count), Is.EqualTo((2 + 2, 2)));
        Assert.That(before.Gauges.Single().PartSegments, Is.EqualTo(6));

        // Part 4 (inline) is left out: its row goes with the Complete that discards it.
        mp.Complete(new CompleteCommand(Bucket, "mp", u.UploadId, Account,
            infos.Take(3).Select(p => new CompletePart(p.PartNumber, "\"" + p.ETag + "\"")).ToList(), WriteConditions.None));
        var after = Check();
        Assert.That(after.SegmentFiles, Is.EquivalentTo(before.SegmentFiles), "the files are the object's now");
        Assert.That(after.InlineSegments, Has.Count.EqualTo(1));
        Assert.That(Read("mp"), Is.EqualTo(parts.Take(3).SelectMany(p => p).ToArray()));
        Assert.That(Read("mp", 98, 5), Is.EqualTo(parts[0][98..].Concat(parts[1][..3]).ToArray()), "a range across a file and an inline segment");
    }

    [Test]
    public async Task AbortingAnUploadRemovesItsInlineParts()
    {
        var mp = _engine.Multipart;
        var u = mp.Create(Bucket, "mp", Account, new Dictionary<string, string>(), null, null);
        await mp.UploadPartAsync(new UploadPartCommand(Bucket, "mp", u.UploadId, 1, Account, new BodyChecks(5)), new MemoryStream(Body(5)), CancellationToken.None);
        Assert.That(Check().InlineSegments, Has.Count.EqualTo(1));
        mp.Abort(Bucket, "mp", u.UploadId, Account);
        Assert.That(Check().InlineSegments, Is.Empty);
    }

    [Test]
    public async Task AFailedDigestStoresNothing()
    {
        var ex = Assert.ThrowsAsync<StorageException>(() => Put("k", Body(10), md5: new byte[16]));
        Assert.That(ex!.Fault, Is.EqualTo(StorageFault.Md5Mismatch));
        var check = Check();
        Assert.That((check.SegmentFiles.Count, check.InlineSegments.Count, check.Gauges.Single().Objects), Is.EqualTo((0, 0, 0L)));
        await Task.CompletedTask;
    }

    [Test]
    public async Task InlineObjectsSurviveARestart()
    {
        await Put("k", Body(30));
        SqliteConnection.ClearAllPools();
        var reopened = Open();
        Assert.That(reopened.SweptAtStart, Is.Zero);
        Assert.That(Read("k", engine: reopened), Is.EqualTo(Body(30)));
    }

    [Test]
    public async Task AnUnreferencedInlineRowIsFoundAndSwept()
    {
        await Put("k", Body(30));
        _engine.Metadata.Write(db => InlineRows.Insert(db, InlineRows.NewId(), [1, 2, 3]));
        Assert.That(_engine.Check().IsConsistent, Is.False);
        Assert.That(_engine.Sweep(), Is.EqualTo(1));
        Check();
    }
}
