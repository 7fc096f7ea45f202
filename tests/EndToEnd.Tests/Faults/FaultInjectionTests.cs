using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3.Transfer;
using Gateway.Contract;

namespace EndToEnd.Tests.Faults;

/// <summary>
/// Fault rules driven through the admin API and gatewayctl, against real clients with their default retry
/// behaviour: what each SDK retries, what it raises, and that a faulted request never leaves half a write.
/// </summary>
public sealed class FaultInjectionTests
{
    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("faults-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    /// <summary>Adds rules through the admin API (signed JSON), as any client would.</summary>
    private static async Task<FaultRules> AddRules(GatewayInstance gw, string json)
    {
        using var http = gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        var r = await raw.SendAsync(HttpMethod.Post, "/_gateway/faults", Encoding.UTF8.GetBytes(json));
        var body = await r.Content.ReadAsStringAsync();
        Assert.That((int)r.StatusCode, Is.EqualTo(200), body);
        return JsonSerializer.Deserialize(body, AdminJson.Default.FaultRules)!;
    }

    private static async Task<FaultState> State(GatewayInstance gw)
    {
        using var http = gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        var r = await raw.SendAsync(HttpMethod.Get, "/_gateway/faults");
        return JsonSerializer.Deserialize(await r.Content.ReadAsStringAsync(), AdminJson.Default.FaultState)!;
    }

    [Test]
    public async Task Boto3s_transfer_manager_retries_a_SlowDown_on_the_second_part_and_completes()
    {
        await using var gw = await GatewayInstance.StartAsync();
        var added = await gw.CtlAsync("faults", "add", "--operation", "UploadPart", "--part-number", "2", "--times", "1",
            "--type", "error", "--status", "503", "--code", "SlowDown", "--message", "Please reduce your request rate.");
        Assert.That(added.Code, Is.EqualTo(0), added.Stderr);
        Assert.That(added.Stdout, Does.StartWith("added f1: s3 UploadPart part=2 times=1 -> error 503 SlowDown"));
        await Boto3.AssertPassesAsync("""
            import hashlib, os, sys, boto3
            s3 = boto3.client("s3")
            s3.create_bucket(Bucket="tm-bucket")
            data = os.urandom(20 * 1024 * 1024)
            path = os.path.join(sys.argv[1], "up.bin")
            open(path, "wb").write(data)
            s3.upload_file(path, "tm-bucket", "big.bin")   # 8 MiB parts: three of them
            got = s3.get_object(Bucket="tm-bucket", Key="big.bin")["Body"].read()
            assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
            assert s3.list_multipart_uploads(Bucket="tm-bucket").get("Uploads", []) == []
            print("tm-ok")
            """, "tm-ok", gw, _home, _home);
        var state = await State(gw);
        Assert.That((state.Rules.Single().Matched, state.Rules.Single().Fired), Is.EqualTo((2L, 1L)), "the first try of part 2 and its retry matched; one fired");
        var e = state.History.Single();
        Assert.That((e.RuleId, e.FrontEnd, e.Operation, e.Bucket, e.Key, e.PartNumber, e.Fault), Is.EqualTo(("f1", "s3", "UploadPart", "tm-bucket", "big.bin", (int?)2, "error")));
        var listed = await gw.CtlAsync("faults", "list");
        Assert.That(listed.Stdout, Does.Contain("f1").And.Contain("s3 UploadPart part=2 times=1").And.Contain("error 503 SlowDown"));
        var history = await gw.CtlAsync("faults", "history");
        Assert.That(history.Stdout, Does.Contain("UploadPart").And.Contain("big.bin"));
        await gw.StopAsync();
        Assert.That(Storage.StorageEngine.CheckFolder(gw.DataDir).IsConsistent, Is.True);
    }

    [Test]
    public async Task AWSSDKs_TransferUtility_retries_a_SlowDown_on_the_second_part_and_completes()
    {
        await using var gw = await GatewayInstance.StartAsync();
        await AddRules(gw, """{"rules":[{"operation":"UploadPart","partNumber":2,"times":1,"fault":{"type":"error","status":503,"code":"SlowDown","retryAfterSeconds":0}}]}""");
        // The SDK's own retry count, not the tests' usual 0.
        using var s3 = gw.Client(configure: c => c.MaxErrorRetry = new AmazonS3Config().MaxErrorRetry);
        await s3.PutBucketAsync("tu-bucket");
        var data = ObjectTests.RandomBytes(20 * 1024 * 1024, 21);
        using var transfer = new TransferUtility(s3);
        await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = "tu-bucket", Key = "big.bin", InputStream = new MemoryStream(data), PartSize = 5 * 1024 * 1024 });
        using (var get = await s3.GetObjectAsync("tu-bucket", "big.bin"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(data));
        }

