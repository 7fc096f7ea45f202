namespace EndToEnd.Tests;

/// <summary>
/// Conditional deletes (S3's "How to perform conditional deletes"): If-Match on DeleteObject and an ETag per object in
/// DeleteObjects, judged against the key's current object; a mismatch is 412 and deletes nothing.
/// </summary>
public sealed class ConditionalDeleteTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    [Test]
    public async Task AWSSDK_deletes_only_when_If_Match_names_the_current_object()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("cond-del");
        await s3.PutBucketAsync(bucket);
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "v1" });

        var e = Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", IfMatch = "\"0123456789abcdef0123456789abcdef\"" }))!;
        Assert.That(((int)e.StatusCode, e.ErrorCode), Is.EqualTo((412, "PreconditionFailed")));
        using (var still = await s3.GetObjectAsync(bucket, "k"))
        {
            Assert.That(await new StreamReader(still.ResponseStream).ReadToEndAsync(), Is.EqualTo("v1"), "a wrong If-Match deletes nothing");
        }

        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", IfMatch = put.ETag });
        Assert.That(Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "k"))!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.NotFound));
        var gone = Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", IfMatch = put.ETag }))!;
        Assert.That(((int)gone.StatusCode, gone.ErrorCode), Is.EqualTo((404, "NoSuchKey")), "If-Match on a missing key finds no object");
    }

    [Test]
    public async Task Boto3_conditional_deletes_one_key_and_a_batch_with_one_wrong_ETag()
    {
        var home = TempDir.Create("cond-del-home");
        try
        {
            await Boto3.AssertPassesAsync("""
                import boto3, botocore
                s3 = boto3.client("s3")
                s3.create_bucket(Bucket="cond-del-boto3")
                tags = {k: s3.put_object(Bucket="cond-del-boto3", Key=k, Body=k.encode())["ETag"] for k in ("a", "b", "c", "d")}
                try:
                    s3.delete_object(Bucket="cond-del-boto3", Key="d", IfMatch='"ffffffffffffffffffffffffffffffff"')
                    raise SystemExit("a wrong If-Match deleted")
                except botocore.exceptions.ClientError as e:
                    assert e.response["Error"]["Code"] == "PreconditionFailed", e.response
                s3.delete_object(Bucket="cond-del-boto3", Key="d", IfMatch=tags["d"])
                r = s3.delete_objects(Bucket="cond-del-boto3", Delete={"Objects": [
                    {"Key": "a", "ETag": tags["a"]}, {"Key": "b", "ETag": '"00000000000000000000000000000000"'}, {"Key": "c", "ETag": tags["c"]}]})
                assert sorted(d["Key"] for d in r["Deleted"]) == ["a", "c"], r
                assert [(x["Key"], x["Code"]) for x in r["Errors"]] == [("b", "PreconditionFailed")], r
                left = [o["Key"] for o in s3.list_objects_v2(Bucket="cond-del-boto3").get("Contents", [])]
                assert left == ["b"], left
                print("cond-ok")
                """, "cond-ok", Gw, home);
        }
        finally
        {
            TempDir.TryDelete(home);
        }
    }
}
