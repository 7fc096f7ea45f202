using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace EndToEnd.Tests;

/// <summary>
/// Who may do what, end to end: canned ACLs seen by another account (AWSSDK.S3 with its defaults) and by nobody
/// (plain unsigned HTTP), a bucket policy matrix, BucketOwnerEnforced, the public access block, boto3 with its
/// defaults, and the meter, which refused requests leave alone.
/// </summary>
public sealed class AccessTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    private static async Task<HttpStatusCode> Status(Func<Task> call)
    {
        try
        {
            await call();
            return HttpStatusCode.OK;
        }
        catch (AmazonS3Exception e)
        {
            return e.StatusCode;
        }
    }

    private static async Task<HttpStatusCode> Anonymous(HttpMethod method, string path, string? body = null)
    {
        using var http = Gw.Http();
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : new StringContent(body) };
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>What another account and an anonymous caller may do under a bucket ACL and an object ACL: (list, read, write) each.</summary>
    [TestCase("private", "private", false, false, false, false, false, false)]
    [TestCase("private", "public-read", false, true, false, false, true, false)]
    [TestCase("public-read", "private", true, false, false, true, false, false)]
    [TestCase("public-read", "public-read", true, true, false, true, true, false)]
    [TestCase("public-read-write", "private", true, false, true, true, false, true)]
    [TestCase("authenticated-read", "authenticated-read", true, true, false, false, false, false)]
    [TestCase("log-delivery-write", "aws-exec-read", false, false, false, false, false, false)]
    [TestCase("private", "bucket-owner-read", false, false, false, false, false, false)]
    [TestCase("private", "bucket-owner-full-control", false, false, false, false, false, false)]
    public async Task Canned_acls_as_another_account_and_an_anonymous_caller_see_them(string bucketAcl, string objectAcl,
        bool otherLists, bool otherReads, bool otherWrites, bool anonLists, bool anonReads, bool anonWrites)
    {
        using var owner = Gw.Client();
        using var other = Gw.Client(GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        var bucket = Names.Bucket("acl");
        await owner.PutBucketAsync(new PutBucketRequest { BucketName = bucket, CannedACL = S3CannedACL.FindValue(bucketAcl) });
        await owner.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "data", CannedACL = S3CannedACL.FindValue(objectAcl) });

        static HttpStatusCode Expect(bool allowed) => allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
        Assert.That(await Status(() => other.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })), Is.EqualTo(Expect(otherLists)), "other lists");
        Assert.That(await Status(async () => (await other.GetObjectAsync(bucket, "k")).Dispose()), Is.EqualTo(Expect(otherReads)), "other reads");
        Assert.That(await Status(() => other.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "by-other", ContentBody = "o" })), Is.EqualTo(Expect(otherWrites)), "other writes");
        Assert.That(await Anonymous(HttpMethod.Get, $"/{bucket}?list-type=2"), Is.EqualTo(Expect(anonLists)), "anonymous lists");
        Assert.That(await Anonymous(HttpMethod.Get, $"/{bucket}/k"), Is.EqualTo(Expect(anonReads)), "anonymous reads");
        Assert.That(await Anonymous(HttpMethod.Put, $"/{bucket}/by-nobody", "n"), Is.EqualTo(Expect(anonWrites)), "anonymous writes");
        // Whatever was refused left nothing behind.
        var keys = (await owner.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Select(o => o.Key);
        Assert.That(keys, Is.EquivalentTo(new[] { "k" }.Concat(otherWrites ? ["by-other"] : []).Concat(anonWrites ? ["by-nobody"] : [])));
    }

    [TestCase("bucket-owner-read", true, false)]
    [TestCase("bucket-owner-full-control", true, true)]
    [TestCase("private", false, false)]
    public async Task The_bucket_owner_acls_give_the_bucket_owner_what_another_account_writes(string cannedAcl, bool ownerReads, bool ownerReadsAcl)
    {
        using var owner = Gw.Client();
        using var other = Gw.Client(GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        var bucket = Names.Bucket("bo");
        await owner.PutBucketAsync(new PutBucketRequest { BucketName = bucket, CannedACL = S3CannedACL.PublicReadWrite });
        await other.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "theirs", ContentBody = "by other", CannedACL = S3CannedACL.FindValue(cannedAcl) });
        static HttpStatusCode Expect(bool allowed) => allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
        Assert.That(await Status(async () => (await owner.GetObjectAsync(bucket, "theirs")).Dispose()), Is.EqualTo(Expect(ownerReads)));
        Assert.That(await Status(() => owner.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "theirs" })), Is.EqualTo(Expect(ownerReadsAcl)));
        var acl = await other.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "theirs" });
        Assert.That(acl.Owner.DisplayName, Is.EqualTo(GatewayInstance.OtherAccessKey), "ObjectWriter: the writer owns it");
        Assert.That(await Anonymous(HttpMethod.Get, $"/{bucket}/theirs"), Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await Status(() => owner.DeleteObjectAsync(bucket, "theirs")), Is.EqualTo(HttpStatusCode.OK), "WRITE on the bucket deletes it");
    }

    [Test]
    public async Task Explicit_grants_through_the_sdk_and_a_bad_grant_changes_nothing_and_the_connection_goes_on()
    {
        using var owner = Gw.Client();
        using var other = Gw.Client(GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        var bucket = Names.Bucket("grant");
        await owner.PutBucketAsync(bucket);
        await owner.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "granted" });
        var ownerAcl = await owner.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        var otherId = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(GatewayInstance.OtherAccessKey)));
        S3AccessControlList WithGrantTo(string id) => new()
        {
            Owner = ownerAcl.Owner,
            Grants = [.. ownerAcl.Grants, new S3Grant { Grantee = new S3Grantee { CanonicalUser = id }, Permission = S3Permission.READ }],
        };

        // Refused for another account: its PUT's body is never read, and its next request on the client still goes through.
        Assert.That(await Status(() => other.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "x", ContentBody = new string('x', 100_000) })), Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await Status(async () => (await other.GetObjectAsync(bucket, "k")).Dispose()), Is.EqualTo(HttpStatusCode.Forbidden));

        var bad = Assert.CatchAsync<AmazonS3Exception>(() => owner.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", AccessControlPolicy = WithGrantTo(new string('0', 64)) }))!;
        Assert.That((bad.StatusCode, bad.ErrorCode), Is.EqualTo((HttpStatusCode.BadRequest, "InvalidArgument")));
        Assert.That((await owner.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" })).Grants, Has.Count.EqualTo(1), "a refused ACL changes nothing");

        await owner.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", AccessControlPolicy = WithGrantTo(otherId) });
        using (var read = await other.GetObjectAsync(bucket, "k"))
        {
            Assert.That(await ObjectTests.ReadAll(read), Is.EqualTo("granted"u8.ToArray()));
        }

        var grants = (await owner.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" })).Grants;
        Assert.That(grants.Select(g => (g.Grantee.CanonicalUser, g.Grantee.DisplayName, g.Permission.Value)), Is.EquivalentTo(new[]
        {
            (ownerAcl.Owner.Id, GatewayInstance.AccessKey, "FULL_CONTROL"), (otherId, GatewayInstance.OtherAccessKey, "READ"),
        }));

        await owner.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
        {
            BucketName = bucket,
            OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = ObjectOwnership.BucketOwnerPreferred }] },
        });
        await owner.DeleteBucketOwnershipControlsAsync(new DeleteBucketOwnershipControlsRequest { BucketName = bucket });
        var gone = Assert.CatchAsync<AmazonS3Exception>(() => owner.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket }))!;
        Assert.That((gone.StatusCode, gone.ErrorCode), Is.EqualTo((HttpStatusCode.NotFound, "OwnershipControlsNotFoundError")));
    }

    [Test]
    public async Task A_policy_allows_and_denies_by_principal_action_resource_and_condition()
    {
        using var owner = Gw.Client();
        using var other = Gw.Client(GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        var bucket = Names.Bucket("pol");
        await owner.PutBucketAsync(bucket);
        foreach (var key in new[] { "public/a", "secret/b", "team/c" })
        {
            await owner.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        }

        var policy = """
            {"Version":"2012-10-17","Statement":[
              {"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/public/*"},
              {"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::OTHER:root"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::BUCKET/team/*"},
              {"Sid":"LocalOnly","Effect":"Allow","Principal":{"AWS":"OTHER"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::BUCKET","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}},
              {"Sid":"NeverFromAfar","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/secret/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
              {"Sid":"NoPlainHttpWrites","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::BUCKET/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}
            ]}
            """.Replace("BUCKET", bucket, StringComparison.Ordinal).Replace("OTHER", GatewayInstance.OtherAccessKey, StringComparison.Ordinal);
        await owner.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy });
        Assert.That((await owner.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket })).Policy, Is.EqualTo(policy));
        Assert.That((await owner.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic, Is.True);

        Assert.That(await Anonymous(HttpMethod.Get, $"/{bucket}/public/a"), Is.EqualTo(HttpStatusCode.OK), "by principal *");
        Assert.That(await Anonymous(HttpMethod.Get, $"/{bucket}/team/c"), Is.EqualTo(HttpStatusCode.Forbidden), "by resource");
        Assert.That(await Status(async () => (await other.GetObjectAsync(bucket, "team/c")).Dispose()), Is.EqualTo(HttpStatusCode.OK), "by principal ARN");
        Assert.That(await Status(() => other.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "team/new", ContentBody = "n" })), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Status(() => other.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "public/new", ContentBody = "n" })), Is.EqualTo(HttpStatusCode.Forbidden), "by action");
        Assert.That(await Status(() => other.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })), Is.EqualTo(HttpStatusCode.OK), "IpAddress 127.0.0.0/8 holds on loopback");
        Assert.That(await Status(async () => (await other.GetObjectAsync(bucket, "secret/b")).Dispose()), Is.EqualTo(HttpStatusCode.Forbidden), "IpAddress 10.0.0.0/8 does not");
        Assert.That(await Status(() => owner.DeleteObjectAsync(bucket, "public/a")), Is.EqualTo(HttpStatusCode.Forbidden), "an explicit deny binds the owner too");
        Assert.That(await Status(async () => (await owner.GetObjectAsync(bucket, "secret/b")).Dispose()), Is.EqualTo(HttpStatusCode.OK), "the owner needs no allow");

        await owner.DeleteBucketPolicyAsync(bucket);
        Assert.That(await Anonymous(HttpMethod.Get, $"/{bucket}/public/a"), Is.EqualTo(HttpStatusCode.Forbidden));
        // AWSSDK.S3 does not throw on this 404: it hands back the error document as the policy text. The wire
        // answer is checked raw.
        Assert.That((await owner.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket })).Policy, Does.Contain("<Code>NoSuchBucketPolicy</Code>"));
        using (var http = Gw.Http())
        using (var none = await new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey).SendAsync(HttpMethod.Get, $"/{bucket}?policy"))
        {
            Assert.That((none.StatusCode, (await S3Error.ReadAsync(none)).Code), Is.EqualTo((HttpStatusCode.NotFound, "NoSuchBucketPolicy")));
        }

        var malformed = Assert.CatchAsync<AmazonS3Exception>(() => owner.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = "{\"Statement\":[{\"Effect\":\"Allow\"}]}" }))!;
        Assert.That((malformed.StatusCode, malformed.ErrorCode, malformed.Message), Is.EqualTo((HttpStatusCode.BadRequest, "MalformedPolicy", "Missing required field Principal")));
    }

    [Test]
    public async Task Bucket_owner_enforced_refuses_acls_and_the_public_access_block_overrides_public_ones()
    {
        using var owner = Gw.Client();
        using var other = Gw.Client(GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        var bucket = Names.Bucket("own");
        await owner.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectOwnership = ObjectOwnership.BucketOwnerEnforced });
        var controls = await owner.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket });
        Assert.That(controls.OwnershipControls.Rules.Single().ObjectOwnership.Value, Is.EqualTo("BucketOwnerEnforced"));
        var refused = Assert.CatchAsync<AmazonS3Exception>(() => owner.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.PublicRead }))!;
        Assert.That((refused.StatusCode, refused.ErrorCode), Is.EqualTo((HttpStatusCode.BadRequest, "AccessControlListNotSupported")));
        await owner.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.BucketOwnerFullControl });
        Assert.That((await owner.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" })).Grants.Single().Permission.Value, Is.EqualTo("FULL_CONTROL"));

        var open = Names.Bucket("pab");
        await owner.PutBucketAsync(new PutBucketRequest { BucketName = open, CannedACL = S3CannedACL.PublicRead });
        await owner.PutObjectAsync(new PutObjectRequest { BucketName = open, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.PublicRead });
        Assert.That(await Anonymous(HttpMethod.Get, $"/{open}/k"), Is.EqualTo(HttpStatusCode.OK));
        await owner.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = open,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration { BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = true },
        });
        Assert.That(await Anonymous(HttpMethod.Get, $"/{open}/k"), Is.EqualTo(HttpStatusCode.Forbidden), "IgnorePublicAcls");
        Assert.That(await Status(() => other.ListObjectsV2Async(new ListObjectsV2Request { BucketName = open })), Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await Status(() => owner.PutObjectAclAsync(new PutObjectAclRequest { BucketName = open, Key = "k", ACL = S3CannedACL.PublicReadWrite })), Is.EqualTo(HttpStatusCode.Forbidden), "BlockPublicAcls");
        var block = (await owner.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = open })).PublicAccessBlockConfiguration;
        Assert.That((block.BlockPublicAcls, block.IgnorePublicAcls, block.BlockPublicPolicy, block.RestrictPublicBuckets), Is.EqualTo(((bool?)true, (bool?)true, (bool?)true, (bool?)true)));
        await owner.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = open });
        Assert.That(await Anonymous(HttpMethod.Get, $"/{open}/k"), Is.EqualTo(HttpStatusCode.OK), "the grant was only ignored");
    }

    [Test]
    public async Task Refused_requests_leave_the_meter_alone_and_allowed_ones_bill_the_bucket_owner()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var owner = gw.Client();
        var bucket = Names.Bucket("bill");
        await owner.PutBucketAsync(bucket);
        await owner.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "0123456789" });
        async Task<JsonElement> Traffic() =>
            (await UsageTests.Admin(gw, HttpMethod.Get, $"/_gateway/usage?bucket={bucket}")).GetProperty("buckets")[0].GetProperty("traffic");

        var before = await Traffic();
        using var http = gw.Http();
        for (var i = 0; i < 5; i++)
        {
            using var refused = await http.GetAsync($"/{bucket}/k");
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            using var put = await http.PutAsync($"/{bucket}/x", new StringContent("spam"));
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }

        var afterRefusals = await Traffic();
        Assert.That(afterRefusals.ToString(), Is.EqualTo(before.ToString()), "refused requests are billed to nobody");
        await owner.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", ACL = S3CannedACL.PublicRead });
        var afterAcl = await Traffic();
        using (var allowed = await http.GetAsync($"/{bucket}/k"))
        {
            Assert.That(await allowed.Content.ReadAsStringAsync(), Is.EqualTo("0123456789"));
        }

        var afterRead = await Traffic();
        Assert.That(afterRead.GetProperty("readRequests").GetInt64(), Is.EqualTo(afterAcl.GetProperty("readRequests").GetInt64() + 1));
        Assert.That(afterRead.GetProperty("bytesOut").GetInt64(), Is.EqualTo(afterAcl.GetProperty("bytesOut").GetInt64() + 10), "the anonymous read is the owner's egress");
    }

    [Test]
    public Task Boto3_acls_policies_and_ownership_with_its_defaults() => Boto3.AssertPassesAsync("""
        import json, sys, boto3, requests
        from botocore.exceptions import ClientError
        s3 = boto3.client("s3")
        alt = boto3.client("s3", aws_access_key_id=sys.argv[3], aws_secret_access_key=sys.argv[4])
        b, endpoint = sys.argv[1], sys.argv[2]

        def code(call, **kw):
            try:
                call(**kw)
            except ClientError as e:
                return e.response["Error"]["Code"]
            return "ok"

        s3.create_bucket(Bucket=b, ACL="public-read")
        grants = s3.get_bucket_acl(Bucket=b)["Grants"]
        assert [(g["Grantee"]["Type"], g["Permission"]) for g in grants] == [("Group", "READ"), ("CanonicalUser", "FULL_CONTROL")], grants
        s3.put_object(Bucket=b, Key="pub", Body=b"hello", ACL="public-read")
        s3.put_object(Bucket=b, Key="priv", Body=b"hidden")
        assert requests.get(f"{endpoint}/{b}/pub").content == b"hello"
        assert requests.get(f"{endpoint}/{b}/priv").status_code == 403
        assert requests.get(f"{endpoint}/{b}/missing").status_code == 404, "a public-read bucket may tell what is missing"
        assert [o["Key"] for o in alt.list_objects_v2(Bucket=b)["Contents"]] == ["priv", "pub"]
        assert code(alt.get_object, Bucket=b, Key="priv") == "AccessDenied"

        alt_id = s3.get_object_acl(Bucket=b, Key="pub")["Owner"]["ID"]
        me = s3.list_buckets()["Owner"]["ID"]
        assert alt_id == me
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": sys.argv[3]}, "Action": "s3:GetObject",
                   "Resource": f"arn:aws:s3:::{b}/priv", "Condition": {"StringLike": {"aws:UserAgent": "*Botocore*"}}}]}
        s3.put_bucket_policy(Bucket=b, Policy=json.dumps(policy))
        assert alt.get_object(Bucket=b, Key="priv")["Body"].read() == b"hidden"
        assert s3.get_bucket_policy_status(Bucket=b)["PolicyStatus"]["IsPublic"] is False
        assert code(s3.put_bucket_policy, Bucket=b, Policy="not json") == "MalformedPolicy"

        assert code(s3.get_bucket_ownership_controls, Bucket=b) == "OwnershipControlsNotFoundError"
        enforced = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        assert code(s3.put_bucket_ownership_controls, Bucket=b, OwnershipControls=enforced) == "InvalidBucketAclWithObjectOwnership"
        s3.put_bucket_acl(Bucket=b, ACL="private")
        s3.put_bucket_ownership_controls(Bucket=b, OwnershipControls=enforced)
        assert code(s3.put_object, Bucket=b, Key="x", Body=b"x", ACL="public-read") == "AccessControlListNotSupported"
        assert requests.get(f"{endpoint}/{b}/pub").status_code == 403, "ACLs count for nothing under BucketOwnerEnforced"

        s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={"BlockPublicPolicy": True})
        public = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{b}/*"}]}
        assert code(s3.put_bucket_policy, Bucket=b, Policy=json.dumps(public)) == "AccessDenied"
        assert s3.get_public_access_block(Bucket=b)["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": False}
        print("BOTO3-ACCESS-OK")
        """, "BOTO3-ACCESS-OK", Gw, TempDir.Create("boto3-access"), Names.Bucket("boto"), Gw.Endpoint, GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
}
