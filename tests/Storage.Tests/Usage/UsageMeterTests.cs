using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Metadata;
using Storage.Multipart;
using Storage.Objects;
using Storage.Usage;

namespace Storage.Tests.Usage;

/// <summary>
/// The usage meter against a real engine in a temp folder, with 16-byte segments and a hand-set clock, so every
/// time integral can be computed by hand and compared exactly.
/// </summary>
[TestFixture]
internal sealed class UsageMeterTests
{
    private const string Account = "acct";
    private const string Bucket = "bkt";
    private const string Bucket2 = "bkt2";
    private const int SegmentSize = 16;
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 8, 0, 0, TimeSpan.Zero);
    private string _dir = "";
    private FakeClock _clock = null!;
    private StorageEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "usage-" + Guid.NewGuid().ToString("N"));
        _clock = new FakeClock(T0);
        _engine = new StorageEngine(new StorageOptions(_dir, SegmentSize, new StorageLimits(long.MaxValue, 20, 1 << 20, 10000, 10000, long.MaxValue)), _clock);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static byte[] Body(int size, int seed = 1)
    {
        var data = new byte[size];
        new Random(seed * 7919 + size).NextBytes(data);
        return data;
    }

    private void At(DateTimeOffset t) => _clock.UtcNow = t;

    private Task<ObjectInfo> Put(string key, int size, string bucket = Bucket, int seed = 1) =>
        _engine.Objects.PutAsync(
            new PutObjectCommand(bucket, key, Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(size)),
            new MemoryStream(Body(size, seed)), CancellationToken.None);

    private UploadInfo Create(string key, string bucket = Bucket) =>
        _engine.Multipart.Create(bucket, key, Account, new Dictionary<string, string>(), null, null);

    private async Task<PartInfo> Part(UploadInfo u, int n, int size, int seed = 1) =>
        (await _engine.Multipart.UploadPartAsync(new UploadPartCommand(u.Bucket, u.Key, u.UploadId, n, Account, new BodyChecks(size, null)),
            new MemoryStream(Body(size, seed)), CancellationToken.None)).Part;

    private ObjectInfo Complete(UploadInfo u, params PartInfo[] parts) =>
        _engine.Multipart.Complete(new CompleteCommand(u.Bucket, u.Key, u.UploadId, Account,
            parts.Select(p => new CompletePart(p.PartNumber, p.ETag)).ToList(), WriteConditions.None)).Object;

    private List<UsageGauges> Gauges() => _engine.Metadata.Read(UsageRows.AllGauges);

    private UsageGauges Gauge(string bucket = Bucket) => _engine.Metadata.Read(db => UsageRows.Gauges(db, bucket))!;

    /// <summary>The gauges without the accrual time, which a recount cannot know.</summary>
    private static List<UsageGauges> Totals(IEnumerable<UsageGauges> g) => g.Select(x => x with { AccruedTo = DateTimeOffset.UnixEpoch }).ToList();

    private void AssertGaugesEqualRecount(string step)
    {
        var recount = _engine.Metadata.Read(UsageRows.Recount);
        Assert.That(Totals(Gauges()), Is.EqualTo(Totals(recount)), step);
    }

    private BucketUsage Usage(string? period = null, string bucket = Bucket) =>
        _engine.Usage.Report(period, bucket, null, new PriceTable()).Buckets.Single();

    [Test]
    public async Task GaugesEqualRecountAfterEveryRowChange()
    {
        _engine.Buckets.Create(Bucket, Account);
        _engine.Buckets.Create(Bucket2, Account);
        AssertGaugesEqualRecount("created");

        await Put("a", 40);
        AssertGaugesEqualRecount("put a");
        await Put("a", 10, seed: 2);
        AssertGaugesEqualRecount("replace a");
        await Put("b", 33);
        AssertGaugesEqualRecount("put b");
        _engine.Objects.Copy(new CopyObjectCommand(Bucket, "b", Bucket, "c", Account, null, ReadConditions.None, WriteConditions.None));
        AssertGaugesEqualRecount("copy b -> c");
        _engine.Objects.Copy(new CopyObjectCommand(Bucket, "b", Bucket, "b", Account, null, ReadConditions.None, WriteConditions.None));
        AssertGaugesEqualRecount("copy b onto itself");
        _engine.Objects.Copy(new CopyObjectCommand(Bucket, "b", Bucket2, "b", Account, null, ReadConditions.None, WriteConditions.None));
        AssertGaugesEqualRecount("copy to another bucket");
        _engine.Objects.Delete(Bucket, "b", Account);
        AssertGaugesEqualRecount("delete b");
        _engine.Objects.Delete(Bucket, "missing", Account);
        AssertGaugesEqualRecount("delete a missing key");

        var u = Create("a");
        AssertGaugesEqualRecount("create upload");
        var p1 = await Part(u, 1, 20);
        AssertGaugesEqualRecount("part 1");
        var p2 = await Part(u, 2, 35);
        AssertGaugesEqualRecount("part 2");
        p1 = await Part(u, 1, 25, seed: 3);
        AssertGaugesEqualRecount("part 1 re-uploaded");
        await Part(u, 3, 7);
        AssertGaugesEqualRecount("part 3 (left out of complete)");
        var copied = await _engine.Multipart.CopyPartAsync(new CopyPartCommand(Bucket, "a", u.UploadId, 4, Account, Bucket, "c", (1, 20)), CancellationToken.None);
        AssertGaugesEqualRecount("upload part copy");

        var v = Create("v");
        await Part(v, 1, 50);
        AssertGaugesEqualRecount("second upload");
        _engine.Multipart.Abort(Bucket, "v", v.UploadId, Account);
        AssertGaugesEqualRecount("abort");

        Complete(u, p1, p2, copied.Part);
        AssertGaugesEqualRecount("complete onto existing a");

        var g = Gauge();
        // a (25 + 35 + 20 bytes from parts 1, 2, 4) and c (33): no uploads or parts left.
        Assert.That((g.Objects, g.ObjectBytes, g.Uploads, g.Parts, g.PartBytes, g.PartSegments), Is.EqualTo((2L, 80L + 33L, 0L, 0L, 0L, 0L)));
        Assert.That(Gauge(Bucket2).ObjectBytes, Is.EqualTo(33));
    }

    [Test]
    public async Task ByteHoursAreExactForConstantTotals()
    {
        _engine.Buckets.Create(Bucket, Account);
        await Put("k", 40);
        At(T0.AddHours(3));

        var usage = Usage();
        Assert.That(usage.Objects, Is.EqualTo(new ObjectUsage(1, 40, 3, 40 * 3, 3 * 3)));
        Assert.That(usage.Incomplete, Is.EqualTo(new IncompleteUsage(0, 0, 0, 0, 0, 0)));
    }

    [Test]
    public async Task ByteHoursArePiecewiseSumsWhenTotalsChange()
    {
        _engine.Buckets.Create(Bucket, Account);
        await Put("a", 40);                       // T0..T0+3h: 40 bytes, 3 segments
        var u = Create("up");
        At(T0.AddHours(1));
        await Put("b", 100);                      // T0+1h..T0+4h: 100 bytes, 7 segments
        await Part(u, 1, 20);                     // T0+1h..T0+4h: 20 bytes, 2 segments (incomplete)
        At(T0.AddHours(2));
        await Put("b", 17, seed: 2);              // replace: 17 bytes, 2 segments from T0+2h
        At(T0.AddHours(3));
        _engine.Objects.Delete(Bucket, "a", Account);
        At(T0.AddHours(4).AddMinutes(30));

        var usage = Usage();
        var byteHours = 40 * 3 + 100 * 1 + 17 * 2.5;
        var segmentHours = 3 * 3 + 7 * 1 + 2 * 2.5;
        Assert.That(usage.Objects, Is.EqualTo(new ObjectUsage(1, 17, 2, byteHours, segmentHours)));
        Assert.That(usage.Incomplete, Is.EqualTo(new IncompleteUsage(1, 1, 20, 2, 20 * 3.5, 2 * 3.5)));
    }

    [Test]
    public async Task IntervalCrossingAMonthBoundaryIsSplitExactly()
    {
        At(new DateTimeOffset(2026, 11, 30, 22, 0, 0, TimeSpan.Zero));
        _engine.Buckets.Create(Bucket, Account);
        await Put("k", 50);
        At(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
        _engine.Objects.Delete(Bucket, "k", Account);

        var november = Usage("2026-11");
        var december = Usage("2026-12");
        Assert.That(november.Objects, Is.EqualTo(new ObjectUsage(1, 50, 4, 50 * 2, 4 * 2)), "November keeps the totals last seen in it");
        Assert.That(december.Objects, Is.EqualTo(new ObjectUsage(0, 0, 0, 50 * 3, 4 * 3)));
    }

    [Test]
    public async Task MonthsWithoutChangesStillAccrueTheirHours()
    {
        At(new DateTimeOffset(2026, 11, 30, 22, 0, 0, TimeSpan.Zero));
        _engine.Buckets.Create(Bucket, Account);
        await Put("k", 50);
        At(new DateTimeOffset(2027, 2, 1, 1, 0, 0, TimeSpan.Zero));

        Assert.That(Usage("2026-11").Objects.ByteHours, Is.EqualTo(50 * 2));
        Assert.That(Usage("2026-12").Objects, Is.EqualTo(new ObjectUsage(1, 50, 4, 50 * 31 * 24, 4 * 31 * 24)));
        Assert.That(Usage("2027-01").Objects, Is.EqualTo(new ObjectUsage(1, 50, 4, 50 * 31 * 24, 4 * 31 * 24)));
        Assert.That(Usage("2027-02").Objects, Is.EqualTo(new ObjectUsage(1, 50, 4, 50 * 1, 4 * 1)));
        Assert.That(_engine.Usage.Report("2027-03", null, null, new PriceTable()).Buckets, Is.Empty);

        var report = _engine.Usage.Report("2027-01", null, null, new PriceTable());
        Assert.That((report.Start, report.End, report.AsOf), Is.EqualTo((
            new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero), _clock.UtcNow)));
    }

    [Test]
    public async Task ReportWithoutPeriodIsTheCurrentMonth()
    {
        _engine.Buckets.Create(Bucket, Account);
        await Put("k", 10);
        At(new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero));

        var report = _engine.Usage.Report(null, null, null, new PriceTable());
        Assert.That(report.Period, Is.EqualTo("2026-12"));
        Assert.That(report.Buckets.Single().Objects.ByteHours, Is.EqualTo(10));
    }

    [Test]
    public async Task ClockMovingBackwardsAccruesNothingAndDoesNotRewind()
    {
        _engine.Buckets.Create(Bucket, Account);
        await Put("a", 40);
        At(T0.AddHours(2));
        Assert.That(Usage().Objects.ByteHours, Is.EqualTo(80));

        At(T0.AddHours(1));
        Assert.That(Usage().Objects.ByteHours, Is.EqualTo(80));
        Assert.That(Gauge().AccruedTo, Is.EqualTo(T0.AddHours(2)));

        // A change made while the clock is behind counts from the time already accrued to.
        await Put("b", 10);
        Assert.That(Gauge().AccruedTo, Is.EqualTo(T0.AddHours(2)));
        AssertGaugesEqualRecount("put with the clock behind");

        At(T0.AddHours(3));
        Assert.That(Usage().Objects.ByteHours, Is.EqualTo(80 + 50));
    }

    [Test]
    public async Task DeletingABucketStopsItsMeteringButKeepsItsMonths()
    {
        _engine.Buckets.Create(Bucket, Account);
        _engine.Buckets.Create(Bucket2, Account);
        await Put("k", 30, bucket: Bucket2);
        At(T0.AddHours(2));
        _engine.Objects.Delete(Bucket2, "k", Account);
        _engine.Traffic.Record(Bucket2, Account, _clock.UtcNow, RequestClass.Other, 0, 0);
        At(T0.AddHours(3));
        _engine.Buckets.Delete(Bucket2, Account);

        Assert.That(Gauges().Select(g => g.Bucket), Is.EqualTo(new[] { Bucket }));
        AssertGaugesEqualRecount("bucket deleted");
        var before = Usage("2026-11", Bucket2);
        Assert.That(before.Objects, Is.EqualTo(new ObjectUsage(0, 0, 0, 30 * 2, 2 * 2)));
        Assert.That(before.Traffic, Is.EqualTo(new TrafficCounters(0, 0, 0, 0, 1)));

        At(T0.AddDays(40));
        Assert.That(Usage("2026-11", Bucket2), Is.EqualTo(before));
        Assert.That(_engine.Usage.Report("2026-12", Bucket2, null, new PriceTable()).Buckets, Is.Empty);
    }

    [Test]
    public void TrafficSumsPerPeriodBucketAndAccount()
    {
        _engine.Buckets.Create(Bucket, Account);
        var nov = T0;
        var dec = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var t = _engine.Traffic;
        t.Record(Bucket, Account, nov, RequestClass.WriteOrList, 100, 0);
        t.Record(Bucket, Account, nov, RequestClass.WriteOrList, 50, 1);
        t.Record(Bucket, Account, nov, RequestClass.Read, 0, 70);
        t.Flush();
        t.Record(Bucket, Account, nov, RequestClass.Other, 3, 4);
        t.Record(Bucket, "visitor", nov, RequestClass.Read, 0, 9);
        t.Record(Bucket, Account, dec, RequestClass.Read, 0, 11);
        t.Flush();
        t.Flush();
        _engine.Metadata.Write(db => UsageRows.AddTraffic(db, "2026-11", Bucket, Account, new TrafficCounters(1, 2, 3, 4, 5)));

        var november = _engine.Usage.Report("2026-11", Bucket, null, new PriceTable()).Buckets;
        Assert.That(november.Select(b => (b.Account, b.Traffic)), Is.EqualTo(new[]
        {
            (Account, new TrafficCounters(100 + 50 + 3 + 1, 1 + 70 + 4 + 2, 2 + 3, 1 + 4, 1 + 5)),
            ("visitor", new TrafficCounters(0, 9, 0, 1, 0)),
        }));
        Assert.That(_engine.Usage.Report("2026-12", Bucket, Account, new PriceTable()).Buckets.Single().Traffic, Is.EqualTo(new TrafficCounters(0, 11, 0, 1, 0)));
    }

    [Test]
    public void ConcurrentRecordsDuringFlushesLoseNoCount()
    {
        _engine.Buckets.Create(Bucket, Account);
        const int Threads = 8;
        const int PerThread = 4000;
        var recording = Threads;
        var flushes = 0;
        var flusher = Task.Run(() =>
        {
            while (Volatile.Read(ref recording) > 0)
            {
                _engine.Traffic.Flush();
                flushes++;
            }
        });
        var recorders = Enumerable.Range(0, Threads).Select(i => Task.Run(() =>
        {
            for (var n = 0; n < PerThread; n++)
            {
                _engine.Traffic.Record(i % 2 == 0 ? Bucket : "other-bucket", Account, T0, (RequestClass)(n % 3), 2, 3);
            }

            Interlocked.Decrement(ref recording);
        })).ToArray();
        Task.WaitAll([.. recorders, flusher]);
        _engine.Traffic.Flush();

        var rows = _engine.Usage.Report("2026-11", null, null, new PriceTable()).Buckets;
        var total = rows.Sum(r => r.Traffic.WriteRequests + r.Traffic.ReadRequests + r.Traffic.OtherRequests);
        Assert.That(total, Is.EqualTo(Threads * PerThread), $"after {flushes} concurrent flushes");
        Assert.That(rows.Sum(r => r.Traffic.BytesIn), Is.EqualTo(2L * Threads * PerThread));
        Assert.That(rows.Sum(r => r.Traffic.BytesOut), Is.EqualTo(3L * Threads * PerThread));
        var perBucket = Threads / 2 * PerThread;
        Assert.That(rows.Select(r => r.Traffic.WriteRequests + r.Traffic.ReadRequests + r.Traffic.OtherRequests), Is.EqualTo(new long[] { perBucket, perBucket }));
    }

    [Test]
    public async Task UploadByteHoursArePiecewiseIntegralsOfEachUpload()
    {
        _engine.Buckets.Create(Bucket, Account);
        var u = Create("big");                                // T0
        At(T0.AddHours(1));
        var idle = Create("idle");
        await Part(u, 1, 20);                                 // 20 bytes, 2 segments from T0+1h
        At(T0.AddHours(2));
        await Part(u, 2, 30);                                 // + 30 bytes, 2 segments from T0+2h
        At(T0.AddHours(3));
        await Part(u, 1, 40, seed: 2);                        // part 1 replaced: 40 bytes, 3 segments from T0+3h
        At(T0.AddHours(5));

        var uploads = _engine.Usage.Uploads(Bucket, null, null);
        var byteHours = 20 * 1 + 50 * 1 + 70 * 2;
        var segmentHours = 2 * 1 + 4 * 1 + 5 * 2;
        Assert.That(uploads, Is.EqualTo(new[]
        {
            new UploadUsage(Bucket, Account, "big", u.UploadId, T0, 2, 70, 5, byteHours, segmentHours, 0),
            new UploadUsage(Bucket, Account, "idle", idle.UploadId, T0.AddHours(1), 0, 0, 0, 0, 0, 0),
        }));
        Assert.That(Usage().Incomplete, Is.EqualTo(new IncompleteUsage(2, 2, 70, 5, byteHours, segmentHours)),
            "the bucket's incomplete byte-hours are the sum over its uploads");

        Assert.That(_engine.Usage.Uploads(null, null, T0.AddMinutes(30)).Select(x => x.UploadId), Is.EqualTo(new[] { u.UploadId }));
        Assert.That(_engine.Usage.Uploads(null, "someone-else", null), Is.Empty);
    }
}
