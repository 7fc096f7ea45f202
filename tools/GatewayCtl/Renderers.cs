using Gateway.Contract;

namespace GatewayCtl;

/// <summary>The default (non --json) output of each command.</summary>
internal static class Renderers
{
    public static void Usage(UsageReport report, TextWriter output)
    {
        output.WriteLine($"usage for {report.Period} ({report.PeriodStart} to {report.PeriodEnd}), as of {report.AsOf}");
        if (report.Buckets.Count == 0)
        {
            output.WriteLine("no buckets");
        }
        else
        {
            var table = new TextTable(("BUCKET", false), ("TYPE", false), ("ACCOUNT", false), ("OBJECTS", true), ("OBJECT BYTES", true),
                ("NONCURRENT (VERSIONS / BYTES / MARKERS)", true),
                ("INCOMPLETE UPLOADS", true), ("PARTS", true), ("INCOMPLETE BYTES", true),
                ("BYTE-HOURS (OBJECTS / INCOMPLETE)", true), ("EGRESS", true), ("REQUESTS (W/R/O)", true), ("EST. COST", true));
            foreach (var b in report.Buckets)
            {
                table.AddRow(UsageRow(b.Bucket, b.Type, b.Account, b.Objects, b.Noncurrent, b.DeleteMarkers, b.Incomplete, b.Traffic, b.EstimatedCost));
            }

            var t = report.Totals;
            table.AddRow(UsageRow("TOTAL", "", "", t.Objects, t.Noncurrent, t.DeleteMarkers, t.Incomplete, t.Traffic, t.EstimatedCost));
            table.Write(output);
        }

        if (report.Prices is { } p)
        {
            output.WriteLine($"prices: storage ${Formats.Price(p.StorageGbMonth)}/GB-month, segments ${Formats.Price(p.SegmentMonth)}/segment-month, "
                             + $"egress ${Formats.Price(p.EgressGb)}/GB, writes ${Formats.Price(p.WriteRequestsPer1000)}/1000, "
                             + $"reads ${Formats.Price(p.ReadRequestsPer1000)}/1000, {Formats.Price(p.HoursPerMonth)} hours/month");
            if (p.Directory is { } d)
            {
                output.WriteLine($"directory buckets: storage ${Formats.Price(d.StorageGbMonth)}/GB-month, writes ${Formats.Price(d.WriteRequestsPer1000)}/1000, "
                                 + $"reads ${Formats.Price(d.ReadRequestsPer1000)}/1000");
            }
        }
    }

    private static string[] UsageRow(string bucket, string type, string account, ObjectUsage o, ObjectUsage n, long markers, IncompleteUsage i, TrafficUsage t,
        double cost) =>
    [
        bucket, type, account, Formats.Count(o.Count), Formats.Bytes(o.Bytes), $"{Formats.Count(n.Count)} / {Formats.Bytes(n.Bytes)} / {Formats.Count(markers)}",
        Formats.Count(i.Uploads), Formats.Count(i.Parts),
        Formats.Bytes(i.Bytes), $"{Formats.ByteHours(o.ByteHours + n.ByteHours)} / {Formats.ByteHours(i.ByteHours)}", Formats.Bytes(t.BytesOut),
        $"{Formats.Count(t.WriteRequests)}/{Formats.Count(t.ReadRequests)}/{Formats.Count(t.OtherRequests)}", Formats.Cost(cost),
    ];

