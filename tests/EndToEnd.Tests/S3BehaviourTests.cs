using System.Net;

namespace EndToEnd.Tests;

/// <summary>
/// S3's exact behaviour where the gateway once differed, each through a real client with its defaults (boto3,
/// AWSSDK.S3) or on the wire: listings, conditional reads, bucket names, ranges and part numbers, headers kept as
/// sent, keys that are not UTF-8, and request XML limits.
/// </summary>
public sealed class S3BehaviourTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("s3b-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    private Task Boto(string body, params string[] args) => Boto3.AssertPassesAsync("""
        import sys, boto3, botocore
        s3 = boto3.client("s3")
        b = sys.argv[1]
        s3.create_bucket(Bucket=b)
        """ + "\n" + body + "\nprint(\"script-ok\")\n", "script-ok", Gw, _home, [Names.Bucket("s3b"), .. args]);

    [Test]
    public Task Listing_a_newline_prefix_round_trips_through_boto3_and_an_empty_continuation_token_is_none() => Boto("""
        for k in ["foo/bar", "foo/baz", "quux"]:
            s3.put_object(Bucket=b, Key=k, Body=b"x")
        # boto3 adds encoding-type=url to every listing and decodes what S3 encodes.
        v1 = s3.list_objects(Bucket=b, Prefix="\n")
        assert v1["Prefix"] == "\n" and "Contents" not in v1 and "CommonPrefixes" not in v1, v1
        v2 = s3.list_objects_v2(Bucket=b, Prefix="\n")
        assert v2["Prefix"] == "\n" and v2["KeyCount"] == 0, v2
        empty = s3.list_objects_v2(Bucket=b, ContinuationToken="")
        assert empty["ContinuationToken"] == "" and empty["IsTruncated"] is False, empty
        assert [o["Key"] for o in empty["Contents"]] == ["foo/bar", "foo/baz", "quux"], empty
        """);

    [Test]
    public async Task Not_modified_carries_the_etag_and_last_modified()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("nm");
        await s3.PutBucketAsync(bucket);
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "body" });
        var head = await s3.GetObjectMetadataAsync(bucket, "k");
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var response = await raw.SendAsync(method, $"/{bucket}/k", headers: new Dictionary<string, string> { ["If-None-Match"] = put.ETag });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotModified), method.Method);
            Assert.That(response.Headers.ETag?.Tag, Is.EqualTo(put.ETag), method.Method);
            Assert.That(response.Content.Headers.LastModified, Is.EqualTo(new DateTimeOffset(head.LastModified!.Value.ToUniversalTime(), TimeSpan.Zero)), method.Method);
        }
    }
}
