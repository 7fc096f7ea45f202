using System.Text.Json.Serialization;

namespace Gateway.Contract;

// The documents of the gateway's own endpoints under /_gateway/ (tools/ADMIN-API.md), shared by the gateway that
// writes them, gatewayctl that reads them and the tests. JSON names are the properties' in camelCase, in
// declaration order. Every property has a default, so a reader given a document without some field (an older
// gateway's) reads zero or empty for it instead of failing; the properties are settable because the generated
// serializer sets every init-only property, to default(T) when the document lacks it. Times are strings: the server's exact text (RFC 3339, milliseconds, Z).

/// <summary>GET /_gateway/health.</summary>
public sealed class HealthDocument
{
    public string Status { get; set; } = "";
    public string Version { get; set; } = "";
    public double UptimeSeconds { get; set; }
}

/// <summary>Every error of the gateway's own endpoints: S3's code for it and a message.</summary>
public sealed class ErrorBody
{
    public string? Error { get; set; }
    public string? Message { get; set; }
}

/// <summary>GET /_gateway/usage: the month's usage per bucket, its totals and the prices behind the estimates.</summary>
public sealed class UsageReport
{
    public string Period { get; set; } = "";
    public string PeriodStart { get; set; } = "";
    public string PeriodEnd { get; set; } = "";
    public string AsOf { get; set; } = "";
    public string Currency { get; set; } = "";
    public List<BucketUsage> Buckets { get; set; } = [];
    public UsageFigures Totals { get; set; } = new();
    public Prices? Prices { get; set; }
}

/// <summary>One bucket's figures in a usage report.</summary>
public sealed class BucketUsage
{
    public string Bucket { get; set; } = "";

    /// <summary>"general" (a general purpose bucket) or "directory" (S3 Express One Zone's, priced with its own row).</summary>
    public string Type { get; set; } = "general";

    public string Account { get; set; } = "";
    public ObjectUsage Objects { get; set; } = new();
    public ObjectUsage Noncurrent { get; set; } = new();
    public long DeleteMarkers { get; set; }
    public IncompleteUsage Incomplete { get; set; } = new();
    public TrafficUsage Traffic { get; set; } = new();
    public double EstimatedCost { get; set; }
}

/// <summary>A report's totals over its buckets.</summary>
public sealed class UsageFigures
{
    public ObjectUsage Objects { get; set; } = new();
    public ObjectUsage Noncurrent { get; set; } = new();
    public long DeleteMarkers { get; set; }
    public IncompleteUsage Incomplete { get; set; } = new();
    public TrafficUsage Traffic { get; set; } = new();
    public double EstimatedCost { get; set; }
}

/// <summary>Stored objects (current or noncurrent versions): now, and integrated over the period so far.</summary>
public sealed class ObjectUsage
{
    public long Count { get; set; }
    public long Bytes { get; set; }
    public long Segments { get; set; }
    public double ByteHours { get; set; }
    public double SegmentHours { get; set; }
}

/// <summary>Incomplete multipart uploads: now, and integrated over the period so far.</summary>
public sealed class IncompleteUsage
{
    public long Uploads { get; set; }
    public long Parts { get; set; }
    public long Bytes { get; set; }
    public long Segments { get; set; }
    public double ByteHours { get; set; }
    public double SegmentHours { get; set; }
}

/// <summary>Requests and bytes over the wire in the period.</summary>
public sealed class TrafficUsage
{
    public long BytesIn { get; set; }
    public long BytesOut { get; set; }
    public long WriteRequests { get; set; }
    public long ReadRequests { get; set; }
    public long OtherRequests { get; set; }
}

/// <summary>The price table (Gateway:Billing) the estimates use.</summary>
public sealed class Prices
{
    public double StorageGbMonth { get; set; }
    public double SegmentMonth { get; set; }
    public double EgressGb { get; set; }
    public double WriteRequestsPer1000 { get; set; }
    public double ReadRequestsPer1000 { get; set; }
    public double HoursPerMonth { get; set; }

    /// <summary>Directory buckets' own row (their storage and requests; segments and egress as above).</summary>
    public DirectoryPrices? Directory { get; set; }
}

/// <summary>The prices directory buckets are estimated with.</summary>
public sealed class DirectoryPrices
{
    public double StorageGbMonth { get; set; }
    public double WriteRequestsPer1000 { get; set; }
    public double ReadRequestsPer1000 { get; set; }
}

/// <summary>GET /_gateway/uploads: a page of incomplete uploads and the totals over all that match.</summary>
public sealed class UploadsPage
{
    public string AsOf { get; set; } = "";
    public List<UploadEntry> Uploads { get; set; } = [];
    public bool IsTruncated { get; set; }
    public string? NextMarker { get; set; }
    public UploadTotals Totals { get; set; } = new();
}

