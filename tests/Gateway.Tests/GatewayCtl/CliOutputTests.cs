using System.Text.Json.Nodes;

namespace Gateway.Tests.GatewayCtl;

/// <summary>The tables and summaries for canned responses, pinned as exact strings; and --json passing bodies through.</summary>
[TestFixture]
public sealed class CliOutputTests
{
    private static async Task<CliRun> Ok(FakeAdminHandler handler, params string[] args)
    {
        var run = await CliRun.Of(handler, args);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        Assert.That(run.Stderr, Is.Empty);
        return run;
    }

    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    [Test]
    public async Task UsageTableForTheContractExample()
    {
        var run = await Ok(new FakeAdminHandler().Respond(AdminSamples.Usage), "usage");

        Assert.That(run.Stdout, Is.EqualTo(Lines(
            "usage for 2026-11 (2026-11-01T00:00:00.000Z to 2026-12-01T00:00:00.000Z), as of 2026-11-21T13:00:00.000Z",
            "BUCKET  TYPE     ACCOUNT  OBJECTS  OBJECT BYTES  NONCURRENT (VERSIONS / BYTES / MARKERS)  INCOMPLETE UPLOADS  PARTS  INCOMPLETE BYTES  BYTE-HOURS (OBJECTS / INCOMPLETE)  EGRESS  REQUESTS (W/R/O)   EST. COST",
            "b       general  test           1          10 B                              0 / 0 B / 0                   1      2              20 B                  0.5 B-h / 1.5 B-h    10 B             4/1/0  $0.0000123",
            "TOTAL                           1          10 B                              0 / 0 B / 0                   1      2              20 B                  0.5 B-h / 1.5 B-h    10 B             4/1/0  $0.0000123",
            "prices: storage $0.004/GB-month, segments $0.0000088/segment-month, egress $0.007/GB, writes $0.005/1000, reads $0.0004/1000, 730 hours/month",
            "directory buckets: storage $0.08/GB-month, writes $0.0012/1000, reads $0.00004/1000")));
    }

    [Test]
    public async Task UsageTableWithHumanReadableSizes()
    {
        var run = await Ok(new FakeAdminHandler().Respond(AdminSamples.UsageTwoBuckets), "usage", "--period", "2026-10");

        Assert.That(run.Stdout, Is.EqualTo(Lines(
            "usage for 2026-10 (2026-10-01T00:00:00.000Z to 2026-11-01T00:00:00.000Z), as of 2026-11-01T00:00:00.000Z",
            "BUCKET                   TYPE       ACCOUNT  OBJECTS  OBJECT BYTES  NONCURRENT (VERSIONS / BYTES / MARKERS)  INCOMPLETE UPLOADS  PARTS  INCOMPLETE BYTES  BYTE-HOURS (OBJECTS / INCOMPLETE)    EGRESS  REQUESTS (W/R/O)  EST. COST",
            "photos                   general    alice      1,234      10.0 MiB                          2 / 2.0 MiB / 5                   0      0               0 B                  8.4 GiB-h / 0 B-h  50.0 MiB    1,300/5,000/12    $0.0182",
            "scratch--use1-az4--x-s3  directory  bob            0           0 B                              0 / 0 B / 0                   3     12          42.0 MiB                  0 B-h / 3.0 GiB-h       0 B            15/0/3  $0.000123",
            "TOTAL                                          1,234      10.0 MiB                          2 / 2.0 MiB / 5                   3     12          42.0 MiB              8.4 GiB-h / 3.0 GiB-h  50.0 MiB    1,315/5,000/15    $0.0183")));
    }

    [Test]
    public async Task UsageWithNoBuckets()
    {
        var run = await Ok(new FakeAdminHandler().Respond("""{"period":"2026-11","periodStart":"a","periodEnd":"b","asOf":"c","buckets":[],"totals":{}}"""), "usage");
        Assert.That(run.Stdout, Is.EqualTo(Lines("usage for 2026-11 (a to b), as of c", "no buckets")));
    }

