using Gateway.Contract;
using Storage;
using Storage.Usage;

namespace Gateway.Admin;

/// <summary>
/// The integrity check's documents from storage's reports. Compiled into the gateway (GET /_gateway/check) and into
/// gatewayctl (the offline <c>check --data-dir</c>), so both print the same thing.
/// </summary>
internal static class IntegrityDocuments
{
    public static IntegrityDocument From(IntegrityReport r)
    {
        var mismatched = r.MeterMismatches.ToHashSet(StringComparer.Ordinal);
        return new IntegrityDocument
        {
            Consistent = r.IsConsistent,
            Database = [.. r.Database],
            Buckets = r.Gauges.Select(g => g.Bucket).Union(r.Recount.Select(g => g.Bucket)).Order(StringComparer.Ordinal).Select(b => new BucketCheck
            {
                Bucket = b,
                Matches = !mismatched.Contains(b),
                Meter = Figures(r.Gauges.FirstOrDefault(g => g.Bucket == b)),
                Recount = Figures(r.Recount.FirstOrDefault(g => g.Bucket == b)),
            }).ToList(),
            ReferencedSegments = r.ReferencedSegments.Count,
            SegmentFiles = r.SegmentFiles.Count,
            InlineSegments = r.InlineSegments.Count,
            MissingSegments = [.. r.MissingSegments],
            OrphanSegments = [.. r.OrphanSegments],
            DoubleStoredSegments = [.. r.DoubleStoredSegments],
            TempFiles = [.. r.TempFiles],
        };
    }

    public static RepairDocument From(RepairResult r) => new() { OrphanSegments = [.. r.OrphanSegments], TempFiles = [.. r.TempFiles], InlineRows = r.InlineRows };

    private static MeterFigures? Figures(UsageGauges? g) => g is null ? null : new MeterFigures
    {
        Objects = g.Objects,
        ObjectBytes = g.ObjectBytes,
        ObjectSegments = g.ObjectSegments,
        NoncurrentObjects = g.NoncurrentObjects,
        NoncurrentBytes = g.NoncurrentBytes,
        DeleteMarkers = g.DeleteMarkers,
        Uploads = g.Uploads,
        Parts = g.Parts,
        PartBytes = g.PartBytes,
    };
}
