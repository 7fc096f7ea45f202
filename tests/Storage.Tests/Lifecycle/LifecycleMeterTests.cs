using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Lifecycle;
using Storage.Multipart;
using Storage.Objects;
using Storage.Tests.Usage;
using Storage.Usage;

namespace Storage.Tests.Lifecycle;

/// <summary>
/// The meter stops counting what a lifecycle rule ends at the rule's due instant (S3's days rounded up to midnight
/// UTC), however late the sweep runs: a virtual clock advanced past the due time in one step, or a gateway that was down.
/// </summary>
[TestFixture]
internal sealed class LifecycleMeterTests
{
    private const string Account = "acct";
    private const string Bucket = "bkt";
    private const int Size = 10_000_000;
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 3, 26, 0, TimeSpan.Zero);
    private string _dir = "";
    private VirtualClock _clock = null!;
    private StorageEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "lifecycle-meter-" + Guid.NewGuid().ToString("N"));
        _engine = new StorageEngine(new StorageOptions(_dir, 1 << 20, new StorageLimits(long.MaxValue, 1, 1 << 24, 10000, 10000, long.MaxValue), VirtualClock: true), new FakeClock(T0));
        _clock = _engine.VirtualClock!;
        _engine.Buckets.Create(Bucket, Account);
    }

    [TearDown]
    public void TearDown()
    {
        _engine.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<ObjectInfo> Put(string key) =>
        _engine.Objects.PutAsync(new PutObjectCommand(Bucket, key, Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(Size)),
            new MemoryStream(new byte[Size]), CancellationToken.None);

    private BucketUsage Usage() => _engine.Usage.Report(null, Bucket, Account, new PriceTable()).Buckets.Single();

    private void AssertConsistent()
    {
        var check = _engine.Check();
        Assert.That(check.IsConsistent, Is.True, "the meter equals a recount");
    }

    private static double Hours(DateTimeOffset from, DateTimeOffset to) => (to - from).TotalHours;

    [Test]
    public async Task An_upload_aborted_late_is_billed_to_its_due_instant_not_to_the_sweep()
    {
        _engine.Lifecycle.Put(Bucket, Account, [new LifecycleRule("abort", true, "", null, 7)]);
        var u = _engine.Multipart.Create(Bucket, "big", Account, new Dictionary<string, string>(), null, null);
        await _engine.Multipart.UploadPartAsync(new UploadPartCommand(Bucket, "big", u.UploadId, 1, Account, new BodyChecks(Size, null)),
            new MemoryStream(new byte[Size]), CancellationToken.None);

        Assert.That(_engine.Lifecycle.AdvanceAndSweep(_clock, TimeSpan.FromDays(5)).AbortedUploads, Is.Zero);
        Assert.That(_engine.Lifecycle.AdvanceAndSweep(_clock, TimeSpan.FromDays(5)).AbortedUploads, Is.EqualTo(1));

        var due = LifecycleService.Due(T0, 7);
        Assert.That(Hours(T0, due), Is.EqualTo(188.5666).Within(0.001), "7 days plus the time to the next midnight");
        var incomplete = Usage().Incomplete;
        Assert.That(incomplete.Bytes, Is.Zero);
        Assert.That(incomplete.ByteHours, Is.EqualTo(Size * Hours(T0, due)).Within(1), "billed to the due instant, not the 240 h to the sweep");
        AssertConsistent();
    }

    [Test]
    public async Task An_object_expired_late_is_billed_to_its_due_instant()
    {
        _engine.Lifecycle.Put(Bucket, Account, [new LifecycleRule("expire", true, "", 1, null)]);
        var o = await Put("obj");

        Assert.That(_engine.Lifecycle.AdvanceAndSweep(_clock, TimeSpan.FromDays(5)).ExpiredObjects, Is.EqualTo(1));

        var due = LifecycleService.Due(o.LastModified, 1);
        Assert.That(Hours(o.LastModified, due), Is.EqualTo(44.5666).Within(0.001));
        var objects = Usage().Objects;
        Assert.That(objects.Bytes, Is.Zero);
        Assert.That(objects.ByteHours, Is.EqualTo(Size * Hours(o.LastModified, due)).Within(1), "44.6 h, not the 120 h to the sweep");
        AssertConsistent();
    }

    [Test]
    public async Task In_a_versioned_bucket_an_expired_object_is_noncurrent_from_its_due_instant_and_gone_at_the_next()
    {
        _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Enabled);
        _engine.Lifecycle.Put(Bucket, Account, [new LifecycleRule("both", true, "", 1, null) { NoncurrentDays = 2 }]);
        var o = await Put("obj");
        var expires = LifecycleService.Due(o.LastModified, 1);

        // Past the expiration: the version becomes noncurrent (billed as such from its due instant).
        Assert.That(_engine.Lifecycle.AdvanceAndSweep(_clock, TimeSpan.FromDays(3)).ExpiredObjects, Is.EqualTo(1));
        var asOf = _clock.UtcNow;
        var u = Usage();
        Assert.That(u.Objects.ByteHours, Is.EqualTo(Size * Hours(o.LastModified, expires)).Within(1));
        Assert.That(u.Noncurrent.ByteHours, Is.EqualTo(Size * Hours(expires, asOf)).Within(1));

        // Far past the noncurrent rule: the version goes, billed as noncurrent only to that rule's due instant (counted from when the sweep made it noncurrent).
        Assert.That(_engine.Lifecycle.AdvanceAndSweep(_clock, TimeSpan.FromDays(10)).ExpiredVersions, Is.EqualTo(1));
        var gone = LifecycleService.Due(asOf, 2);
        u = Usage();
        Assert.That(u.Noncurrent.Bytes, Is.Zero);
        Assert.That(u.Noncurrent.ByteHours, Is.EqualTo(Size * Hours(expires, gone)).Within(1));
        AssertConsistent();
    }

    [Test]
    public async Task A_late_abort_across_a_month_end_is_taken_off_the_months_after_its_due_instant()
    {
        _clock.Advance(TimeSpan.FromDays(23));
        var initiated = _clock.UtcNow;
        _engine.Lifecycle.Put(Bucket, Account, [new LifecycleRule("abort", true, "", null, 3)]);
        var u = _engine.Multipart.Create(Bucket, "big", Account, new Dictionary<string, string>(), null, null);
        await _engine.Multipart.UploadPartAsync(new UploadPartCommand(Bucket, "big", u.UploadId, 1, Account, new BodyChecks(Size, null)),
            new MemoryStream(new byte[Size]), CancellationToken.None);

        Assert.That(_engine.Lifecycle.AdvanceAndSweep(_clock, TimeSpan.FromDays(10)).AbortedUploads, Is.EqualTo(1));

        var due = LifecycleService.Due(initiated, 3);
        var november = _engine.Usage.Report("2026-11", Bucket, Account, new PriceTable()).Buckets.Single().Incomplete;
        var december = _engine.Usage.Report("2026-12", Bucket, Account, new PriceTable()).Buckets.Single().Incomplete;
        Assert.That(november.ByteHours, Is.EqualTo(Size * Hours(initiated, due)).Within(1));
        Assert.That(december.ByteHours, Is.Zero.Within(1), "nothing after the due instant, in a month the sweep ran in");
        AssertConsistent();
    }
}