    [Test]
    public async Task JsonPrintsTheServersDocumentUnchangedButIndented()
    {
        var run = await Ok(new FakeAdminHandler().Respond(AdminSamples.Usage), "usage", "--json");

        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(run.Stdout), JsonNode.Parse(AdminSamples.Usage)), Is.True);
        // Exact values: no re-rounding and no exponent notation of the server's numbers.
        Assert.That(run.Stdout, Does.Contain("\"estimatedCost\": 0.0000123"));
        Assert.That(run.Stdout, Does.Contain("\"segmentMonth\": 0.0000088"));
        Assert.That(run.Stdout, Does.StartWith("{\n  \"period\": \"2026-11\",\n  \"periodStart\": "));
    }

    [Test]
    public async Task JsonOfTheClock()
    {
        var run = await Ok(new FakeAdminHandler().Respond(AdminSamples.Clock), "--json", "clock");
        Assert.That(run.Stdout, Is.EqualTo("{\n  \"mode\": \"virtual\",\n  \"now\": \"2026-11-21T13:00:00.000Z\"\n}\n"));
    }

    [Test]
    public async Task JsonKeepsNonAsciiKeysReadable()
    {
        var body = """{"asOf":"x","uploads":[{"key":"caf\u00e9 +1"}],"isTruncated":false,"nextMarker":null}""";
        var run = await Ok(new FakeAdminHandler().Respond(body), "uploads", "--json");
        Assert.That(run.Stdout, Does.Contain("\"key\": \"café +1\""));
    }

    [Test]
    public async Task UploadsTableForTheContractExample()
    {
        var run = await Ok(new FakeAdminHandler().Respond(AdminSamples.Uploads), "uploads");

        Assert.That(run.Stdout, Is.EqualTo(Lines(
            "incomplete uploads as of 2026-11-21T13:00:00.000Z",
            "BUCKET  KEY       UPLOAD-ID  AGE  PARTS  BYTES  BYTE-HOURS  EST. COST",
            "b       k         u           1h      2   20 B     1.5 B-h  $0.000001",
            "TOTAL   1 upload                      2   20 B     1.5 B-h  $0.000001")));
    }

    [Test]
    public async Task UploadsAllFollowsNextMarkerAndTotalsEveryPage()
    {
        var handler = new FakeAdminHandler()
            .Respond(AdminSamples.UploadsPage("db/2026-10.tar", "u1", 1900800, 1073741824, "m1"))
            .Respond(AdminSamples.UploadsPage("db/2026-11.tar", "u2", 700000.5, 52428800, "m2"))
            .Respond(AdminSamples.UploadsPage("logs/x", "u3", 90, 1000, null));

        var run = await Ok(handler, "uploads", "--all", "--limit", "1", "--older-than", "60s");

        Assert.That(handler.Requests.Select(r => r.RequestUri!.Query), Is.EqualTo(new[]
        {
            "?limit=1&olderThanSeconds=60",
            "?limit=1&marker=m1&olderThanSeconds=60",
            "?limit=1&marker=m2&olderThanSeconds=60",
        }));
        Assert.That(run.Stdout, Is.EqualTo(Lines(
            "incomplete uploads as of 2026-11-21T13:00:00.000Z",
            "BUCKET   KEY             UPLOAD-ID     AGE  PARTS     BYTES   BYTE-HOURS  EST. COST",
            "backups  db/2026-10.tar  u1            22d      4   1.0 GiB  100.0 GiB-h    $0.0004",
            "backups  db/2026-11.tar  u2          8d 2h      4  50.0 MiB    4.9 GiB-h    $0.0004",
            "backups  logs/x          u3         1m 30s      4    1000 B   97.7 KiB-h    $0.0004",
            "TOTAL    3 uploads                             12   1.0 GiB  104.9 GiB-h    $0.0012")));
    }

    [Test]
    public async Task UploadsJsonAllIsOneMergedDocument()
    {
        var handler = new FakeAdminHandler()
            .Respond(AdminSamples.UploadsPage("a", "u1", 100, 10, "m1"))
            .Respond(AdminSamples.UploadsPage("b", "u2", 50, 20, null));

        var run = await Ok(handler, "uploads", "--all", "--json");

        var doc = JsonNode.Parse(run.Stdout)!;
        Assert.That(doc["uploads"]!.AsArray().Select(u => (string?)u!["uploadId"]), Is.EqualTo(new[] { "u1", "u2" }));
        Assert.That((bool)doc["isTruncated"]!, Is.False);
        Assert.That(doc["nextMarker"], Is.Null);
        Assert.That(doc["totals"]!.ToJsonString(), Is.EqualTo("""{"uploads":2,"parts":8,"bytes":30,"segments":8,"byteHours":3000,"estimatedCost":0.0008}"""));
    }

    [Test]
    public async Task UploadsWithoutAllSaysWhenMoreMatch()
    {
        var handler = new FakeAdminHandler().Respond(AdminSamples.UploadsPage("a", "u1", 100, 10, "m1"));
        var run = await Ok(handler, "uploads", "--limit", "1");

        Assert.That(handler.Requests, Has.Count.EqualTo(1));
        Assert.That(run.Stdout, Does.EndWith(Lines(
            "TOTAL    1 upload                         4   10 B    1000 B-h    $0.0004",
            "more uploads match: use --all to list every page")));
    }

    [Test]
    public async Task UploadsWhenThereAreNone()
    {
        var run = await Ok(new FakeAdminHandler().Respond("""{"asOf":"2026-11-21T13:00:00.000Z","uploads":[],"isTruncated":false,"nextMarker":null}"""), "uploads");
        Assert.That(run.Stdout, Is.EqualTo(Lines("incomplete uploads as of 2026-11-21T13:00:00.000Z", "no incomplete uploads")));
    }

    [Test]
    public async Task AbortStaleListsEachUploadAndSummarises()
    {
        var run = await Ok(new FakeAdminHandler().Respond(AdminSamples.Abort), "abort-stale", "--older-than", "2h");

        Assert.That(run.Stdout, Is.EqualTo(Lines(
            "aborted b/k (upload u, age 2h 30m, 2 parts, 20 B)",
            "aborted 1 upload, freed 20 B in 2 parts (2 segments)")));
    }

    [Test]
    public async Task AbortStaleDryRunSaysWouldAbort()
    {
        var body = """
            {"dryRun":true,"count":3,"freedBytes":44040192,"freedParts":12,"freedSegments":12,"aborted":[
             {"bucket":"b","account":"test","key":"x/1","uploadId":"u1","initiated":"","ageSeconds":700000,"parts":4,"bytes":14680064,"segments":4},
             {"bucket":"b","account":"test","key":"x/2","uploadId":"u2","initiated":"","ageSeconds":691200,"parts":4,"bytes":14680064,"segments":4},
             {"bucket":"c","account":"test","key":"y","uploadId":"u3","initiated":"","ageSeconds":605000,"parts":4,"bytes":14680064,"segments":4}]}
            """;
        var handler = new FakeAdminHandler().Respond(body);
        var run = await Ok(handler, "abort-stale", "--older-than", "7d", "--dry-run");

        Assert.That(handler.Requests[0].RequestUri!.Query, Is.EqualTo("?dryRun=true&olderThanSeconds=604800"));
        Assert.That(run.Stdout, Is.EqualTo(Lines(
            "would abort b/x/1 (upload u1, age 8d 2h, 4 parts, 14.0 MiB)",
            "would abort b/x/2 (upload u2, age 8d, 4 parts, 14.0 MiB)",
            "would abort c/y (upload u3, age 7d, 4 parts, 14.0 MiB)",
            "would abort 3 uploads, freeing 42.0 MiB in 12 parts (12 segments)")));
    }

    [Test]
    public async Task AccessShowsTheDecisionAndWhatDecidedIt()
    {
        // The gateway's own answer for a public-read policy (AccessHandlersTests pins it exactly).
        const string Answer = "{\"bucket\":\"bkt\",\"key\":\"k\",\"action\":\"s3:GetObject\",\"principal\":\"anonymous\",\"decision\":\"allow\",\"reason\":\"allowed by the bucket policy\",\"statement\":\"public\"}";
        var run = await Ok(new FakeAdminHandler().Respond(Answer), "access", "--bucket", "bkt", "--action", "s3:GetObject", "--key", "k", "--principal", "anonymous");
        Assert.That(run.Stdout, Is.EqualTo(Lines("ALLOW: s3:GetObject on bkt/k by anonymous", "because allowed by the bucket policy (statement public)")));
        var bare = await CliRun.Of(new FakeAdminHandler().Respond(Answer), "access", "--bucket", "bkt");
        Assert.That(bare.ExitCode, Is.EqualTo(64));
        Assert.That(bare.Stderr, Does.StartWith("gatewayctl: access needs --bucket and --action (e.g. --action s3:GetObject)\n"));
    }

    [Test]
    public async Task ClockShowsModeAndNow()
    {
        var run = await Ok(new FakeAdminHandler().Respond(AdminSamples.Clock), "clock");
        Assert.That(run.Stdout, Is.EqualTo(Lines("mode: virtual", "now:  2026-11-21T13:00:00.000Z")));
    }

    [Test]
    public async Task ClockAdvanceByDaysPostsSecondsAndShowsTheLifecycleRun()
    {
        var handler = new FakeAdminHandler().Respond(AdminSamples.ClockAdvanced);
        var run = await Ok(handler, "clock", "advance", "--days", "8");

        var request = handler.Requests.Single();
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(request.RequestUri!.AbsolutePath, Is.EqualTo("/_gateway/clock/advance"));
        Assert.That(request.RequestUri.Query, Is.EqualTo("?seconds=691200"));
        Assert.That(run.Stdout, Is.EqualTo(Lines("mode: virtual", "now:  2026-11-29T13:00:00.000Z", "lifecycle: aborted 3 uploads, expired 1 object and 0 noncurrent versions, removed 0 delete markers")));
    }

    [Test]
    public async Task MetricsPrintsTheTextAsIs()
    {
        var run = await Ok(new FakeAdminHandler().Respond(AdminSamples.Metrics, mediaType: "text/plain"), "metrics");
        Assert.That(run.Stdout, Is.EqualTo(AdminSamples.Metrics + "\n"));
    }
}
