using System.Net;
using System.Text;
using System.Text.Json;

namespace EndToEnd.Tests;

/// <summary>The usage meter, admin API, virtual clock and lifecycle rules, end to end.</summary>
public sealed class UsageTests
{
    private const long Seg = GatewayInstance.TestSegmentSize;

    private static Task<GatewayInstance> Virtual(Action<Gateway.GatewayOptions>? more = null) => GatewayInstance.StartAsync(o =>
    {
        o.Clock = "virtual";
        o.MinPartSize = 1;
        more?.Invoke(o);
    });

    internal static async Task<JsonElement> Admin(GatewayInstance gw, HttpMethod method, string pathAndQuery, string accessKey = GatewayInstance.AccessKey, string secret = GatewayInstance.SecretKey, HttpStatusCode expect = HttpStatusCode.OK)
    {
        using var http = gw.Http();
        var raw = new RawS3Client(http, accessKey, secret);
        using var response = await raw.SendAsync(method, pathAndQuery);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expect), text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> Usage(GatewayInstance gw, string bucket, string? period = null) =>
        (await Admin(gw, HttpMethod.Get, $"/_gateway/usage?bucket={bucket}" + (period is null ? "" : "&period=" + period))).GetProperty("buckets")[0];

    private static async Task<DateTimeOffset> Advance(GatewayInstance gw, TimeSpan by)
    {
        var r = await Admin(gw, HttpMethod.Post, $"/_gateway/clock/advance?seconds={(long)by.TotalSeconds}");
        return r.GetProperty("now").GetDateTimeOffset();
    }

    private static async Task<DateTimeOffset> Now(GatewayInstance gw) => (await Admin(gw, HttpMethod.Get, "/_gateway/clock")).GetProperty("now").GetDateTimeOffset();

    private static long L(JsonElement e, string group, string name) => e.GetProperty(group).GetProperty(name).GetInt64();

    private static double D(JsonElement e, string group, string name) => e.GetProperty(group).GetProperty(name).GetDouble();

    /// <summary>A figure summed over every month from <paramref name="from"/> to now (an advance may cross a month end).</summary>
    private static async Task<double> SumOverPeriods(GatewayInstance gw, string bucket, DateTimeOffset from, string group, string name)
    {
        var now = await Now(gw);
        double total = 0;
        for (var m = new DateTimeOffset(from.Year, from.Month, 1, 0, 0, 0, TimeSpan.Zero); m <= now; m = m.AddMonths(1))
        {
            var report = await Admin(gw, HttpMethod.Get, $"/_gateway/usage?bucket={bucket}&period={m:yyyy-MM}");
            foreach (var b in report.GetProperty("buckets").EnumerateArray())
            {
                total += D(b, group, name);
            }
        }

        return total;
    }

