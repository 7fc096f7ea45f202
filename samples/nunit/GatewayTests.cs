using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using NUnit.Framework;
using S3Gateway.Testing;

namespace NUnitSample;

// One gateway for the fixture, emptied before each test: the NUnit pattern the README shows.
[TestFixture]
public sealed class GatewayTests
{
    private S3GatewayServer _gateway = null!;
    private IAmazonS3 _s3 = null!;

    [OneTimeSetUp]
    public async Task StartGateway()
    {
        _gateway = await S3GatewayServer.StartAsync(new S3GatewayOptions
        {
            VirtualClock = true,
            Buckets = { "seed" },
        });
        _s3 = _gateway.CreateS3Client();
    }

    [OneTimeTearDown]
    public async Task StopGateway()
    {
        _s3.Dispose();
        await _gateway.DisposeAsync();
    }

    [SetUp]
    public Task Reset() => _gateway.ResetAsync();

    [Test]
    public async Task A_multipart_upload_through_the_client_reads_back_whole()
    {
        var data = new byte[5 * 1024 * 1024 + 17];
        new Random(7).NextBytes(data);
        var upload = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = "seed", Key = "big.bin" });
        var parts = new List<PartETag>();
        for (var (n, offset) = (1, 0); offset < data.Length; n++, offset += 5 * 1024 * 1024)
        {
            var length = Math.Min(5 * 1024 * 1024, data.Length - offset);
            var part = await _s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = "seed", Key = "big.bin", UploadId = upload.UploadId, PartNumber = n,
                InputStream = new MemoryStream(data, offset, length),
            });
            parts.Add(new PartETag(n, part.ETag));
        }

        var done = await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = "seed", Key = "big.bin", UploadId = upload.UploadId, PartETags = parts,
        });
        Assert.That(done.ETag, Does.EndWith("-2\""), "a two-part object's ETag");

        using var get = await _s3.GetObjectAsync("seed", "big.bin");
        using var read = new MemoryStream();
        await get.ResponseStream.CopyToAsync(read);
        Assert.That(read.ToArray(), Is.EqualTo(data));
    }

    [Test]
    public async Task Reset_removes_every_bucket_and_brings_the_seed_back()
    {
        await _s3.PutBucketAsync("scratch");
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = "seed", Key = "k", ContentBody = "hello" });

        var removed = await _gateway.ResetAsync();

        Assert.That(removed.Buckets, Is.EquivalentTo(new[] { "scratch", "seed" }));
        Assert.That(removed.Seeded, Is.EqualTo(new[] { "seed" }));
        var buckets = await _s3.ListBucketsAsync();
        Assert.That(buckets.Buckets.Select(b => b.BucketName), Is.EqualTo(new[] { "seed" }));
        var e = Assert.CatchAsync<AmazonS3Exception>(() => _s3.GetObjectAsync("seed", "k"));
        Assert.That(e!.ErrorCode, Is.EqualTo("NoSuchKey"));
        Assert.That(e.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Advancing_the_clock_lets_a_lifecycle_rule_abort_an_incomplete_upload()
    {
        await _s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = "seed",
            Configuration = new LifecycleConfiguration
            {
                Rules =
                [
                    new LifecycleRule
                    {
                        Id = "abort-after-a-week",
                        Status = LifecycleRuleStatus.Enabled,
                        Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "" } },
                        AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 7 },
                    },
                ],
            },
        });
        var upload = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = "seed", Key = "left.bin" });
        await _s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = "seed", Key = "left.bin", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[1024]),
        });

        var early = await _gateway.AdvanceClockAsync(TimeSpan.FromDays(3));
        Assert.That(early.AbortedUploads, Is.Zero, "three days: the rule is not due");
        var late = await _gateway.AdvanceClockAsync(TimeSpan.FromDays(5));
        Assert.That(late.AbortedUploads, Is.EqualTo(1), "eight days: the rule aborted it");

        var uploads = await _s3.ListMultipartUploadsAsync("seed");
        Assert.That(uploads.MultipartUploads ?? [], Is.Empty);
    }

    [Test]
    public async Task Two_servers_in_one_process_share_nothing()
    {
        var other = await S3GatewayServer.StartAsync(new S3GatewayOptions { Buckets = { "seed" } });
        var otherS3 = other.CreateS3Client();
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = "seed", Key = "only-here", ContentBody = "1" });

        Assert.That(other.ServiceUrl.Port, Is.Not.EqualTo(_gateway.ServiceUrl.Port));
        Assert.That(other.DataDirectory, Is.Not.EqualTo(_gateway.DataDirectory));
        var listed = await otherS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "seed" });
        Assert.That(listed.S3Objects ?? [], Is.Empty, "the other server has its own storage");
        Assert.That(Directory.Exists(other.DataDirectory), Is.True);

        otherS3.Dispose();
        await other.DisposeAsync();
        Assert.That(Directory.Exists(other.DataDirectory), Is.False, "its temporary data folder is deleted on dispose");
        Assert.That((await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "seed" })).KeyCount, Is.EqualTo(1), "this one runs on");
    }
}
