using System.Globalization;
using Microsoft.Data.Sqlite;
using Storage.Metadata;

namespace Storage.Usage;

/// <summary>
/// The usage meter. Every transaction that changes rows calls <see cref="Apply"/> with the change it makes, in
/// that same transaction (design rule 6): the bucket's storage is first integrated over time up to now, at the
/// totals that held until now, then the totals change. Time integrals are byte-milliseconds and
/// segment-milliseconds per calendar month (UTC), so a month's figures are exact and kept after it ends.
/// Accrual works from timestamps, so time the gateway was down is billed too, as storage kept existing.
/// </summary>
internal static class UsageMeter
{
    public static string Period(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static DateTimeOffset PeriodStart(string period) =>
        new(DateTime.ParseExact(period, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), TimeSpan.Zero);

    /// <summary>Starts metering a new bucket.</summary>
    public static void Open(SqliteConnection c, SqliteTransaction tx, string bucket, string account, DateTimeOffset now)
    {
        MetadataStore.Execute(c, tx, "INSERT OR REPLACE INTO usage_gauges(bucket, account, accrued_to) VALUES ($b, $a, $t);",
            ("$b", bucket), ("$a", account), ("$t", now.ToUnixTimeMilliseconds()));
        Snapshot(c, tx, Gauges(c, tx, bucket)!, Period(now));
    }

    /// <summary>Stops metering a deleted (empty) bucket, after integrating it up to now.</summary>
    public static void Close(SqliteConnection c, SqliteTransaction tx, string bucket, DateTimeOffset now)
    {
        if (Gauges(c, tx, bucket) is { } g)
        {
            Accrue(c, tx, g, now);
            MetadataStore.Execute(c, tx, "DELETE FROM usage_gauges WHERE bucket = $b;", ("$b", bucket));
        }
    }

    /// <summary>Integrates the bucket up to <paramref name="now"/>, then applies <paramref name="delta"/> to its totals.</summary>
    public static void Apply(SqliteConnection c, SqliteTransaction tx, string bucket, DateTimeOffset now, UsageDelta delta)
    {
        var g = Gauges(c, tx, bucket) ?? throw new InvalidOperationException($"Bucket {bucket} is not metered.");
        g = Accrue(c, tx, g, now);
        if (delta.IsZero)
        {
            return;
        }

        MetadataStore.Execute(c, tx,
            "UPDATE usage_gauges SET objects = objects + $o, object_bytes = object_bytes + $ob, object_segments = object_segments + $os, " +
            "uploads = uploads + $u, parts = parts + $p, part_bytes = part_bytes + $pb, part_segments = part_segments + $ps WHERE bucket = $b;",
            ("$o", delta.Objects), ("$ob", delta.ObjectBytes), ("$os", delta.ObjectSegments), ("$u", delta.Uploads),
            ("$p", delta.Parts), ("$pb", delta.PartBytes), ("$ps", delta.PartSegments), ("$b", bucket));
        Snapshot(c, tx, Gauges(c, tx, bucket)!, Period(g.AccruedTo));
    }

    /// <summary>Integrates every bucket up to now (before a report, so each month's row is complete).</summary>
    public static void AccrueAll(SqliteConnection c, SqliteTransaction tx, DateTimeOffset now)
    {
        foreach (var g in AllGauges(c, tx))
        {
            Accrue(c, tx, g, now);
        }
    }

    /// <summary>
    /// Adds the totals x elapsed time since the last accrual to each month the interval touches, and snapshots the
    /// totals into those months. A clock that went backwards accrues nothing (and is not rewound).
    /// </summary>
    private static UsageGauges Accrue(SqliteConnection c, SqliteTransaction tx, UsageGauges g, DateTimeOffset now)
    {
        var from = g.AccruedTo;
        if (now <= from)
        {
            Snapshot(c, tx, g, Period(from));
            return g;
        }

        var cursor = from;
        while (cursor < now)
        {
            var period = Period(cursor);
            var end = PeriodStart(period).AddMonths(1);
            var until = end < now ? end : now;
            double ms = until.ToUnixTimeMilliseconds() - cursor.ToUnixTimeMilliseconds();
            Snapshot(c, tx, g, period);
            MetadataStore.Execute(c, tx,
                "UPDATE usage_periods SET object_byte_ms = object_byte_ms + $obm, object_segment_ms = object_segment_ms + $osm, " +
                "part_byte_ms = part_byte_ms + $pbm, part_segment_ms = part_segment_ms + $psm WHERE period = $per AND bucket = $b AND account = $a;",
                ("$obm", g.ObjectBytes * ms), ("$osm", g.ObjectSegments * ms), ("$pbm", g.PartBytes * ms), ("$psm", g.PartSegments * ms),
                ("$per", period), ("$b", g.Bucket), ("$a", g.Account));
            cursor = until;
        }

        MetadataStore.Execute(c, tx, "UPDATE usage_gauges SET accrued_to = $t WHERE bucket = $b;", ("$t", now.ToUnixTimeMilliseconds()), ("$b", g.Bucket));
        return g with { AccruedTo = now };
    }

    /// <summary>Records the totals as the latest seen in <paramref name="period"/>, creating the month's row if needed.</summary>
    private static void Snapshot(SqliteConnection c, SqliteTransaction tx, UsageGauges g, string period)
    {
        MetadataStore.Execute(c, tx,
            "INSERT INTO usage_periods(period, bucket, account, objects, object_bytes, object_segments, uploads, parts, part_bytes, part_segments) " +
            "VALUES ($per, $b, $a, $o, $ob, $os, $u, $p, $pb, $ps) ON CONFLICT(period, bucket, account) DO UPDATE SET " +
            "objects = $o, object_bytes = $ob, object_segments = $os, uploads = $u, parts = $p, part_bytes = $pb, part_segments = $ps;",
            ("$per", period), ("$b", g.Bucket), ("$a", g.Account), ("$o", g.Objects), ("$ob", g.ObjectBytes), ("$os", g.ObjectSegments),
            ("$u", g.Uploads), ("$p", g.Parts), ("$pb", g.PartBytes), ("$ps", g.PartSegments));
    }

    /// <summary>Adds request traffic to a month's row (the row is created if the bucket had none yet that month).</summary>
    public static void AddTraffic(SqliteConnection c, SqliteTransaction tx, string period, string bucket, string account, TrafficCounters t)
    {
        MetadataStore.Execute(c, tx,
            "INSERT INTO usage_periods(period, bucket, account, bytes_in, bytes_out, write_requests, read_requests, other_requests) " +
            "VALUES ($per, $b, $a, $bi, $bo, $w, $r, $x) ON CONFLICT(period, bucket, account) DO UPDATE SET " +
            "bytes_in = bytes_in + $bi, bytes_out = bytes_out + $bo, write_requests = write_requests + $w, read_requests = read_requests + $r, other_requests = other_requests + $x;",
            ("$per", period), ("$b", bucket), ("$a", account), ("$bi", t.BytesIn), ("$bo", t.BytesOut), ("$w", t.WriteRequests), ("$r", t.ReadRequests), ("$x", t.OtherRequests));
    }

    public static UsageGauges? Gauges(SqliteConnection c, SqliteTransaction? tx, string bucket)
    {
        using var cmd = MetadataStore.Command(c, tx, $"SELECT {GaugeColumns} FROM usage_gauges WHERE bucket = $b;", ("$b", bucket));
        using var r = cmd.ExecuteReader();
        return r.Read() ? MapGauges(r) : null;
    }

    public static List<UsageGauges> AllGauges(SqliteConnection c, SqliteTransaction? tx)
    {
        using var cmd = MetadataStore.Command(c, tx, $"SELECT {GaugeColumns} FROM usage_gauges ORDER BY bucket;");
        using var r = cmd.ExecuteReader();
        var list = new List<UsageGauges>();
        while (r.Read())
        {
            list.Add(MapGauges(r));
        }

        return list;
    }

    private const string GaugeColumns = "bucket, account, objects, object_bytes, object_segments, uploads, parts, part_bytes, part_segments, accrued_to";

    private static UsageGauges MapGauges(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)));

    /// <summary>
    /// The totals recounted from the rows themselves, per bucket: what the gauges must always equal. Used by the
    /// tests and by anyone who wants to check a data folder.
    /// </summary>
    public static List<UsageGauges> Recount(SqliteConnection c)
    {
        using var cmd = MetadataStore.Command(c, null, """
            SELECT b.name, b.owner,
                (SELECT COUNT(*) FROM objects o WHERE o.bucket = b.name),
                (SELECT COALESCE(SUM(size), 0) FROM objects o WHERE o.bucket = b.name),
                (SELECT COUNT(*) FROM object_segments s JOIN objects o ON o.id = s.object_id WHERE o.bucket = b.name),
                (SELECT COUNT(*) FROM uploads u WHERE u.bucket = b.name),
                (SELECT COUNT(*) FROM parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE u.bucket = b.name),
                (SELECT COALESCE(SUM(p.size), 0) FROM parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE u.bucket = b.name),
                (SELECT COUNT(*) FROM part_segments s JOIN uploads u ON u.upload_id = s.upload_id WHERE u.bucket = b.name),
                0
            FROM buckets b ORDER BY b.name;
            """);
        using var r = cmd.ExecuteReader();
        var list = new List<UsageGauges>();
        while (r.Read())
        {
            list.Add(MapGauges(r));
        }

        return list;
    }
}

/// <summary>Request traffic attributed to one bucket.</summary>
internal sealed record TrafficCounters(long BytesIn, long BytesOut, long WriteRequests, long ReadRequests, long OtherRequests);