    /// <summary>The uploads of every page fetched; the total row is summed here so it always matches the rows shown.</summary>
    public static void Uploads(string asOf, IReadOnlyList<UploadEntry> uploads, bool truncated, TextWriter output)
    {
        output.WriteLine($"incomplete uploads as of {asOf}");
        if (uploads.Count == 0)
        {
            output.WriteLine("no incomplete uploads");
        }
        else
        {
            var table = new TextTable(("BUCKET", false), ("KEY", false), ("UPLOAD-ID", false), ("AGE", true), ("PARTS", true),
                ("BYTES", true), ("BYTE-HOURS", true), ("EST. COST", true));
            foreach (var u in uploads)
            {
                table.AddRow(u.Bucket, u.Key, u.UploadId, Formats.Age(u.AgeSeconds), Formats.Count(u.Parts), Formats.Bytes(u.Bytes),
                    Formats.ByteHours(u.ByteHours ?? 0), Formats.Cost(u.EstimatedCost ?? 0));
            }

            table.AddRow("TOTAL", Formats.Plural(uploads.Count, "upload"), "", "", Formats.Count(uploads.Sum(u => u.Parts)),
                Formats.Bytes(uploads.Sum(u => u.Bytes)), Formats.ByteHours(uploads.Sum(u => u.ByteHours ?? 0)),
                Formats.Cost(uploads.Sum(u => u.EstimatedCost ?? 0)));
            table.Write(output);
        }

        if (truncated)
        {
            output.WriteLine("more uploads match: use --all to list every page");
        }
    }

    public static void Abort(AbortResult result, TextWriter output)
    {
        var verb = result.DryRun ? "would abort" : "aborted";
        foreach (var u in result.Aborted)
        {
            output.WriteLine($"{verb} {u.Bucket}/{u.Key} (upload {u.UploadId}, age {Formats.Age(u.AgeSeconds)}, "
                             + $"{Formats.Plural(u.Parts, "part")}, {Formats.Bytes(u.Bytes)})");
        }

        var freed = result.DryRun ? "freeing" : "freed";
        output.WriteLine($"{verb} {Formats.Plural(result.Count, "upload")}, {freed} {Formats.Bytes(result.FreedBytes)} in "
                         + $"{Formats.Plural(result.FreedParts, "part")} ({Formats.Plural(result.FreedSegments, "segment")})");
    }

    public static void Access(AccessDecision d, TextWriter output)
    {
        var resource = d.Key is null ? d.Bucket : d.Bucket + "/" + d.Key;
        output.WriteLine($"{d.Decision.ToUpperInvariant()}: {d.Action} on {resource} by {d.Principal}");
        output.WriteLine($"because {d.Reason}" + (d.Statement is null ? "" : $" (statement {d.Statement})"));
    }

    public static void Integrity(IntegrityDocument d, TextWriter output)
    {
        output.WriteLine($"database:   {string.Join("; ", d.Database)}");
        var differ = d.Buckets.Where(b => !b.Matches).ToList();
        output.WriteLine($"meter:      {Formats.Plural(d.Buckets.Count, "bucket")}, " + (differ.Count == 0 ? "every one equal to a recount of its rows" : $"{differ.Count} differing from a recount"));
        foreach (var b in differ)
        {
            output.WriteLine($"  {b.Bucket}: meter {Figures(b.Meter)}");
            output.WriteLine($"  {new string(' ', b.Bucket.Length)}  rows  {Figures(b.Recount)}");
        }

        output.WriteLine($"segments:   {d.ReferencedSegments} referenced, {d.SegmentFiles} files, {d.InlineSegments} inline; " +
            $"{d.MissingSegments.Count} missing, {d.OrphanSegments.Count} orphan, {d.DoubleStoredSegments.Count} stored twice");
        foreach (var (label, ids) in new[] { ("missing", d.MissingSegments), ("orphan", d.OrphanSegments), ("stored twice", d.DoubleStoredSegments) })
        {
            foreach (var id in ids)
            {
                output.WriteLine($"  {label}: {id}");
            }
        }

        output.WriteLine($"temp files: {d.TempFiles.Count} (left by interrupted writes; removed at start-up)");
        output.WriteLine(d.Consistent ? "consistent" : "INCONSISTENT");
    }

