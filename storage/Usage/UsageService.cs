using Microsoft.Data.Sqlite;
using Storage.Metadata;

namespace Storage.Usage;

internal sealed record ObjectUsage(long Count, long Bytes, long Segments, double ByteHours, double SegmentHours);

internal sealed record IncompleteUsage(long Uploads, long Parts, long Bytes, long Segments, double ByteHours, double SegmentHours);

internal sealed record BucketUsage(string Bucket, string Account, ObjectUsage Objects, IncompleteUsage Incomplete, TrafficCounters Traffic);

internal sealed record UsageReport(string Period, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset AsOf, IReadOnlyList<BucketUsage> Buckets);

/// <summary>One incomplete upload with what it occupies and has accrued since it was initiated.</summary>
internal sealed record UploadUsage(
    string Bucket, string Account, string Key, string UploadId, DateTimeOffset Initiated, long Parts, long Bytes, long Segments, double ByteHours, double SegmentHours);

/// <summary>Reads the meter: monthly reports and the list of incomplete uploads with their accrued usage.</summary>
internal sealed class UsageService(MetadataStore db, TrafficMeter traffic, IClock clock)
{
    private const double MsPerHour = 3_600_000;

    public TrafficMeter Traffic => traffic;

    /// <summary>
    /// The usage of <paramref name="period"/> (default: the current month), integrated up to now first, for the
    /// buckets <paramref name="account"/> owns (null: every account).
    /// </summary>
    public UsageReport Report(string? period, string? bucket, string? account)
    {
        var now = clock.UtcNow;
        traffic.Flush();
        db.Write((c, tx) =>
        {
            UsageMeter.AccrueAll(c, tx, now);
            return 0;
        });
        var p = period ?? UsageMeter.Period(now);
        var start = UsageMeter.PeriodStart(p);
        var rows = db.Read(c =>
        {
            using var cmd = MetadataStore.Command(c, null,
                "SELECT bucket, account, objects, object_bytes, object_segments, uploads, parts, part_bytes, part_segments, " +
                "object_byte_ms, object_segment_ms, part_byte_ms, part_segment_ms, bytes_in, bytes_out, write_requests, read_requests, other_requests " +
                "FROM usage_periods WHERE period = $p AND ($b IS NULL OR bucket = $b) AND ($a IS NULL OR account = $a) ORDER BY bucket, account;",
                ("$p", p), ("$b", bucket), ("$a", account));
            using var r = cmd.ExecuteReader();
            var list = new List<BucketUsage>();
            while (r.Read())
            {
                list.Add(new BucketUsage(r.GetString(0), r.GetString(1),
                    new ObjectUsage(r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetDouble(9) / MsPerHour, r.GetDouble(10) / MsPerHour),
                    new IncompleteUsage(r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetDouble(11) / MsPerHour, r.GetDouble(12) / MsPerHour),
                    new TrafficCounters(r.GetInt64(13), r.GetInt64(14), r.GetInt64(15), r.GetInt64(16), r.GetInt64(17))));
            }

            return list;
        });
        return new UsageReport(p, start, start.AddMonths(1), now, rows);
    }

    /// <summary>Incomplete uploads, oldest first, with their accrued byte-hours up to now.</summary>
    public IReadOnlyList<UploadUsage> Uploads(string? bucket, string? account, DateTimeOffset? initiatedBefore) => db.Read(c => Uploads(c, bucket, account, initiatedBefore, clock.UtcNow));

    internal static List<UploadUsage> Uploads(MetadataStore db, string bucket, DateTimeOffset now) => db.Read(c => Uploads(c, bucket, null, null, now));

    internal static List<UploadUsage> Uploads(SqliteConnection c, string? bucket, string? account, DateTimeOffset? initiatedBefore, DateTimeOffset now)
    {
        using var cmd = MetadataStore.Command(c, null,
            "SELECT u.bucket, b.owner, u.key, u.upload_id, u.initiated, (SELECT COUNT(*) FROM parts p WHERE p.upload_id = u.upload_id), " +
            "u.bytes, u.segments, u.byte_ms + u.bytes * MAX(0, $now - u.accrued_to), u.segment_ms + u.segments * MAX(0, $now - u.accrued_to) " +
            "FROM uploads u JOIN buckets b ON b.name = u.bucket " +
            "WHERE ($b IS NULL OR u.bucket = $b) AND ($a IS NULL OR b.owner = $a) AND ($before IS NULL OR u.initiated < $before) " +
            "ORDER BY u.initiated, u.upload_id;",
            ("$now", now.ToUnixTimeMilliseconds()), ("$b", bucket), ("$a", account), ("$before", initiatedBefore?.ToUnixTimeMilliseconds()));
        using var r = cmd.ExecuteReader();
        var list = new List<UploadUsage>();
        while (r.Read())
        {
            list.Add(new UploadUsage(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
                r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetDouble(8) / MsPerHour, r.GetDouble(9) / MsPerHour));
        }

        return list;
    }

    /// <summary>Current totals of every bucket (for metrics).</summary>
    public IReadOnlyList<UsageGauges> Gauges() => db.Read(c => UsageMeter.AllGauges(c, null));
}
