using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Auth;
using Gateway.Errors;
using Storage.Usage;

namespace Gateway.Handlers;

/// <summary>
/// The gateway's own endpoints under /_gateway/ (tools/ADMIN-API.md). Health is unauthenticated so container
/// probes can use it; everything else is signed with SigV4 like any S3 request. An account sees its own
/// buckets; admins (Gateway:Admins) see every account and may move the virtual clock.
/// </summary>
internal static class AdminHandlers
{
    private static readonly string Version = typeof(AdminHandlers).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private sealed class AdminException(int status, string code, string message) : Exception(message)
    {
        public int Status { get; } = status;

        public string Code { get; } = code;
    }

    public static async Task HandleAsync(HttpContext http, string rawTarget, GatewayServices services)
    {
        var q = rawTarget.IndexOf('?');
        var path = q < 0 ? rawTarget : rawTarget[..q];
        var query = Routing.QueryString.Parse(q < 0 ? "" : rawTarget[(q + 1)..]);
        var method = http.Request.Method;
        try
        {
            if (path == "/_gateway/health" && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)))
            {
                var uptime = DateTimeOffset.UtcNow - services.StartedAtReal;
                await Json(http, 200, new JsonObject { ["status"] = "ok", ["version"] = Version, ["uptimeSeconds"] = Math.Round(uptime.TotalSeconds, 3) }).ConfigureAwait(false);
                return;
            }

            AuthResult auth;
            try
            {
                auth = services.Verifier.Verify(new SigV4Request(method, rawTarget, Dispatcher.Headers(http.Request)));
            }
            catch (S3Exception e)
            {
                var entry = S3ErrorTable.Lookup(e.Code);
                throw new AdminException(entry.Status, entry.Code, e.Message);
            }

            var admin = services.Options.IsAdmin(auth.AccessKey);
            // Non-admins may only ask about their own account.
            var account = query.Get("account") is { Length: > 0 } a ? a : null;
            if (!admin)
            {
                if (account is not null && account != auth.AccessKey)
                {
                    throw new AdminException(403, "AccessDenied", "Only an admin may see another account's usage.");
                }

                account = auth.AccessKey;
            }

