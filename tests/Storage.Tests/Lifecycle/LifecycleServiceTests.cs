using System.Globalization;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Faults;
using Storage.Lifecycle;
using Storage.Multipart;
using Storage.Objects;
using Storage.Tests.Usage;
using Storage.Usage;

namespace Storage.Tests.Lifecycle;

[TestFixture]
internal sealed class LifecycleServiceTests
{
    private const string Account = "acct";
    private const string Other = "other";
    private const string Bucket = "bkt";
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, TimeSpan.Zero);
    private string _dir = "";
    private FakeClock _clock = null!;
    private StorageEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "lifecycle-" + Guid.NewGuid().ToString("N"));
        _clock = new FakeClock(T0);
        _engine = new StorageEngine(new StorageOptions(_dir, 16, new StorageLimits(long.MaxValue, 1, 1 << 20, 10000, 10000, long.MaxValue)), _clock);
        _engine.Buckets.Create(Bucket, Account);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static DateTimeOffset Utc(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    private Task<ObjectInfo> Put(string key, int size = 40) =>
        _engine.Objects.PutAsync(
            new PutObjectCommand(Bucket, key, Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(size)),
            new MemoryStream(new byte[size]), CancellationToken.None);

    private async Task<UploadInfo> Upload(string key, int size = 20)
    {
        var u = _engine.Multipart.Create(Bucket, key, Account, new Dictionary<string, string>(), null, null);
        await _engine.Multipart.UploadPartAsync(new UploadPartCommand(Bucket, key, u.UploadId, 1, Account, new BodyChecks(size, null)),
            new MemoryStream(new byte[size]), CancellationToken.None);
        return u;
    }

    private List<string> Keys() => _engine.Objects.List(Bucket, Account, "", null, null, 1000).Objects.Select(o => o.Key).ToList();

    private List<string> UploadKeys() => _engine.Usage.Uploads(Bucket, null, null).Select(u => u.Key).ToList();

    private static StorageFault Fault(TestDelegate action) => Assert.Throws<StorageException>(action)!.Fault;

    /// <summary>The meter equals a recount, and the segment files on disk are exactly those some row references.</summary>
    private void AssertConsistent()
    {
        var check = _engine.Check();
        Assert.That(check.Gauges.Select(g => g with { AccruedTo = DateTimeOffset.UnixEpoch }), Is.EqualTo(check.Recount.Select(g => g with { AccruedTo = DateTimeOffset.UnixEpoch })));
        Assert.That(check.SegmentFiles.Concat(check.InlineSegments), Is.EquivalentTo(check.ReferencedSegments));
        Assert.That(check.IsConsistent, Is.True);
    }

    [TestCase("2026-01-15T10:30:00Z", 3, "2026-01-19T00:00:00Z")]
    [TestCase("2026-01-15T00:00:00Z", 1, "2026-01-16T00:00:00Z")]
    [TestCase("2026-01-15T00:00:00Z", 30, "2026-02-14T00:00:00Z")]
    [TestCase("2026-01-15T00:00:00.001Z", 1, "2026-01-17T00:00:00Z")]
    [TestCase("2026-01-15T23:59:59.999Z", 1, "2026-01-17T00:00:00Z")]
    [TestCase("2026-02-28T12:00:00Z", 1, "2026-03-02T00:00:00Z")]
    [TestCase("2026-12-31T18:00:00Z", 1, "2027-01-02T00:00:00Z")]
    [TestCase("2028-02-28T06:00:00Z", 1, "2028-03-01T00:00:00Z")]
    [TestCase("2026-01-15T01:00:00+02:00", 1, "2026-01-16T00:00:00Z")]
    [TestCase("2026-01-15T10:30:00Z", 365, "2027-01-16T00:00:00Z")]
    public void DueIsTimePlusDaysRoundedUpToMidnightUtc(string from, int days, string due)
    {
        var result = LifecycleService.Due(Utc(from), days);
        Assert.That(result, Is.EqualTo(Utc(due)));
        Assert.That(result.Offset, Is.EqualTo(TimeSpan.Zero));
    }

    [TestCase(int.MaxValue)]
    [TestCase(3_000_000)]
    public void DueBeyondTheCalendarIsNever(int days)
    {
        // The XML accepts any positive int; a due date past year 9999 must mean "never", not an exception.
        Assert.That(LifecycleService.Due(T0, days), Is.EqualTo(DateTimeOffset.MaxValue));
        Assert.That(LifecycleService.Due(DateTimeOffset.MaxValue.AddHours(-1), 1), Is.EqualTo(DateTimeOffset.MaxValue));
        Assert.That(LifecycleService.AbortRule([new("far", true, "", null, days)], "k", T0)?.AbortDate, Is.EqualTo(DateTimeOffset.MaxValue));
    }

    [Test]
    public async Task SweepWithRulesBeyondTheCalendarStillAppliesTheOthers()
    {
        _engine.Buckets.Create("bkt-far", Account);
        _engine.Lifecycle.Put("bkt-far", Account, [new("far-expire", true, "", int.MaxValue, null), new("far-abort", true, "", null, int.MaxValue)]);
        _engine.Lifecycle.Put(Bucket, Account, [new("soon", true, "", 1, 1)]);
        await Put("k");
        await Upload("u");
        await _engine.Objects.PutAsync(
            new PutObjectCommand("bkt-far", "k", Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(3)),
            new MemoryStream(new byte[3]), CancellationToken.None);
        _engine.Multipart.Create("bkt-far", "u", Account, new Dictionary<string, string>(), null, null);
        _clock.UtcNow = T0.AddYears(50);

        Assert.That(_engine.Lifecycle.Sweep(), Is.EqualTo(new SweepResult(1, 1)));
        Assert.That(_engine.Objects.List("bkt-far", Account, "", null, null, 10).Objects.Select(o => o.Key), Is.EqualTo(new[] { "k" }));
        AssertConsistent();
    }

    [Test]
    public void AbortRulePicksTheEarliestEnabledMatchingRule()
    {
        List<LifecycleRule> rules =
        [
            new("logs-week", true, "logs/", null, 7),
            new("tmp-two", true, "logs/tmp/", null, 2),
            new("all-off", false, "", null, 1),
            new("expire-only", true, "", 1, null),
            new("docs-late", true, "docs/", 1, 10),
            new("docs-soon", true, "docs/", null, 3),
        ];
        var initiated = Utc("2026-03-01T12:00:00Z");

        Assert.That(LifecycleService.AbortRule(rules, "logs/tmp/x", initiated), Is.EqualTo((rules[1], Utc("2026-03-04T00:00:00Z"))));
        Assert.That(LifecycleService.AbortRule(rules, "logs/y", initiated), Is.EqualTo((rules[0], Utc("2026-03-09T00:00:00Z"))));
        Assert.That(LifecycleService.AbortRule(rules, "docs/a", initiated), Is.EqualTo((rules[5], Utc("2026-03-05T00:00:00Z"))));
        Assert.That(LifecycleService.AbortRule(rules, "other", initiated), Is.Null, "the only catch-all abort rule is disabled");
        Assert.That(LifecycleService.AbortRule(rules, "Logs/y", initiated), Is.Null, "prefixes are case-sensitive");
        Assert.That(LifecycleService.AbortRule(null, "logs/y", initiated), Is.Null);
        Assert.That(LifecycleService.AbortRule([], "logs/y", initiated), Is.Null);
    }

    [Test]
    public async Task SweepAbortsOnlyDueUploadsUnderThePrefix()
    {
        _engine.Lifecycle.Put(Bucket, Account, [new("tmp", true, "tmp/", null, 1), new("off", false, "", null, 1)]);
        var due = await Upload("tmp/a");
        await Upload("keep/b");
        _clock.UtcNow = Utc("2026-11-11T01:00:00Z");
        var later = await Upload("tmp/c");                    // due at 2026-11-13T00:00Z
        AssertConsistent();

        _clock.UtcNow = Utc("2026-11-11T23:59:59.999Z");
        Assert.That(_engine.Lifecycle.Sweep(), Is.EqualTo(new SweepResult(0, 0)));

        _clock.UtcNow = Utc("2026-11-12T00:00:00Z");
        Assert.That(_engine.Lifecycle.Sweep(), Is.EqualTo(new SweepResult(1, 0)));
        Assert.That(UploadKeys(), Is.EqualTo(new[] { "keep/b", "tmp/c" }));
        Assert.That(_engine.Usage.Uploads(Bucket, null, null).Select(u => u.UploadId), Does.Not.Contain(due.UploadId));
        AssertConsistent();

        Assert.That(_engine.Lifecycle.Sweep(), Is.EqualTo(new SweepResult(0, 0)), "a second sweep finds nothing new");

        _clock.UtcNow = Utc("2026-11-13T00:00:00Z");
        Assert.That(_engine.Lifecycle.Sweep(), Is.EqualTo(new SweepResult(1, 0)));
        Assert.That(UploadKeys(), Is.EqualTo(new[] { "keep/b" }));
        Assert.That(_engine.Usage.Uploads(Bucket, null, null).Select(u => u.UploadId), Does.Not.Contain(later.UploadId));
        AssertConsistent();
    }

    [Test]
    public async Task SweepDeletesOnlyExpiredObjectsUnderThePrefix()
    {
        _engine.Lifecycle.Put(Bucket, Account, [new("old", true, "old/", 2, null), new("off", false, "", 1, null)]);
        await Put("old/a");
        await Put("old/b", 5);
        await Put("keep/c");
        await Put("olden");
        _clock.UtcNow = Utc("2026-11-12T00:00:00Z");
        await Put("old/d");                                  // due exactly at 2026-11-14T00:00Z
        AssertConsistent();

        _clock.UtcNow = Utc("2026-11-12T23:59:59Z");
        Assert.That(_engine.Lifecycle.Sweep(), Is.EqualTo(new SweepResult(0, 0)));

        _clock.UtcNow = Utc("2026-11-13T00:00:00Z");
        Assert.That(_engine.Lifecycle.Sweep(), Is.EqualTo(new SweepResult(0, 2)));
        Assert.That(Keys(), Is.EqualTo(new[] { "keep/c", "old/d", "olden" }));
        AssertConsistent();

        _clock.UtcNow = Utc("2026-11-14T00:00:00Z");
        Assert.That(_engine.Lifecycle.Sweep(), Is.EqualTo(new SweepResult(0, 1)));
        Assert.That(Keys(), Is.EqualTo(new[] { "keep/c", "olden" }));
        AssertConsistent();
    }

    [Test]
    public async Task SweepOfBothActionsKeepsTheMeterExact()
    {
        _engine.Lifecycle.Put(Bucket, Account, [new("both", true, "x/", 1, 1)]);
        await Put("x/obj", 50);
        await Upload("x/up", 30);
        _clock.UtcNow = Utc("2026-11-12T00:00:00Z");

        Assert.That(_engine.Lifecycle.Sweep(), Is.EqualTo(new SweepResult(1, 1)));
        AssertConsistent();
        Assert.That(_engine.Segments.EnumerateSegmentIds(), Is.Empty);
        Assert.That(_engine.Check().InlineSegments, Is.Empty);

        // Stored from T0 (10:00) to the sweep at midnight 38 hours later.
        var usage = _engine.Usage.Report("2026-11", Bucket, null, new PriceTable()).Buckets.Single();
        Assert.That((usage.Objects.Count, usage.Objects.ByteHours, usage.Incomplete.Uploads, usage.Incomplete.ByteHours),
            Is.EqualTo((0L, 50.0 * 38, 0L, 30.0 * 38)));
    }

    [Test]
    public void PutGetDeleteRoundTrip()
    {
        Assert.That(_engine.Lifecycle.Get(Bucket, Account), Is.Null);
        List<LifecycleRule> rules = [new("a", true, "logs/", 30, null), new("b", false, "", null, 7), new("c", true, "tmp/", 2, 1)];
        _engine.Lifecycle.Put(Bucket, Account, rules);
        Assert.That(_engine.Lifecycle.Get(Bucket, Account), Is.EqualTo(rules));
        Assert.That(_engine.Lifecycle.RulesOf(Bucket), Is.EqualTo(rules));

        List<LifecycleRule> replaced = [new("only", true, "", 1, null)];
        _engine.Lifecycle.Put(Bucket, Account, replaced);
        Assert.That(_engine.Lifecycle.Get(Bucket, Account), Is.EqualTo(replaced));

        _engine.Lifecycle.Delete(Bucket, Account);
        Assert.That(_engine.Lifecycle.Get(Bucket, Account), Is.Null);
        Assert.That(_engine.Lifecycle.RulesOf(Bucket), Is.Null);
        Assert.DoesNotThrow(() => _engine.Lifecycle.Delete(Bucket, Account));
    }

    [Test]
    public void RulesOfAnotherAccountsBucketAreDenied()
    {
        _engine.Lifecycle.Put(Bucket, Account, [new("a", true, "", 1, null)]);
        Assert.That(Fault(() => _engine.Lifecycle.Get(Bucket, Other)), Is.EqualTo(StorageFault.NotOwner));
        Assert.That(Fault(() => _engine.Lifecycle.Put(Bucket, Other, [new("x", true, "", 2, null)])), Is.EqualTo(StorageFault.NotOwner));
        Assert.That(Fault(() => _engine.Lifecycle.Delete(Bucket, Other)), Is.EqualTo(StorageFault.NotOwner));
        Assert.That(_engine.Lifecycle.Get(Bucket, Account), Is.EqualTo(new[] { new LifecycleRule("a", true, "", 1, null) }));
        Assert.That(Fault(() => _engine.Lifecycle.Get("nobucket", Account)), Is.EqualTo(StorageFault.BucketNotFound));
    }

    [Test]
    public async Task AnUploadPastItsOwnExpiryTimeIsAbortedWhateverTheRules()
    {
        var expiring = _engine.Multipart.Create(Bucket, "session", Account, new Dictionary<string, string>(), null, null, new UploadExtras(ExpiresAt: T0.AddDays(7)));
        await _engine.Multipart.UploadPartAsync(new UploadPartCommand(Bucket, "session", expiring.UploadId, 1, Account, new BodyChecks(20, null)),
            new MemoryStream(new byte[20]), CancellationToken.None);
        await Upload("plain");

        _clock.UtcNow = T0.AddDays(7).AddSeconds(-1);
        Assert.That(_engine.Lifecycle.Sweep().AbortedUploads, Is.Zero);
        _clock.UtcNow = T0.AddDays(7);
        Assert.That(_engine.Lifecycle.Sweep().AbortedUploads, Is.EqualTo(1));
        Assert.That(UploadKeys(), Is.EqualTo(new[] { "plain" }), "an upload without an expiry time is left alone");
        Assert.That(_engine.Check().IsConsistent, Is.True, "its parts left the meter and the disk");
    }

    [Test]
    public void DeletingTheBucketDropsItsRules()
    {
        _engine.Lifecycle.Put(Bucket, Account, [new("a", true, "", 1, null)]);
        _engine.Buckets.Delete(Bucket, Account);
        _engine.Buckets.Create(Bucket, Account);
        Assert.That(_engine.Lifecycle.Get(Bucket, Account), Is.Null);
    }
}
