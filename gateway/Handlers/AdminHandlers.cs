using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Storage.Usage;

namespace Gateway.Handlers;

/// <summary>
/// The gateway's own endpoints under /_gateway/ (tools/ADMIN-API.md), routed, authenticated and answered like any
/// S3 request but in JSON. An account sees its own buckets; admins (Gateway:Admins) see every account and may
/// move the virtual clock. The figures come from storage's usage service; this file only shapes them.
/// </summary>
internal static class AdminHandlers
{
    private static readonly string Version = typeof(AdminHandlers).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static S3Response Health(S3Request r) =>
        Json(new JsonObject { ["status"] = "ok", ["version"] = Version, ["uptimeSeconds"] = Math.Round((DateTimeOffset.UtcNow - r.Services.StartedAtReal).TotalSeconds, 3) });

    public static S3Response Unknown(S3Request r) => throw new S3Exception(S3ErrorCode.NotFound, $"No gateway endpoint {r.Method} {r.Route.RawPath}.");

    private static bool IsAdmin(S3Request r) => r.Options.IsAdmin(r.Account);

    /// <summary>The account the request may see: its own, or, for an admin, the one it names (null: every account).</summary>
    private static string? Scope(S3Request r)
    {
        var named = r.Query.Get("account") is { Length: > 0 } a ? a : null;
        if (IsAdmin(r))
        {
            return named;
        }

        return named is null || named == r.Account ? r.Account : throw new S3Exception(S3ErrorCode.AccessDenied, "Only an admin may see another account's usage.");
    }

    private static string? Bucket(S3Request r) => r.Query.Get("bucket") is { Length: > 0 } b ? b : null;

