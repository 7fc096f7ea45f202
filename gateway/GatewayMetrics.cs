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
    }

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
        return sb.ToString();
    }

    private static void Counter(StringBuilder sb, string name, string help, long value) =>
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");

    private static void Gauge(StringBuilder sb, string name, string help, long value) =>
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
}
