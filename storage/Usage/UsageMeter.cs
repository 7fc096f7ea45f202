using System.Globalization;
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
    public static void Open(Db db, string bucket, string account, DateTimeOffset now)
    {
        UsageRows.OpenGauges(db, bucket, account, now);
        UsageRows.Snapshot(db, UsageRows.Gauges(db, bucket)!, Period(now));
    }

    /// <summary>Stops metering a deleted (empty) bucket, after integrating it up to now.</summary>
    public static void Close(Db db, string bucket, DateTimeOffset now)
    {
        if (UsageRows.Gauges(db, bucket) is { } g)
        {
            Accrue(db, g, now);
            UsageRows.DeleteGauges(db, bucket);
        }
    }

    /// <summary>
    /// Integrates the bucket up to <paramref name="now"/>, then applies <paramref name="delta"/> to its totals. With
    /// <paramref name="since"/> (a lifecycle action carried out after its due instant), the change counts from then:
    /// the integrals are corrected by the change x (now - since), month by month, as if it had been made on time.
    /// </summary>
    public static void Apply(Db db, string bucket, DateTimeOffset now, UsageDelta delta, DateTimeOffset? since = null)
    {
        var g = UsageRows.Gauges(db, bucket) ?? throw new InvalidOperationException($"Bucket {bucket} is not metered.");
        g = Accrue(db, g, now);
        if (delta.IsZero)
        {
            return;
        }

        UsageRows.AddToGauges(db, bucket, delta);
        UsageRows.Snapshot(db, UsageRows.Gauges(db, bucket)!, Period(g.AccruedTo));
        if (since is { } from && from < g.AccruedTo)
        {
            Backdate(db, g, delta, from, g.AccruedTo);
        }
    }

    /// <summary>Adds <paramref name="delta"/> x the time from <paramref name="from"/> to <paramref name="to"/> to each month's integrals (negative for a removal).</summary>
    private static void Backdate(Db db, UsageGauges g, UsageDelta delta, DateTimeOffset from, DateTimeOffset to)
    {
        var change = new UsageGauges(g.Bucket, g.Account, delta.Objects, delta.ObjectBytes, delta.ObjectSegments, delta.Uploads, delta.Parts, delta.PartBytes, delta.PartSegments, to)
        {
            NoncurrentObjects = delta.NoncurrentObjects,
            NoncurrentBytes = delta.NoncurrentBytes,
            NoncurrentSegments = delta.NoncurrentSegments,
            DeleteMarkers = delta.DeleteMarkers,
        };
        for (var cursor = from; cursor < to;)
        {
            var period = Period(cursor);
            var end = PeriodStart(period).AddMonths(1);
            var until = end < to ? end : to;
            UsageRows.AddIntegrals(db, period, change, Codes.Ms(until) - Codes.Ms(cursor));
            cursor = until;
        }
    }

    /// <summary>Integrates every bucket up to now (before a report, so each month's row is complete).</summary>
    public static void AccrueAll(Db db, DateTimeOffset now)
    {
        foreach (var g in UsageRows.AllGauges(db))
        {
            Accrue(db, g, now);
        }
    }

    /// <summary>
    /// Adds the totals x elapsed time since the last accrual to each month the interval touches, and snapshots the
    /// totals into those months. A clock that went backwards accrues nothing (and is not rewound).
    /// </summary>
    private static UsageGauges Accrue(Db db, UsageGauges g, DateTimeOffset now)
    {
        var from = g.AccruedTo;
        if (now <= from)
        {
            UsageRows.Snapshot(db, g, Period(from));
            return g;
        }

        var cursor = from;
        while (cursor < now)
        {
            var period = Period(cursor);
            var end = PeriodStart(period).AddMonths(1);
            var until = end < now ? end : now;
            double ms = Codes.Ms(until) - Codes.Ms(cursor);
            UsageRows.Snapshot(db, g, period);
            UsageRows.AddIntegrals(db, period, g, ms);
            cursor = until;
        }

        UsageRows.SetAccruedTo(db, g.Bucket, now);
        return g with { AccruedTo = now };
    }
}
