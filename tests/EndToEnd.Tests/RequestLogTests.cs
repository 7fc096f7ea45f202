using System.Net;
using Gateway.Contract;

namespace EndToEnd.Tests;

/// <summary>
/// The request log (GET /_gateway/requests, gatewayctl requests): the last requests of every front end in a bounded
/// ring in memory, each with what it was and how it ended, scoped to the caller's account, and never a secret.
/// </summary>
public sealed class RequestLogTests
{
    private static async Task<RequestLogPage> Page(GatewayInstance gw, params string[] args)
    {
        var (code, stdout, stderr) = await gw.CtlAsync(["requests", "--json", .. args]);
        Assert.That(code, Is.EqualTo(0), stderr);
        return System.Text.Json.JsonSerializer.Deserialize(stdout, AdminJson.Default.RequestLogPage)!;
    }

    [Test]
    public async Task Each_request_is_logged_with_what_it_was_and_how_it_ended_newest_first()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        await s3.PutBucketAsync("logged");
        await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = "logged", Key = "a.txt", ContentBody = "hello" });
        var missing = Assert.CatchAsync<AmazonS3Exception>(() => s3.GetObjectAsync("logged", "nothing"));
        Assert.That(missing!.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var page = await Page(gw, "--bucket", "logged");

        Assert.That(page.Capacity, Is.EqualTo(2000));
        Assert.That(page.Requests.Select(e => (e.Operation, e.Status, e.ErrorCode)), Is.EqualTo(new[]
        {
            ("GetObject", 404, (string?)"NoSuchKey"),
            ("PutObject", 200, null),
            ("CreateBucket", 200, null),
        }));
        var get = page.Requests[0];
        Assert.That((get.FrontEnd, get.Method, get.Account, get.Bucket, get.Key), Is.EqualTo(("s3", "GET", (string?)"test", (string?)"logged", (string?)"nothing")));
        Assert.That(get.BytesOut, Is.GreaterThan(0), "the error document");
        Assert.That(get.RequestId, Is.Not.Empty);
        Assert.That(page.Requests[1].BytesIn, Is.GreaterThanOrEqualTo(5), "the body as it came on the wire");
        Assert.That(page.Requests.Select(e => e.Sequence), Is.Ordered.Descending);

        using var http = gw.Http();
        Assert.That((await http.GetAsync(new Uri("/_gateway/health", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Page(gw, "--front-end", "admin", "--limit", "1000")).Requests.Select(e => e.Operation), Has.Member("Requests").And.None.EqualTo("Health"),
            "health probes are left out: a container's would fill the ring");

        var table = await gw.CtlAsync("requests", "--errors");
        Assert.That(table.Code, Is.EqualTo(0), table.Stderr);
        Assert.That(table.Stdout, Does.StartWith("TIME").And.Contain("NoSuchKey").And.Not.Contain("PutObject"));
    }

    [Test]
    public async Task An_account_sees_only_its_own_requests_and_an_admin_sees_a_refused_signature()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        using var other = gw.Client(GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        using var forged = gw.Client(GatewayInstance.OtherAccessKey, "not-the-secret");
        await s3.PutBucketAsync("mine");
        await other.ListBucketsAsync();
        var refused = Assert.CatchAsync<AmazonS3Exception>(() => forged.ListBucketsAsync());
        Assert.That(refused!.ErrorCode, Is.EqualTo("SignatureDoesNotMatch"));

        var theirs = await Page(gw, "--access-key", GatewayInstance.OtherAccessKey, "--secret-key", GatewayInstance.OtherSecretKey, "--front-end", "s3");
        Assert.That(theirs.Requests.Select(e => (e.Operation, e.Account)), Is.EqualTo(new[] { ("ListBuckets", (string?)GatewayInstance.OtherAccessKey) }));

        var denied = await gw.CtlAsync("--access-key", GatewayInstance.OtherAccessKey, "--secret-key", GatewayInstance.OtherSecretKey, "requests", "--account", GatewayInstance.AccessKey);
        Assert.That(denied.Code, Is.EqualTo(1));
        Assert.That(denied.Stderr, Does.Contain("AccessDenied"));

        var all = await Page(gw, "--front-end", "s3", "--status", "403");
        Assert.That(all.Requests.Select(e => (e.Operation, e.ErrorCode, e.Account)), Is.EqualTo(new[] { ("ListBuckets", (string?)"SignatureDoesNotMatch", (string?)null) }),
            "a refused signature proves no account: only an admin sees it");
        var why = all.Requests[0].RefusedSignature!;
        Assert.That((why.AccessKeyId, why.SignedHeaders), Is.EqualTo((GatewayInstance.OtherAccessKey, why.SignedHeaders)));
        Assert.That(why.SignedHeaders, Does.StartWith("host;"));
        Assert.That(why.CanonicalRequest, Does.StartWith("GET\n/\n"));
        Assert.That(why.StringToSign, Does.StartWith("AWS4-HMAC-SHA256\n"));
    }

    [Test]
    public async Task The_ring_keeps_the_newest_pages_back_through_them_and_never_holds_a_signature()
    {
        await using var gw = await GatewayInstance.StartAsync(args: ["--Gateway:RequestLogSize=6"]);
        using var s3 = gw.Client();
        await s3.PutBucketAsync("ring");
        for (var i = 0; i < 5; i++)
        {
            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = "ring", Key = $"k{i}", ContentBody = "x" });
        }

        var url = await s3.GetPreSignedURLAsync(new Amazon.S3.Model.GetPreSignedUrlRequest
        {
            BucketName = "ring",
            Key = "k4",
            Verb = Amazon.S3.HttpVerb.GET,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = Amazon.S3.Protocol.HTTP,
        });
        using var http = new HttpClient();
        Assert.That(await http.GetStringAsync(url), Is.EqualTo("x"));
        var signature = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["X-Amz-Signature"]!;

        // Seven S3 requests into a ring of six: CreateBucket is gone.
        var first = await Page(gw, "--bucket", "ring", "--limit", "3");
        Assert.That(first.Capacity, Is.EqualTo(6));
        Assert.That(first.Requests.Select(e => (e.Operation, e.Key)), Is.EqualTo(new[] { ("GetObject", (string?)"k4"), ("PutObject", "k4"), ("PutObject", "k3") }));
        Assert.That(first.NextBefore, Is.EqualTo(first.Requests[^1].Sequence));

        // The call above is a request too: it pushed k0 out before the older page was asked for.
        var second = await Page(gw, "--bucket", "ring", "--limit", "3", "--before", first.NextBefore!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(second.Requests.Select(e => e.Key), Is.EqualTo(new[] { "k2", "k1" }));
        Assert.That(second.NextBefore, Is.Null);

        var raw = await gw.CtlAsync("requests", "--json", "--limit", "1000");
        var all = System.Text.Json.JsonSerializer.Deserialize(raw.Stdout, AdminJson.Default.RequestLogPage)!;
        Assert.That(all.Requests, Has.Count.EqualTo(6));
        Assert.That(raw.Stdout, Does.Not.Contain(signature).And.Not.Contain("X-Amz-").And.Not.Contain("Credential"),
            "the presigned GET is logged by what it did, not by its URL");
    }
}
