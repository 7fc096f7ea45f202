using System.Net;
using Gateway.Auth;
using Gateway.Tests.Auth;
using GatewayCtl;

namespace Gateway.Tests.GatewayCtl;

/// <summary>What the tool sends: method, path, query, signature; and how it treats bad arguments and failures.</summary>
[TestFixture]
public sealed class CliRequestTests
{
    private const string TestScope = "Credential=test/20261121/us-east-1/s3/aws4_request,";

    private static string Target(HttpRequestMessage request) => request.RequestUri!.PathAndQuery;

    private static string Authorization(HttpRequestMessage request) => request.Headers.TryGetValues("Authorization", out var values) ? values.Single() : "";

    /// <summary>The gateway's own verifier must accept what the tool's independent signer produced.</summary>
    private static void AssertGatewayAccepts(HttpRequestMessage request)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Host", request.Headers.Host!) };
        headers.AddRange(request.Headers.Where(h => h.Key != "Host").Select(h => new KeyValuePair<string, string>(h.Key, string.Join(",", h.Value))));
        var result = TestSigning.Verifier(CliRun.Now).Verify(new AuthRequest(request.Method.Method, Target(request), headers));
        Assert.That(result.AccessKey, Is.EqualTo("test"));
    }

    [TestCase(new[] { "usage" }, "GET", "/_gateway/usage")]
    [TestCase(new[] { "usage", "--bucket", "b", "--account", "test", "--period", "2026-11" }, "GET", "/_gateway/usage?account=test&bucket=b&period=2026-11")]
    [TestCase(new[] { "uploads", "--older-than", "7d", "--sort", "bytes", "--limit", "50" }, "GET", "/_gateway/uploads?limit=50&olderThanSeconds=604800&sort=bytes")]
    [TestCase(new[] { "uploads", "--bucket=b", "--older-than=36h" }, "GET", "/_gateway/uploads?bucket=b&olderThanSeconds=129600")]
    [TestCase(new[] { "abort-stale", "--older-than", "7d" }, "POST", "/_gateway/uploads/abort?dryRun=false&olderThanSeconds=604800")]
    [TestCase(new[] { "abort-stale", "--older-than", "90s", "--bucket", "b", "--dry-run" }, "POST", "/_gateway/uploads/abort?bucket=b&dryRun=true&olderThanSeconds=90")]
    [TestCase(new[] { "clock" }, "GET", "/_gateway/clock")]
    [TestCase(new[] { "clock", "advance", "--days", "8" }, "POST", "/_gateway/clock/advance?seconds=691200")]
    [TestCase(new[] { "clock", "advance", "--hours", "36" }, "POST", "/_gateway/clock/advance?seconds=129600")]
    [TestCase(new[] { "clock", "advance", "--seconds", "61" }, "POST", "/_gateway/clock/advance?seconds=61")]
    [TestCase(new[] { "metrics" }, "GET", "/_gateway/metrics")]
    [TestCase(new[] { "access", "--bucket", "b", "--action", "s3:GetObject", "--key", "k", "--principal", "anonymous", "--source-ip", "10.0.0.1", "--secure" }, "GET",
        "/_gateway/access?action=s3%3AGetObject&bucket=b&key=k&principal=anonymous&secure=true&sourceIp=10.0.0.1")]
    [TestCase(new[] { "--json", "--region", "us-east-1", "clock" }, "GET", "/_gateway/clock")]
    public async Task SendsOneSignedRequest(string[] args, string method, string target)
    {
        var handler = new FakeAdminHandler().Respond(args.Contains("metrics") ? AdminSamples.Metrics : "{}");
        var run = await CliRun.Of(handler, args);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        var request = handler.Requests.Single();
        Assert.That(request.Method.Method, Is.EqualTo(method));
        Assert.That(request.RequestUri!.GetLeftPart(UriPartial.Authority), Is.EqualTo("http://localhost:9000"));
        Assert.That(Target(request), Is.EqualTo(target));
        Assert.That(request.Content?.Headers.ContentLength ?? 0, Is.EqualTo(0));
        Assert.That(Authorization(request), Does.StartWith("AWS4-HMAC-SHA256 " + TestScope + "SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature="));
        Assert.That(request.Headers.GetValues("x-amz-date").Single(), Is.EqualTo("20261121T130000Z"));
        Assert.That(request.Headers.GetValues("x-amz-content-sha256").Single(), Is.EqualTo(SigV4Signer.EmptySha256));
        AssertGatewayAccepts(request);
    }

    [Test]
    public async Task QueryValuesAreEncodedTheSameOnTheWireAndInTheSignature()
    {
        var handler = new FakeAdminHandler().Respond(AdminSamples.Uploads);
        var run = await CliRun.Of(handler, "uploads", "--account", "a+b c/é", "--bucket", "b");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        Assert.That(Target(handler.Requests[0]), Is.EqualTo("/_gateway/uploads?account=a%2Bb%20c%2F%C3%A9&bucket=b"));
        AssertGatewayAccepts(handler.Requests[0]);
    }

    [Test]
    public async Task EnvironmentSuppliesEndpointAndCredentialsAndOptionsOverrideIt()
    {
        var env = new Dictionary<string, string>
        {
            ["GATEWAY_ENDPOINT"] = "http://gw.example:8080",
            ["AWS_ACCESS_KEY_ID"] = "AKENV",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
            ["AWS_DEFAULT_REGION"] = "eu-west-1",
        };
        var handler = new FakeAdminHandler().Respond(AdminSamples.Clock).Respond(AdminSamples.Clock);

        var fromEnv = await CliRun.Of(handler, env.GetValueOrDefault, "clock");
        var overridden = await CliRun.Of(handler, env.GetValueOrDefault, "clock", "--endpoint", "https://admin.example/gw/", "--access-key", "AKOPT", "--region", "us-west-2");

        Assert.That(fromEnv.ExitCode + overridden.ExitCode, Is.EqualTo(0));
        Assert.That(handler.Requests[0].RequestUri!.ToString(), Is.EqualTo("http://gw.example:8080/_gateway/clock"));
        Assert.That(handler.Requests[0].Headers.Host, Is.EqualTo("gw.example:8080"));
        Assert.That(Authorization(handler.Requests[0]), Does.Contain("Credential=AKENV/20261121/eu-west-1/s3/aws4_request,"));
        Assert.That(handler.Requests[1].RequestUri!.ToString(), Is.EqualTo("https://admin.example/gw/_gateway/clock"));
        Assert.That(handler.Requests[1].Headers.Host, Is.EqualTo("admin.example"));
        Assert.That(Authorization(handler.Requests[1]), Does.Contain("Credential=AKOPT/20261121/us-west-2/s3/aws4_request,"));
    }

    [TestCase]
    [TestCase("frobnicate")]
    [TestCase("clock", "rewind")]
    [TestCase("usage", "--period", "2026-13")]
    [TestCase("usage", "--period", "26-11")]
    [TestCase("usage", "--older-than", "7d")]
    [TestCase("usage", "--bucket")]
    [TestCase("usage", "--bucket", "a", "--bucket", "b")]
    [TestCase("usage", "--json=true")]
    [TestCase("uploads", "--sort", "size")]
    [TestCase("uploads", "--limit", "0")]
    [TestCase("uploads", "--limit", "ten")]
    [TestCase("uploads", "--older-than", "soon")]
    [TestCase("uploads", "--dry-run")]
    [TestCase("abort-stale")]
    [TestCase("abort-stale", "--older-than", "0")]
    [TestCase("abort-stale", "--all", "--older-than", "7d")]
    [TestCase("clock", "--days", "8")]
    [TestCase("clock", "advance")]
    [TestCase("clock", "advance", "--days", "8", "--hours", "1")]
    [TestCase("clock", "advance", "--hours", "0")]
    [TestCase("clock", "advance", "--hours", "1.5")]
    [TestCase("clock", "advance", "--seconds", "-5")]
    [TestCase("metrics", "--endpoint", "ftp://localhost:9000")]
    [TestCase("metrics", "--endpoint", "localhost:9000")]
    public async Task BadArgumentsPrintUsageAndExit64(params string[] args)
    {
        var handler = new FakeAdminHandler();
        var run = await CliRun.Of(handler, args);

        Assert.That(run.ExitCode, Is.EqualTo(64));
        Assert.That(run.Stderr, Does.StartWith("gatewayctl: "));
        Assert.That(run.Stderr, Does.Contain("usage: gatewayctl [global options] <command>"));
        Assert.That(run.Stdout, Is.Empty);
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task AbortStaleWithoutOlderThanSaysSo()
    {
        var run = await CliRun.Of(new FakeAdminHandler(), "abort-stale", "--bucket", "b");
        Assert.That(run.Stderr, Does.StartWith("gatewayctl: --older-than is required (e.g. --older-than 7d)\n"));
    }

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("help")]
    [TestCase("uploads", "--help")]
    public async Task HelpGoesToStdoutAndExits0(params string[] args)
    {
        var run = await CliRun.Of(new FakeAdminHandler(), args);
        Assert.That(run.ExitCode, Is.EqualTo(0));
        Assert.That(run.Stdout, Does.StartWith("gatewayctl: admin client"));
        Assert.That(run.Stdout, Does.Contain("clock advance --seconds N | --hours N | --days N"));
        Assert.That(run.Stderr, Is.Empty);
    }

    [Test]
    public async Task ErrorDocumentBecomesCodeAndMessageWithExit1()
    {
        var handler = new FakeAdminHandler().Respond("""{"error":"Conflict","message":"the clock is not virtual (Gateway:Clock=system)"}""", HttpStatusCode.Conflict);
        var run = await CliRun.Of(handler, "clock", "advance", "--days", "8");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Stderr, Is.EqualTo("gatewayctl: Conflict: the clock is not virtual (Gateway:Clock=system)\n"));
        Assert.That(run.Stdout, Is.Empty);
    }

    [Test]
    public async Task ErrorDocumentWinsOverJsonOutput()
    {
        var handler = new FakeAdminHandler().Respond("""{"error":"AccessDenied","message":"Access Denied"}""", HttpStatusCode.Forbidden);
        var run = await CliRun.Of(handler, "--json", "usage");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Stderr, Is.EqualTo("gatewayctl: AccessDenied: Access Denied\n"));
        Assert.That(run.Stdout, Is.Empty);
    }

    [TestCase("<html>bad gateway</html>", "gatewayctl: HTTP 502: <html>bad gateway</html>\n")]
    [TestCase("", "gatewayctl: HTTP 502: Bad Gateway\n")]
    public async Task NonJsonErrorShowsTheStatus(string body, string expected)
    {
        var handler = new FakeAdminHandler().Respond(body, HttpStatusCode.BadGateway, "text/html");
        var run = await CliRun.Of(handler, "usage");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Stderr, Is.EqualTo(expected));
    }

    [Test]
    public async Task MalformedSuccessBodyExits1()
    {
        var run = await CliRun.Of(new FakeAdminHandler().Respond("not json"), "clock");
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Stderr, Does.StartWith("gatewayctl: InvalidResponse: unexpected response from the server"));
    }

    [Test]
    public async Task ConnectionFailureExits2()
    {
        var handler = new FakeAdminHandler().Fail(new HttpRequestException("Connection refused (localhost:9000)"));
        var run = await CliRun.Of(handler, "clock");

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Stderr, Is.EqualTo("gatewayctl: cannot reach http://localhost:9000/: Connection refused (localhost:9000)\n"));
    }

    [Test]
    public async Task ConnectionFailureAgainstARealClosedPortExits2()
    {
        // Port 1 on loopback: nothing listens there, so the connect is refused at once.
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await Cli.RunAsync(["--endpoint", "http://127.0.0.1:1", "clock"], stdout, stderr);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr.ToString(), Does.StartWith("gatewayctl: cannot reach http://127.0.0.1:1/: "));
    }
}
