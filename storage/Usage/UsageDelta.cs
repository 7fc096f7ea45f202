namespace Storage.Usage;

/// <summary>A change to a bucket's usage totals, made by one row change.</summary>
internal readonly record struct UsageDelta(
    long Objects, long ObjectBytes, long ObjectSegments, long Uploads, long Parts, long PartBytes, long PartSegments,
    long NoncurrentObjects = 0, long NoncurrentBytes = 0, long NoncurrentSegments = 0, long DeleteMarkers = 0)
{
    /// <summary>A current version (the latest of its key, not a delete marker).</summary>
    public static UsageDelta Object(long sign, long bytes, long segments) => new(sign, sign * bytes, sign * segments, 0, 0, 0, 0);

    /// <summary>A version that is no longer its key's latest.</summary>
    public static UsageDelta Noncurrent(long sign, long bytes, long segments) => new(0, 0, 0, 0, 0, 0, 0, sign, sign * bytes, sign * segments);

    public static UsageDelta Marker(long sign) => new(0, 0, 0, 0, 0, 0, 0, DeleteMarkers: sign);

    /// <summary>The row <paramref name="v"/> (with <paramref name="segments"/> segment ranges) entering (+1) or leaving (-1) the totals, as what it is.</summary>
    public static UsageDelta Version(long sign, Objects.ObjectInfo v, long segments) =>
        v.IsDeleteMarker ? Marker(sign) : v.IsLatest ? Object(sign, v.Size, segments) : Noncurrent(sign, v.Size, segments);

    public static UsageDelta Part(long sign, long bytes, long segments) => new(0, 0, 0, 0, sign, sign * bytes, sign * segments);

    public static UsageDelta Upload(long sign) => new(0, 0, 0, sign, 0, 0, 0);

    public static UsageDelta operator +(UsageDelta a, UsageDelta b) => new(
        a.Objects + b.Objects, a.ObjectBytes + b.ObjectBytes, a.ObjectSegments + b.ObjectSegments,
        a.Uploads + b.Uploads, a.Parts + b.Parts, a.PartBytes + b.PartBytes, a.PartSegments + b.PartSegments,
        a.NoncurrentObjects + b.NoncurrentObjects, a.NoncurrentBytes + b.NoncurrentBytes, a.NoncurrentSegments + b.NoncurrentSegments,
        a.DeleteMarkers + b.DeleteMarkers);

    public bool IsZero => this == default;
}

/// <summary>
/// A bucket's totals at one moment. Objects are current versions; noncurrent versions and delete markers (stored
/// data too, and billed) are counted apart.
/// </summary>
public sealed record UsageGauges(
    string Bucket, string Account, long Objects, long ObjectBytes, long ObjectSegments,
    long Uploads, long Parts, long PartBytes, long PartSegments, DateTimeOffset AccruedTo)
{
    public long NoncurrentObjects { get; init; }

    public long NoncurrentBytes { get; init; }

    public long NoncurrentSegments { get; init; }

    public long DeleteMarkers { get; init; }
}

/// <summary>Request traffic attributed to one bucket.</summary>
public sealed record TrafficCounters(long BytesIn, long BytesOut, long WriteRequests, long ReadRequests, long OtherRequests)
{
    public static readonly TrafficCounters Zero = new(0, 0, 0, 0, 0);

    public static TrafficCounters operator +(TrafficCounters a, TrafficCounters b) => new(
        a.BytesIn + b.BytesIn, a.BytesOut + b.BytesOut, a.WriteRequests + b.WriteRequests, a.ReadRequests + b.ReadRequests, a.OtherRequests + b.OtherRequests);
}
