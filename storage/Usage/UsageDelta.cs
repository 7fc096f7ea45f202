namespace Storage.Usage;

/// <summary>A change to a bucket's usage totals, made by one row change.</summary>
internal readonly record struct UsageDelta(long Objects, long ObjectBytes, long ObjectSegments, long Uploads, long Parts, long PartBytes, long PartSegments)
{
    public static UsageDelta Object(long sign, long bytes, long segments) => new(sign, sign * bytes, sign * segments, 0, 0, 0, 0);

    public static UsageDelta Part(long sign, long bytes, long segments) => new(0, 0, 0, 0, sign, sign * bytes, sign * segments);

    public static UsageDelta Upload(long sign) => new(0, 0, 0, sign, 0, 0, 0);

    public static UsageDelta operator +(UsageDelta a, UsageDelta b) => new(
        a.Objects + b.Objects, a.ObjectBytes + b.ObjectBytes, a.ObjectSegments + b.ObjectSegments,
        a.Uploads + b.Uploads, a.Parts + b.Parts, a.PartBytes + b.PartBytes, a.PartSegments + b.PartSegments);

    public bool IsZero => this == default;
}

/// <summary>A bucket's totals at one moment.</summary>
public sealed record UsageGauges(
    string Bucket, string Account, long Objects, long ObjectBytes, long ObjectSegments,
    long Uploads, long Parts, long PartBytes, long PartSegments, DateTimeOffset AccruedTo);

/// <summary>Request traffic attributed to one bucket.</summary>
public sealed record TrafficCounters(long BytesIn, long BytesOut, long WriteRequests, long ReadRequests, long OtherRequests)
{
    public static readonly TrafficCounters Zero = new(0, 0, 0, 0, 0);

    public static TrafficCounters operator +(TrafficCounters a, TrafficCounters b) => new(
        a.BytesIn + b.BytesIn, a.BytesOut + b.BytesOut, a.WriteRequests + b.WriteRequests, a.ReadRequests + b.ReadRequests, a.OtherRequests + b.OtherRequests);
}
