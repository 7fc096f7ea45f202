namespace Gateway.Tests.GatewayCtl;

/// <summary>Response documents from tools/ADMIN-API.md, with the elided totals written out.</summary>
internal static class AdminSamples
{
    public const string Usage = """
        {"period":"2026-11","periodStart":"2026-11-01T00:00:00.000Z","periodEnd":"2026-12-01T00:00:00.000Z","asOf":"2026-11-21T13:00:00.000Z",
         "buckets":[{"bucket":"b","type":"general","account":"test",
           "objects":{"count":1,"bytes":10,"segments":1,"byteHours":0.5,"segmentHours":0.05},
           "incomplete":{"uploads":1,"parts":2,"bytes":20,"segments":2,"byteHours":1.5,"segmentHours":0.1},
           "traffic":{"bytesIn":30,"bytesOut":10,"writeRequests":4,"readRequests":1,"otherRequests":0},
           "estimatedCost":0.0000123}],
         "totals":{"objects":{"count":1,"bytes":10,"segments":1,"byteHours":0.5,"segmentHours":0.05},
           "incomplete":{"uploads":1,"parts":2,"bytes":20,"segments":2,"byteHours":1.5,"segmentHours":0.1},
           "traffic":{"bytesIn":30,"bytesOut":10,"writeRequests":4,"readRequests":1,"otherRequests":0},
           "estimatedCost":0.0000123},
         "prices":{"storageGbMonth":0.004,"segmentMonth":0.0000088,"egressGb":0.007,"writeRequestsPer1000":0.005,"readRequestsPer1000":0.0004,"hoursPerMonth":730,
           "directory":{"storageGbMonth":0.08,"writeRequestsPer1000":0.0012,"readRequestsPer1000":0.00004}}}
        """;

    /// <summary>Two buckets with realistic sizes, to pin the human-readable units and the column widths.</summary>
    public const string UsageTwoBuckets = """
        {"period":"2026-10","periodStart":"2026-10-01T00:00:00.000Z","periodEnd":"2026-11-01T00:00:00.000Z","asOf":"2026-11-01T00:00:00.000Z",
         "buckets":[
          {"bucket":"photos","type":"general","account":"alice",
           "objects":{"count":1234,"bytes":10485760,"segments":1234,"byteHours":7549747200,"segmentHours":900820},
           "noncurrent":{"count":2,"bytes":2097152,"segments":2,"byteHours":1509949440,"segmentHours":1440},"deleteMarkers":5,
           "incomplete":{"uploads":0,"parts":0,"bytes":0,"segments":0,"byteHours":0,"segmentHours":0},
           "traffic":{"bytesIn":10485760,"bytesOut":52428800,"writeRequests":1300,"readRequests":5000,"otherRequests":12},
           "estimatedCost":0.0182},
          {"bucket":"scratch--use1-az4--x-s3","type":"directory","account":"bob",
           "objects":{"count":0,"bytes":0,"segments":0,"byteHours":0,"segmentHours":0},
           "incomplete":{"uploads":3,"parts":12,"bytes":44040192,"segments":12,"byteHours":3170893824,"segmentHours":864},
           "traffic":{"bytesIn":44040192,"bytesOut":0,"writeRequests":15,"readRequests":0,"otherRequests":3},
           "estimatedCost":0.000123}],
         "totals":{"objects":{"count":1234,"bytes":10485760,"segments":1234,"byteHours":7549747200,"segmentHours":900820},
           "noncurrent":{"count":2,"bytes":2097152,"segments":2,"byteHours":1509949440,"segmentHours":1440},"deleteMarkers":5,
           "incomplete":{"uploads":3,"parts":12,"bytes":44040192,"segments":12,"byteHours":3170893824,"segmentHours":864},
           "traffic":{"bytesIn":54525952,"bytesOut":52428800,"writeRequests":1315,"readRequests":5000,"otherRequests":15},
           "estimatedCost":0.018323}}
        """;

    public const string Uploads = """
        {"asOf":"2026-11-21T13:00:00.000Z","uploads":[{"bucket":"b","account":"test","key":"k","uploadId":"u","initiated":"2026-11-21T12:00:00.000Z","ageSeconds":3600.0,
           "parts":2,"bytes":20,"segments":2,"byteHours":1.5,"estimatedCost":0.000001}],
         "isTruncated":false,"nextMarker":null,
         "totals":{"uploads":1,"parts":2,"bytes":20,"segments":2,"byteHours":1.5,"estimatedCost":0.000001}}
        """;

    public static string UploadsPage(string key, string uploadId, double ageSeconds, long bytes, string? nextMarker) => $$$"""
        {"asOf":"2026-11-21T13:00:00.000Z","uploads":[{"bucket":"backups","account":"test","key":"{{{key}}}","uploadId":"{{{uploadId}}}",
           "initiated":"2026-11-01T00:00:00.000Z","ageSeconds":{{{ageSeconds}}},"parts":4,"bytes":{{{bytes}}},"segments":4,"byteHours":{{{bytes * 100}}},
           "estimatedCost":0.0004}],
         "isTruncated":{{{(nextMarker is null ? "false" : "true")}}},"nextMarker":{{{(nextMarker is null ? "null" : "\"" + nextMarker + "\"")}}},
         "totals":{"uploads":1,"parts":4,"bytes":{{{bytes}}},"segments":4,"byteHours":{{{bytes * 100}}},"estimatedCost":0.0004}}
        """;

    public const string Abort = """
        {"dryRun":false,"count":1,"freedBytes":20,"freedParts":2,"freedSegments":2,
         "aborted":[{"bucket":"b","account":"test","key":"k","uploadId":"u","initiated":"2026-11-21T10:30:00.000Z","ageSeconds":9000.0,"parts":2,"bytes":20,"segments":2}]}
        """;

    public const string Clock = """{"mode":"virtual","now":"2026-11-21T13:00:00.000Z"}""";

    public const string ClockAdvanced = """{"mode":"virtual","now":"2026-11-29T13:00:00.000Z","lifecycle":{"abortedUploads":3,"expiredObjects":1}}""";

    public const string Metrics = """
        # HELP gateway_requests_total Requests handled.
        # TYPE gateway_requests_total counter
        gateway_requests_total{operation="PutObject"} 4
        """;
}