/// <summary>One incomplete upload. Its accrued byte-hours and cost are given where the upload is listed, not where it is aborted.</summary>
public sealed class UploadEntry
{
    public string Bucket { get; set; } = "";
    public string Account { get; set; } = "";
    public string Key { get; set; } = "";
    public string UploadId { get; set; } = "";
    public string Initiated { get; set; } = "";
    public double AgeSeconds { get; set; }
    public long Parts { get; set; }
    public long Bytes { get; set; }
    public long Segments { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ByteHours { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? EstimatedCost { get; set; }
}

/// <summary>The totals of an uploads listing.</summary>
public sealed class UploadTotals
{
    public long Uploads { get; set; }
    public long Parts { get; set; }
    public long Bytes { get; set; }
    public long Segments { get; set; }
    public double ByteHours { get; set; }
    public double EstimatedCost { get; set; }
}

/// <summary>POST /_gateway/uploads/abort: what was (or, in a dry run, would be) aborted.</summary>
public sealed class AbortResult
{
    public bool DryRun { get; set; }
    public long Count { get; set; }
    public long FreedBytes { get; set; }
    public long FreedParts { get; set; }
    public long FreedSegments { get; set; }
    public List<UploadEntry> Aborted { get; set; } = [];
}

/// <summary>GET /_gateway/clock, and POST /_gateway/clock/advance with what the lifecycle sweep did.</summary>
public sealed class ClockState
{
    public string Mode { get; set; } = "";
    public string Now { get; set; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LifecycleRun? Lifecycle { get; set; }
}

/// <summary>What a lifecycle sweep did.</summary>
public sealed class LifecycleRun
{
    public long AbortedUploads { get; set; }
    public long ExpiredObjects { get; set; }
    public long ExpiredVersions { get; set; }
    public long RemovedDeleteMarkers { get; set; }
}

/// <summary>GET /_gateway/access: how one request would be decided, and why.</summary>
public sealed class AccessDecision
{
    public string Bucket { get; set; } = "";
    public string? Key { get; set; }
    public string Action { get; set; } = "";
    public string Principal { get; set; } = "";
    public string Decision { get; set; } = "";
    public string Reason { get; set; } = "";
    public string? Statement { get; set; }
}

/// <summary>
/// A fault rule (POST /_gateway/faults): which requests it matches (omitted fields match everything), when it fires,
/// and what it does. The gateway fills in <see cref="Id"/>, <see cref="Matched"/> and <see cref="Fired"/>.
/// </summary>
public sealed class FaultRuleDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; set; }

    /// <summary>s3 (the default), box, veza, kodexa or twelvelabs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FrontEnd { get; set; }

    /// <summary>The operation's name in its front end: UploadPart, CompleteMultipartUpload, GetObject, ...</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Operation { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Bucket { get; set; }

    /// <summary>A key, or a prefix ending in *.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? PartNumber { get; set; }

    /// <summary>The access key the request was signed with.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Account { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Method { get; set; }

    /// <summary>Let this many matching requests through first.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? After { get; set; }

    /// <summary>Fire at most this many times (unlimited when omitted).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Times { get; set; }

    /// <summary>The chance (0 to 1) that a matching request past <see cref="After"/> is faulted (1 when omitted).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Probability { get; set; }

    /// <summary>The seed of the rule's own generator, so a run repeats exactly.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Seed { get; set; }

    public FaultDocument Fault { get; set; } = new();

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Matched { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Fired { get; set; }
}

/// <summary>What a rule does: error, error-after-200, latency, slow-body, reset or timeout, with that type's fields.</summary>
public sealed class FaultDocument
{
    public string Type { get; set; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Status { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Code { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RetryAfterSeconds { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Ms { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? BytesPerSecond { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? AfterBytes { get; set; }
}

/// <summary>POST /_gateway/faults (the rules to add) and its answer (the rules with their ids).</summary>
public sealed class FaultRules
{
    public List<FaultRuleDocument> Rules { get; set; } = [];
}

/// <summary>GET /_gateway/faults: the rules with their counts, and what fired.</summary>
public sealed class FaultState
{
    public List<FaultRuleDocument> Rules { get; set; } = [];
    public List<FaultEvent> History { get; set; } = [];
}

/// <summary>One fault that fired.</summary>
public sealed class FaultEvent
{
    public string RuleId { get; set; } = "";
    public string RequestId { get; set; } = "";
    public string Time { get; set; } = "";
    public string FrontEnd { get; set; } = "";
    public string Operation { get; set; } = "";
    public string? Bucket { get; set; }
    public string? Key { get; set; }
    public int? PartNumber { get; set; }
    public string Fault { get; set; } = "";
}

/// <summary>DELETE /_gateway/faults and DELETE /_gateway/faults/{id}: how many rules went.</summary>
public sealed class FaultsRemoved
{
    public int Removed { get; set; }
}

/// <summary>POST /_gateway/checksum?algorithm=NAME: the checksum of the request body.</summary>
public sealed class ChecksumResult
{
    public string Algorithm { get; set; } = "";

    /// <summary>Base64 of the big-endian digest: the value an x-amz-checksum-* header or trailer carries.</summary>
    public string Value { get; set; } = "";

    public string Header { get; set; } = "";

    public long Bytes { get; set; }
}

/// <summary>
/// GET /_gateway/check (admins), and <c>gatewayctl check --data-dir DIR</c> on a stopped gateway's folder: the
/// database's own integrity check, the meter against a recount of the rows, and the segments against the files.
/// </summary>
public sealed class IntegrityDocument
{
    public bool Consistent { get; set; }

    /// <summary>SQLite's integrity_check: one "ok" when the database file is sound.</summary>
    public List<string> Database { get; set; } = [];

    public List<BucketCheck> Buckets { get; set; } = [];

    public long ReferencedSegments { get; set; }

    public long SegmentFiles { get; set; }

    public long InlineSegments { get; set; }

    /// <summary>Referenced by a row, stored nowhere: data lost.</summary>
    public List<string> MissingSegments { get; set; } = [];

    /// <summary>Files no row references: space lost (what --repair and the start-up sweep remove).</summary>
    public List<string> OrphanSegments { get; set; } = [];

    public List<string> DoubleStoredSegments { get; set; } = [];

    /// <summary>Left by interrupted writes; removed at start-up, not an inconsistency.</summary>
    public List<string> TempFiles { get; set; } = [];
}

/// <summary>One bucket's meter beside a recount of its rows.</summary>
public sealed class BucketCheck
{
    public string Bucket { get; set; } = "";
    public bool Matches { get; set; }
    public MeterFigures? Meter { get; set; }
    public MeterFigures? Recount { get; set; }
}

/// <summary>A bucket's totals as the meter keeps them (or as a recount finds them).</summary>
public sealed class MeterFigures
{
    public long Objects { get; set; }
    public long ObjectBytes { get; set; }
    public long ObjectSegments { get; set; }
    public long NoncurrentObjects { get; set; }
    public long NoncurrentBytes { get; set; }
    public long DeleteMarkers { get; set; }
    public long Uploads { get; set; }
    public long Parts { get; set; }
    public long PartBytes { get; set; }
}

/// <summary><c>gatewayctl check --data-dir DIR --repair</c>: what was removed.</summary>
public sealed class RepairDocument
{
    public List<string> OrphanSegments { get; set; } = [];
    public List<string> TempFiles { get; set; } = [];
    public int InlineRows { get; set; }
}

/// <summary>POST /_gateway/reset: what was removed, and the initial buckets created again.</summary>
public sealed class ResetResult
{
    public List<string> Buckets { get; set; } = [];
    public long Versions { get; set; }
    public long Uploads { get; set; }
    public long Parts { get; set; }
    public long Bytes { get; set; }
    public int SegmentFiles { get; set; }
    public List<string> Seeded { get; set; } = [];
}

/// <summary>GET /_gateway/requests: the last requests the gateway answered, newest first (held in memory only).</summary>
public sealed class RequestLogPage
{
    /// <summary>How many requests the log holds at most (Gateway:RequestLogSize); older ones are gone.</summary>
    public int Capacity { get; set; }

    public List<RequestLogEntry> Requests { get; set; } = [];

    /// <summary>Give it as <c>before</c> for the next, older page; null when there is none.</summary>
    public long? NextBefore { get; set; }
}

/// <summary>One finished request: what it was and how it ended. Never a header, a query string or a signature.</summary>
public sealed class RequestLogEntry
{
    public long Sequence { get; set; }
    public string Time { get; set; } = "";
    public string FrontEnd { get; set; } = "";
    public string Operation { get; set; } = "";
    public string Method { get; set; } = "";
    public string? Account { get; set; }
    public string? Bucket { get; set; }
    public string? Key { get; set; }
    public int Status { get; set; }
    public string? ErrorCode { get; set; }
    public long BytesIn { get; set; }
    public long BytesOut { get; set; }
    public double DurationMs { get; set; }
    public string RequestId { get; set; } = "";

    /// <summary>A request refused as SignatureDoesNotMatch: what the gateway signed (secret values REDACTED).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RefusedSignatureDocument? RefusedSignature { get; set; }
}

/// <summary>The canonical request and string to sign the gateway computed for a signature that did not match.</summary>
public sealed class RefusedSignatureDocument
{
    public string AccessKeyId { get; set; } = "";
    public string SignedHeaders { get; set; } = "";
    public string CanonicalRequest { get; set; } = "";
    public string StringToSign { get; set; } = "";
}
