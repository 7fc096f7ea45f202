using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Lifecycle;
using Storage.Objects;
using Storage.Tests.Usage;

namespace Storage.Tests.Lifecycle;

/// <summary>
/// Lifecycle rules over tags, sizes and versions, on a clock the test sets: expiration filtered by tags and size,
/// expiration in a versioned bucket (a delete marker), NoncurrentVersionExpiration counted from when a version became
/// noncurrent and keeping the newest few, and ExpiredObjectDeleteMarker removing lone markers.
/// </summary>
[TestFixture]
internal sealed class LifecycleVersionTests
{
    private const string Account = "acct";
    private const string Bucket = "bkt";
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, TimeSpan.Zero);
    private string _dir = "";
    private FakeClock _clock = null!;
    private StorageEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "lifecycle-versions-" + Guid.NewGuid().ToString("N"));
        _clock = new FakeClock(T0);
        _engine = new StorageEngine(new StorageOptions(_dir, 16), _clock);
        _engine.Buckets.Create(Bucket, Account);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<ObjectInfo> Put(string key, int size = 40, params Tag[] tags) => _engine.Objects.PutAsync(
        new PutObjectCommand(Bucket, key, Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(size)) { Tags = tags },
        new MemoryStream(new byte[size]), CancellationToken.None);

    private List<string> Keys() => _engine.Objects.List(Bucket, Account, "", null, null, 1000).Objects.Select(o => o.Key).ToList();

    private List<string> Versions(string key) => _engine.Objects.ListVersions(Bucket, Account, key, null, null, null, 1000).Versions
        .Where(v => v.Key == key).Select(v => v.IsDeleteMarker ? "marker" : v.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private void AssertConsistent() => Assert.That(_engine.Check().IsConsistent, Is.True);

    [Test]
    public async Task ExpirationSelectsByEveryTagAndBySize()
    {
        await Put("tagged", 40, new Tag("env", "ci"), new Tag("team", "x"));
        await Put("half", 40, new Tag("env", "ci"));
        await Put("big", 100);
        await Put("small", 5);
        _engine.Lifecycle.Put(Bucket, Account,
        [
            new LifecycleRule("tags", true, "", 1, null) { Tags = [new Tag("env", "ci"), new Tag("team", "x")] },
            new LifecycleRule("size", true, "", 1, null) { SizeGreaterThan = 50, SizeLessThan = 1000 },
        ]);
        _clock.UtcNow = T0.AddDays(2);
        var swept = _engine.Lifecycle.Sweep();
        Assert.That(swept.ExpiredObjects, Is.EqualTo(2));
        Assert.That(Keys(), Is.EqualTo(new[] { "half", "small" }));
        AssertConsistent();
    }

    [Test]
    public async Task InAVersionedBucketExpirationLeavesADeleteMarkerAndNoncurrentVersionsGoLater()
    {
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Enabled);
        await Put("k", 10);
        _engine.Lifecycle.Put(Bucket, Account, [new LifecycleRule("exp", true, "", 1, null), new LifecycleRule("nc", true, "", null, null) { NoncurrentDays = 3 }]);
        _clock.UtcNow = T0.AddDays(2);
        Assert.That(_engine.Lifecycle.Sweep().ExpiredObjects, Is.EqualTo(1));
        Assert.That(Versions("k"), Is.EqualTo(new[] { "marker", "10" }), "the current version became noncurrent under a marker");

        // Noncurrent since T0+2d: due three days later, rounded up to midnight (T0+6d 00:00), not counted from its creation.
        _clock.UtcNow = T0.AddDays(4);
        Assert.That(_engine.Lifecycle.Sweep().ExpiredVersions, Is.EqualTo(0));
        _clock.UtcNow = T0.AddDays(6);
        var swept = _engine.Lifecycle.Sweep();
        Assert.That(swept.ExpiredVersions, Is.EqualTo(1));
        Assert.That(Versions("k"), Is.EqualTo(new[] { "marker" }));
        Assert.That(_engine.Check().SegmentFiles, Is.Empty);
        AssertConsistent();
    }

    [Test]
    public async Task NewerNoncurrentVersionsAreKeptWhateverTheirAge()
    {
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Enabled);
        foreach (var size in new[] { 1, 2, 3, 4, 5 })
        {
            await Put("k", size);
        }

        _engine.Lifecycle.Put(Bucket, Account, [new LifecycleRule("nc", true, "", null, null) { NoncurrentDays = 1, NewerNoncurrentVersions = 2 }]);
        _clock.UtcNow = T0.AddDays(30);
        Assert.That(_engine.Lifecycle.Sweep().ExpiredVersions, Is.EqualTo(2));
        Assert.That(Versions("k"), Is.EqualTo(new[] { "5", "4", "3" }), "the current version and the two newest noncurrent ones stay");
        AssertConsistent();
    }

    [Test]
    public async Task ExpiredObjectDeleteMarkerRemovesOnlyMarkersLeftAlone()
    {
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Enabled);
        var alone = await Put("alone", 3);
        _engine.Objects.Delete(Bucket, "alone", Account);
        _engine.Objects.Delete(Bucket, "alone", Account, alone.VersionId);
        await Put("kept", 3);
        _engine.Objects.Delete(Bucket, "kept", Account);
        Assert.That((Versions("alone"), Versions("kept")), Is.EqualTo((new List<string> { "marker" }, new List<string> { "marker", "3" })));
        _engine.Lifecycle.Put(Bucket, Account, [new LifecycleRule("m", true, "", null, null) { ExpiredObjectDeleteMarker = true }]);
        Assert.That(_engine.Lifecycle.Sweep().RemovedDeleteMarkers, Is.EqualTo(1));
        Assert.That((Versions("alone"), Versions("kept")), Is.EqualTo((new List<string>(), new List<string> { "marker", "3" })));
        Assert.That(_engine.Check().Gauges.Single().DeleteMarkers, Is.EqualTo(1));
        AssertConsistent();
    }

    [Test]
    public void RulesWithFiltersSurviveAReopen()
    {
        var rule = new LifecycleRule("r", true, "p/", 3, null) { Tags = [new Tag("a", "1")], SizeLessThan = 9, NoncurrentDays = 4, NewerNoncurrentVersions = 2 };
        _engine.Lifecycle.Put(Bucket, Account, [rule]);
        SqliteConnection.ClearAllPools();
        var reopened = new StorageEngine(new StorageOptions(_dir, 16), _clock);
        Assert.That(reopened.Lifecycle.Get(Bucket, Account), Is.EqualTo(new[] { rule }));
    }

    [Test]
    public async Task ExpirationByDateTakesEverySelectedObjectFromThatDateOn()
    {
        await Put("old/a");
        await Put("new/b");
        _engine.Lifecycle.Put(Bucket, Account, [new LifecycleRule("d", true, "old/", null, null) { ExpirationDate = new DateTimeOffset(T0.Date.AddDays(3), TimeSpan.Zero) }]);
        _clock.UtcNow = T0.AddDays(2);
        Assert.That(_engine.Lifecycle.Sweep().ExpiredObjects, Is.Zero);
        _clock.UtcNow = new DateTimeOffset(T0.Date.AddDays(3), TimeSpan.Zero);
        Assert.That(_engine.Lifecycle.Sweep().ExpiredObjects, Is.EqualTo(1));
        Assert.That(Keys(), Is.EqualTo(new[] { "new/b" }));
    }
}
