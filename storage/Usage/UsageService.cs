using Storage.Faults;
using Storage.Metadata;
using Storage.Multipart;

namespace Storage.Usage;

public sealed record ObjectUsage(long Count, long Bytes, long Segments, double ByteHours, double SegmentHours)
{
    public static readonly ObjectUsage Zero = new(0, 0, 0, 0, 0);

    public static ObjectUsage operator +(ObjectUsage a, ObjectUsage b) =>
        new(a.Count + b.Count, a.Bytes + b.Bytes, a.Segments + b.Segments, a.ByteHours + b.ByteHours, a.SegmentHours + b.SegmentHours);
}

public sealed record IncompleteUsage(long Uploads, long Parts, long Bytes, long Segments, double ByteHours, double SegmentHours)
{
    public static readonly IncompleteUsage Zero = new(0, 0, 0, 0, 0, 0);

    public static IncompleteUsage operator +(IncompleteUsage a, IncompleteUsage b) => new(
        a.Uploads + b.Uploads, a.Parts + b.Parts, a.Bytes + b.Bytes, a.Segments + b.Segments, a.ByteHours + b.ByteHours, a.SegmentHours + b.SegmentHours);
}

/// <summary>
/// A bucket's usage in one month, with its estimated cost at the report's prices. <see cref="Objects"/> are current
/// versions; <see cref="Noncurrent"/> versions are stored (and billed) as well; delete markers hold no bytes.
/// </summary>
public sealed record BucketUsage(string Bucket, string Account, ObjectUsage Objects, IncompleteUsage Incomplete, TrafficCounters Traffic, double EstimatedCost)
{
    /// <summary>The bucket's kind: directory buckets are a storage class of their own, priced with their own row.</summary>
    public Objects.BucketKind Kind { get; init; }

    public ObjectUsage Noncurrent { get; init; } = ObjectUsage.Zero;

    public long DeleteMarkers { get; init; }
}

/// <summary>The figures of several buckets added up.</summary>
public sealed record UsageTotals(ObjectUsage Objects, IncompleteUsage Incomplete, TrafficCounters Traffic, double EstimatedCost)
{
    public ObjectUsage Noncurrent { get; init; } = ObjectUsage.Zero;

    public long DeleteMarkers { get; init; }
}

public sealed record UsageReport(string Period, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset AsOf, IReadOnlyList<BucketUsage> Buckets, UsageTotals Totals);

/// <summary>One incomplete upload with what it occupies and has accrued since it was initiated, and its cost so far.</summary>
public sealed record UploadUsage(
    string Bucket, string Account, string Key, string UploadId, DateTimeOffset Initiated, long Parts, long Bytes, long Segments, double ByteHours, double SegmentHours,
    double EstimatedCost);

public enum UploadOrder
{
    /// <summary>Oldest first.</summary>
    Initiated,

    /// <summary>Most bytes first, then oldest.</summary>
    Bytes,

    /// <summary>Highest cost so far first, then oldest.</summary>
    Cost,
}

/// <summary>Which incomplete uploads to list: filters, order and the page (an offset into that order).</summary>
public sealed record UploadQuery(string? Bucket, string? Account, TimeSpan? OlderThan, UploadOrder Order = UploadOrder.Initiated, int Offset = 0, int Limit = 100);

public sealed record UploadTotals(long Uploads, long Parts, long Bytes, long Segments, double ByteHours, double EstimatedCost);

/// <summary>A page of incomplete uploads, with totals over every upload the query matched.</summary>
public sealed record UploadReport(DateTimeOffset AsOf, IReadOnlyList<UploadUsage> Uploads, bool IsTruncated, int? NextOffset, UploadTotals Totals);

/// <summary>What a bulk abort removed (or, in a dry run, would remove).</summary>
public sealed record AbortReport(DateTimeOffset AsOf, bool DryRun, IReadOnlyList<UploadUsage> Aborted, long FreedBytes, long FreedParts, long FreedSegments);

/// <summary>Reads the meter: monthly reports, incomplete uploads with their cost, and bulk aborts of stale uploads.</summary>
public sealed class UsageService
{
    private readonly MetadataStore _db;
    private readonly MultipartService _multipart;
    private readonly IClock _clock;

    internal UsageService(MetadataStore db, TrafficMeter traffic, MultipartService multipart, IClock clock)
    {
        _db = db;
        Traffic = traffic;
        _multipart = multipart;
        _clock = clock;
    }

    public TrafficMeter Traffic { get; }

