using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Storage.Usage;

namespace Gateway;

/// <summary>Request counters for /_gateway/metrics (since start); stored totals come from the meter.</summary>
internal sealed class GatewayMetrics
{
    private readonly ConcurrentDictionary<(string Operation, int Status), long> _requests = new();
    private long _bytesIn;
    private long _bytesOut;

    public void Record(string operation, int status, long bytesIn, long bytesOut)
    {
        _requests.AddOrUpdate((operation, status), 1, (_, n) => n + 1);
        Interlocked.Add(ref _bytesIn, bytesIn);
        Interlocked.Add(ref _bytesOut, bytesOut);
        Interlocked.Increment(ref _count);
        Volatile.Write(ref _lastRequestTicks, Environment.TickCount64);
    }

    private long _count;
    private long _lastRequestTicks;

    /// <summary>Requests handled so far (the idle trim runs once per quiet spell, not again until more came).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>When the last request ended, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long LastRequestTicks => Volatile.Read(ref _lastRequestTicks);

    /// <summary>Prometheus text exposition format, version 0.0.4.</summary>
    public string Render(IReadOnlyList<UsageGauges> gauges)
    {
        var sb = new StringBuilder();
        sb.Append("# HELP s3gw_requests_total Requests handled, by S3 operation and HTTP status.\n# TYPE s3gw_requests_total counter\n");
        foreach (var ((op, status), n) in _requests.OrderBy(k => k.Key.Operation, StringComparer.Ordinal).ThenBy(k => k.Key.Status))
        {
            sb.Append(CultureInfo.InvariantCulture, $"s3gw_requests_total{{operation=\"{op}\",status=\"{status}\"}} {n}\n");
        }

        Counter(sb, "s3gw_bytes_in_total", "Request body bytes received.", Interlocked.Read(ref _bytesIn));
        Counter(sb, "s3gw_bytes_out_total", "Response body bytes sent.", Interlocked.Read(ref _bytesOut));
        Gauge(sb, "s3gw_stored_bytes", "Bytes of completed objects.", gauges.Sum(g => g.ObjectBytes));
        Gauge(sb, "s3gw_stored_objects", "Completed objects.", gauges.Sum(g => g.Objects));
        Gauge(sb, "s3gw_incomplete_bytes", "Bytes held by parts of incomplete multipart uploads.", gauges.Sum(g => g.PartBytes));
        Gauge(sb, "s3gw_incomplete_parts", "Parts of incomplete multipart uploads.", gauges.Sum(g => g.Parts));
        Gauge(sb, "s3gw_open_uploads", "Incomplete multipart uploads.", gauges.Sum(g => g.Uploads));
        Gauge(sb, "s3gw_segments", "Segments referenced by objects and parts.", gauges.Sum(g => g.ObjectSegments + g.PartSegments));
        Gauge(sb, "s3gw_buckets", "Buckets.", gauges.Count);

        // Where the process's memory is: the managed heap against the resident set (the rest is native: SQLite's
        // page caches, socket and pool buffers), so a memory figure can be traced to its owner.
        var gc = GC.GetGCMemoryInfo();
        Gauge(sb, "s3gw_gc_heap_bytes", "Managed heap size after the last garbage collection.", gc.HeapSizeBytes);
        Gauge(sb, "s3gw_gc_committed_bytes", "Memory the garbage collector has committed.", gc.TotalCommittedBytes);
        Gauge(sb, "s3gw_process_resident_bytes", "The process's resident set.", Environment.WorkingSet);
        return sb.ToString();
    }

    private static void Counter(StringBuilder sb, string name, string help, long value) =>
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");

    private static void Gauge(StringBuilder sb, string name, string help, long value) =>
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
}
