using System.Diagnostics;
using System.Net;

namespace EndToEnd.Tests.WebConsole;

/// <summary>
/// The console's guard rails over real HTTP: nothing without a session, no change without the anti-forgery token,
/// refused keys answered slowly and plainly, one account kept out of another's buckets, and a switch that turns it off.
/// </summary>
public sealed class ConsoleSecurityTests
{
    private static readonly string[] Pages =
        ["/", "/buckets", "/buckets/b1", "/buckets/b1/object?key=k", "/buckets/b1/download?key=k", "/uploads", "/uploads/some-id", "/usage", "/clock", "/requests", "/faults"];

    private static readonly string[] Changes =
        ["/sign-out", "/buckets", "/buckets/b1/delete", "/buckets/b1/delete-object", "/buckets/b1/upload", "/uploads/abort", "/clock/advance", "/faults",
            "/faults/clear", "/faults/f1/remove"];

    [Test]
    public async Task Every_page_redirects_to_sign_in_and_every_call_and_change_is_401_without_a_session()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var c = new ConsoleClient(gw);
        foreach (var page in Pages)
        {
            var (r, _) = await c.GetAsync(page);
            Assert.That((r.StatusCode, r.Headers.Location?.ToString()), Is.EqualTo((HttpStatusCode.SeeOther, "/_gateway/console/sign-in")), page);
        }

        Assert.That((await c.GetAsync("/api/usage")).Response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        foreach (var change in Changes)
        {
            Assert.That((await c.PostAsync(change, ("csrf", "x"))).Response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), change);
        }

        var (signIn, form) = await c.GetAsync("/sign-in");
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(form, Does.Contain("name=\"accessKey\"").And.Contain("name=\"secretKey\""));
        Assert.That((await c.GetAsync("/console.css")).Response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Wrong_keys_are_refused_with_a_message_after_a_delay_and_good_ones_get_a_strict_HttpOnly_cookie()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var c = new ConsoleClient(gw);
        var clock = Stopwatch.StartNew();
        var (refused, page) = await c.PostAsync("/sign-in", ("accessKey", GatewayInstance.AccessKey), ("secretKey", "wrong"));
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)), "a refusal waits");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(page, Does.Contain("were not accepted").And.Not.Contain("Exception").And.Not.Contain(" at "));
        Assert.That((await c.PostAsync("/sign-in", ("accessKey", "nobody"), ("secretKey", "x"))).Response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        var (ok, _) = await c.PostAsync("/sign-in", ("accessKey", GatewayInstance.AccessKey), ("secretKey", GatewayInstance.SecretKey));
        Assert.That((ok.StatusCode, ok.Headers.Location?.ToString()), Is.EqualTo((HttpStatusCode.SeeOther, "/_gateway/console/buckets")));
        var cookie = ok.Headers.GetValues("Set-Cookie").Single();
        Assert.That(cookie, Does.Contain("httponly").IgnoreCase.And.Contain("samesite=strict").IgnoreCase.And.Contain("path=/_gateway/console").And.Contain("max-age="));
        Assert.That((await c.GetAsync("/buckets")).Response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // Sign-out ends the session on the server: the old cookie is worth nothing after it.
        var jar = c.Cookies.GetCookies(gw.BaseAddress);
        var (signedOut, _) = await c.PostAsync("/sign-out", ("csrf", c.AntiForgery!));
        Assert.That(signedOut.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        using var replay = new ConsoleClient(gw);
        foreach (Cookie old in jar)
        {
            replay.Cookies.Add(gw.BaseAddress, new Cookie(old.Name, old.Value, "/_gateway/console"));
        }

        Assert.That((await replay.GetAsync("/buckets")).Response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
    }

    [Test]
    public async Task A_change_without_the_anti_forgery_token_is_refused_and_changes_nothing()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        await s3.PutBucketAsync("keep-me");
        using var c = new ConsoleClient(gw);
        await c.SignInAsync(GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        Assert.That((await c.PostAsync("/buckets/keep-me/delete")).Response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await c.PostAsync("/buckets/keep-me/delete", ("csrf", "forged"))).Response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await c.PostAsync("/buckets", ("name", "made-by-forgery"))).Response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var names = (await s3.ListBucketsAsync()).Buckets.Select(b => b.BucketName).ToList();
        Assert.That(names, Does.Contain("keep-me").And.Not.Contain("made-by-forgery"));
        Assert.That((await c.PostAsync("/buckets/keep-me/delete", ("csrf", c.AntiForgery!))).Response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That((await s3.ListBucketsAsync()).Buckets ?? [], Is.Empty);
    }

    [Test]
    public async Task One_account_can_neither_see_nor_act_on_anothers_buckets()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var owner = gw.Client();
        await owner.PutBucketAsync("private-data");
        await owner.PutObjectAsync(new PutObjectRequest { BucketName = "private-data", Key = "secret.txt", ContentBody = "s" });
        var upload = await owner.InitiateMultipartUploadAsync("private-data", "big.bin");

        using var other = new ConsoleClient(gw);
        await other.SignInAsync(GatewayInstance.OtherAccessKey, GatewayInstance.OtherSecretKey);
        Assert.That((await other.GetAsync("/buckets")).Body, Does.Not.Contain("private-data"));
        Assert.That((await other.GetAsync("/uploads")).Body, Does.Not.Contain(upload.UploadId));
        foreach (var page in new[] { "/buckets/private-data", "/buckets/private-data/object?key=secret.txt", "/buckets/private-data/download?key=secret.txt",
                     "/uploads/" + upload.UploadId })
        {
            var (r, body) = await other.GetAsync(page);
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), page);
            Assert.That(body, Does.Not.Contain("secret.txt").And.Not.Contain("big.bin"), page);
        }

        Assert.That((await other.PostAsync("/uploads/abort", ("csrf", other.AntiForgery!), ("only", upload.UploadId))).Response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.PostAsync("/buckets/private-data/delete-object", ("csrf", other.AntiForgery!), ("key", "secret.txt"))).Response.StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.PostAsync("/clock/advance", ("csrf", other.AntiForgery!), ("amount", "1"), ("unit", "days"))).Response.StatusCode,
            Is.Not.EqualTo(HttpStatusCode.OK));
        Assert.That((await other.GetAsync("/faults")).Response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "fault rules are an admin's");
        Assert.That((await other.PostAsync("/faults", ("csrf", other.AntiForgery!), ("type", "reset"))).Response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var uploads = await owner.ListMultipartUploadsAsync("private-data");
        Assert.That(uploads.MultipartUploads.Select(u => u.UploadId), Is.EqualTo(new[] { upload.UploadId }), "the other account aborted nothing");
        Assert.That((await owner.GetObjectMetadataAsync("private-data", "secret.txt")).ContentLength, Is.EqualTo(1));
    }

    [Test]
    public async Task Turned_off_the_console_is_404_everywhere()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Console.Enabled = false);
        using var c = new ConsoleClient(gw);
        Assert.That((await c.GetAsync("/sign-in")).Response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await c.PostAsync("/sign-in", ("accessKey", GatewayInstance.AccessKey), ("secretKey", GatewayInstance.SecretKey))).Response.StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await c.GetAsync("/buckets")).Response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
