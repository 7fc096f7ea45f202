using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Gateway.Contract;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Storage.Usage;

namespace Gateway.Admin;

/// <summary>
/// The gateway's own endpoints under /_gateway/ (tools/ADMIN-API.md), answered in the contract's JSON documents.
/// An account sees its own buckets; admins (Gateway:Admins) see every account and may move the virtual clock. The
/// figures come from storage's usage service; this file only shapes them.
/// </summary>
internal static class AdminHandlers
{
    private static readonly string Version = typeof(AdminHandlers).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static S3Response Health(AdminRequest r) =>
        Json(new HealthDocument { Status = "ok", Version = Version, UptimeSeconds = Math.Round((DateTimeOffset.UtcNow - r.Services.StartedAtReal).TotalSeconds, 3) }, AdminJson.Default.HealthDocument);

    public static S3Response Unknown(AdminRequest r)
    {
        _ = r.Account; // Unsigned callers learn nothing, not even which paths exist.
        throw new S3Exception(S3ErrorCode.NotFound, $"No gateway endpoint {r.Method} {r.RawPath}.");
    }

    private static bool IsAdmin(AdminRequest r) => r.Options.IsAdmin(r.Account);

    /// <summary>
    /// The account the request may see: its own, or, for an admin, the one it names (null: every account).
    /// <paramref name="what"/> names what another account's would be ("usage", "requests") in the refusal.
    /// </summary>
    internal static string? Scope(AdminRequest r, string what = "usage")
    {
        var named = r.Query.Get("account") is { Length: > 0 } a ? a : null;
        if (IsAdmin(r))
        {
            return named;
        }

        return named is null || named == r.Account ? r.Account : throw new S3Exception(S3ErrorCode.AccessDenied, $"Only an admin may see another account's {what}.");
    }

    private static string? Bucket(AdminRequest r) => r.Query.Get("bucket") is { Length: > 0 } b ? b : null;

