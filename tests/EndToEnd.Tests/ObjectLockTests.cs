using System.Net;

namespace EndToEnd.Tests;

/// <summary>Object lock through AWSSDK.S3 and boto3 defaults, judged by the gateway's clock (virtual here, so a test can pass a date).</summary>
public sealed class ObjectLockTests
{
    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("lock-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    private static async Task<DateTimeOffset> Now(GatewayInstance gw) => (await UsageTests.Admin(gw, HttpMethod.Get, "/_gateway/clock")).GetProperty("now").GetDateTimeOffset();

    [Test]
    public async Task Sdk_retention_refuses_a_delete_until_the_virtual_clock_passes_its_date()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Clock = "virtual");
        using var s3 = gw.Client();
        var bucket = Names.Bucket("lock");
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        Assert.That((await s3.GetBucketVersioningAsync(bucket)).VersioningConfig.Status, Is.EqualTo(VersionStatus.Enabled));
        await s3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = bucket,
            ObjectLockConfiguration = new ObjectLockConfiguration
            {
                ObjectLockEnabled = ObjectLockEnabled.Enabled,
                Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Compliance, Days = 3 } },
            },
        });
        var config = (await s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration;
        Assert.That((config.Rule.DefaultRetention.Mode.Value, config.Rule.DefaultRetention.Days), Is.EqualTo(("COMPLIANCE", 3)));

        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "ledger", ContentBody = "entry" });
        var head = await s3.GetObjectMetadataAsync(bucket, "ledger");
        Assert.That(head.ObjectLockMode, Is.EqualTo(ObjectLockMode.Compliance));
        var until = head.ObjectLockRetainUntilDate!.Value;
        Assert.That(until, Is.EqualTo((await Now(gw)).AddDays(3).UtcDateTime).Within(TimeSpan.FromMinutes(1)));

        var refused = Assert.CatchAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest
        {
            BucketName = bucket,
            Key = "ledger",
            VersionId = put.VersionId,
            BypassGovernanceRetention = true,
        }))!;
        Assert.That((refused.StatusCode, refused.ErrorCode), Is.EqualTo((HttpStatusCode.Forbidden, "AccessDenied")));
        var shorten = Assert.CatchAsync<AmazonS3Exception>(() => s3.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = bucket,
            Key = "ledger",
            Retention = new ObjectLockRetention { Mode = ObjectLockRetentionMode.Compliance, RetainUntilDate = until.AddDays(-1) },
        }))!;
        Assert.That(shorten.ErrorCode, Is.EqualTo("AccessDenied"));
        var multi = Assert.CatchAsync<DeleteObjectsException>(() =>
            s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new KeyVersion { Key = "ledger", VersionId = put.VersionId }] }))!;
        Assert.That(multi.Response.DeleteErrors.Single().Code, Is.EqualTo("AccessDenied"));
        using (var get = await s3.GetObjectAsync(bucket, "ledger"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo("entry"u8.ToArray()), "the refused deletes changed nothing");
        }

        await UsageTests.Admin(gw, HttpMethod.Post, "/_gateway/clock/advance?seconds=" + (4 * 86400));
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "ledger", VersionId = put.VersionId });
        Assert.That((await s3.ListVersionsAsync(bucket)).Versions, Is.Null.Or.Empty);

        var plain = Names.Bucket("plain");
        await s3.PutBucketAsync(plain);
        var noLock = Assert.CatchAsync<AmazonS3Exception>(() => s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = plain }))!;
        Assert.That((noLock.StatusCode, noLock.ErrorCode), Is.EqualTo((HttpStatusCode.NotFound, "ObjectLockConfigurationNotFoundError")));
    }

    [Test]
    public async Task Sdk_legal_hold_and_governance_with_bypass_on_multipart_objects()
    {
        using var s3 = SharedGateway.Instance.Client();
        var bucket = Names.Bucket("hold");
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        var init = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "mp",
            ObjectLockMode = ObjectLockMode.Governance,
            ObjectLockRetainUntilDate = DateTime.UtcNow.AddDays(30),
            ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On,
        });
        var part = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartNumber = 1, InputStream = new MemoryStream(ObjectTests.RandomBytes(1000, 1)) });
        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartETags = [new PartETag(1, part.ETag)] });
        var hold = await s3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "mp" });
        Assert.That(hold.LegalHold.Status, Is.EqualTo(ObjectLockLegalHoldStatus.On));
        var retention = await s3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "mp" });
        Assert.That(retention.Retention.Mode, Is.EqualTo(ObjectLockRetentionMode.Governance));

        var held = Assert.CatchAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "mp", VersionId = done.VersionId, BypassGovernanceRetention = true }))!;
        Assert.That(held.ErrorCode, Is.EqualTo("AccessDenied"), "a legal hold yields to no bypass");
        await s3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest { BucketName = bucket, Key = "mp", LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.Off } });
        Assert.That(Assert.CatchAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "mp", VersionId = done.VersionId }))!.ErrorCode,
            Is.EqualTo("AccessDenied"), "governance retention without the bypass header");
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "mp", VersionId = done.VersionId, BypassGovernanceRetention = true });
        Assert.That((await s3.ListVersionsAsync(bucket)).Versions, Is.Null.Or.Empty);

        var suspend = Assert.CatchAsync<AmazonS3Exception>(() => s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended },
        }))!;
        Assert.That((suspend.StatusCode, suspend.ErrorCode), Is.EqualTo((HttpStatusCode.Conflict, "InvalidBucketState")));
    }

    [Test]
    public Task Boto3_object_lock_with_its_defaults() => Boto3.AssertPassesAsync("""
        import sys, datetime, boto3
        from botocore.exceptions import ClientError
        s3 = boto3.client("s3")
        b = sys.argv[1]
        s3.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)

        def code(call, **kw):
            try:
                call(**kw)
            except ClientError as e:
                return e.response["Error"]["Code"]
            raise SystemExit("expected an error from %s" % call)

        until = datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)
        v = s3.put_object(Bucket=b, Key="k", Body=b"abc", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="ON")["VersionId"]
        head = s3.head_object(Bucket=b, Key="k")
        assert head["ObjectLockMode"] == "GOVERNANCE" and head["ObjectLockRetainUntilDate"] == until and head["ObjectLockLegalHoldStatus"] == "ON", head
        assert s3.get_object_retention(Bucket=b, Key="k")["Retention"] == {"Mode": "GOVERNANCE", "RetainUntilDate": until}
        assert code(s3.put_object_legal_hold, Bucket=b, Key="k", LegalHold={"Status": "abc"}) == "MalformedXML"
        assert code(s3.put_object_retention, Bucket=b, Key="k", Retention={"Mode": "governance", "RetainUntilDate": until}) == "MalformedXML"
        assert code(s3.delete_object, Bucket=b, Key="k", VersionId=v, BypassGovernanceRetention=True) == "AccessDenied"
        s3.put_object_legal_hold(Bucket=b, Key="k", LegalHold={"Status": "OFF"})
        assert code(s3.delete_object, Bucket=b, Key="k", VersionId=v) == "AccessDenied"
        assert s3.delete_object(Bucket=b, Key="k", VersionId=v, BypassGovernanceRetention=True)["ResponseMetadata"]["HTTPStatusCode"] == 204

        conf = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
        s3.put_object_lock_configuration(Bucket=b, ObjectLockConfiguration=conf)
        assert s3.get_object_lock_configuration(Bucket=b)["ObjectLockConfiguration"] == conf
        bad = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}}}
        assert code(s3.put_object_lock_configuration, Bucket=b, ObjectLockConfiguration=bad) == "MalformedXML"
        zero = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 0}}}
        assert code(s3.put_object_lock_configuration, Bucket=b, ObjectLockConfiguration=zero) == "InvalidRetentionPeriod"
        assert code(s3.put_bucket_versioning, Bucket=b, VersioningConfiguration={"Status": "Suspended"}) == "InvalidBucketState"

        plain = b + "-plain"
        s3.create_bucket(Bucket=plain)
        s3.put_object(Bucket=plain, Key="k", Body=b"x")
        assert code(s3.put_object_lock_configuration, Bucket=plain, ObjectLockConfiguration=conf) == "InvalidBucketState"
        assert code(s3.get_object_retention, Bucket=plain, Key="k") == "InvalidRequest"
        print("lock-ok")
        """, "lock-ok", SharedGateway.Instance, _home, Names.Bucket("lockpy"));
}
