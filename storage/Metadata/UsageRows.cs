using Microsoft.Data.Sqlite;
using Storage.Usage;

namespace Storage.Metadata;

/// <summary>
/// The meter's tables: usage_gauges (each bucket's current totals and the time they were integrated to) and
/// usage_periods (per calendar month: time integrals, traffic, and the totals last seen that month).
/// </summary>
internal static class UsageRows
{
    private const string GaugeColumns =
        "bucket, account, objects, object_bytes, object_segments, uploads, parts, part_bytes, part_segments, accrued_to, " +
        "noncurrent_objects, noncurrent_bytes, noncurrent_segments, delete_markers";

    private static UsageGauges MapGauges(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8),
        Codes.Time(r.GetInt64(9)))
    {
        NoncurrentObjects = r.GetInt64(10),
        NoncurrentBytes = r.GetInt64(11),
        NoncurrentSegments = r.GetInt64(12),
        DeleteMarkers = r.GetInt64(13),
    };

    public static UsageGauges? Gauges(Db db, string bucket) =>
        db.First($"SELECT {GaugeColumns} FROM usage_gauges WHERE bucket = $b;", MapGauges, ("$b", bucket));

    public static List<UsageGauges> AllGauges(Db db) => db.List($"SELECT {GaugeColumns} FROM usage_gauges ORDER BY bucket;", MapGauges);

    public static void OpenGauges(Db db, string bucket, string account, DateTimeOffset now) =>
        db.Execute("INSERT OR REPLACE INTO usage_gauges(bucket, account, accrued_to) VALUES ($b, $a, $t);", ("$b", bucket), ("$a", account), ("$t", Codes.Ms(now)));

    public static void DeleteGauges(Db db, string bucket) => db.Execute("DELETE FROM usage_gauges WHERE bucket = $b;", ("$b", bucket));

    public static void AddToGauges(Db db, string bucket, UsageDelta d) =>
        db.Execute(
            "UPDATE usage_gauges SET objects = objects + $o, object_bytes = object_bytes + $ob, object_segments = object_segments + $os, " +
            "uploads = uploads + $u, parts = parts + $p, part_bytes = part_bytes + $pb, part_segments = part_segments + $ps, " +
            "noncurrent_objects = noncurrent_objects + $no, noncurrent_bytes = noncurrent_bytes + $nb, noncurrent_segments = noncurrent_segments + $ns, " +
            "delete_markers = delete_markers + $dm WHERE bucket = $b;",
            ("$o", d.Objects), ("$ob", d.ObjectBytes), ("$os", d.ObjectSegments), ("$u", d.Uploads),
            ("$p", d.Parts), ("$pb", d.PartBytes), ("$ps", d.PartSegments), ("$no", d.NoncurrentObjects), ("$nb", d.NoncurrentBytes),
            ("$ns", d.NoncurrentSegments), ("$dm", d.DeleteMarkers), ("$b", bucket));

    public static void SetAccruedTo(Db db, string bucket, DateTimeOffset t) =>
        db.Execute("UPDATE usage_gauges SET accrued_to = $t WHERE bucket = $b;", ("$t", Codes.Ms(t)), ("$b", bucket));

    /// <summary>Records the totals as the latest seen in <paramref name="period"/>, creating the month's row if needed.</summary>
    public static void Snapshot(Db db, UsageGauges g, string period) =>
        db.Execute(
            "INSERT INTO usage_periods(period, bucket, account, objects, object_bytes, object_segments, uploads, parts, part_bytes, part_segments, " +
            "noncurrent_objects, noncurrent_bytes, noncurrent_segments, delete_markers, kind) " +
            "VALUES ($per, $b, $a, $o, $ob, $os, $u, $p, $pb, $ps, $no, $nb, $ns, $dm, " + KindOfBucket + ") ON CONFLICT(period, bucket, account) DO UPDATE SET " +
            "objects = $o, object_bytes = $ob, object_segments = $os, uploads = $u, parts = $p, part_bytes = $pb, part_segments = $ps, " +
            "noncurrent_objects = $no, noncurrent_bytes = $nb, noncurrent_segments = $ns, delete_markers = $dm;",
            ("$per", period), ("$b", g.Bucket), ("$a", g.Account), ("$o", g.Objects), ("$ob", g.ObjectBytes), ("$os", g.ObjectSegments),
            ("$u", g.Uploads), ("$p", g.Parts), ("$pb", g.PartBytes), ("$ps", g.PartSegments),
            ("$no", g.NoncurrentObjects), ("$nb", g.NoncurrentBytes), ("$ns", g.NoncurrentSegments), ("$dm", g.DeleteMarkers));

    /// <summary>Adds time integrals (byte-milliseconds, segment-milliseconds) to a month's row, which must exist.</summary>
    public static void AddIntegrals(Db db, string period, UsageGauges g, double ms) =>
        db.Execute(
            "UPDATE usage_periods SET object_byte_ms = object_byte_ms + $obm, object_segment_ms = object_segment_ms + $osm, " +
            "part_byte_ms = part_byte_ms + $pbm, part_segment_ms = part_segment_ms + $psm, " +
            "noncurrent_byte_ms = noncurrent_byte_ms + $nbm, noncurrent_segment_ms = noncurrent_segment_ms + $nsm WHERE period = $per AND bucket = $b AND account = $a;",
            ("$obm", g.ObjectBytes * ms), ("$osm", g.ObjectSegments * ms), ("$pbm", g.PartBytes * ms), ("$psm", g.PartSegments * ms),
            ("$nbm", g.NoncurrentBytes * ms), ("$nsm", g.NoncurrentSegments * ms), ("$per", period), ("$b", g.Bucket), ("$a", g.Account));

    /// <summary>Adds request traffic to a month's row (the row is created if the bucket had none yet that month).</summary>
    public static void AddTraffic(Db db, string period, string bucket, string account, TrafficCounters t) =>
        db.Execute(
            "INSERT INTO usage_periods(period, bucket, account, bytes_in, bytes_out, write_requests, read_requests, other_requests, kind) " +
            "VALUES ($per, $b, $a, $bi, $bo, $w, $r, $x, " + KindOfBucket + ") ON CONFLICT(period, bucket, account) DO UPDATE SET " +
            "bytes_in = bytes_in + $bi, bytes_out = bytes_out + $bo, write_requests = write_requests + $w, read_requests = read_requests + $r, other_requests = other_requests + $x;",
            ("$per", period), ("$b", bucket), ("$a", account), ("$bi", t.BytesIn), ("$bo", t.BytesOut), ("$w", t.WriteRequests), ("$r", t.ReadRequests), ("$x", t.OtherRequests));

    private const double MsPerHour = 3_600_000;

    // A month's row takes its bucket's kind when it is made (a bucket is created before any of its rows) and keeps it
    // after the bucket is gone: a name is one kind for good (a front end's naming rules tell them apart). Set once, so
    // the writes that update the row every request pay nothing for it.
    private const string KindOfBucket = "(SELECT kind FROM buckets WHERE name = $b)";

    /// <summary>A month's rows, filtered by bucket and account when given.</summary>
    public static List<BucketUsage> Period(Db db, string period, string? bucket, string? account) =>
        db.List(
            "SELECT bucket, account, objects, object_bytes, object_segments, uploads, parts, part_bytes, part_segments, " +
            "object_byte_ms, object_segment_ms, part_byte_ms, part_segment_ms, bytes_in, bytes_out, write_requests, read_requests, other_requests, " +
            "noncurrent_objects, noncurrent_bytes, noncurrent_segments, noncurrent_byte_ms, noncurrent_segment_ms, delete_markers, kind " +
            "FROM usage_periods WHERE period = $p AND ($b IS NULL OR bucket = $b) AND ($a IS NULL OR account = $a) ORDER BY bucket, account;",
            r => new BucketUsage(r.GetString(0), r.GetString(1),
                new ObjectUsage(r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetDouble(9) / MsPerHour, r.GetDouble(10) / MsPerHour),
                new IncompleteUsage(r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetDouble(11) / MsPerHour, r.GetDouble(12) / MsPerHour),
                new TrafficCounters(r.GetInt64(13), r.GetInt64(14), r.GetInt64(15), r.GetInt64(16), r.GetInt64(17)), 0)
            {
                Noncurrent = new ObjectUsage(r.GetInt64(18), r.GetInt64(19), r.GetInt64(20), r.GetDouble(21) / MsPerHour, r.GetDouble(22) / MsPerHour),
                DeleteMarkers = r.GetInt64(23),
                Kind = !r.IsDBNull(24) && r.GetString(24) == "directory" ? Objects.BucketKind.Directory : Objects.BucketKind.General,
            },
            ("$p", period), ("$b", bucket), ("$a", account));

    /// <summary>Incomplete uploads with their accrued byte- and segment-hours up to <paramref name="nowMs"/>, oldest first.</summary>
    public static List<UploadUsage> Uploads(Db db, string? bucket, string? account, long? initiatedBeforeMs, long nowMs) =>
        db.List(
            "SELECT u.bucket, b.owner, u.key, u.upload_id, u.initiated, (SELECT COUNT(*) FROM parts p WHERE p.upload_id = u.upload_id), " +
            "u.bytes, u.segments, u.byte_ms + u.bytes * MAX(0, $now - u.accrued_to), u.segment_ms + u.segments * MAX(0, $now - u.accrued_to) " +
            "FROM uploads u JOIN buckets b ON b.name = u.bucket " +
            "WHERE ($b IS NULL OR u.bucket = $b) AND ($a IS NULL OR b.owner = $a) AND ($before IS NULL OR u.initiated < $before) " +
            "ORDER BY u.initiated, u.upload_id;",
            r => new UploadUsage(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Codes.Time(r.GetInt64(4)),
                r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetDouble(8) / MsPerHour, r.GetDouble(9) / MsPerHour, 0),
            ("$now", nowMs), ("$b", bucket), ("$a", account), ("$before", initiatedBeforeMs));

    /// <summary>The totals recounted from the rows themselves, per bucket: what the gauges must always equal.</summary>
    public static List<UsageGauges> Recount(Db db) =>
        db.List("""
            SELECT b.name, b.owner,
                (SELECT COUNT(*) FROM objects o WHERE o.bucket = b.name AND o.latest = 1 AND o.delete_marker = 0),
                (SELECT COALESCE(SUM(size), 0) FROM objects o WHERE o.bucket = b.name AND o.latest = 1 AND o.delete_marker = 0),
                (SELECT COUNT(*) FROM object_segments s JOIN objects o ON o.id = s.object_id WHERE o.bucket = b.name AND o.latest = 1 AND o.delete_marker = 0),
                (SELECT COUNT(*) FROM uploads u WHERE u.bucket = b.name),
                (SELECT COUNT(*) FROM parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE u.bucket = b.name),
                (SELECT COALESCE(SUM(p.size), 0) FROM parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE u.bucket = b.name),
                (SELECT COUNT(*) FROM part_segments s JOIN uploads u ON u.upload_id = s.upload_id WHERE u.bucket = b.name),
                0,
                (SELECT COUNT(*) FROM objects o WHERE o.bucket = b.name AND o.latest = 0 AND o.delete_marker = 0),
                (SELECT COALESCE(SUM(size), 0) FROM objects o WHERE o.bucket = b.name AND o.latest = 0 AND o.delete_marker = 0),
                (SELECT COUNT(*) FROM object_segments s JOIN objects o ON o.id = s.object_id WHERE o.bucket = b.name AND o.latest = 0 AND o.delete_marker = 0),
                (SELECT COUNT(*) FROM objects o WHERE o.bucket = b.name AND o.delete_marker = 1)
            FROM buckets b ORDER BY b.name;
            """, MapGauges);
}