    [Test]
    public async Task Incomplete_uploads_are_metered_replaced_completed_and_freed()
    {
        await using var gw = await Virtual();
        using var s3 = gw.Client();
        var bucket = Names.Bucket("meter");
        await s3.PutBucketAsync(bucket);
        var create = await s3.InitiateMultipartUploadAsync(bucket, "k");
        var p1 = ObjectTests.RandomBytes((int)Seg * 2 + 10, 60);
        var p2 = ObjectTests.RandomBytes(1000, 61);
        var r1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(p1) });
        var r2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartNumber = 2, InputStream = new MemoryStream(p2) });

        var u = await Usage(gw, bucket);
        Assert.That(u.GetProperty("account").GetString(), Is.EqualTo("test"));
        Assert.That((L(u, "incomplete", "uploads"), L(u, "incomplete", "parts"), L(u, "incomplete", "bytes"), L(u, "incomplete", "segments")),
            Is.EqualTo((1L, 2L, (long)(p1.Length + p2.Length), 4L)), "3 segments for part 1, 1 for part 2");
        Assert.That(L(u, "objects", "count"), Is.EqualTo(0));

        // Re-uploading part 1 with a smaller body replaces its bytes; it does not add them.
        var p1b = ObjectTests.RandomBytes(500, 62);
        r1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(p1b) });
        u = await Usage(gw, bucket);
        Assert.That((L(u, "incomplete", "parts"), L(u, "incomplete", "bytes"), L(u, "incomplete", "segments")), Is.EqualTo((2L, (long)(p1b.Length + p2.Length), 2L)));

        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartETags = [new(1, r1.ETag), new(2, r2.ETag)] });
        u = await Usage(gw, bucket);
        Assert.That((L(u, "incomplete", "uploads"), L(u, "incomplete", "parts"), L(u, "incomplete", "bytes")), Is.EqualTo((0L, 0L, 0L)));
        Assert.That((L(u, "objects", "count"), L(u, "objects", "bytes"), L(u, "objects", "segments")), Is.EqualTo((1L, (long)(p1b.Length + p2.Length), 2L)));

        var second = await s3.InitiateMultipartUploadAsync(bucket, "gone");
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "gone", UploadId = second.UploadId, PartNumber = 1, InputStream = new MemoryStream(p2) });
        Assert.That(L(await Usage(gw, bucket), "incomplete", "bytes"), Is.EqualTo(p2.Length));
        await s3.AbortMultipartUploadAsync(bucket, "gone", second.UploadId);
        u = await Usage(gw, bucket);
        Assert.That((L(u, "incomplete", "uploads"), L(u, "incomplete", "parts"), L(u, "incomplete", "bytes"), L(u, "incomplete", "segments")), Is.EqualTo((0L, 0L, 0L, 0L)));
    }

    [Test]
    public async Task Deleting_a_bucket_whose_only_content_is_incomplete_uploads_aborts_them_and_stops_their_billing()
    {
        await using var gw = await Virtual();
        using var s3 = gw.Client();
        var bucket = Names.Bucket("onlyup");
        await s3.PutBucketAsync(bucket);
        var partBytes = (int)Seg + 10;
        foreach (var key in new[] { "a", "b" })
        {
            var create = await s3.InitiateMultipartUploadAsync(bucket, key);
            await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(ObjectTests.RandomBytes(partBytes, 65)) });
        }

        var segDir = Path.Combine(gw.DataDir, "segments");
        Assert.That(Directory.GetFiles(segDir, "*", SearchOption.AllDirectories), Has.Length.EqualTo(4));
        var start = await Now(gw);
        var before = await SumOverPeriods(gw, bucket, start, "incomplete", "byteHours");
        await Advance(gw, TimeSpan.FromHours(2));

        var delete = await s3.DeleteBucketAsync(bucket);
        Assert.That(delete.HttpStatusCode, Is.EqualTo(HttpStatusCode.NoContent), "S3 deletes a bucket whose only content is incomplete uploads");
        Assert.That(Directory.GetFiles(segDir, "*", SearchOption.AllDirectories), Is.Empty, "the aborted uploads' segments are freed");

        // Billing stopped when the bucket went: later hours add nothing.
        await Advance(gw, TimeSpan.FromHours(3));
        Assert.That(await SumOverPeriods(gw, bucket, start, "incomplete", "byteHours") - before, Is.EqualTo(2 * partBytes * 2.0).Within(1e-6));

        // A new bucket of that name starts empty.
        await s3.PutBucketAsync(bucket);
        var uploads = await s3.ListMultipartUploadsAsync(bucket);
        Assert.That(uploads.MultipartUploads ?? [], Is.Empty);
    }

    [Test]
    public async Task Advancing_the_virtual_clock_grows_byte_hours_by_exactly_bytes_times_hours()
    {
        await using var gw = await Virtual();
        using var s3 = gw.Client();
        var bucket = Names.Bucket("hours");
        await s3.PutBucketAsync(bucket);
        var objectBytes = 300_000;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "o", InputStream = new MemoryStream(ObjectTests.RandomBytes(objectBytes, 63)) });
        var create = await s3.InitiateMultipartUploadAsync(bucket, "u");
        var partBytes = 123_456;
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "u", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(ObjectTests.RandomBytes(partBytes, 64)) });
        var start = await Now(gw);
        var objectsBefore = await SumOverPeriods(gw, bucket, start, "objects", "byteHours");
        var incompleteBefore = await SumOverPeriods(gw, bucket, start, "incomplete", "byteHours");
        var segmentHoursBefore = await SumOverPeriods(gw, bucket, start, "incomplete", "segmentHours");

        await Advance(gw, TimeSpan.FromHours(5));
        Assert.That(await SumOverPeriods(gw, bucket, start, "objects", "byteHours") - objectsBefore, Is.EqualTo(objectBytes * 5.0).Within(1e-6));
        Assert.That(await SumOverPeriods(gw, bucket, start, "incomplete", "byteHours") - incompleteBefore, Is.EqualTo(partBytes * 5.0).Within(1e-6));
        Assert.That(await SumOverPeriods(gw, bucket, start, "incomplete", "segmentHours") - segmentHoursBefore, Is.EqualTo(1 * 5.0).Within(1e-9));

        // The upload's own accrued byte-hours and cost are listed too, and its age is the clock's.
        var uploads = await Admin(gw, HttpMethod.Get, $"/_gateway/uploads?bucket={bucket}");
        var upload = uploads.GetProperty("uploads")[0];
        Assert.That(upload.GetProperty("uploadId").GetString(), Is.EqualTo(create.UploadId));
        Assert.That(upload.GetProperty("byteHours").GetDouble(), Is.EqualTo(partBytes * 5.0).Within(1e-3));
        Assert.That(upload.GetProperty("ageSeconds").GetDouble(), Is.EqualTo(5 * 3600).Within(1));
        Assert.That(upload.GetProperty("estimatedCost").GetDouble(), Is.GreaterThan(0));

        // A restart does not stop time from counting: storage kept existing while the gateway was down.
        await gw.RestartAsync();
        await Advance(gw, TimeSpan.FromHours(2));
        Assert.That(await SumOverPeriods(gw, bucket, start, "objects", "byteHours") - objectsBefore, Is.EqualTo(objectBytes * 7.0).Within(1e-6));
    }

    [Test]
    public async Task A_lifecycle_rule_aborts_an_old_upload_once_the_clock_passes_its_days_and_the_bill_stops_growing()
    {
        await using var gw = await Virtual();
        using var s3 = gw.Client();
        var bucket = Names.Bucket("life");
        await s3.PutBucketAsync(bucket);
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new LifecycleConfiguration
            {
                Rules =
                [
                    new LifecycleRule
                    {
                        Id = "abort-7d", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "tmp/" } },
                        AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 7 },
                    },
                ],
            },
        });
        var config = await s3.GetLifecycleConfigurationAsync(bucket);
        Assert.That(config.Configuration.Rules.Single().AbortIncompleteMultipartUpload.DaysAfterInitiation, Is.EqualTo(7));

        var doomed = await s3.InitiateMultipartUploadAsync(bucket, "tmp/big");
        Assert.That(doomed.AbortRuleId, Is.EqualTo("abort-7d"));
        Assert.That(doomed.AbortDate, Is.Not.Null);
        var kept = await s3.InitiateMultipartUploadAsync(bucket, "keep/big");
        Assert.That(kept.AbortRuleId, Is.Null, "the rule's prefix does not cover this key");
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "tmp/big", UploadId = doomed.UploadId, PartNumber = 1, InputStream = new MemoryStream(ObjectTests.RandomBytes(50_000, 65)) });
        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "tmp/big", UploadId = doomed.UploadId });
        Assert.That(parts.AbortRuleId, Is.EqualTo("abort-7d"));

        var afterSix = await Admin(gw, HttpMethod.Post, "/_gateway/clock/advance?seconds=" + 6 * 86400);
        Assert.That(afterSix.GetProperty("lifecycle").GetProperty("abortedUploads").GetInt32(), Is.EqualTo(0));
        Assert.That(L(await Usage(gw, bucket), "incomplete", "uploads"), Is.EqualTo(2));

        var afterNine = await Admin(gw, HttpMethod.Post, "/_gateway/clock/advance?seconds=" + 3 * 86400);
        Assert.That(afterNine.GetProperty("lifecycle").GetProperty("abortedUploads").GetInt32(), Is.EqualTo(1));
        var ex = Assert.CatchAsync<AmazonS3Exception>(() => s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "tmp/big", UploadId = doomed.UploadId }));
        Assert.That(ex!.ErrorCode, Is.EqualTo("NoSuchUpload"));
        var u = await Usage(gw, bucket);
        Assert.That((L(u, "incomplete", "uploads"), L(u, "incomplete", "bytes")), Is.EqualTo((1L, 0L)), "only the upload outside the rule remains, holding no parts");

        // The bill for incomplete uploads stops growing: nothing is held any more.
        var start = await Now(gw);
        var before = await SumOverPeriods(gw, bucket, start, "incomplete", "byteHours");
        await Advance(gw, TimeSpan.FromDays(1));
        Assert.That(await SumOverPeriods(gw, bucket, start, "incomplete", "byteHours"), Is.EqualTo(before).Within(1e-9));
        Assert.That(Directory.GetFiles(Path.Combine(gw.DataDir, "segments"), "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task An_expiration_rule_deletes_objects_after_their_days()
    {
        await using var gw = await Virtual();
        using var s3 = gw.Client();
        var bucket = Names.Bucket("exp");
        await s3.PutBucketAsync(bucket);
        using var http = gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        var xml = Encoding.UTF8.GetBytes("<LifecycleConfiguration><Rule><ID>logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule></LifecycleConfiguration>");
        using (var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", xml, tamper: t => t.ContentMd5Override = RawS3Client.ContentMd5(xml)))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        }

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "logs/a", ContentBody = "old log" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "data/b", ContentBody = "kept" });
        await Advance(gw, TimeSpan.FromDays(4));
        var keys = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Select(o => o.Key);
        Assert.That(keys, Is.EqualTo(new[] { "data/b" }));

        await s3.DeleteLifecycleConfigurationAsync(bucket);
        // The SDK turns this error into an empty configuration, so it is checked on the wire.
        using var none = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?lifecycle");
        Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await S3Error.ReadAsync(none)).Code, Is.EqualTo("NoSuchLifecycleConfiguration"));
    }

    [TestCase("<LifecycleConfiguration><Rule><ID>x</ID><Status>Enabled</Status><Filter><Prefix/></Filter><Transition><Days>1</Days><StorageClass>GLACIER</StorageClass></Transition></Rule></LifecycleConfiguration>", "NotImplemented")]
    [TestCase("<LifecycleConfiguration><Rule><ID>x</ID><Status>On</Status><Filter/><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>", "MalformedXML")]
    [TestCase("<LifecycleConfiguration><Rule><ID>x</ID><Status>Enabled</Status><Filter/><Expiration><Days>0</Days></Expiration></Rule></LifecycleConfiguration>", "InvalidArgument")]
    [TestCase("<LifecycleConfiguration><Rule><ID>x</ID><Status>Enabled</Status><Filter/></Rule></LifecycleConfiguration>", "InvalidRequest")]
    [TestCase("<LifecycleConfiguration/>", "MalformedXML")]
    public async Task Bad_lifecycle_configurations_are_refused(string xml, string code)
    {
        using var s3 = SharedGateway.Instance.Client();
        var bucket = Names.Bucket("lc");
        await s3.PutBucketAsync(bucket);
        using var http = SharedGateway.Instance.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        var body = Encoding.UTF8.GetBytes(xml);
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", body, tamper: t => t.ContentMd5Override = RawS3Client.ContentMd5(body));
        Assert.That((await S3Error.ReadAsync(put)).Code, Is.EqualTo(code));
    }

    [Test]
    public async Task An_account_sees_only_its_own_usage_and_only_admins_move_the_clock()
    {
        await using var gw = await Virtual();
        using var mine = gw.Client();
        using var theirs = gw.Client(GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        var a = Names.Bucket("mine");
        var b = Names.Bucket("theirs");
        await mine.PutBucketAsync(a);
        await theirs.PutBucketAsync(b);
        await theirs.PutObjectAsync(new PutObjectRequest { BucketName = b, Key = "x", ContentBody = "secret size" });

        var asOther = await Admin(gw, HttpMethod.Get, "/_gateway/usage", GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        Assert.That(asOther.GetProperty("buckets").EnumerateArray().Select(x => x.GetProperty("bucket").GetString()), Is.EqualTo(new[] { b }));
        await Admin(gw, HttpMethod.Get, "/_gateway/usage?account=test", GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey, HttpStatusCode.Forbidden);
        await Admin(gw, HttpMethod.Post, "/_gateway/clock/advance?seconds=60", GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey, HttpStatusCode.Forbidden);
        foreach (var bad in new[] { "seconds=0", "seconds=0.0001", "seconds=1e15", "seconds=-5", "seconds=abc", "" })
        {
            await Admin(gw, HttpMethod.Post, "/_gateway/clock/advance?" + bad, expect: HttpStatusCode.BadRequest);
        }

        await Admin(gw, HttpMethod.Get, "/_gateway/metrics", GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey, HttpStatusCode.Forbidden);
        await Admin(gw, HttpMethod.Get, "/_gateway/uploads?olderThanSeconds=1e300", expect: HttpStatusCode.BadRequest);
        await Admin(gw, HttpMethod.Post, "/_gateway/uploads/abort?olderThanSeconds=-1", expect: HttpStatusCode.BadRequest);
        foreach (var bad in new[] { "period=9999-12", "period=2026-13", "period=nov" })
        {
            await Admin(gw, HttpMethod.Get, "/_gateway/usage?" + bad, expect: HttpStatusCode.BadRequest);
        }

        // The default credential is the admin and sees both accounts.
        var asAdmin = await Admin(gw, HttpMethod.Get, "/_gateway/usage");
        Assert.That(asAdmin.GetProperty("buckets").EnumerateArray().Select(x => x.GetProperty("account").GetString()), Is.EquivalentTo(new[] { "test", "other" }));
        Assert.That(L(asAdmin.GetProperty("totals"), "objects", "bytes"), Is.EqualTo("secret size".Length));

        // Unsigned and badly signed admin requests are refused.
        using var http = gw.Http();
        using var anonymous = await http.GetAsync("/_gateway/usage");
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        await Admin(gw, HttpMethod.Get, "/_gateway/usage", GatewayInstance.AccessKey, "wrong", HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Traffic_is_metered_per_bucket_by_request_class()
    {
        await using var gw = await Virtual();
        using var s3 = gw.Client();
        var bucket = Names.Bucket("traffic");
        await s3.PutBucketAsync(bucket);
        var body = ObjectTests.RandomBytes(10_000, 66);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "t", InputStream = new MemoryStream(body), UseChunkEncoding = false });
        using (var get = await s3.GetObjectAsync(bucket, "t"))
        {
            await ObjectTests.ReadAll(get);
        }

        await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        await s3.DeleteObjectAsync(bucket, "t");
        var u = await Usage(gw, bucket);
        Assert.That(L(u, "traffic", "bytesIn"), Is.EqualTo(body.Length), "the PutObject body (not chunk-encoded here)");
        Assert.That(L(u, "traffic", "bytesOut"), Is.GreaterThanOrEqualTo(body.Length), "the GetObject body plus the list document");
        // CreateBucket, PutObject and ListObjectsV2 are writes/lists; GetObject a read; DeleteObject free.
        Assert.That((L(u, "traffic", "writeRequests"), L(u, "traffic", "readRequests"), L(u, "traffic", "otherRequests")), Is.EqualTo((3L, 1L, 1L)));
        Assert.That(u.GetProperty("estimatedCost").GetDouble(), Is.GreaterThan(0));
    }

    [Test]
    public async Task Bulk_abort_of_stale_uploads_reports_what_was_freed()
    {
        await using var gw = await Virtual();
        using var s3 = gw.Client();
        var bucket = Names.Bucket("stale");
        await s3.PutBucketAsync(bucket);
        var old = await s3.InitiateMultipartUploadAsync(bucket, "old");
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "old", UploadId = old.UploadId, PartNumber = 1, InputStream = new MemoryStream(ObjectTests.RandomBytes(7000, 67)) });
        await Advance(gw, TimeSpan.FromDays(3));
        var fresh = await s3.InitiateMultipartUploadAsync(bucket, "fresh");

        var dry = await Admin(gw, HttpMethod.Post, "/_gateway/uploads/abort?olderThanSeconds=86400&dryRun=true");
        Assert.That((dry.GetProperty("count").GetInt32(), dry.GetProperty("freedBytes").GetInt64()), Is.EqualTo((1, 7000L)));
        Assert.That((await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket })).MultipartUploads, Has.Count.EqualTo(2), "a dry run aborts nothing");
        await Admin(gw, HttpMethod.Post, "/_gateway/uploads/abort?olderThanSeconds=86400&dryRun=maybe", expect: HttpStatusCode.BadRequest);
        Assert.That((await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket })).MultipartUploads, Has.Count.EqualTo(2), "dryRun=maybe is refused, never a real abort");

        var done = await Admin(gw, HttpMethod.Post, "/_gateway/uploads/abort?olderThanSeconds=86400");
        Assert.That((done.GetProperty("count").GetInt32(), done.GetProperty("freedBytes").GetInt64(), done.GetProperty("freedParts").GetInt64()), Is.EqualTo((1, 7000L, 1L)));
        Assert.That(done.GetProperty("aborted")[0].GetProperty("uploadId").GetString(), Is.EqualTo(old.UploadId));
        var left = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.That(left.MultipartUploads.Single().UploadId, Is.EqualTo(fresh.UploadId));
    }

    [Test]
    public async Task The_system_clock_cannot_be_advanced_and_metrics_are_prometheus_text()
    {
        var gw = SharedGateway.Instance;
        await Admin(gw, HttpMethod.Post, "/_gateway/clock/advance?seconds=60", expect: HttpStatusCode.Conflict);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("metrics");
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "m", ContentBody = "metric" });
        using var http = gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        using var response = await raw.SendAsync(HttpMethod.Get, "/_gateway/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/plain"));
        Assert.That(text, Does.Contain("# TYPE s3gw_requests_total counter").And.Contain("s3gw_requests_total{operation=\"PutObject\",status=\"200\"}")
            .And.Contain("# TYPE s3gw_stored_bytes gauge").And.Contain("s3gw_open_uploads ").And.Contain("s3gw_incomplete_bytes ").And.Contain("s3gw_bytes_in_total "));
    }

    [Test]
    public async Task Gatewayctl_shows_cost_grow_and_aborts_stale_uploads_against_the_real_gateway()
    {
        await using var gw = await Virtual();
        using var s3 = gw.Client();
        var bucket = Names.Bucket("ctl");
        await s3.PutBucketAsync(bucket);
        var create = await s3.InitiateMultipartUploadAsync(bucket, "big");
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "big", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(ObjectTests.RandomBytes(100_000, 68)) });
        var common = new[] { "--endpoint", gw.Endpoint, "--access-key", GatewayInstance.AccessKey, "--secret-key", GatewayInstance.SecretKey };

        async Task<(int Code, string Out, string Err)> Ctl(params string[] args)
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var code = await GatewayCtl.Cli.RunAsync([.. common, .. args], stdout, stderr);
            return (code, stdout.ToString(), stderr.ToString());
        }

        var usage = await Ctl("usage", "--bucket", bucket);
        Assert.That(usage.Code, Is.EqualTo(0), usage.Err);
        Assert.That(usage.Out, Does.Contain(bucket));
        var json1 = await Ctl("--json", "uploads", "--bucket", bucket);
        var cost1 = JsonDocument.Parse(json1.Out).RootElement.GetProperty("uploads")[0].GetProperty("estimatedCost").GetDouble();
        var advance = await Ctl("clock", "advance", "--days", "8");
        Assert.That(advance.Code, Is.EqualTo(0), advance.Err);
        var json2 = await Ctl("--json", "uploads", "--bucket", bucket);
        var upload = JsonDocument.Parse(json2.Out).RootElement.GetProperty("uploads")[0];
        Assert.That(upload.GetProperty("estimatedCost").GetDouble(), Is.GreaterThan(cost1), "the incomplete upload's cost grows with time");
        Assert.That(upload.GetProperty("byteHours").GetDouble(), Is.EqualTo(100_000 * 8 * 24.0).Within(1e-3));
        var table = await Ctl("uploads", "--bucket", bucket);
        Assert.That(table.Out, Does.Contain(create.UploadId));

        var abort = await Ctl("abort-stale", "--older-than", "7d");
        Assert.That(abort.Code, Is.EqualTo(0), abort.Err);
        Assert.That(abort.Out, Does.Contain("big"));
        var after = await Ctl("--json", "usage", "--bucket", bucket);
        var bucketUsage = JsonDocument.Parse(after.Out).RootElement.GetProperty("buckets")[0];
        Assert.That((L(bucketUsage, "incomplete", "uploads"), L(bucketUsage, "incomplete", "bytes")), Is.EqualTo((0L, 0L)));
        var stderr = new StringWriter();
        var deniedCode = await GatewayCtl.Cli.RunAsync(["--endpoint", gw.Endpoint, "--access-key", GatewayInstance.AccessKey, "--secret-key", "wrong", "usage"], new StringWriter(), stderr);
        var denied = (Code: deniedCode, Err: stderr.ToString());
        Assert.That(denied.Code, Is.EqualTo(1));
        Assert.That(denied.Err, Does.Contain("SignatureDoesNotMatch"));
    }
}
