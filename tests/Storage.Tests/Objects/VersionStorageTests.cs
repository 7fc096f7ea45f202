using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Faults;
using Storage.Objects;

namespace Storage.Tests.Objects;

/// <summary>
/// Versions as storage keeps them: the null version, new versions, delete markers and what each state of a bucket's
/// versioning does on write and delete; reads by version; the listing; and the meter equal to a recount after every
/// step, with no segment lost or left over.
/// </summary>
[TestFixture]
internal sealed class VersionStorageTests
{
    private const string Account = "acct";
    private const string Bucket = "bkt";
    private string _dir = "";
    private StorageEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "versions-" + Guid.NewGuid().ToString("N"));
        _engine = Open();
        _engine.Buckets.Create(Bucket, Account);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    // Segments of 16 bytes: a 40-byte body is 3 segment files (inline storage is off at this segment size).
    private StorageEngine Open() => new(new StorageOptions(_dir, 16), SystemClock.Instance);

    private static byte[] Body(int size, int seed) => Enumerable.Range(0, size).Select(i => (byte)(i * 31 + seed)).ToArray();

    private async Task<ObjectInfo> Put(string key, int size, int seed) => await _engine.Objects.PutAsync(
        new PutObjectCommand(Bucket, key, Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(size, null)),
        new MemoryStream(Body(size, seed)), CancellationToken.None);

    private byte[] Read(string key, string? versionId = null)
    {
        using var reader = _engine.Objects.Open(Bucket, key, Account, versionId: versionId);
        using var s = reader.OpenRange(0, reader.Info.Size);
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private List<string> Versions(string key) =>
        _engine.Objects.ListVersions(Bucket, Account, key, null, null, null, 1000).Versions
            .Select(v => (v.IsDeleteMarker ? "marker " : "") + v.VersionId + (v.IsLatest ? " latest" : "")).ToList();

    private Storage.Usage.UsageGauges Gauges => _engine.Check().Gauges.Single(g => g.Bucket == Bucket);

    private void AssertConsistent() => Assert.That(_engine.Check().IsConsistent, Is.True, "meter = recount, segments = rows");

    private StorageException Fails(TestDelegate action) => Assert.Throws<StorageException>(action)!;

    [Test]
    public async Task AnUnversionedBucketKeepsOneNullVersionAndDeletesForGood()
    {
        await Put("k", 40, 1);
        var second = await Put("k", 20, 2);
        Assert.That((second.VersionId, second.Versioned), Is.EqualTo(("null", false)));
        Assert.That(Versions("k"), Is.EqualTo(new[] { "null latest" }));
        Assert.That(Read("k", "null"), Is.EqualTo(Body(20, 2)));
        Assert.That(_engine.Objects.Delete(Bucket, "k", Account), Is.EqualTo(new DeleteResult(null, false)));
        Assert.That(Versions("k"), Is.Empty);
        Assert.That(_engine.Check().SegmentFiles, Is.Empty);
        AssertConsistent();
    }

    [Test]
    public async Task EnabledKeepsEveryVersionAndReadsEachById()
    {
        var old = await Put("k", 40, 1);
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Enabled);
        var v1 = await Put("k", 20, 2);
        var v2 = await Put("k", 33, 3);
        Assert.Multiple(() =>
        {
            Assert.That(v1.VersionId, Is.Not.EqualTo("null").And.Not.EqualTo(v2.VersionId));
            Assert.That(v2.Versioned, Is.True);
            Assert.That(Versions("k"), Is.EqualTo(new[] { v2.VersionId + " latest", v1.VersionId, "null" }), "newest first");
            Assert.That(Read("k"), Is.EqualTo(Body(33, 3)));
            Assert.That(Read("k", v1.VersionId), Is.EqualTo(Body(20, 2)));
            Assert.That(Read("k", "null"), Is.EqualTo(Body(40, 1)), "the version written before versioning is the null version");
            Assert.That(_engine.Objects.Head(Bucket, "k", Account, versionId: "null").Id, Is.EqualTo(old.Id));
            Assert.That((Gauges.Objects, Gauges.ObjectBytes, Gauges.NoncurrentObjects, Gauges.NoncurrentBytes, Gauges.NoncurrentSegments),
                Is.EqualTo((1L, 33L, 2L, 60L, 5L)));
        });
        Assert.That(Fails(() => _engine.Objects.Head(Bucket, "k", Account, versionId: "nope")).Fault, Is.EqualTo(StorageFault.VersionNotFound));
        AssertConsistent();
    }

    [Test]
    public async Task ADeleteMarkerHidesTheKeyUntilItIsDeleted()
    {
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Enabled);
        var v1 = await Put("k", 40, 1);
        var deleted = _engine.Objects.Delete(Bucket, "k", Account);
        Assert.That(deleted.DeleteMarker, Is.True);
        var marker = deleted.VersionId!;
        var notFound = Fails(() => _engine.Objects.Head(Bucket, "k", Account));
        Assert.That((notFound.Fault, notFound.DeleteMarker, notFound.VersionId), Is.EqualTo((StorageFault.ObjectNotFound, true, marker)));
        var byId = Fails(() => _engine.Objects.Head(Bucket, "k", Account, versionId: marker));
        Assert.That(byId.Fault, Is.EqualTo(StorageFault.VersionIsDeleteMarker));
        Assert.That(_engine.Objects.List(Bucket, Account, "", null, null, 100).Objects, Is.Empty, "a deleted key is not listed");
        Assert.That(Versions("k"), Is.EqualTo(new[] { "marker " + marker + " latest", v1.VersionId }));
        Assert.That((Gauges.Objects, Gauges.NoncurrentObjects, Gauges.DeleteMarkers), Is.EqualTo((0L, 1L, 1L)));
        AssertConsistent();

        Assert.That(_engine.Objects.Delete(Bucket, "k", Account, marker), Is.EqualTo(new DeleteResult(marker, true)));
        Assert.That(Read("k"), Is.EqualTo(Body(40, 1)), "the version under the marker is current again");
        Assert.That((Gauges.Objects, Gauges.NoncurrentObjects, Gauges.DeleteMarkers), Is.EqualTo((1L, 0L, 0L)));
        AssertConsistent();
    }

    [Test]
    public async Task DeletingTheLatestVersionByIdPromotesTheNextAndFreesOnlyItsSegments()
    {
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Enabled);
        var v1 = await Put("k", 40, 1);
        var v2 = await Put("k", 20, 2);
        var files = _engine.Check().SegmentFiles.Count;
        _engine.Objects.Delete(Bucket, "k", Account, v2.VersionId);
        Assert.That(Read("k"), Is.EqualTo(Body(40, 1)));
        Assert.That(_engine.Check().SegmentFiles, Has.Count.EqualTo(files - 2));
        Assert.That(_engine.Objects.Delete(Bucket, "k", Account, "no-such-version"), Is.EqualTo(new DeleteResult("no-such-version", false)));
        _engine.Objects.Delete(Bucket, "k", Account, v1.VersionId);
        Assert.That(Versions("k"), Is.Empty);
        Assert.That(_engine.Check().SegmentFiles, Is.Empty);
        AssertConsistent();
    }

    [Test]
    public async Task SuspendedWritesAndDeletesReplaceTheNullVersionAndKeepTheOthers()
    {
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Enabled);
        var v1 = await Put("k", 40, 1);
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Suspended);
        var n1 = await Put("k", 20, 2);
        Assert.That((n1.VersionId, n1.Versioned), Is.EqualTo(("null", true)));
        await Put("k", 10, 3);
        Assert.That(Versions("k"), Is.EqualTo(new[] { "null latest", v1.VersionId }), "one null version: the second write replaced the first");
        Assert.That(Read("k"), Is.EqualTo(Body(10, 3)));
        var deleted = _engine.Objects.Delete(Bucket, "k", Account);
        Assert.That(deleted, Is.EqualTo(new DeleteResult("null", true)));
        Assert.That(Versions("k"), Is.EqualTo(new[] { "marker null latest", v1.VersionId }), "the null version became the null marker");
        Assert.That(Read("k", v1.VersionId), Is.EqualTo(Body(40, 1)));
        AssertConsistent();
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Enabled);
        var v3 = await Put("k", 5, 4);
        Assert.That(Versions("k"), Is.EqualTo(new[] { v3.VersionId + " latest", "marker null", v1.VersionId }));
        AssertConsistent();
    }

    [Test]
    public async Task CopyFromAnOldVersionSharesItsSegments()
    {
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Enabled);
        var v1 = await Put("src", 40, 1);
        await Put("src", 20, 2);
        var files = _engine.Check().SegmentFiles.Count;
        var copy = _engine.Objects.Copy(new CopyObjectCommand(Bucket, "src", Bucket, "dst", Account, null, ReadConditions.None, WriteConditions.None)
        {
            SourceVersionId = v1.VersionId,
        });
        Assert.That(Read("dst"), Is.EqualTo(Body(40, 1)));
        Assert.That(copy.VersionId, Is.Not.EqualTo(v1.VersionId));
        Assert.That(_engine.Check().SegmentFiles, Has.Count.EqualTo(files), "no byte copied");
        _engine.Objects.Delete(Bucket, "src", Account, v1.VersionId);
        Assert.That(Read("dst"), Is.EqualTo(Body(40, 1)), "the copy keeps the shared segments alive");
        AssertConsistent();
    }

    [Test]
    public void VersioningNeverGoesBackToUnversionedAndABucketWithVersionsIsNotEmpty()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Unversioned));
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Enabled);
        _engine.Objects.Delete(Bucket, "k", Account);
        Assert.That(Fails(() => _engine.Buckets.Delete(Bucket, Account)).Fault, Is.EqualTo(StorageFault.BucketNotEmpty), "a delete marker is a version");
        Assert.That(_engine.Buckets.Require(Bucket, Account).Versioning, Is.EqualTo(VersioningState.Enabled));
    }

    [Test]
    public async Task TheListingPagesByKeyAndVersionMarkersAndRollsUpPrefixes()
    {
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Enabled);
        var expected = new List<(string Key, string Version)>();
        foreach (var key in new[] { "a", "b/1", "b/2", "c" })
        {
            var ids = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                ids.Add((await Put(key, 1, i)).VersionId);
            }

            ids.Reverse();
            expected.AddRange(ids.Select(id => (key, id)));
        }

        var all = new List<(string, string)>();
        string? keyMarker = null, versionMarker = null;
        var pages = 0;
        while (true)
        {
            var page = _engine.Objects.ListVersions(Bucket, Account, "", null, keyMarker, versionMarker, 5);
            pages++;
            all.AddRange(page.Versions.Select(v => (v.Key, v.VersionId)));
            if (!page.IsTruncated)
            {
                break;
            }

            (keyMarker, versionMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
        }

        Assert.That(all, Is.EqualTo(expected));
        Assert.That(pages, Is.EqualTo(3));

        var rolled = _engine.Objects.ListVersions(Bucket, Account, "", "/", null, null, 1000);
        Assert.That(rolled.CommonPrefixes, Is.EqualTo(new[] { "b/" }));
        Assert.That(rolled.Versions.Select(v => v.Key).Distinct(), Is.EqualTo(new[] { "a", "c" }));
        var afterPrefix = _engine.Objects.ListVersions(Bucket, Account, "", "/", "b/", null, 1000);
        Assert.That(afterPrefix.Versions.Select(v => v.Key).Distinct(), Is.EqualTo(new[] { "c" }));
        var tight = _engine.Objects.ListVersions(Bucket, Account, "", "/", null, null, 4);
        Assert.That((tight.Versions.Count, tight.CommonPrefixes.Count, tight.IsTruncated, tight.NextKeyMarker, tight.NextVersionIdMarker),
            Is.EqualTo((3, 1, true, "b/", (string?)null)));
    }

    /// <summary>
    /// A seeded random walk over every versioning operation, reopening the store now and then: after each step the
    /// meter equals a recount and the stored segments are exactly those the rows reference, and every version
    /// still reads back as written.
    /// </summary>
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public async Task ARandomWalkKeepsTheMeterAndTheSegmentsExact(int seed)
    {
        var rng = new Random(seed);
        var written = new Dictionary<(string Key, string Version), byte[]>();
        var keys = new[] { "x", "y", "z/1" };
        for (var step = 0; step < 120; step++)
        {
            var key = keys[rng.Next(keys.Length)];
            switch (rng.Next(8))
            {
                case 0 or 1 or 2:
                    var size = rng.Next(0, 50);
                    var info = await Put(key, size, step);
                    written.Remove((key, info.VersionId));
                    written[(key, info.VersionId)] = Body(size, step);
                    break;
                case 3:
                    var deleted = _engine.Objects.Delete(Bucket, key, Account);
                    written.Remove((key, deleted.VersionId ?? "null"));
                    break;
                case 4:
                    var versions = _engine.Objects.ListVersions(Bucket, Account, key, null, null, null, 1000).Versions.Where(v => v.Key == key).ToList();
                    if (versions.Count > 0)
                    {
                        var victim = versions[rng.Next(versions.Count)].VersionId;
                        _engine.Objects.Delete(Bucket, key, Account, victim);
                        written.Remove((key, victim));
                    }

                    break;
                case 5:
                    _engine.Buckets.SetVersioning(Bucket, Account, rng.Next(3) == 0 ? VersioningState.Suspended : VersioningState.Enabled);
                    break;
                case 6:
                    var target = keys[rng.Next(keys.Length)];
                    try
                    {
                        var copy = _engine.Objects.Copy(new CopyObjectCommand(Bucket, key, Bucket, target, Account, new Dictionary<string, string>(), ReadConditions.None, WriteConditions.None));
                        written[(target, copy.VersionId)] = Read(target, copy.VersionId);
                    }
                    catch (StorageException e) when (e.Fault == StorageFault.ObjectNotFound)
                    {
                    }

                    break;
                default:
                    SqliteConnection.ClearAllPools();
                    _engine = Open();
                    break;
            }

            Assert.That(_engine.Check().IsConsistent, Is.True, $"step {step}");
        }

        var listed = _engine.Objects.ListVersions(Bucket, Account, "", null, null, null, 1000).Versions.Where(v => !v.IsDeleteMarker).ToList();
        Assert.That(listed.Select(v => (v.Key, v.VersionId)), Is.EquivalentTo(written.Keys));
        foreach (var v in listed)
        {
            Assert.That(Read(v.Key, v.VersionId), Is.EqualTo(written[(v.Key, v.VersionId)]), $"{v.Key} {v.VersionId}");
        }
    }
}
