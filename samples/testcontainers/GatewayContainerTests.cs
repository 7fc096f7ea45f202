using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using NUnit.Framework;
using S3Gateway.Testcontainers;

namespace TestcontainersSample;

// The gateway's image started by Testcontainers for .NET (any Docker-compatible engine: Docker, or podman's socket),
// used through AWSSDK.S3, and removed after the fixture.
[TestFixture]
public sealed class GatewayContainerTests
{
    private S3GatewayContainer _gateway = null!;

    [OneTimeSetUp]
    public async Task StartContainer()
    {
        var image = Environment.GetEnvironmentVariable("S3GATEWAY_IMAGE") ?? "s3-gateway";
        _gateway = new S3GatewayBuilder(image).WithBuckets("uploads").WithCredentials("app", "app-secret").Build();
        await _gateway.StartAsync();
    }

    [OneTimeTearDown]
    public async Task RemoveContainer() => await _gateway.DisposeAsync();

    private AmazonS3Client Client() => new(
        new BasicAWSCredentials(_gateway.AccessKey, _gateway.SecretKey),
        new AmazonS3Config { ServiceURL = _gateway.ServiceUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    [Test]
    public async Task The_seeded_bucket_takes_an_object_and_gives_it_back()
    {
        using var s3 = Client();
        var buckets = await s3.ListBucketsAsync();
        Assert.That(buckets.Buckets.Select(b => b.BucketName), Is.EqualTo(new[] { "uploads" }));

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "uploads", Key = "hello.txt", ContentBody = "hello from a container" });
        using var get = await s3.GetObjectAsync("uploads", "hello.txt");
        using var reader = new StreamReader(get.ResponseStream);
        Assert.That(await reader.ReadToEndAsync(), Is.EqualTo("hello from a container"));
    }

    [Test]
    public void The_default_credentials_are_refused_once_others_are_configured()
    {
        using var s3 = new AmazonS3Client(new BasicAWSCredentials("test", "test"),
            new AmazonS3Config { ServiceURL = _gateway.ServiceUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var e = Assert.CatchAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());
        Assert.That(e!.ErrorCode, Is.EqualTo("InvalidAccessKeyId"));
    }
}
