using System.Net;
using Amazon.Runtime;
using Gateway;

namespace EndToEnd.Tests;

/// <summary>
/// GatewayServer, the one entry point every gateway starts through: port 0 resolved and reported, two gateways in
/// one process that share nothing, and the program's first output line naming its address.
/// </summary>
public sealed class GatewayServerTests
{
    private static AmazonS3Client Client(GatewayServer server) => new(new BasicAWSCredentials(server.AccessKey, server.SecretKey),
        new AmazonS3Config { ServiceURL = server.S3Url.ToString(), ForcePathStyle = true, AuthenticationRegion = server.Region, MaxErrorRetry = 0 });

    private static Task<GatewayServer> Start(string dir, params string[] settings) => GatewayServer.StartAsync(new GatewayServerOptions
    {
        Args = ["--Logging:LogLevel:Default=Warning", .. settings],
        Urls = "http://127.0.0.1:0",
        DataDirectory = dir,
        ReadEnvironment = false,
    });

    [Test]
    public async Task Two_gateways_in_one_process_share_nothing()
    {
        var dirA = TempDir.Create("two-a");
        var dirB = TempDir.Create("two-b");
        try
        {
            GatewayServer b;
            await using (var a = await Start(dirA, "--Gateway:Clock=virtual"))
            {
                b = await Start(dirB, "--Gateway:AccessKey=bee", "--Gateway:SecretKey=bee-secret");
                Assert.That(a.S3Url.Port, Is.Not.EqualTo(b.S3Url.Port).And.Not.Zero, "each bound a port of its own");
                Assert.That((a.DataDirectory, b.DataDirectory), Is.EqualTo((Path.GetFullPath(dirA), Path.GetFullPath(dirB))));
                Assert.That((a.AccessKey, b.AccessKey), Is.EqualTo(("test", "bee")), "each has its own settings");
                Assert.That(a.Services.Storage, Is.Not.SameAs(b.Services.Storage));
                Assert.That(a.Services.Hooks, Is.Not.SameAs(b.Services.Hooks));

                using var s3a = Client(a);
                using var s3b = Client(b);
                // The same bucket name in both: each gateway has its own namespace, rows and files.
                await s3a.PutBucketAsync("same-name");
                await s3b.PutBucketAsync("same-name");
                await s3a.PutObjectAsync(new PutObjectRequest { BucketName = "same-name", Key = "only-in-a", ContentBody = "a" });
                await s3b.PutObjectAsync(new PutObjectRequest { BucketName = "same-name", Key = "only-in-b", InputStream = new MemoryStream(ObjectTests.RandomBytes(300_000, 3)) });
                Assert.That((await s3a.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "same-name" })).S3Objects.Select(o => o.Key), Is.EqualTo(new[] { "only-in-a" }));
                Assert.That((await s3b.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "same-name" })).S3Objects.Select(o => o.Key), Is.EqualTo(new[] { "only-in-b" }));

                // Accounts are per gateway: b's key means nothing to a.
                using var wrong = new AmazonS3Client(new BasicAWSCredentials("bee", "bee-secret"),
                    new AmazonS3Config { ServiceURL = a.S3Url.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
                Assert.That(Assert.ThrowsAsync<AmazonS3Exception>(() => wrong.ListBucketsAsync())!.ErrorCode, Is.EqualTo("InvalidAccessKeyId"));

                // Moving a's virtual clock moves nothing in b (b runs on the system clock).
                a.Services.Storage.VirtualClock!.Advance(TimeSpan.FromDays(3));
                Assert.That(b.Services.Storage.VirtualClock, Is.Null);
                Assert.That(Math.Abs((b.Services.Clock.UtcNow - DateTimeOffset.UtcNow).TotalMinutes), Is.LessThan(1));
            }

            // a stopped cleanly; b still serves, and its data folder never saw a's files.
            using (var s3b = Client(b))
            {
                Assert.That((await s3b.ListBucketsAsync()).Buckets.Select(x => x.BucketName), Is.EqualTo(new[] { "same-name" }));
            }

            await b.DisposeAsync();
            var checkA = Storage.StorageEngine.CheckFolder(dirA);
            var checkB = Storage.StorageEngine.CheckFolder(dirB);
            Assert.That((checkA.IsConsistent, checkB.IsConsistent), Is.EqualTo((true, true)));
            Assert.That(checkA.SegmentFiles.Overlaps(checkB.SegmentFiles), Is.False);
            Assert.That((checkA.InlineSegments.Count, checkA.SegmentFiles.Count, checkB.InlineSegments.Count, checkB.SegmentFiles.Count), Is.EqualTo((1, 0, 0, 1)),
                "a's small object is inline in a's database, b's larger one a file in b's folder");
        }
        finally
        {
            TempDir.TryDelete(dirA);
            TempDir.TryDelete(dirB);
        }
    }

    [Test]
    public async Task The_program_prints_its_address_first_and_serves_it()
    {
        var dir = TempDir.Create("program");
        try
        {
            await using var process = new GatewayProcess(dir, "--Gateway:Adapters:Box:Url=http://127.0.0.1:0");
            var s3 = await process.Address("S3");
            var box = await process.Address("Box");
            Assert.That((s3.Port, box.Port), Is.Not.EqualTo((0, 0)));
            using var http = new HttpClient();
            Assert.That((await http.GetAsync(new Uri(s3, "/_gateway/health"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(process.FirstLine, Does.StartWith("S3 gateway listening on http://127.0.0.1:"), "the first line names the address");
        }
        finally
        {
            TempDir.TryDelete(dir);
        }
    }

    [Test]
    public async Task A_second_gateway_on_a_busy_port_says_so_in_one_line_and_exits_1()
    {
        var dir = TempDir.Create("program");
        try
        {
            await using var first = new GatewayProcess(dir);
            var s3 = await first.Address("S3");
            var dll = typeof(GatewayServer).Assembly.Location;

            var second = await Processes.RunAsync("dotnet", [dll, "--urls", $"http://127.0.0.1:{s3.Port}", "--Gateway:DataDir=" + Path.Combine(dir, "second")], timeout: TimeSpan.FromSeconds(60));

            Assert.That(second.ExitCode, Is.EqualTo(1));
            Assert.That(second.Stderr, Does.Contain("address already in use").IgnoreCase.And.Contain("stop it, or choose another address"));
            Assert.That(second.Stderr, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(second.Stdout, Does.Not.Contain("listening on"));
        }
        finally
        {
            TempDir.TryDelete(dir);
        }
    }

    [Test]
    public async Task A_setting_the_gateway_cannot_use_is_named_in_one_line_and_exits_2()
    {
        var dir = TempDir.Create("program");
        try
        {
            var dll = typeof(GatewayServer).Assembly.Location;

            var run = await Processes.RunAsync("dotnet", [dll, "--urls", "http://127.0.0.1:0", "--Gateway:DataDir=" + dir, "--Gateway:Clock=sometimes"], timeout: TimeSpan.FromSeconds(60));

            Assert.That(run.ExitCode, Is.EqualTo(2));
            Assert.That(run.Stderr.Trim(), Is.EqualTo("The gateway cannot start: Gateway:Clock must be \"system\" or \"virtual\"."));
        }
        finally
        {
            TempDir.TryDelete(dir);
        }
    }
}