/// <summary>The lifecycle table: one JSON document of rules per bucket.</summary>
internal static class LifecycleRows
{
    public static void Put(Db db, string bucket, string rulesJson) =>
        db.Execute("INSERT OR REPLACE INTO lifecycle(bucket, rules) VALUES ($b, $r);", ("$b", bucket), ("$r", rulesJson));

    public static string? Get(Db db, string bucket) => db.Scalar<string>("SELECT rules FROM lifecycle WHERE bucket = $b;", ("$b", bucket));

    public static int Delete(Db db, string bucket) => db.Execute("DELETE FROM lifecycle WHERE bucket = $b;", ("$b", bucket));

    /// <summary>Every bucket with rules: (bucket, owner, rules).</summary>
    public static List<(string Bucket, string Owner, string Rules)> All(Db db) =>
        db.List("SELECT l.bucket, b.owner, l.rules FROM lifecycle l JOIN buckets b ON b.name = l.bucket;", r => (r.GetString(0), r.GetString(1), r.GetString(2)));
}

/// <summary>The clock table: the virtual clock's time, one row.</summary>
internal static class ClockRows
{
    public static long? Get(Db db) => db.Scalar<long?>("SELECT now FROM clock WHERE id = 1;");

    public static void Insert(Db db, long ms) => db.Execute("INSERT INTO clock(id, now) VALUES (1, $t);", ("$t", ms));

    public static void Set(Db db, long ms) => db.Execute("UPDATE clock SET now = $t WHERE id = 1;", ("$t", ms));
}
