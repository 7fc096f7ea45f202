using System.Net;

namespace EndToEnd.Tests;

/// <summary>Bucket operations through AWSSDK.S3 with default settings.</summary>
public sealed class BucketTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    [Test]
    public async Task Create_head_list_delete()
    {
        using var s3 = Gw.Client();
        var name = Names.Bucket();
        await s3.PutBucketAsync(name);
        var head = await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = name });
        Assert.That(head.HttpStatusCode, Is.EqualTo(HttpStatusCode.OK));
        var list = await s3.ListBucketsAsync(new ListBucketsRequest { Prefix = name });
        Assert.That(list.Buckets.Select(b => b.BucketName), Is.EqualTo(new[] { name }));
        Assert.That(list.Owner.DisplayName, Is.EqualTo("test"));
        await s3.DeleteBucketAsync(name);
        var ex = Assert.CatchAsync<AmazonS3Exception>(() => s3.HeadBucketAsync(new HeadBucketRequest { BucketName = name }));
        Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task List_buckets_pages_with_max_buckets_and_continuation_token()
    {
        using var s3 = Gw.Client();
        var prefix = Names.Bucket("pg");
        var names = Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}").ToList();
        foreach (var n in names)
        {
            await s3.PutBucketAsync(n);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await s3.ListBucketsAsync(new ListBucketsRequest { Prefix = prefix, MaxBuckets = 2, ContinuationToken = token });
            seen.AddRange(page.Buckets.Select(b => b.BucketName));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.That(seen, Is.EqualTo(names));
        Assert.That(pages, Is.EqualTo(3));
    }

    [TestCase("ab")]
    [TestCase("Upper-Case")]
    [TestCase("under_score")]
    [TestCase("192.168.5.4")]
    [TestCase("-dash-first")]
    [TestCase("double..dot")]
    [TestCase("xn--punycode")]
    [TestCase("foo.-bar")]
    [TestCase("foo-.bar")]
    public async Task Invalid_bucket_names_are_refused(string name)
    {
        using var http = Gw.Http();
        // Raw signed request: the SDK refuses some of these names before sending.
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey, "us-east-1");
        using var response = await raw.SendAsync(HttpMethod.Put, "/" + name, body: null);
        var error = await S3Error.ReadAsync(response);
        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(error.Code, Is.EqualTo("InvalidBucketName"));
    }

    [Test]
    public async Task In_us_east_1_the_owner_recreating_a_bucket_gets_200_and_keeps_its_contents_others_are_refused()
    {
        using var s3 = Gw.Client();
        using var other = Gw.Client(GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        var name = Names.Bucket();
        await s3.PutBucketAsync(name);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "kept", ContentBody = "still here" });
        var again = await s3.PutBucketAsync(name);
        Assert.That(again.HttpStatusCode, Is.EqualTo(HttpStatusCode.OK), "S3's legacy us-east-1 rule");
        using var kept = await s3.GetObjectAsync(name, "kept");
        Assert.That(await new StreamReader(kept.ResponseStream).ReadToEndAsync(), Is.EqualTo("still here"));
        var theirs = Assert.CatchAsync<AmazonS3Exception>(() => other.PutBucketAsync(name));
        Assert.That(theirs!.ErrorCode, Is.EqualTo("BucketAlreadyExists"));
    }

    [Test]
    public async Task In_other_regions_the_owner_recreating_a_bucket_is_BucketAlreadyOwnedByYou()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Region = "eu-west-1");
        using var s3 = gw.Client(configure: c => c.AuthenticationRegion = "eu-west-1");
        var name = Names.Bucket();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = name, BucketRegionName = "eu-west-1" });
        var mine = Assert.CatchAsync<AmazonS3Exception>(() => s3.PutBucketAsync(new PutBucketRequest { BucketName = name, BucketRegionName = "eu-west-1" }));
        Assert.That(mine!.ErrorCode, Is.EqualTo("BucketAlreadyOwnedByYou"));
        Assert.That(mine.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Accounts_cannot_see_or_touch_each_others_buckets()
    {
        using var s3 = Gw.Client();
        using var other = Gw.Client(GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        var name = Names.Bucket();
        await s3.PutBucketAsync(name);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "k", ContentBody = "secret" });
        var list = await other.ListBucketsAsync(new ListBucketsRequest { Prefix = name });
        Assert.That(list.Buckets ?? [], Is.Empty);
        var get = Assert.CatchAsync<AmazonS3Exception>(() => other.GetObjectAsync(name, "k"));
        Assert.That(get!.ErrorCode, Is.EqualTo("AccessDenied"));
        var del = Assert.CatchAsync<AmazonS3Exception>(() => other.DeleteBucketAsync(name));
        Assert.That(del!.ErrorCode, Is.EqualTo("AccessDenied"));
    }

    [Test]
    public async Task Delete_of_a_non_empty_bucket_is_BucketNotEmpty()
    {
        using var s3 = Gw.Client();
        var name = Names.Bucket();
        await s3.PutBucketAsync(name);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "x", ContentBody = "x" });
        var ex = Assert.CatchAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(name));
        Assert.That(ex!.ErrorCode, Is.EqualTo("BucketNotEmpty"));
        Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        await s3.DeleteObjectAsync(name, "x");
        await s3.DeleteBucketAsync(name);
    }

    [Test]
    public async Task Missing_bucket_is_NoSuchBucket_with_the_bucket_name()
    {
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey, "us-east-1");
        using var response = await raw.SendAsync(HttpMethod.Get, "/no-such-bucket-here?list-type=2", body: null);
        var error = await S3Error.ReadAsync(response);
        Assert.That((int)response.StatusCode, Is.EqualTo(404));
        Assert.That(error.Code, Is.EqualTo("NoSuchBucket"));
        Assert.That(error.Element("BucketName"), Is.EqualTo("no-such-bucket-here"));
        Assert.That(error.Element("Resource"), Is.EqualTo("/no-such-bucket-here"));
        Assert.That(error.Element("RequestId"), Is.EqualTo(response.Headers.GetValues("x-amz-request-id").Single()));
    }

    [Test]
    public async Task Location_versioning_and_acl()
    {
        using var s3 = Gw.Client();
        var name = Names.Bucket();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = name, CannedACL = S3CannedACL.Private });
        var location = await s3.GetBucketLocationAsync(name);
        Assert.That(location.Location?.Value ?? "", Is.EqualTo(""));
        var versioning = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = name });
        Assert.That(versioning.VersioningConfig.Status?.Value ?? "Off", Is.EqualTo("Off"));
        var acl = await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = name });
        Assert.That(acl.Grants, Has.Count.EqualTo(1));
        Assert.That(acl.Grants[0].Permission.Value, Is.EqualTo("FULL_CONTROL"));
        Assert.That(acl.Grants[0].Grantee.DisplayName, Is.EqualTo("test"));
        await s3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = name, ACL = S3CannedACL.PublicRead });
        var publicRead = await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = name });
        Assert.That(publicRead.Grants.Select(g => (g.Grantee.URI, g.Grantee.DisplayName, g.Permission.Value)), Is.EqualTo(new[]
        {
            ("http://acs.amazonaws.com/groups/global/AllUsers", (string?)null, "READ"), (null, "test", "FULL_CONTROL"),
        }));
    }

    [Test]
    public async Task List_object_versions_of_an_unversioned_bucket_shows_each_object_once()
    {
        using var s3 = Gw.Client();
        var name = Names.Bucket();
        await s3.PutBucketAsync(name);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "a", ContentBody = "1" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "b", ContentBody = "22" });
        var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = name });
        Assert.That(versions.Versions.Select(v => (v.Key, v.VersionId, v.IsLatest, v.Size)),
            Is.EqualTo(new[] { ("a", "null", (bool?)true, (long?)1), ("b", "null", (bool?)true, (long?)2) }));
    }

    [Test]
    public async Task Unimplemented_bucket_features_are_501_NotImplemented_xml()
    {
        using var s3 = Gw.Client();
        var name = Names.Bucket();
        await s3.PutBucketAsync(name);
        var ex = Assert.CatchAsync<AmazonS3Exception>(() => s3.GetBucketWebsiteAsync(new GetBucketWebsiteRequest { BucketName = name }));
        Assert.That(ex!.ErrorCode, Is.EqualTo("NotImplemented"));
        Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.NotImplemented));
    }
}