    /// <summary>
    /// The usage of <paramref name="period"/> (yyyy-MM; default: the current month), integrated up to now first, for the
    /// buckets <paramref name="account"/> owns (null: every account), priced with <paramref name="prices"/>.
    /// </summary>
    public UsageReport Report(string? period, string? bucket, string? account, PriceTable prices)
    {
        var now = _clock.UtcNow;
        Traffic.Flush();
        _db.Write(db => UsageMeter.AccrueAll(db, now));
        var p = period ?? UsageMeter.Period(now);
        var start = UsageMeter.PeriodStart(p);
        var rows = _db.Read(db => UsageRows.Period(db, p, bucket, account))
            .Select(u => u with { EstimatedCost = Cost(prices.For(u.Kind), u.Objects + u.Noncurrent, u.Incomplete, u.Traffic) })
            .ToList();
        var objects = rows.Aggregate(ObjectUsage.Zero, (sum, u) => sum + u.Objects);
        var noncurrent = rows.Aggregate(ObjectUsage.Zero, (sum, u) => sum + u.Noncurrent);
        var incomplete = rows.Aggregate(IncompleteUsage.Zero, (sum, u) => sum + u.Incomplete);
        var traffic = rows.Aggregate(TrafficCounters.Zero, (sum, u) => sum + u.Traffic);
        // Each bucket is priced by its class; the total is the sum of theirs.
        var totals = new UsageTotals(objects, incomplete, traffic, rows.Sum(u => u.EstimatedCost))
        {
            Noncurrent = noncurrent,
            DeleteMarkers = rows.Sum(u => u.DeleteMarkers),
        };
        return new UsageReport(p, start, start.AddMonths(1), now, rows, totals);
    }

    /// <summary>Stored data is billed by the byte-hour and segment-hour, current and noncurrent versions alike.</summary>
    private static double Cost(PriceTable prices, ObjectUsage stored, IncompleteUsage i, TrafficCounters t) =>
        prices.Cost(stored.ByteHours + i.ByteHours, stored.SegmentHours + i.SegmentHours, t.BytesOut, t.WriteRequests, t.ReadRequests);

    /// <summary>Incomplete uploads, oldest first, with their accrued byte-hours up to now (no cost).</summary>
    public IReadOnlyList<UploadUsage> Uploads(string? bucket, string? account, DateTimeOffset? initiatedBefore) =>
        _db.Read(db => UsageRows.Uploads(db, bucket, account, initiatedBefore is { } t ? Codes.Ms(t) : null, Codes.Ms(_clock.UtcNow)));

    /// <summary>A page of incomplete uploads in the query's order, each priced, with totals over all that match.</summary>
    public UploadReport Uploads(UploadQuery q, PriceTable prices)
    {
        var now = _clock.UtcNow;
        var list = Priced(q.Bucket, q.Account, q.OlderThan, now, prices);
        list = q.Order switch
        {
            UploadOrder.Initiated => list,
            UploadOrder.Bytes => [.. list.OrderByDescending(u => u.Bytes).ThenBy(u => u.Initiated)],
            UploadOrder.Cost => [.. list.OrderByDescending(u => u.EstimatedCost).ThenBy(u => u.Initiated)],
        };
        var page = list.Skip(q.Offset).Take(q.Limit).ToList();
        var truncated = q.Offset + page.Count < list.Count;
        var totals = new UploadTotals(list.Count, list.Sum(u => u.Parts), list.Sum(u => u.Bytes), list.Sum(u => u.Segments), list.Sum(u => u.ByteHours), list.Sum(u => u.EstimatedCost));
        return new UploadReport(now, page, truncated, truncated ? q.Offset + page.Count : null, totals);
    }

    /// <summary>Aborts every incomplete upload initiated more than <paramref name="olderThan"/> ago (or only lists them, in a dry run).</summary>
    public AbortReport AbortStale(string? bucket, string? account, TimeSpan olderThan, bool dryRun)
    {
        var now = _clock.UtcNow;
        var aborted = new List<UploadUsage>();
        foreach (var u in Priced(bucket, account, olderThan, now, new PriceTable()))
        {
            if (!dryRun)
            {
                try
                {
                    _multipart.Abort(u.Bucket, u.Key, u.UploadId, u.Account);
                }
                catch (StorageException e) when (e.Fault == StorageFault.UploadNotFound)
                {
                    // Completed or aborted meanwhile: nothing of it is left to free.
                    continue;
                }
            }

            aborted.Add(u);
        }

        return new AbortReport(now, dryRun, aborted, aborted.Sum(u => u.Bytes), aborted.Sum(u => u.Parts), aborted.Sum(u => u.Segments));
    }

    private List<UploadUsage> Priced(string? bucket, string? account, TimeSpan? olderThan, DateTimeOffset now, PriceTable prices) =>
        _db.Read(db => UsageRows.Uploads(db, bucket, account, olderThan is { } o ? Codes.Ms(now) - (long)o.TotalMilliseconds : null, Codes.Ms(now)))
            .Select(u => u with { EstimatedCost = prices.Cost(u.ByteHours, u.SegmentHours, 0, 0, 0) })
            .ToList();

    /// <summary>Current totals of every bucket (for metrics).</summary>
    public IReadOnlyList<UsageGauges> Gauges() => _db.Read(UsageRows.AllGauges);
}
