using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using S3Gateway.Testing;
using Xunit;

namespace XunitSample;

// The class shares the fixture's gateway; IAsyncLifetime on the class empties it before each test.
public sealed class GatewayTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IAsyncLifetime
{
    private readonly IAmazonS3 _s3 = fixture.Gateway.CreateS3Client();

    public Task InitializeAsync() => fixture.Gateway.ResetAsync();

    public Task DisposeAsync()
    {
        _s3.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_transfer_utility_uploads_in_parts_and_the_object_reads_back()
    {
        // Over the utility's 16 MiB threshold, so it uploads in 5 MiB parts.
        var data = new byte[17 * 1024 * 1024];
        new Random(11).NextBytes(data);
        using var transfer = new TransferUtility(_s3);
        await transfer.UploadAsync(new TransferUtilityUploadRequest
        {
            BucketName = "uploads", Key = "video.bin", InputStream = new MemoryStream(data), PartSize = 5 * 1024 * 1024,
        });

        var head = await _s3.GetObjectMetadataAsync("uploads", "video.bin");
        Assert.Equal(data.Length, head.ContentLength);
        Assert.EndsWith("-4\"", head.ETag);
        using var get = await _s3.GetObjectAsync("uploads", "video.bin");
        using var read = new MemoryStream();
        await get.ResponseStream.CopyToAsync(read);
        Assert.Equal(data, read.ToArray());
    }

    [Fact]
    public async Task Each_test_starts_with_only_the_seed_bucket_and_it_is_empty()
    {
        var buckets = await _s3.ListBucketsAsync();
        Assert.Equal(["uploads"], buckets.Buckets.Select(b => b.BucketName));
        var listed = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "uploads" });
        Assert.Equal(0, listed.KeyCount);

        // Left behind on purpose: the next test's reset removes it.
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = "uploads", Key = "left-behind", ContentBody = "x" });
        await _s3.PutBucketAsync("another");
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_as_S3_refuses_it()
    {
        using var wrong = fixture.Gateway.CreateS3Client(secretKey: "not-the-secret");
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => wrong.ListBucketsAsync());
        Assert.Equal("SignatureDoesNotMatch", e.ErrorCode);
    }

    [Fact]
    public async Task Moving_the_clock_of_a_gateway_on_the_system_clock_is_refused()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Gateway.AdvanceClockAsync(TimeSpan.FromDays(1)));
        Assert.Contains("virtual", e.Message);
    }
}