    public static S3Response Usage(S3Request r)
    {
        var account = Scope(r);
        var period = r.Query.Get("period") is { Length: > 0 } p ? p : null;
        if (period is not null && (!DateTime.TryParseExact(period, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month) || month.Year is < 1970 or > 9000))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "period must be a month like 2026-11, from 1970 to 9000.");
        }

        var prices = r.Options.Billing.Prices();
        var report = r.Storage.Usage.Report(period, Bucket(r), account, prices);
        var buckets = new JsonArray();
        foreach (var u in report.Buckets)
        {
            var bucket = Figures(u.Objects, u.Noncurrent, u.DeleteMarkers, u.Incomplete, u.Traffic, u.EstimatedCost);
            bucket.Insert(0, "account", u.Account);
            bucket.Insert(0, "bucket", u.Bucket);
            buckets.Add(bucket);
        }

        var t = report.Totals;
        return Json(new JsonObject
        {
            ["period"] = report.Period,
            ["periodStart"] = Wire.Timestamp(report.Start),
            ["periodEnd"] = Wire.Timestamp(report.End),
            ["asOf"] = Wire.Timestamp(report.AsOf),
            ["currency"] = prices.Currency,
            ["buckets"] = buckets,
            ["totals"] = Figures(t.Objects, t.Noncurrent, t.DeleteMarkers, t.Incomplete, t.Traffic, t.EstimatedCost),
            ["prices"] = new JsonObject
            {
                ["storageGbMonth"] = prices.StorageGbMonth,
                ["segmentMonth"] = prices.SegmentMonth,
                ["egressGb"] = prices.EgressGb,
                ["writeRequestsPer1000"] = prices.WriteRequestsPer1000,
                ["readRequestsPer1000"] = prices.ReadRequestsPer1000,
                ["hoursPerMonth"] = prices.HoursPerMonth,
            },
        });
    }

    private static JsonObject Objects(ObjectUsage o) =>
        new() { ["count"] = o.Count, ["bytes"] = o.Bytes, ["segments"] = o.Segments, ["byteHours"] = o.ByteHours, ["segmentHours"] = o.SegmentHours };

    private static JsonObject Figures(ObjectUsage o, ObjectUsage noncurrent, long deleteMarkers, IncompleteUsage i, TrafficCounters t, double cost) => new()
    {
        ["objects"] = Objects(o),
        ["noncurrent"] = Objects(noncurrent),
        ["deleteMarkers"] = deleteMarkers,
        ["incomplete"] = new JsonObject
        {
            ["uploads"] = i.Uploads,
            ["parts"] = i.Parts,
            ["bytes"] = i.Bytes,
            ["segments"] = i.Segments,
            ["byteHours"] = i.ByteHours,
            ["segmentHours"] = i.SegmentHours,
        },
        ["traffic"] = new JsonObject
        {
            ["bytesIn"] = t.BytesIn,
            ["bytesOut"] = t.BytesOut,
            ["writeRequests"] = t.WriteRequests,
            ["readRequests"] = t.ReadRequests,
            ["otherRequests"] = t.OtherRequests,
        },
        ["estimatedCost"] = cost,
    };

    public static S3Response Uploads(S3Request r)
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
        var uploads = new JsonArray();
        foreach (var u in report.Uploads)
        {
            var json = UploadJson(u, report.AsOf);
            json["byteHours"] = u.ByteHours;
            json["estimatedCost"] = u.EstimatedCost;
            uploads.Add(json);
        }

        var t = report.Totals;
        return Json(new JsonObject
        {
            ["asOf"] = Wire.Timestamp(report.AsOf),
            ["uploads"] = uploads,
            ["isTruncated"] = report.IsTruncated,
            ["nextMarker"] = report.NextOffset?.ToString(CultureInfo.InvariantCulture),
            ["totals"] = new JsonObject
            {
                ["uploads"] = t.Uploads,
                ["parts"] = t.Parts,
                ["bytes"] = t.Bytes,
                ["segments"] = t.Segments,
                ["byteHours"] = t.ByteHours,
                ["estimatedCost"] = t.EstimatedCost,
            },
        });
    }

    public static S3Response AbortStale(S3Request r)
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
        var aborted = new JsonArray();
        foreach (var u in report.Aborted)
        {
            aborted.Add(UploadJson(u, report.AsOf));
        }

        return Json(new JsonObject
        {
            ["dryRun"] = report.DryRun,
            ["count"] = aborted.Count,
            ["freedBytes"] = report.FreedBytes,
            ["freedParts"] = report.FreedParts,
            ["freedSegments"] = report.FreedSegments,
            ["aborted"] = aborted,
        });
    }

    private static JsonObject UploadJson(UploadUsage u, DateTimeOffset now) => new()
    {
        ["bucket"] = u.Bucket,
        ["account"] = u.Account,
        ["key"] = u.Key,
        ["uploadId"] = u.UploadId,
        ["initiated"] = Wire.Timestamp(u.Initiated),
        ["ageSeconds"] = (now - u.Initiated).TotalSeconds,
        ["parts"] = u.Parts,
        ["bytes"] = u.Bytes,
        ["segments"] = u.Segments,
    };

    public static S3Response Clock(S3Request r) => Json(ClockState(r));

    private static JsonObject ClockState(S3Request r) => new() { ["mode"] = r.Options.Clock, ["now"] = Wire.Timestamp(r.Storage.Clock.UtcNow) };

    public static S3Response Advance(S3Request r)
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

        try
        {
            clock.Advance(by);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, e.Message);
        }

        // Rules that came due act now, before the answer: a test sees the effect as soon as the call returns.
        var swept = r.Storage.Lifecycle.Sweep();
        var state = ClockState(r);
        state["lifecycle"] = new JsonObject
        {
            ["abortedUploads"] = swept.AbortedUploads,
            ["expiredObjects"] = swept.ExpiredObjects,
            ["expiredVersions"] = swept.ExpiredVersions,
            ["removedDeleteMarkers"] = swept.RemovedDeleteMarkers,
        };
        return Json(state);
    }

    private static readonly TimeSpan MaxAdvance = TimeSpan.FromSeconds(100 * 365.25 * 86400);

    public static S3Response Metrics(S3Request r)
    {
        if (!IsAdmin(r))
        {
            // Metrics are gateway-wide: every account's stored bytes and request volume.
            throw new S3Exception(S3ErrorCode.AccessDenied, "Only an admin may read the gateway-wide metrics.");
        }

        return S3Response.Text(r.Services.Metrics.Render(r.Storage.Usage.Gauges()), "text/plain; version=0.0.4");
    }

    /// <summary>A number of seconds from 0 to 315576000000 (ten thousand years, beyond any age here).</summary>
    private static TimeSpan? Seconds(S3Request r, string name, bool required)
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

    private static S3Response Json(JsonNode body) => S3Response.Json(body.ToJsonString());
}