        var state = await State(gw);
        Assert.That(state.Rules.Single().Fired, Is.EqualTo(1));
        Assert.That(state.History.Single().PartNumber, Is.EqualTo(2));
    }

    [Test]
    public async Task A_Complete_answered_200_with_an_error_is_raised_by_boto3_and_AWSSDK_and_completes_nothing()
    {
        await using var gw = await GatewayInstance.StartAsync();
        await AddRules(gw, """{"rules":[{"operation":"CompleteMultipartUpload","fault":{"type":"error-after-200","code":"InternalError","message":"We encountered an internal error. Please try again."}}]}""");
        await Boto3.AssertPassesAsync("""
            import boto3, botocore
            s3 = boto3.client("s3")
            s3.create_bucket(Bucket="late-bucket")
            u = s3.create_multipart_upload(Bucket="late-bucket", Key="k")["UploadId"]
            etag = s3.upload_part(Bucket="late-bucket", Key="k", UploadId=u, PartNumber=1, Body=b"x" * 100)["ETag"]
            try:
                s3.complete_multipart_upload(Bucket="late-bucket", Key="k", UploadId=u, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
                raise SystemExit("the 200-with-error was taken for a success")
            except botocore.exceptions.ClientError as e:
                assert e.response["Error"]["Code"] == "InternalError", e.response
                print("attempts", e.response["ResponseMetadata"].get("RetryAttempts"))
            assert [x["UploadId"] for x in s3.list_multipart_uploads(Bucket="late-bucket")["Uploads"]] == [u]
            print("late-ok")
            """, "late-ok", gw, _home);
        var boto3Fired = (await State(gw)).Rules.Single().Fired;
        Assert.That(boto3Fired, Is.GreaterThan(1), "botocore takes a 200-with-error for a 500 and retries it");

        using var s3 = gw.Client(configure: c => c.MaxErrorRetry = new AmazonS3Config().MaxErrorRetry);
        var upload = await s3.InitiateMultipartUploadAsync("late-bucket", "k2");
        var part = await s3.UploadPartAsync(new UploadPartRequest { BucketName = "late-bucket", Key = "k2", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[100]) });
        var e = Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = "late-bucket",
            Key = "k2",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, part.ETag)],
        }))!;
        Assert.That(e.ErrorCode, Is.EqualTo("InternalError"));
        var uploads = await s3.ListMultipartUploadsAsync("late-bucket");
        Assert.That(uploads.MultipartUploads.Select(u => u.Key), Is.EquivalentTo(new[] { "k", "k2" }), "neither upload was completed");
        Assert.That(Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync("late-bucket", "k2"))!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.NotFound));
        TestContext.Out.WriteLine($"boto3 attempts {boto3Fired}, AWSSDK.S3 attempts {(await State(gw)).Rules.Single().Fired - boto3Fired}");
    }

    [Test]
    public async Task Boto3s_download_file_retries_a_connection_cut_after_1_MiB_to_a_byte_exact_file()
    {
        await using var gw = await GatewayInstance.StartAsync();
        await Boto3.AssertPassesAsync("""
            import os, sys, boto3
            s3 = boto3.client("s3")
            s3.create_bucket(Bucket="dl-bucket")
            data = os.urandom(5 * 1024 * 1024)
            open(os.path.join(sys.argv[1], "src.bin"), "wb").write(data)
            s3.put_object(Bucket="dl-bucket", Key="five.bin", Body=data)
            print("put-ok")
            """, "put-ok", gw, _home, _home);
        await AddRules(gw, """{"rules":[{"operation":"GetObject","key":"five.bin","times":1,"fault":{"type":"reset","afterBytes":1048576}}]}""");
        await Boto3.AssertPassesAsync("""
            import os, sys, boto3
            s3 = boto3.client("s3")
            path = os.path.join(sys.argv[1], "dst.bin")
            s3.download_file("dl-bucket", "five.bin", path)
            assert open(path, "rb").read() == open(os.path.join(sys.argv[1], "src.bin"), "rb").read()
            print("dl-ok")
            """, "dl-ok", gw, _home, _home);
        var state = await State(gw);
        Assert.That(state.Rules.Single().Fired, Is.EqualTo(1));
        Assert.That(state.History.Single().Fault, Is.EqualTo("reset"));
    }

    [Test]
    public async Task An_upload_cut_after_some_of_its_body_leaves_nothing_and_AWSSDK_retries_it()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        await s3.PutBucketAsync("cut-bucket");
        var data = ObjectTests.RandomBytes(2_000_000, 4);
        // Every attempt is cut: whatever the client retries, nothing may be stored.
        await AddRules(gw, """{"rules":[{"operation":"PutObject","fault":{"type":"reset","afterBytes":300000}}]}""");
        Assert.That(async () => await s3.PutObjectAsync(new PutObjectRequest { BucketName = "cut-bucket", Key = "k", InputStream = new MemoryStream(data) }),
            Throws.Exception);
        var attempts = (await State(gw)).Rules.Single().Fired;
        TestContext.Out.WriteLine($"AWSSDK.S3 (MaxErrorRetry 0) sent the cut PutObject {attempts} times");
        Assert.That((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "cut-bucket" })).S3Objects ?? [], Is.Empty);

        // Cut once: the SDK's own retry of a reset connection stores the object whole.
        Assert.That((await gw.CtlAsync("faults", "clear")).Code, Is.EqualTo(0));
        await AddRules(gw, """{"rules":[{"operation":"PutObject","times":1,"fault":{"type":"reset","afterBytes":300000}}]}""");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "cut-bucket", Key = "k", InputStream = new MemoryStream(data) });
        var state = await State(gw);
        Assert.That((state.Rules.Single().Matched, state.Rules.Single().Fired), Is.EqualTo((2L, 1L)), "one cut attempt, one retry");
        using (var get = await s3.GetObjectAsync("cut-bucket", "k"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(data));
        }

        await gw.StopAsync();
        Assert.That(Storage.StorageEngine.CheckFolder(gw.DataDir).IsConsistent, Is.True);
        Assert.That(Directory.GetFiles(Path.Combine(gw.DataDir, "tmp")), Is.Empty, "the cut bodies' staged files were removed");
    }

    [Test]
    public async Task A_seeded_probability_fires_the_same_requests_every_run()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        await s3.PutBucketAsync("chance");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "chance", Key = "k", ContentBody = "x" });
        async Task<string> Run()
        {
            await AddRules(gw, """{"rules":[{"operation":"GetObject","probability":0.5,"seed":42,"fault":{"type":"error","status":503,"code":"SlowDown"}}]}""");
            var outcome = new StringBuilder();
            for (var i = 0; i < 24; i++)
            {
                try
                {
                    using var get = await s3.GetObjectAsync("chance", "k");
                    outcome.Append('.');
                }
                catch (AmazonS3Exception e) when (e.ErrorCode == "SlowDown")
                {
                    outcome.Append('x');
                }
            }

            Assert.That((await gw.CtlAsync("faults", "clear")).Stdout, Does.Contain("removed 1 rule"));
            return outcome.ToString();
        }

        var first = await Run();
        var second = await Run();
        Assert.That(second, Is.EqualTo(first));
        Assert.That(first, Does.Contain("x").And.Contain("."), "about half fired: " + first);
    }

    [Test]
    public async Task A_Box_part_answered_503_gets_Boxs_own_error_body()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Adapters.Box.Url = "http://127.0.0.1:0");
        await AddRules(gw, """{"rules":[{"frontEnd":"box","operation":"UploadPart","times":1,"fault":{"type":"error","status":503,"code":"unavailable","message":"Box is busy.","retryAfterSeconds":2}}]}""");
        using var http = new HttpClient { BaseAddress = gw.Adapter("Box") };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer test");
        var data = ObjectTests.RandomBytes(20_000_000, 5);
        var created = await http.PostAsJsonAsync("/api/2.0/files/upload_sessions", new { folder_id = "0", file_size = data.Length, file_name = "f.bin" });
        var session = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var part = data[..(int)session.GetProperty("part_size").GetInt64()];
        HttpRequestMessage Put()
        {
            var put = new HttpRequestMessage(HttpMethod.Put, $"/api/2.0/files/upload_sessions/{session.GetProperty("id").GetString()}") { Content = new ByteArrayContent(part) };
            put.Headers.TryAddWithoutValidation("Digest", "sha=" + Convert.ToBase64String(SHA1.HashData(part)));
            put.Content.Headers.TryAddWithoutValidation("Content-Range", $"bytes 0-{part.Length - 1}/{data.Length}");
            return put;
        }

        using var first = await http.SendAsync(Put());
        var error = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.That(((int)first.StatusCode, error.GetProperty("type").GetString(), error.GetProperty("code").GetString(), error.GetProperty("message").GetString()),
            Is.EqualTo((503, "error", "unavailable", "Box is busy.")));
        Assert.That(first.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(2)));
        using var again = await http.SendAsync(Put());
        Assert.That((int)again.StatusCode, Is.EqualTo(200), "the rule fired once");
        var e = (await State(gw)).History.Single();
        Assert.That((e.FrontEnd, e.Operation, e.PartNumber), Is.EqualTo(("box", "UploadPart", (int?)1)));
    }

    [Test]
    public async Task Bad_rules_are_refused_whole_and_only_admins_may_add_them()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var http = gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        foreach (var bad in new[]
        {
            """{"rules":[{"operation":"UploadPart","fault":{"type":"error","status":503,"code":"SlowDown"}},{"operation":"Fly","fault":{"type":"latency","ms":5}}]}""",
            """{"rules":[{"operation":"GetObject","fault":{"type":"error-after-200"}}]}""",
            """{"rules":[{"fault":{"type":"error","status":200,"code":"X"}}]}""",
            """{"rules":[{"probability":1.5,"fault":{"type":"timeout"}}]}""",
            """{"rules":[{"frontEnd":"ftp","fault":{"type":"timeout"}}]}""",
            """not json""",
        })
        {
            var r = await raw.SendAsync(HttpMethod.Post, "/_gateway/faults", Encoding.UTF8.GetBytes(bad));
            var body = await r.Content.ReadAsStringAsync();
            Assert.That((int)r.StatusCode, Is.EqualTo(400), bad + " -> " + body);
            Assert.That(body, Does.Contain("\"error\":\"InvalidArgument\""), bad);
        }

        Assert.That((await State(gw)).Rules, Is.Empty, "a set with one bad rule adds none");
        var other = new RawS3Client(http, GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        var denied = await other.SendAsync(HttpMethod.Post, "/_gateway/faults", Encoding.UTF8.GetBytes("""{"rules":[{"fault":{"type":"timeout"}}]}"""));
        Assert.That((int)denied.StatusCode, Is.EqualTo(403));
        var added = await AddRules(gw, """{"rules":[{"operation":"GetObject","fault":{"type":"latency","ms":1}},{"operation":"HeadObject","fault":{"type":"latency","ms":1}}]}""");
        Assert.That(added.Rules.Select(r => r.Id), Is.EqualTo(new[] { "f1", "f2" }));
        var removed = await raw.SendAsync(HttpMethod.Delete, "/_gateway/faults/f1");
        Assert.That((int)removed.StatusCode, Is.EqualTo(200));
        Assert.That((int)(await raw.SendAsync(HttpMethod.Delete, "/_gateway/faults/f1")).StatusCode, Is.EqualTo(404));
        Assert.That((await State(gw)).Rules.Select(r => r.Id), Is.EqualTo(new[] { "f2" }));
    }

    [Test]
    public async Task Latency_a_slow_body_and_a_timeout_act_on_the_transport_only()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        await s3.PutBucketAsync("slow-bucket");
        var data = ObjectTests.RandomBytes(96 * 1024, 6);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "slow-bucket", Key = "k", InputStream = new MemoryStream(data) });
        await AddRules(gw, """
            {"rules":[
              {"operation":"HeadObject","times":1,"fault":{"type":"latency","ms":400}},
              {"operation":"GetObject","key":"k","times":1,"fault":{"type":"slow-body","bytesPerSecond":65536}},
              {"operation":"ListObjectsV2","times":1,"fault":{"type":"timeout"}}]}
            """);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await s3.GetObjectMetadataAsync("slow-bucket", "k");
        // Task.Delay rounds to the system timer's tick: a few ms short of 400 on a stopwatch still is the fault.
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(385)), "latency before the handler");

        clock.Restart();
        using (var get = await s3.GetObjectAsync("slow-bucket", "k"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(data), "a slow body is still the whole body");
        }

        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.3)), "96 KiB at 64 KiB/s takes about 1.5 s");

        // No answer at all: the client gives up on its own timeout; the gateway then lets the request go.
        using var impatient = gw.Client(configure: c => c.Timeout = TimeSpan.FromSeconds(1));
        clock.Restart();
        Assert.That(async () => await impatient.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "slow-bucket" }), Throws.Exception);
        // The client's timer, like Task.Delay, fires on the system timer's tick: a few ms short of 1 s on a stopwatch is
        // still its timeout (0.998 s was seen), and the gateway never answered.
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)).And.LessThan(TimeSpan.FromSeconds(30)));
        Assert.That((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "slow-bucket" })).S3Objects.Select(o => o.Key), Is.EqualTo(new[] { "k" }));
        var state = await State(gw);
        Assert.That(state.History.Select(e => e.Fault), Is.EqualTo(new[] { "latency", "slow-body", "timeout" }));
    }

    [Test]
    public async Task Rules_in_settings_apply_from_the_first_request()
    {
        await using var gw = await GatewayInstance.StartAsync(args:
        [
            "--Gateway:Faults:0:Operation=ListBuckets", "--Gateway:Faults:0:Times=1",
            "--Gateway:Faults:0:Fault:Type=error", "--Gateway:Faults:0:Fault:Status=500", "--Gateway:Faults:0:Fault:Code=InternalError",
        ]);
        using var s3 = gw.Client();
        Assert.That(Assert.ThrowsAsync<AmazonS3Exception>(() => s3.ListBucketsAsync())!.ErrorCode, Is.EqualTo("InternalError"));
        Assert.That((await s3.ListBucketsAsync()).Buckets ?? [], Is.Empty, "the rule fired once");
    }
}
