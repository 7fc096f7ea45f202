namespace EndToEnd.Tests;

/// <summary>
/// Reset and seed between tests without a restart: Gateway:InitialBuckets are created at start, POST /_gateway/reset
/// (through gatewayctl) empties storage, or one account's part of it, and creates them again.
/// </summary>
public sealed class ResetTests
{
    private static async Task<List<string>> Buckets(AmazonS3Client s3) => [.. ((await s3.ListBucketsAsync()).Buckets ?? []).Select(b => b.BucketName).Order(StringComparer.Ordinal)];

    [Test]
    public async Task Initial_buckets_are_there_at_start_and_after_every_reset()
    {
        await using var gw = await GatewayInstance.StartAsync(args: ["--Gateway:InitialBuckets:0=seed-alpha", "--Gateway:InitialBuckets:1=seed-beta"]);
        using var s3 = gw.Client();
        using var other = gw.Client(GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        Assert.That(await Buckets(s3), Is.EqualTo(new[] { "seed-alpha", "seed-beta" }));

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "seed-alpha", Key = "k", ContentBody = "data" });
        await s3.PutBucketAsync("extra");
        await s3.InitiateMultipartUploadAsync("extra", "pending");
        await other.PutBucketAsync("others-bucket");
        await other.PutObjectAsync(new PutObjectRequest { BucketName = "others-bucket", Key = "o", ContentBody = "theirs" });

        // One account's part only: the other account's bucket goes, the default account's stay as they are.
        var one = await gw.CtlAsync("reset", "--account", GatewayInstance.OtherAccessKey);
        Assert.That(one.Code, Is.EqualTo(0), one.Stderr);
        Assert.That(one.Stdout, Does.StartWith("removed 1 bucket, 1 version, 0 incomplete uploads (6 bytes); created again: none"));
        Assert.That(await Buckets(other), Is.Empty);
        Assert.That(await Buckets(s3), Is.EqualTo(new[] { "extra", "seed-alpha", "seed-beta" }));

        var all = await gw.CtlAsync("reset");
        Assert.That(all.Code, Is.EqualTo(0), all.Stderr);
        Assert.That(all.Stdout, Does.StartWith("removed 3 buckets, 1 version, 1 incomplete upload (4 bytes); created again: seed-alpha, seed-beta"));
        Assert.That(await Buckets(s3), Is.EqualTo(new[] { "seed-alpha", "seed-beta" }));
        Assert.That((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "seed-alpha" })).S3Objects ?? [], Is.Empty, "the seed comes back empty");
        Assert.That(gw.Services.Storage.Check().IsConsistent, Is.True);

        var denied = await gw.CtlAsync("--access-key", GatewayInstance.OtherAccessKey, "--secret-key", GatewayInstance.OtherSecretKey, "reset");
        Assert.That(denied.Code, Is.EqualTo(1));
        Assert.That(denied.Stderr, Does.Contain("AccessDenied"));
        var unknown = await gw.CtlAsync("reset", "--account", "nobody");
        Assert.That((unknown.Code, unknown.Stderr), Is.EqualTo((1, "gatewayctl: InvalidArgument: account nobody is not a configured access key." + Environment.NewLine)));
    }

    [Test]
    public void An_initial_bucket_with_an_invalid_name_stops_the_start()
    {
        var e = Assert.ThrowsAsync<Gateway.GatewaySettingsException>(() => GatewayInstance.StartAsync(args: ["--Gateway:InitialBuckets:0=Not_Valid"]))!;
        Assert.That(e.Message, Does.Contain("Gateway:InitialBuckets holds Not_Valid"));
    }
}