            switch (method, path)
            {
                case ("GET", "/_gateway/usage"):
                    await Json(http, 200, Usage(services, query, account)).ConfigureAwait(false);
                    return;
                case ("GET", "/_gateway/uploads"):
                    await Json(http, 200, Uploads(services, query, account)).ConfigureAwait(false);
                    return;
                case ("POST", "/_gateway/uploads/abort"):
                    await Json(http, 200, AbortStale(services, query, account)).ConfigureAwait(false);
                    return;
                case ("GET", "/_gateway/clock"):
                    await Json(http, 200, ClockState(services)).ConfigureAwait(false);
                    return;
                case ("POST", "/_gateway/clock/advance"):
                    await Json(http, 200, Advance(services, query, admin)).ConfigureAwait(false);
                    return;
                case ("GET", "/_gateway/metrics"):
                    if (!admin)
                    {
                        // Metrics are gateway-wide: every account's stored bytes and request volume.
                        throw new AdminException(403, "AccessDenied", "Only an admin may read the gateway-wide metrics.");
                    }

                    var text = services.Metrics.Render(services.Storage.Usage.Gauges());
                    http.Response.ContentType = "text/plain; version=0.0.4";
                    await http.Response.WriteAsync(text, http.RequestAborted).ConfigureAwait(false);
                    return;
                default:
                    throw new AdminException(404, "NotFound", $"No gateway endpoint {method} {path}.");
            }
        }
        catch (AdminException e)
        {
            await Json(http, e.Status, new JsonObject { ["error"] = e.Code, ["message"] = e.Message }).ConfigureAwait(false);
        }
    }

    private static JsonObject Usage(GatewayServices services, Routing.QueryString query, string? account)
    {
        var period = query.Get("period") is { Length: > 0 } p ? p : null;
        if (period is not null && (!DateTime.TryParseExact(period, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month) || month.Year is < 1970 or > 9000))
        {
            throw new AdminException(400, "InvalidArgument", "period must be a month like 2026-11, from 1970 to 9000.");
        }

        var report = services.Storage.Usage.Report(period, query.Get("bucket") is { Length: > 0 } b ? b : null, account);
        var prices = services.Options.Billing;
        var buckets = new JsonArray();
        ObjectUsage objects = new(0, 0, 0, 0, 0);
        IncompleteUsage incomplete = new(0, 0, 0, 0, 0, 0);
        TrafficCounters traffic = new(0, 0, 0, 0, 0);
        foreach (var u in report.Buckets)
        {
            var bucket = Figures(u.Objects, u.Incomplete, u.Traffic, prices);
            bucket.Insert(0, "account", u.Account);
            bucket.Insert(0, "bucket", u.Bucket);
            buckets.Add(bucket);
            objects = new(objects.Count + u.Objects.Count, objects.Bytes + u.Objects.Bytes, objects.Segments + u.Objects.Segments,
                objects.ByteHours + u.Objects.ByteHours, objects.SegmentHours + u.Objects.SegmentHours);
            incomplete = new(incomplete.Uploads + u.Incomplete.Uploads, incomplete.Parts + u.Incomplete.Parts, incomplete.Bytes + u.Incomplete.Bytes,
                incomplete.Segments + u.Incomplete.Segments, incomplete.ByteHours + u.Incomplete.ByteHours, incomplete.SegmentHours + u.Incomplete.SegmentHours);
            traffic = new(traffic.BytesIn + u.Traffic.BytesIn, traffic.BytesOut + u.Traffic.BytesOut, traffic.WriteRequests + u.Traffic.WriteRequests,
                traffic.ReadRequests + u.Traffic.ReadRequests, traffic.OtherRequests + u.Traffic.OtherRequests);
        }

        return new JsonObject
        {
            ["period"] = report.Period,
            ["periodStart"] = Time(report.Start),
            ["periodEnd"] = Time(report.End),
            ["asOf"] = Time(report.AsOf),
            ["currency"] = prices.Currency,
            ["buckets"] = buckets,
            ["totals"] = Figures(objects, incomplete, traffic, prices),
            ["prices"] = new JsonObject
            {
                ["storageGbMonth"] = prices.StorageGbMonth,
                ["segmentMonth"] = prices.SegmentMonth,
                ["egressGb"] = prices.EgressGb,
                ["writeRequestsPer1000"] = prices.WriteRequestsPer1000,
                ["readRequestsPer1000"] = prices.ReadRequestsPer1000,
                ["hoursPerMonth"] = prices.HoursPerMonth,
            },
        };
    }

    private static JsonObject Figures(ObjectUsage o, IncompleteUsage i, TrafficCounters t, BillingOptions prices) => new()
    {
        ["objects"] = new JsonObject { ["count"] = o.Count, ["bytes"] = o.Bytes, ["segments"] = o.Segments, ["byteHours"] = o.ByteHours, ["segmentHours"] = o.SegmentHours },
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
        ["estimatedCost"] = prices.Cost(o.ByteHours + i.ByteHours, o.SegmentHours + i.SegmentHours, t.BytesOut, t.WriteRequests, t.ReadRequests),
    };

    private static JsonObject Uploads(GatewayServices services, Routing.QueryString query, string? account)
    {
        var now = services.Clock.UtcNow;
        var olderThan = Seconds(query, "olderThanSeconds", required: false);
        var list = services.Storage.Usage.Uploads(query.Get("bucket") is { Length: > 0 } b ? b : null, account, olderThan is { } s ? now.AddSeconds(-s) : null).ToList();
        var prices = services.Options.Billing;
        double Cost(UploadUsage u) => prices.Cost(u.ByteHours, u.SegmentHours, 0, 0, 0);
        list = query.Get("sort") switch
        {
            null or "" or "initiated" or "age" => list,
            "bytes" => [.. list.OrderByDescending(u => u.Bytes).ThenBy(u => u.Initiated)],
            "cost" => [.. list.OrderByDescending(Cost).ThenBy(u => u.Initiated)],
            var other => throw new AdminException(400, "InvalidArgument", $"Unknown sort '{other}': use initiated, age, bytes or cost."),
        };
        var limit = 100;
        if (query.Get("limit") is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > 1000))
        {
            throw new AdminException(400, "InvalidArgument", "limit must be an integer from 1 to 1000.");
        }

        // The marker is the position in this ordering; the list is recomputed per page.
        var offset = 0;
        if (query.Get("marker") is { Length: > 0 } m && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            throw new AdminException(400, "InvalidArgument", "marker must be a nextMarker from a previous page.");
        }

        var page = list.Skip(offset).Take(limit).ToList();
        var truncated = offset + page.Count < list.Count;
        var uploads = new JsonArray();
        foreach (var u in page)
        {
            var json = UploadJson(u, now);
            json["byteHours"] = u.ByteHours;
            json["estimatedCost"] = Cost(u);
            uploads.Add(json);
        }

        return new JsonObject
        {
            ["asOf"] = Time(now),
            ["uploads"] = uploads,
            ["isTruncated"] = truncated,
            ["nextMarker"] = truncated ? (offset + page.Count).ToString(CultureInfo.InvariantCulture) : null,
            ["totals"] = new JsonObject
            {
                ["uploads"] = list.Count,
                ["parts"] = list.Sum(u => u.Parts),
                ["bytes"] = list.Sum(u => u.Bytes),
                ["segments"] = list.Sum(u => u.Segments),
                ["byteHours"] = list.Sum(u => u.ByteHours),
                ["estimatedCost"] = list.Sum(Cost),
            },
        };
    }

    private static JsonObject AbortStale(GatewayServices services, Routing.QueryString query, string? account)
    {
        var now = services.Clock.UtcNow;
        var olderThan = Seconds(query, "olderThanSeconds", required: true)!.Value;
        var dryRun = query.Get("dryRun") is "true" or "1";
        var candidates = services.Storage.Usage.Uploads(query.Get("bucket") is { Length: > 0 } b ? b : null, account, now.AddSeconds(-olderThan));
        var aborted = new JsonArray();
        long bytes = 0, parts = 0, segments = 0;
        foreach (var u in candidates)
        {
            if (!dryRun)
            {
                try
                {
                    services.Storage.Multipart.Abort(u.Bucket, u.Key, u.UploadId, u.Account);
                }
                catch (Storage.Faults.StorageException e) when (e.Fault == Storage.Faults.StorageFault.NoSuchUpload)
                {
                    continue;
                }
            }

            bytes += u.Bytes;
            parts += u.Parts;
            segments += u.Segments;
            aborted.Add(UploadJson(u, now));
        }

        return new JsonObject
        {
            ["dryRun"] = dryRun,
            ["count"] = aborted.Count,
            ["freedBytes"] = bytes,
            ["freedParts"] = parts,
            ["freedSegments"] = segments,
            ["aborted"] = aborted,
        };
    }

    private static JsonObject UploadJson(UploadUsage u, DateTimeOffset now) => new()
    {
        ["bucket"] = u.Bucket,
        ["account"] = u.Account,
        ["key"] = u.Key,
        ["uploadId"] = u.UploadId,
        ["initiated"] = Time(u.Initiated),
        ["ageSeconds"] = (now - u.Initiated).TotalSeconds,
        ["parts"] = u.Parts,
        ["bytes"] = u.Bytes,
        ["segments"] = u.Segments,
    };

    private static JsonObject ClockState(GatewayServices services) =>
        new() { ["mode"] = services.Options.Clock, ["now"] = Time(services.Clock.UtcNow) };

    private static JsonObject Advance(GatewayServices services, Routing.QueryString query, bool admin)
    {
        if (!admin)
        {
            throw new AdminException(403, "AccessDenied", "Only an admin may move the clock.");
        }

        if (services.Storage.Clock is not VirtualClock clock)
        {
            throw new AdminException(409, "Conflict", "The clock is the system clock; start the gateway with Gateway:Clock=virtual to move it.");
        }

        var seconds = Seconds(query, "seconds", required: true)!.Value;
        // The clock keeps milliseconds, and a century is more than any test needs (and than dates can hold).
        if (seconds < 0.001 || seconds > MaxAdvanceSeconds)
        {
            throw new AdminException(400, "InvalidArgument", $"seconds must be from 0.001 to {MaxAdvanceSeconds}: the clock only moves forward, in milliseconds, by at most a century at a time.");
        }

        try
        {
            clock.Advance(TimeSpan.FromSeconds(seconds));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new AdminException(400, "InvalidArgument", e.Message);
        }

        // Rules that came due act now, before the answer: a test sees the effect as soon as the call returns.
        var swept = services.Storage.Lifecycle.Sweep();
        var state = ClockState(services);
        state["lifecycle"] = new JsonObject { ["abortedUploads"] = swept.AbortedUploads, ["expiredObjects"] = swept.ExpiredObjects };
        return state;
    }

    private const double MaxAdvanceSeconds = 100 * 365.25 * 86400;

    private static double? Seconds(Routing.QueryString query, string name, bool required)
    {
        var text = query.Get(name);
        if (text is null)
        {
            return required ? throw new AdminException(400, "InvalidArgument", $"{name} is required.") : null;
        }

        // Bounded so that "now minus the value" stays a date: ten thousand years is beyond any age here.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && v <= 315_576_000_000
            ? v
            : throw new AdminException(400, "InvalidArgument", $"{name} must be a number of seconds from 0 to 315576000000.");
    }

    private static string Time(DateTimeOffset t) => Xml.XmlBuilder.Timestamp(t);

    private static async Task Json(HttpContext http, int status, JsonNode body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), http.RequestAborted).ConfigureAwait(false);
    }
}
