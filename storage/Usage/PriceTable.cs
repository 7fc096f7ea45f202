namespace Storage.Usage;

/// <summary>
/// Prices behind the usage report's cost estimates: per GB-month stored, per segment-month, per GB of egress and
/// per thousand requests. Example figures by default, not any provider's prices. A month is 730 hours.
/// </summary>
public sealed record PriceTable(
    string Currency = "USD",
    double StorageGbMonth = 0.004,
    double SegmentMonth = 0.0000088,
    double EgressGb = 0.007,
    double WriteRequestsPer1000 = 0.005,
    double ReadRequestsPer1000 = 0.0004,
    double HoursPerMonth = 730)
{
    /// <summary>
    /// The prices of directory buckets' class (S3 Express One Zone's shape: dearer storage, cheaper requests); null:
    /// the same as every other bucket's.
    /// </summary>
    public PriceTable? Directory { get; init; }

    /// <summary>The prices that apply to a bucket of <paramref name="kind"/>.</summary>
    public PriceTable For(Objects.BucketKind kind) => kind == Objects.BucketKind.Directory && Directory is { } d ? d : this;

    /// <summary>Estimated cost of stored byte-hours and segment-hours plus egress and requests.</summary>
    public double Cost(double byteHours, double segmentHours, long bytesOut, long writes, long reads) =>
        byteHours / 1e9 / HoursPerMonth * StorageGbMonth
        + segmentHours / HoursPerMonth * SegmentMonth
        + bytesOut / 1e9 * EgressGb
        + writes / 1000.0 * WriteRequestsPer1000
        + reads / 1000.0 * ReadRequestsPer1000;
}
