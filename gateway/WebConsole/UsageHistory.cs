namespace Gateway.WebConsole;

/// <summary>One bucket's figures at one moment: what the usage charts draw.</summary>
internal sealed record BucketSample(string Bucket, string Account, string Type, long StoredBytes, long NoncurrentBytes, long IncompleteBytes, long Requests, double Cost);

/// <summary>Every bucket's figures at one time on the gateway's clock (month to date for requests and cost).</summary>
internal sealed record UsageSample(DateTimeOffset At, IReadOnlyList<BucketSample> Buckets);

/// <summary>
/// Usage over time, for the console's charts: a bounded ring of samples in memory (not stored: a restart starts a
/// new history). A sample is taken every minute, when the usage page is opened, and before and after every clock
/// advance, so a virtual clock's jumps show as steps.
/// </summary>
internal sealed class UsageHistory(int capacity)
{
    private readonly Queue<UsageSample> _samples = new();
    private readonly Lock _gate = new();

    public void Record(GatewayServices services)
    {
        var prices = services.Options.Billing.Prices();
        var report = services.Storage.Usage.Report(null, null, null, prices);
        var sample = new UsageSample(report.AsOf, [.. report.Buckets.Select(b => new BucketSample(b.Bucket, b.Account,
            b.Kind == Storage.Objects.BucketKind.Directory ? "directory" : "general", b.Objects.Bytes, b.Noncurrent.Bytes, b.Incomplete.Bytes,
            b.Traffic.WriteRequests + b.Traffic.ReadRequests + b.Traffic.OtherRequests, b.EstimatedCost))]);
        lock (_gate)
        {
            _samples.Enqueue(sample);
            while (_samples.Count > capacity)
            {
                _samples.Dequeue();
            }
        }
    }

    /// <summary>The samples in time order, each keeping only the buckets <paramref name="visible"/> accepts.</summary>
    public List<UsageSample> Samples(Func<BucketSample, bool> visible)
    {
        lock (_gate)
        {
            return [.. _samples.Select(s => s with { Buckets = [.. s.Buckets.Where(visible)] })];
        }
    }
}
