using Storage.Usage;

namespace Gateway.Tests;

/// <summary>GatewayMetrics.Render: the Prometheus text.</summary>
[TestFixture]
internal sealed class GatewayMetricsTests
{
    private static UsageGauges G(string bucket, long objects, long bytes, long segments, long uploads, long parts, long partBytes, long partSegments) =>
        new(bucket, "acct", objects, bytes, segments, uploads, parts, partBytes, partSegments, DateTimeOffset.UnixEpoch);

    [Test]
    public void RenderIsPrometheusTextWithRequestsSortedAndGaugesSummed()
    {
        var m = new GatewayMetrics();
        m.Record("PutObject", 200, 100, 0);
        m.Record("GetObject", 404, 0, 300);
        m.Record("PutObject", 200, 50, 0);
        m.Record("GetObject", 200, 0, 40);
        m.Record("Gateway", 403, 0, 200);

        var text = m.Render([G("a", 2, 100, 3, 1, 2, 30, 2), G("b", 1, 7, 1, 0, 0, 0, 0)]);

        // The memory gauges come last and their values are the process's own: the rest is exact.
        var memory = text.IndexOf("# HELP s3gw_gc_heap_bytes", StringComparison.Ordinal);
        Assert.That(text[memory..], Does.Match(
            "^# HELP s3gw_gc_heap_bytes [^\n]+\n# TYPE s3gw_gc_heap_bytes gauge\ns3gw_gc_heap_bytes [1-9][0-9]*\n" +
            "# HELP s3gw_gc_committed_bytes [^\n]+\n# TYPE s3gw_gc_committed_bytes gauge\ns3gw_gc_committed_bytes [1-9][0-9]*\n" +
            "# HELP s3gw_process_resident_bytes [^\n]+\n# TYPE s3gw_process_resident_bytes gauge\ns3gw_process_resident_bytes [1-9][0-9]*\n$"));
        Assert.That(text[..memory], Is.EqualTo(
            "# HELP s3gw_requests_total Requests handled, by S3 operation and HTTP status.\n" +
            "# TYPE s3gw_requests_total counter\n" +
            "s3gw_requests_total{operation=\"Gateway\",status=\"403\"} 1\n" +
            "s3gw_requests_total{operation=\"GetObject\",status=\"200\"} 1\n" +
            "s3gw_requests_total{operation=\"GetObject\",status=\"404\"} 1\n" +
            "s3gw_requests_total{operation=\"PutObject\",status=\"200\"} 2\n" +
            "# HELP s3gw_bytes_in_total Request body bytes received.\n# TYPE s3gw_bytes_in_total counter\ns3gw_bytes_in_total 150\n" +
            "# HELP s3gw_bytes_out_total Response body bytes sent.\n# TYPE s3gw_bytes_out_total counter\ns3gw_bytes_out_total 540\n" +
            "# HELP s3gw_stored_bytes Bytes of completed objects.\n# TYPE s3gw_stored_bytes gauge\ns3gw_stored_bytes 107\n" +
            "# HELP s3gw_stored_objects Completed objects.\n# TYPE s3gw_stored_objects gauge\ns3gw_stored_objects 3\n" +
            "# HELP s3gw_incomplete_bytes Bytes held by parts of incomplete multipart uploads.\n# TYPE s3gw_incomplete_bytes gauge\ns3gw_incomplete_bytes 30\n" +
            "# HELP s3gw_incomplete_parts Parts of incomplete multipart uploads.\n# TYPE s3gw_incomplete_parts gauge\ns3gw_incomplete_parts 2\n" +
            "# HELP s3gw_open_uploads Incomplete multipart uploads.\n# TYPE s3gw_open_uploads gauge\ns3gw_open_uploads 1\n" +
            "# HELP s3gw_segments Segments referenced by objects and parts.\n# TYPE s3gw_segments gauge\ns3gw_segments 6\n" +
            "# HELP s3gw_buckets Buckets.\n# TYPE s3gw_buckets gauge\ns3gw_buckets 2\n"));
    }

    [Test]
    public void RenderWithNothingRecordedHasZeroes()
    {
        var text = new GatewayMetrics().Render([]);
        Assert.That(text, Does.StartWith(
            "# HELP s3gw_requests_total Requests handled, by S3 operation and HTTP status.\n# TYPE s3gw_requests_total counter\n# HELP s3gw_bytes_in_total"));
        Assert.That(text, Does.Contain("\ns3gw_bytes_in_total 0\n").And.Contain("\ns3gw_stored_bytes 0\n").And.Contain("\ns3gw_buckets 0\n"));
    }

    [Test]
    public void ConcurrentRecordsAreAllCounted()
    {
        var m = new GatewayMetrics();
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => m.Record("GetObject", 200, 1, 2));
        var text = m.Render([]);
        Assert.That(text, Does.Contain("s3gw_requests_total{operation=\"GetObject\",status=\"200\"} 4000\n")
            .And.Contain("\ns3gw_bytes_in_total 4000\n").And.Contain("\ns3gw_bytes_out_total 8000\n"));
    }
}
