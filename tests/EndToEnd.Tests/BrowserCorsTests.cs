using Microsoft.Playwright;

namespace EndToEnd.Tests;

/// <summary>
/// A real browser (headless Chromium, driven by Playwright) against a bucket's CORS rules: a page on an allowed
/// origin uploads a part through a presigned URL, which needs a preflight, and reads the part's ETag; a page on
/// another origin is stopped by the browser at the preflight and sends nothing.
/// </summary>
public sealed class BrowserCorsTests
{

    /// <summary>The browser is Debian's chromium (tools/test.sh installs it), started without its sandbox, which needs privileges a CI container lacks.</summary>
    private static async Task<IBrowser> Chromium(IPlaywright playwright)
    {
        var executable = Processes.Which("chromium");
        Assert.That(executable, Is.Not.Null, "chromium is required: run tools/test.sh, which installs it");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>
    /// An app's page, served from loopback by a server of its own, as a dev stack's front end is: Chromium lets a
    /// page reach a loopback address only from one (Local Network Access), and its origin is not the gateway's.
    /// </summary>
    private sealed class AppServer : IDisposable
    {
        private readonly System.Net.HttpListener _listener = new();

        public AppServer()
        {
            var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            probe.Start();
            Port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            // One server, two origins: the same port by IP and by name.
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Prefixes.Add($"http://localhost:{Port}/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    try
                    {
                        var context = await _listener.GetContextAsync();
                        var html = "<!doctype html><title>app</title>"u8.ToArray();
                        context.Response.ContentType = "text/html";
                        await context.Response.OutputStream.WriteAsync(html);
                        context.Response.Close();
                    }
                    catch (Exception e) when (e is System.Net.HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }

        public int Port { get; }

        public void Dispose() => _listener.Close();
    }

    private static async Task<IPage> PageOn(IBrowser browser, string origin)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(origin + "/");
        return page;
    }

    private const string PutPart = """
        async ([url]) => {
          const body = new Uint8Array(5 * 1024 * 1024).fill(65);
          try {
            const r = await fetch(url, { method: 'PUT', body, headers: { 'Content-Type': 'application/octet-stream' } });
            return r.ok ? 'etag:' + r.headers.get('ETag') : 'status:' + r.status;
          } catch (e) {
            return 'blocked:' + e.name;
          }
        }
        """;

    [Test]
    public async Task A_page_on_an_allowed_origin_uploads_a_part_and_reads_its_etag_and_another_origin_is_stopped()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        var bucket = Names.Bucket("browser");
        await s3.PutBucketAsync(bucket);
        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration
            {
                Rules = [new CORSRule { AllowedOrigins = ["http://127.0.0.1:*"], AllowedMethods = ["PUT", "GET"], AllowedHeaders = ["content-type"], ExposeHeaders = ["ETag"], MaxAgeSeconds = 60 }],
            },
        });
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "from-browser");
        string Url(int part) => s3.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = "from-browser",
            Verb = HttpVerb.PUT,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Protocol = Protocol.HTTP,
            UploadId = upload.UploadId,
            PartNumber = part,
        });

        using var server = new AppServer();
        var appOrigin = $"http://127.0.0.1:{server.Port}";
        var otherOrigin = $"http://localhost:{server.Port}";
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium(playwright);
        var app = await PageOn(browser, appOrigin);
        var allowed = await app.EvaluateAsync<string>(PutPart, new[] { Url(1) });
        Assert.That(allowed, Does.StartWith("etag:\""), "the preflight passed, the part was stored and the exposed ETag is readable");
        var other = await PageOn(browser, otherOrigin);
        var blocked = await other.EvaluateAsync<string>(PutPart, new[] { Url(2) });
        Assert.That(blocked, Is.EqualTo("blocked:TypeError"), "the browser refuses the request the preflight did not allow");

        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "from-browser", UploadId = upload.UploadId });
        Assert.That(parts.Parts.Select(p => (p.PartNumber, p.Size)), Is.EqualTo(new[] { ((int?)1, (long?)(5 * 1024 * 1024)) }), "the other origin's part was never sent");
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "from-browser",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, allowed["etag:".Length..])],
        });
        Assert.That((await s3.GetObjectMetadataAsync(bucket, "from-browser")).ContentLength, Is.EqualTo(5 * 1024 * 1024));
    }
}