    private static string Figures(MeterFigures? f) => f is null
        ? "(none)"
        : $"objects {f.Objects} ({f.ObjectBytes} B), noncurrent {f.NoncurrentObjects} ({f.NoncurrentBytes} B), markers {f.DeleteMarkers}, uploads {f.Uploads}, parts {f.Parts} ({f.PartBytes} B)";

    public static void Repair(RepairDocument r, TextWriter output)
    {
        output.WriteLine($"repair: removed {Formats.Plural(r.OrphanSegments.Count, "orphan segment")}, {Formats.Plural(r.TempFiles.Count, "temp file")}, " +
            $"{Formats.Plural(r.InlineRows, "unreferenced inline row")}");
        foreach (var id in r.OrphanSegments)
        {
            output.WriteLine($"  removed segment {id}");
        }

        foreach (var name in r.TempFiles)
        {
            output.WriteLine($"  removed temp file {name}");
        }
    }

    public static void Clock(ClockState clock, TextWriter output)
    {
        output.WriteLine($"mode: {clock.Mode}");
        output.WriteLine($"now:  {clock.Now}");
        if (clock.Lifecycle is { } l)
        {
            output.WriteLine($"lifecycle: aborted {Formats.Plural(l.AbortedUploads, "upload")}, expired {Formats.Plural(l.ExpiredObjects, "object")} "
                + $"and {Formats.Plural(l.ExpiredVersions, "noncurrent version")}, removed {Formats.Plural(l.RemovedDeleteMarkers, "delete marker")}");
        }
    }

    public static void FaultsAdded(FaultRules added, TextWriter output)
    {
        foreach (var r in added.Rules)
        {
            output.WriteLine($"added {r.Id}: {FaultFlags.Match(r)} -> {FaultFlags.Describe(r.Fault)}");
        }
    }

    public static void Faults(FaultState state, TextWriter output)
    {
        if (state.Rules.Count == 0)
        {
            output.WriteLine("no fault rules");
            return;
        }

        var table = new TextTable(("ID", false), ("MATCHES", false), ("FAULT", false), ("MATCHED", true), ("FIRED", true));
        foreach (var r in state.Rules)
        {
            table.AddRow(r.Id ?? "", FaultFlags.Match(r), FaultFlags.Describe(r.Fault), Formats.Count(r.Matched ?? 0), Formats.Count(r.Fired ?? 0));
        }

        table.Write(output);
    }

    public static void FaultHistory(FaultState state, TextWriter output)
    {
        if (state.History.Count == 0)
        {
            output.WriteLine("no fault has fired");
            return;
        }

        var table = new TextTable(("TIME", false), ("RULE", false), ("REQUEST", false), ("FRONT END", false), ("OPERATION", false), ("BUCKET", false),
            ("KEY", false), ("PART", true), ("FAULT", false));
        foreach (var e in state.History)
        {
            table.AddRow(e.Time, e.RuleId, e.RequestId, e.FrontEnd, e.Operation, e.Bucket ?? "", e.Key ?? "",
                e.PartNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", e.Fault);
        }

        table.Write(output);
    }

    public static void Requests(RequestLogPage page, TextWriter output)
    {
        if (page.Requests.Count == 0)
        {
            output.WriteLine($"no request in the log (it keeps the last {page.Capacity})");
            return;
        }

        var table = new TextTable(("TIME", false), ("FRONT END", false), ("OPERATION", false), ("ACCOUNT", false), ("BUCKET", false), ("KEY", false),
            ("STATUS", true), ("ERROR", false), ("IN", true), ("OUT", true), ("MS", true));
        foreach (var e in page.Requests)
        {
            table.AddRow(e.Time, e.FrontEnd, e.Operation, e.Account ?? "anonymous", e.Bucket ?? "", e.Key ?? "",
                e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), e.ErrorCode ?? "", Formats.Bytes(e.BytesIn), Formats.Bytes(e.BytesOut),
                e.DurationMs.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture));
        }

        table.Write(output);
    }
}
