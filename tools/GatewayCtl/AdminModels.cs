namespace GatewayCtl;

// The admin API's JSON documents (tools/ADMIN-API.md), read with the web defaults (camelCase names).
// Times stay strings so the tool prints exactly what the server said. Every property has a default so a
// field the server leaves out reads as zero or empty instead of failing the whole command.

internal sealed class UsageReport
{
    public string Period { get; init; } = "";
    public string PeriodStart { get; init; } = "";
    public string PeriodEnd { get; init; } = "";
    public string AsOf { get; init; } = "";
    public List<BucketUsage> Buckets { get; init; } = [];
    public UsageTotals Totals { get; init; } = new();
    public Prices? Prices { get; init; }
}

internal sealed class BucketUsage
{
    public string Bucket { get; init; } = "";
    public string Account { get; init; } = "";
    public ObjectUsage Objects { get; init; } = new();
    public ObjectUsage Noncurrent { get; init; } = new();
    public long DeleteMarkers { get; init; }
    public IncompleteUsage Incomplete { get; init; } = new();
    public TrafficUsage Traffic { get; init; } = new();
    public double EstimatedCost { get; init; }
}

internal sealed class UsageTotals
{
    public ObjectUsage Objects { get; init; } = new();
    public ObjectUsage Noncurrent { get; init; } = new();
    public long DeleteMarkers { get; init; }
    public IncompleteUsage Incomplete { get; init; } = new();
    public TrafficUsage Traffic { get; init; } = new();
    public double EstimatedCost { get; init; }
}

internal sealed class ObjectUsage
{
    public long Count { get; init; }
    public long Bytes { get; init; }
    public long Segments { get; init; }
    public double ByteHours { get; init; }
    public double SegmentHours { get; init; }
}

internal sealed class IncompleteUsage
{
    public long Uploads { get; init; }
    public long Parts { get; init; }
    public long Bytes { get; init; }
    public long Segments { get; init; }
    public double ByteHours { get; init; }
    public double SegmentHours { get; init; }
}

internal sealed class TrafficUsage
{
    public long BytesIn { get; init; }
    public long BytesOut { get; init; }
    public long WriteRequests { get; init; }
    public long ReadRequests { get; init; }
    public long OtherRequests { get; init; }
}

internal sealed class Prices
{
    public double StorageGbMonth { get; init; }
    public double SegmentMonth { get; init; }
    public double EgressGb { get; init; }
    public double WriteRequestsPer1000 { get; init; }
    public double ReadRequestsPer1000 { get; init; }
    public double HoursPerMonth { get; init; }
}

internal sealed class UploadsPage
{
    public string AsOf { get; init; } = "";
    public List<UploadInfo> Uploads { get; init; } = [];
    public bool IsTruncated { get; init; }
    public string? NextMarker { get; init; }
}

internal sealed class UploadInfo
{
    public string Bucket { get; init; } = "";
    public string Account { get; init; } = "";
    public string Key { get; init; } = "";
    public string UploadId { get; init; } = "";
    public string Initiated { get; init; } = "";
    public double AgeSeconds { get; init; }
    public long Parts { get; init; }
    public long Bytes { get; init; }
    public long Segments { get; init; }
    public double ByteHours { get; init; }
    public double EstimatedCost { get; init; }
}

internal sealed class AbortResult
{
    public bool DryRun { get; init; }
    public long Count { get; init; }
    public long FreedBytes { get; init; }
    public long FreedParts { get; init; }
    public long FreedSegments { get; init; }
    public List<UploadInfo> Aborted { get; init; } = [];
}

internal sealed class ClockState
{
    public string Mode { get; init; } = "";
    public string Now { get; init; } = "";
    public LifecycleRun? Lifecycle { get; init; }
}

internal sealed class LifecycleRun
{
    public long AbortedUploads { get; init; }
    public long ExpiredObjects { get; init; }
}

internal sealed class ErrorBody
{
    public string? Error { get; init; }
    public string? Message { get; init; }
}

/// <summary>GET /_gateway/access: how one request would be decided, and why.</summary>
internal sealed class AccessDecision
{
    public string Bucket { get; init; } = "";
    public string? Key { get; init; }
    public string Action { get; init; } = "";
    public string Principal { get; init; } = "";
    public string Decision { get; init; } = "";
    public string Reason { get; init; } = "";
    public string? Statement { get; init; }
}
