using System.Text;

namespace EndToEnd.Tests;

/// <summary>Object and bucket tagging through AWSSDK.S3 and boto3 with their default settings.</summary>
public sealed class TaggingTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("tagging-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    private static async Task<(AmazonS3Client S3, string Bucket)> NewBucket()
    {
        var s3 = Gw.Client();
        var bucket = Names.Bucket("tag");
        await s3.PutBucketAsync(bucket);
        return (s3, bucket);
    }

    private static List<string> Pairs(IEnumerable<Tag> tags) => tags.Select(t => $"{t.Key}={t.Value}").ToList();

    [Test]
    public async Task Sdk_object_tags_on_put_get_replace_delete_and_the_count_on_get()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            ContentBody = "tagged body",
            TagSet = [new Tag { Key = "zeta", Value = "last" }, new Tag { Key = "alpha", Value = "a b+c" }],
        });
        var tags = await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" });
        Assert.That(Pairs(tags.Tagging), Is.EqualTo(new[] { "alpha=a b+c", "zeta=last" }), "in key order, whatever order they were sent in");
        using (var get = await s3.GetObjectAsync(bucket, "k"))
        {
            Assert.That(get.TagCount, Is.EqualTo(2));
            Assert.That(Encoding.UTF8.GetString(await ObjectTests.ReadAll(get)), Is.EqualTo("tagged body"));
        }

        var etag = (await s3.GetObjectMetadataAsync(bucket, "k")).ETag;
        await s3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = bucket,
            Key = "k",
            Tagging = new Tagging { TagSet = [new Tag { Key = "only", Value = "" }] },
        });
        Assert.That(Pairs((await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" })).Tagging), Is.EqualTo(new[] { "only=" }));
        Assert.That((await s3.GetObjectMetadataAsync(bucket, "k")).ETag, Is.EqualTo(etag), "tagging does not rewrite the object");

        await s3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "k" });
        Assert.That((await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" })).Tagging, Is.Null.Or.Empty, "AWSSDK.S3 4 leaves an empty list null");
        using var plain = await s3.GetObjectAsync(bucket, "k");
        Assert.That(plain.TagCount, Is.Zero);
    }

    [Test]
    public async Task Sdk_refusals_name_S3s_codes_and_change_nothing()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = [new Tag { Key = "keep", Value = "me" }] });

        Task Put(params Tag[] tags) => s3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = "k", Tagging = new Tagging { TagSet = [.. tags] } });
        var eleven = Enumerable.Range(0, 11).Select(i => new Tag { Key = $"k{i}", Value = "v" }).ToArray();
        var tooMany = Assert.CatchAsync<AmazonS3Exception>(() => Put(eleven))!;
        Assert.That((tooMany.StatusCode, tooMany.ErrorCode, tooMany.Message), Is.EqualTo((System.Net.HttpStatusCode.BadRequest, "BadRequest", "Object tags cannot be greater than 10")));
        Assert.That(Assert.CatchAsync<AmazonS3Exception>(() => Put(new Tag { Key = new string('k', 129), Value = "v" }))!.ErrorCode, Is.EqualTo("InvalidTag"));
        Assert.That(Assert.CatchAsync<AmazonS3Exception>(() => Put(new Tag { Key = "k", Value = new string('v', 257) }))!.ErrorCode, Is.EqualTo("InvalidTag"));
        Assert.That(Assert.CatchAsync<AmazonS3Exception>(() => Put(new Tag { Key = "aws:owner", Value = "v" }))!.ErrorCode, Is.EqualTo("InvalidTag"));
        Assert.That(Assert.CatchAsync<AmazonS3Exception>(() => Put(new Tag { Key = "a", Value = "1" }, new Tag { Key = "a", Value = "2" }))!.ErrorCode, Is.EqualTo("InvalidTag"));
        Assert.That(Pairs((await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" })).Tagging), Is.EqualTo(new[] { "keep=me" }));

        // A PutObject whose tags are refused stores nothing, and the connection carries the next request.
        var bad = Assert.CatchAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "refused",
            InputStream = new MemoryStream(ObjectTests.RandomBytes(300_000, 3)),
            TagSet = [new Tag { Key = "k", Value = "a*b" }],
        }))!;
        Assert.That(bad.ErrorCode, Is.EqualTo("InvalidTag"));
        Assert.That(Assert.CatchAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "refused"))!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.NotFound));
        Assert.That(Assert.CatchAsync<AmazonS3Exception>(() => s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "none" }))!.ErrorCode, Is.EqualTo("NoSuchKey"));
    }

    [Test]
    public async Task Sdk_multipart_tags_apply_at_complete_and_copies_keep_or_replace_them()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var init = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "mp",
            TagSet = [new Tag { Key = "Hello", Value = "World" }, new Tag { Key = "foo", Value = "bar" }],
        });
        var data = ObjectTests.RandomBytes(6 * 1024 * 1024, 5);
        var part = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartNumber = 1, InputStream = new MemoryStream(data) });
        Assert.That(Assert.CatchAsync<AmazonS3Exception>(() => s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "mp" }))!.ErrorCode,
            Is.EqualTo("NoSuchKey"), "no object before Complete");
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "mp",
            UploadId = init.UploadId,
            PartETags = [new PartETag(1, part.ETag)],
        });
        Assert.That(Pairs((await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "mp" })).Tagging), Is.EqualTo(new[] { "Hello=World", "foo=bar" }));

        await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "mp", DestinationBucket = bucket, DestinationKey = "kept" });
        Assert.That(Pairs((await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "kept" })).Tagging), Is.EqualTo(new[] { "Hello=World", "foo=bar" }));
        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "mp",
            DestinationBucket = bucket,
            DestinationKey = "replaced",
            TaggingDirective = TaggingDirective.REPLACE,
            TagSet = [new Tag { Key = "copy", Value = "yes" }],
        });
        Assert.That(Pairs((await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "replaced" })).Tagging), Is.EqualTo(new[] { "copy=yes" }));
        using var get = await s3.GetObjectAsync(bucket, "replaced");
        Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(data));
    }

    [Test]
    public async Task Sdk_bucket_tags()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var none = Assert.CatchAsync<AmazonS3Exception>(() => s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }))!;
        Assert.That((none.StatusCode, none.ErrorCode), Is.EqualTo((System.Net.HttpStatusCode.NotFound, "NoSuchTagSet")));
        await s3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = [new Tag { Key = "team", Value = "storage" }, new Tag { Key = "env", Value = "ci" }] });
        Assert.That(Pairs((await s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket })).TagSet), Is.EqualTo(new[] { "env=ci", "team=storage" }));
        var reserved = Assert.CatchAsync<AmazonS3Exception>(() => s3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = [new Tag { Key = "aws:x", Value = "v" }] }))!;
        Assert.That((reserved.ErrorCode, reserved.Message), Is.EqualTo(("InvalidTag", "System tags cannot be added/updated by requester")));
        await s3.DeleteBucketTaggingAsync(new DeleteBucketTaggingRequest { BucketName = bucket });
        Assert.That(Assert.CatchAsync<AmazonS3Exception>(() => s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }))!.ErrorCode, Is.EqualTo("NoSuchTagSet"));
    }

    [Test]
    public Task Boto3_tagging_with_its_defaults() => Boto3.AssertPassesAsync("""
        import sys, boto3, requests
        from botocore.exceptions import ClientError
        s3 = boto3.client("s3")
        b = sys.argv[1]
        s3.create_bucket(Bucket=b)

        def error(call, **kw):
            try:
                call(**kw)
            except ClientError as e:
                return e.response["Error"]["Code"]
            raise SystemExit("expected an error from %s" % call)

        s3.put_object(Bucket=b, Key="k", Body=b"A" * 100, Tagging="foo=bar&bar")
        assert s3.get_object_tagging(Bucket=b, Key="k")["TagSet"] == [{"Key": "bar", "Value": ""}, {"Key": "foo", "Value": "bar"}]
        assert s3.head_object(Bucket=b, Key="k")["ResponseMetadata"]["HTTPHeaders"]["x-amz-tagging-count"] == "2"
        assert s3.get_object(Bucket=b, Key="k")["TagCount"] == 2

        ten = {"TagSet": [{"Key": str(i), "Value": str(i)} for i in range(10)]}
        assert s3.put_object_tagging(Bucket=b, Key="k", Tagging=ten)["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert s3.get_object_tagging(Bucket=b, Key="k")["TagSet"] == ten["TagSet"]
        eleven = {"TagSet": [{"Key": str(i), "Value": str(i)} for i in range(11)]}
        assert error(s3.put_object_tagging, Bucket=b, Key="k", Tagging=eleven) == "BadRequest"
        assert error(s3.put_object, Bucket=b, Key="dup", Body=b"x", Tagging="a=1&a=2") == "InvalidArgument"
        assert error(s3.head_object, Bucket=b, Key="dup") == "404"
        assert s3.get_object_tagging(Bucket=b, Key="k")["TagSet"] == ten["TagSet"]
        assert s3.delete_object_tagging(Bucket=b, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
        assert s3.get_object_tagging(Bucket=b, Key="k")["TagSet"] == []

        up = s3.create_multipart_upload(Bucket=b, Key="mp", Tagging="Hello=World&foo=bar")["UploadId"]
        etag = s3.upload_part(Bucket=b, Key="mp", UploadId=up, PartNumber=1, Body=b"p")["ETag"]
        s3.complete_multipart_upload(Bucket=b, Key="mp", UploadId=up, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        assert [t["Key"] for t in s3.get_object_tagging(Bucket=b, Key="mp")["TagSet"]] == ["Hello", "foo"]
        s3.copy_object(Bucket=b, Key="c", CopySource={"Bucket": b, "Key": "mp"}, TaggingDirective="REPLACE", Tagging="new=1")
        assert s3.get_object_tagging(Bucket=b, Key="c")["TagSet"] == [{"Key": "new", "Value": "1"}]

        assert error(s3.get_bucket_tagging, Bucket=b) == "NoSuchTagSet"
        s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": [{"Key": "Hello", "Value": "World"}]})
        assert s3.get_bucket_tagging(Bucket=b)["TagSet"] == [{"Key": "Hello", "Value": "World"}]
        assert s3.delete_bucket_tagging(Bucket=b)["ResponseMetadata"]["HTTPStatusCode"] == 204
        assert error(s3.get_bucket_tagging, Bucket=b) == "NoSuchTagSet"

        xml = "<Tagging><TagSet><Tag><Key>0</Key><Value>0</Value></Tag><Tag><Key>1</Key><Value>1</Value></Tag></TagSet></Tagging>"
        post = s3.generate_presigned_post(b, "form.txt", Fields={"tagging": xml}, Conditions=[{"tagging": xml}], ExpiresIn=300)
        r = requests.post(post["url"], data=post["fields"], files={"file": ("form.txt", b"bar")})
        assert r.status_code == 204, r.text
        assert s3.get_object_tagging(Bucket=b, Key="form.txt")["TagSet"] == [{"Key": "0", "Value": "0"}, {"Key": "1", "Value": "1"}]
        print("tagging-ok")
        """, "tagging-ok", Gw, _home, Names.Bucket("tagpy"));
}