    public static S3Response Usage(AdminRequest r)
    {
        var account = Scope(r);
        var period = r.Query.Get("period") is { Length: > 0 } p ? p : null;
        if (period is not null && (!DateTime.TryParseExact(period, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month) || month.Year is < 1970 or > 9000))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "period must be a month like 2026-11, from 1970 to 9000.");
        }

        var prices = r.Options.Billing.Prices();
        var report = r.Storage.Usage.Report(period, Bucket(r), account, prices);
        var t = report.Totals;
        return Json(new Contract.UsageReport
        {
            Period = report.Period,
            PeriodStart = Wire.Timestamp(report.Start),
            PeriodEnd = Wire.Timestamp(report.End),
            AsOf = Wire.Timestamp(report.AsOf),
            Currency = prices.Currency,
            Buckets = report.Buckets.Select(u => new Contract.BucketUsage
            {
                Bucket = u.Bucket,
                Type = u.Kind == Storage.Objects.BucketKind.Directory ? "directory" : "general",
                Account = u.Account,
                Objects = Objects(u.Objects),
                Noncurrent = Objects(u.Noncurrent),
                DeleteMarkers = u.DeleteMarkers,
                Incomplete = Incomplete(u.Incomplete),
                Traffic = Traffic(u.Traffic),
                EstimatedCost = u.EstimatedCost,
            }).ToList(),
            Totals = new UsageFigures
            {
                Objects = Objects(t.Objects),
                Noncurrent = Objects(t.Noncurrent),
                DeleteMarkers = t.DeleteMarkers,
                Incomplete = Incomplete(t.Incomplete),
                Traffic = Traffic(t.Traffic),
                EstimatedCost = t.EstimatedCost,
            },
            Prices = new Contract.Prices
            {
                StorageGbMonth = prices.StorageGbMonth,
                SegmentMonth = prices.SegmentMonth,
                EgressGb = prices.EgressGb,
                WriteRequestsPer1000 = prices.WriteRequestsPer1000,
                ReadRequestsPer1000 = prices.ReadRequestsPer1000,
                HoursPerMonth = prices.HoursPerMonth,
                Directory = prices.Directory is { } d
                    ? new DirectoryPrices { StorageGbMonth = d.StorageGbMonth, WriteRequestsPer1000 = d.WriteRequestsPer1000, ReadRequestsPer1000 = d.ReadRequestsPer1000 }
                    : null,
            },
        }, AdminJson.Default.UsageReport);
    }

    private static Contract.ObjectUsage Objects(Storage.Usage.ObjectUsage o) =>
        new() { Count = o.Count, Bytes = o.Bytes, Segments = o.Segments, ByteHours = o.ByteHours, SegmentHours = o.SegmentHours };

    private static Contract.IncompleteUsage Incomplete(Storage.Usage.IncompleteUsage i) =>
        new() { Uploads = i.Uploads, Parts = i.Parts, Bytes = i.Bytes, Segments = i.Segments, ByteHours = i.ByteHours, SegmentHours = i.SegmentHours };

    private static TrafficUsage Traffic(TrafficCounters t) =>
        new() { BytesIn = t.BytesIn, BytesOut = t.BytesOut, WriteRequests = t.WriteRequests, ReadRequests = t.ReadRequests, OtherRequests = t.OtherRequests };

    public static S3Response Uploads(AdminRequest r)
    {
        var account = Scope(r);
        var olderThan = Seconds(r, "olderThanSeconds", required: false);
        var order = r.Query.Get("sort") switch
        {
            null or "" or "initiated" or "age" => UploadOrder.Initiated,
            "bytes" => UploadOrder.Bytes,
            "cost" => UploadOrder.Cost,
            var other => throw new S3Exception(S3ErrorCode.InvalidArgument, $"Unknown sort '{other}': use initiated, age, bytes or cost."),
        };
        var limit = 100;
        if (r.Query.Get("limit") is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > 1000))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "limit must be an integer from 1 to 1000.");
        }

        // The marker is the position in this ordering; the list is recomputed per page.
        var offset = 0;
        if (r.Query.Get("marker") is { Length: > 0 } m && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "marker must be a nextMarker from a previous page.");
        }

        var report = r.Storage.Usage.Uploads(new UploadQuery(Bucket(r), account, olderThan, order, offset, limit), r.Options.Billing.Prices());
        var t = report.Totals;
        return Json(new UploadsPage
        {
            AsOf = Wire.Timestamp(report.AsOf),
            Uploads = report.Uploads.Select(u => Entry(u, report.AsOf, withCost: true)).ToList(),
            IsTruncated = report.IsTruncated,
            NextMarker = report.NextOffset?.ToString(CultureInfo.InvariantCulture),
            Totals = new Contract.UploadTotals { Uploads = t.Uploads, Parts = t.Parts, Bytes = t.Bytes, Segments = t.Segments, ByteHours = t.ByteHours, EstimatedCost = t.EstimatedCost },
        }, AdminJson.Default.UploadsPage);
    }

    public static S3Response AbortStale(AdminRequest r)
    {
        var account = Scope(r);
        var olderThan = Seconds(r, "olderThanSeconds", required: true)!.Value;
        // Strict: a misspelt "dryRun=ture" must not become a real abort.
        var dryRun = r.Query.Get("dryRun") switch
        {
            null or "false" or "0" => false,
            "true" or "1" or "" => true,
            var other => throw new S3Exception(S3ErrorCode.InvalidArgument, $"dryRun must be true or false, not '{other}'."),
        };
        var report = r.Storage.Usage.AbortStale(Bucket(r), account, olderThan, dryRun);
        return Json(new AbortResult
        {
            DryRun = report.DryRun,
            Count = report.Aborted.Count,
            FreedBytes = report.FreedBytes,
            FreedParts = report.FreedParts,
            FreedSegments = report.FreedSegments,
            Aborted = report.Aborted.Select(u => Entry(u, report.AsOf, withCost: false)).ToList(),
        }, AdminJson.Default.AbortResult);
    }

    private static UploadEntry Entry(UploadUsage u, DateTimeOffset now, bool withCost) => new()
    {
        Bucket = u.Bucket,
        Account = u.Account,
        Key = u.Key,
        UploadId = u.UploadId,
        Initiated = Wire.Timestamp(u.Initiated),
        AgeSeconds = (now - u.Initiated).TotalSeconds,
        Parts = u.Parts,
        Bytes = u.Bytes,
        Segments = u.Segments,
        ByteHours = withCost ? u.ByteHours : null,
        EstimatedCost = withCost ? u.EstimatedCost : null,
    };

    public static S3Response Clock(AdminRequest r) => Json(ClockState(r, null), AdminJson.Default.ClockState);

    private static ClockState ClockState(AdminRequest r, LifecycleRun? lifecycle) =>
        new() { Mode = r.Options.Clock, Now = Wire.Timestamp(r.Storage.Clock.UtcNow), Lifecycle = lifecycle };

    public static S3Response Advance(AdminRequest r)
    {
        if (!IsAdmin(r))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Only an admin may move the clock.");
        }

        var clock = r.Storage.VirtualClock
            ?? throw new S3Exception(S3ErrorCode.Conflict, "The clock is the system clock; start the gateway with Gateway:Clock=virtual to move it.");
        var by = Seconds(r, "seconds", required: true)!.Value;
        // The clock keeps milliseconds, and a century is more than any test needs (and than dates can hold).
        if (by < TimeSpan.FromMilliseconds(1) || by > MaxAdvance)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument,
                $"seconds must be from 0.001 to {MaxAdvance.TotalSeconds}: the clock only moves forward, in milliseconds, by at most a century at a time.");
        }

        LifecycleRun swept;
        try
        {
            swept = r.Services.AdvanceClock(clock, by);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, e.Message);
        }

        return Json(ClockState(r, swept), AdminJson.Default.ClockState);
    }

    private static readonly TimeSpan MaxAdvance = TimeSpan.FromSeconds(100 * 365.25 * 86400);

    public static S3Response Metrics(AdminRequest r)
    {
        if (!IsAdmin(r))
        {
            // Metrics are gateway-wide: every account's stored bytes and request volume.
            throw new S3Exception(S3ErrorCode.AccessDenied, "Only an admin may read the gateway-wide metrics.");
        }

        return S3Response.Text(r.Services.Metrics.Render(r.Storage.Usage.Gauges()), "text/plain; version=0.0.4");
    }

    /// <summary>
    /// POST /_gateway/reset[?account=KEY] (admins): empties storage through the engine's own operation (every bucket
    /// with its objects, versions, uploads and usage rows; or only those one account owns) and re-creates
    /// Gateway:InitialBuckets, so tests can start clean without a restart. The clock, the accounts, the fault rules
    /// and the settings are kept.
    /// </summary>
    public static S3Response Reset(AdminRequest r)
    {
        if (!IsAdmin(r))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Only an admin may reset the gateway.");
        }

        string? owner = null;
        if (r.Query.Get("account") is { } key)
        {
            owner = r.Options.HasAccount(key) ? key
                : throw new S3Exception(S3ErrorCode.InvalidArgument, $"account {key} is not a configured access key.");
        }

        return Json(r.Services.Reset(owner), AdminJson.Default.ResetResult);
    }

    /// <summary>
    /// GET /_gateway/check: the integrity check of the running gateway's folder (admins: it covers every account).
    /// Exact when the gateway is idle; a write in flight can show as an orphan segment for a moment. Repair is offline
    /// only (<c>gatewayctl check --data-dir DIR --repair</c> on a stopped gateway): the start-up sweep does it.
    /// </summary>
    public static S3Response Check(AdminRequest r)
    {
        if (!IsAdmin(r))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Only an admin may check the data folder: it covers every account.");
        }

        return Json(IntegrityDocuments.From(r.Storage.Check()), AdminJson.Default.IntegrityDocument);
    }

    /// <summary>A number of seconds from 0 to 315576000000 (ten thousand years, beyond any age here).</summary>
    private static TimeSpan? Seconds(AdminRequest r, string name, bool required)
    {
        var text = r.Query.Get(name);
        if (text is null)
        {
            return required ? throw new S3Exception(S3ErrorCode.InvalidArgument, $"{name} is required.") : null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && v <= 315_576_000_000
            ? TimeSpan.FromSeconds(v)
            : throw new S3Exception(S3ErrorCode.InvalidArgument, $"{name} must be a number of seconds from 0 to 315576000000.");
    }

    private static S3Response Json<T>(T document, JsonTypeInfo<T> type) => S3Response.Json(JsonSerializer.Serialize(document, type));
}
