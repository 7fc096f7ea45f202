using System.Globalization;
using Microsoft.Playwright;

namespace EndToEnd.Tests.WebConsole;

/// <summary>
/// The console as a person uses it: a real Chromium at 1280x800 (and a narrow window), against the real server, with
/// buckets and uploads made by AWSSDK.S3. With S3GW_SCREENSHOTS=1 the pages' screenshots are written to docs/console/
/// (the README shows them); otherwise they go to a temp folder, so every run still renders and captures each page.
/// </summary>
[NonParallelizable]
public sealed class ConsoleBrowserTests
{
    private static async Task<IBrowser> Chromium(IPlaywright playwright)
    {
        var executable = Processes.Which("chromium");
        Assert.That(executable, Is.Not.Null, "chromium is required: run tools/test.sh, which installs it");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true, Args = ["--no-sandbox"] });
    }

    private static string ShotFolder()
    {
        var dir = Environment.GetEnvironmentVariable("S3GW_SCREENSHOTS") == "1"
            ? Path.Combine(ReadmeWalkthroughs.RepositoryRoot, "docs", "console")
            : TempDir.Create("console-shots");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static double[] ChartValues(string values) =>
        [.. values.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];

    [Test]
    public async Task A_person_signs_in_browses_uploads_downloads_reads_a_part_map_aborts_watches_cost_rise_and_sees_why_a_signature_failed()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Clock = "virtual");
        using var s3 = gw.Client();
        await s3.PutBucketAsync("photos");
        var beach = ObjectTests.RandomBytes(20 * 1024 * 1024, 7);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "photos", Key = "2026/12/beach.jpg", InputStream = new MemoryStream(beach) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "photos", Key = "readme.txt", ContentBody = "hello" });
        var upload = await s3.InitiateMultipartUploadAsync("photos", "videos/holiday.mp4");
        foreach (var n in new[] { 1, 2, 4 })
        {
            await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = "photos",
                Key = "videos/holiday.mp4",
                UploadId = upload.UploadId,
                PartNumber = n,
                InputStream = new MemoryStream(ObjectTests.RandomBytes(n == 4 ? 4096 : 1024 * 1024, n)),
            });
        }

        using (var wrong = gw.Client(secretKey: "not-the-secret"))
        {
            var e = Assert.ThrowsAsync<AmazonS3Exception>(() => wrong.GetObjectMetadataAsync("photos", "readme.txt"))!;
            Assert.That(e.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Forbidden));
        }

        var shots = ShotFolder();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        var console = gw.Endpoint + "/_gateway/console";

        // Sign in: the console's root sends a browser without a session to the form.
        await page.GotoAsync(console + "/");
        Assert.That(page.Url, Does.EndWith("/_gateway/console/sign-in"));
        await page.FillAsync("input[name=accessKey]", GatewayInstance.AccessKey);
        await page.FillAsync("input[name=secretKey]", "wrong");
        await page.ClickAsync("button[type=submit]");
        Assert.That(await page.TextContentAsync("[role=alert]"), Does.Contain("not accepted"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "sign-in.png") });
        await page.FillAsync("input[name=accessKey]", GatewayInstance.AccessKey);
        await page.FillAsync("input[name=secretKey]", GatewayInstance.SecretKey);
        await page.ClickAsync("button[type=submit]");
        Assert.That(page.Url, Does.EndWith("/_gateway/console/buckets"));

        // The bucket AWSSDK.S3 made, with its figures.
        var row = page.Locator("tr[data-bucket=photos]");
        Assert.That(await row.InnerTextAsync(), Does.Contain("photos").And.Contain("general").And.Contain("20.0 MiB"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "buckets.png") });

        // Browse a prefix, folder by folder.
        await page.ClickAsync("tr[data-bucket=photos] a");
        await page.ClickAsync("tr.folder a:text('2026/')");
        await page.ClickAsync("tr.folder a:text('2026/12/')");
        Assert.That(await page.Locator("tr[data-key='2026/12/beach.jpg']").CountAsync(), Is.EqualTo(1));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "objects.png") });

        // Upload a file from the browser into this prefix, then download it and compare bytes.
        var notes = ObjectTests.RandomBytes(300_000, 9);
        await page.SetInputFilesAsync("input[type=file]", new FilePayload { Name = "notes.bin", MimeType = "application/octet-stream", Buffer = notes });
        await page.ClickAsync("button:text('Upload')");
        Assert.That(await page.Locator("tr[data-key='2026/12/notes.bin']").CountAsync(), Is.EqualTo(1));
        using (var stored = await s3.GetObjectAsync("photos", "2026/12/notes.bin"))
        {
            Assert.That(await ObjectTests.ReadAll(stored), Is.EqualTo(notes), "the browser's upload is stored byte for byte");
        }

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("tr[data-key='2026/12/beach.jpg'] a:text('Download')"));
        Assert.That(download.SuggestedFilename, Is.EqualTo("beach.jpg"));
        Assert.That(await File.ReadAllBytesAsync((await download.PathAsync())!), Is.EqualTo(beach));
        await page.ClickAsync("tr[data-key='2026/12/beach.jpg'] td a:text('2026/12/beach.jpg')");
        Assert.That(await page.InnerTextAsync("#details"), Does.Contain("20,971,520 bytes").And.Contain("CRC32 ").And.Contain("FULL_OBJECT").And.Match("Segments\\s+\\d"),
            "AWSSDK.S3 sends a CRC32 with every put");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "object.png") });

        // The incomplete upload: parts 1, 2 and 4, a gap at 3, the two first under the minimum part size.
        await page.ClickAsync("nav a:text('Incomplete uploads')");
        Assert.That(await page.InnerTextAsync($"tr[data-upload='{upload.UploadId}']"), Does.Contain("videos/holiday.mp4").And.Contain("2.0 MiB"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "uploads.png") });
        await page.ClickAsync($"tr[data-upload='{upload.UploadId}'] a");
        var cells = await page.Locator("#part-map .cell").EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.part + ':' + c.dataset.state)");
        Assert.That(cells, Is.EqualTo(new[] { "1:too-small", "2:too-small", "3:gap", "4:part" }));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "part-map.png"), FullPage = true });
        await page.ClickAsync("button:text('Abort this upload')");
        Assert.That(page.Url, Does.EndWith("/_gateway/console/uploads"));
        Assert.That((await s3.ListMultipartUploadsAsync("photos")).MultipartUploads ?? [], Is.Empty, "aborted in the engine, not just hidden");

        // Cost over time: a new upload left incomplete, then the virtual clock moves ten days.
        var stale = await s3.InitiateMultipartUploadAsync("photos", "stale.bin");
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = "photos", Key = "stale.bin", UploadId = stale.UploadId, PartNumber = 1, InputStream = new MemoryStream(ObjectTests.RandomBytes(8 * 1024 * 1024, 3)) });
        await page.ClickAsync("nav a:text('Usage')");
        var before = ChartValues((await page.GetAttributeAsync("#cost-chart", "data-values"))!);
        await page.ClickAsync("nav a:text('Clock')");
        await page.FillAsync("input[name=amount]", "10");
        await page.SelectOptionAsync("select[name=unit]", "days");
        await page.ClickAsync("button:text('Advance')");
        Assert.That(await page.InnerTextAsync("#lifecycle"), Does.Contain("aborted 0 incomplete upload(s)"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "clock.png") });
        await page.ClickAsync("nav a:text('Usage')");
        var after = ChartValues((await page.GetAttributeAsync("#cost-chart", "data-values"))!);
        Assert.That(after.Length, Is.GreaterThan(before.Length));
        Assert.That(after[^1], Is.GreaterThan(before[^1] * 1.5), "ten days of 20 MiB stored and 8 MiB incomplete cost more than the requests before them");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "usage.png"), FullPage = true });
        await page.ClickAsync("#usage a:text('photos')");
        Assert.That(page.Url, Does.EndWith("/usage?bucket=photos"));
        Assert.That(ChartValues((await page.GetAttributeAsync("#cost-chart", "data-values"))!)[^1], Is.EqualTo(after[^1]).Within(1e-12),
            "one bucket's chart: photos is the only bucket, so its cost is the total");

        // The refused request, with the canonical request the gateway computed.
        await page.GotoAsync(console + "/requests?errors=1");
        var refused = page.Locator("tr[data-status='403']").Filter(new LocatorFilterOptions { HasText = "SignatureDoesNotMatch" });
        Assert.That(await refused.CountAsync(), Is.GreaterThanOrEqualTo(1));
        await page.Locator("tr.signature summary").First.ClickAsync();
        var canonical = await page.Locator("pre.canonical").First.InnerTextAsync();
        Assert.That(canonical, Does.StartWith("HEAD\n/photos/readme.txt\n"));
        Assert.That(await page.Locator("pre.string-to-sign").First.InnerTextAsync(), Does.StartWith("AWS4-HMAC-SHA256\n"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "requests.png") });

        // A fault rule added with the form fires on the next matching request; the page counts it and lists it.
        await page.ClickAsync("nav a:text('Faults')");
        await page.FillAsync("#add-fault input[name=operation]", "GetObject");
        await page.FillAsync("#add-fault input[name=bucket]", "photos");
        await page.FillAsync("#add-fault input[name=times]", "1");
        await page.SelectOptionAsync("#add-fault select[name=type]", "error");
        await page.FillAsync("#add-fault input[name=status]", "503");
        await page.FillAsync("#add-fault input[name=code]", "SlowDown");
        await page.ClickAsync("#add-fault button[type=submit]");
        var slow = Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync("photos", "readme.txt"))!;
        Assert.That((slow.StatusCode, slow.ErrorCode), Is.EqualTo((System.Net.HttpStatusCode.ServiceUnavailable, "SlowDown")));
        await page.ReloadAsync();
        Assert.That(await page.InnerTextAsync("#faults td.fired"), Is.EqualTo("1"));
        Assert.That(await page.InnerTextAsync("#fault-history"), Does.Contain("GetObject").And.Contain("readme.txt"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "faults.png") });
        await page.ClickAsync("#faults button:text('Remove')");
        Assert.That(await page.Locator("#faults").CountAsync(), Is.EqualTo(0));

        // A narrow window still shows the pages (tables scroll inside their box).
        await page.SetViewportSizeAsync(420, 800);
        await page.GotoAsync(console + "/buckets");
        Assert.That(await page.IsVisibleAsync("tr[data-bucket=photos] a"), Is.True);
        Assert.That(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), Is.True, "no sideways scrolling of the page itself");

        // Sign out: the session is gone.
        await page.ClickAsync("button:text('Sign out')");
        Assert.That(page.Url, Does.EndWith("/_gateway/console/sign-in"));
        await page.GotoAsync(console + "/buckets");
        Assert.That(page.Url, Does.EndWith("/_gateway/console/sign-in"));
    }

    [Test]
    public async Task A_large_file_from_the_browser_is_stored_as_a_multipart_upload_byte_for_byte()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Console.UploadPartSize = 5L * 1024 * 1024);
        using var s3 = gw.Client();
        await s3.PutBucketAsync("big");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(gw.Endpoint + "/_gateway/console/sign-in");
        await page.FillAsync("input[name=accessKey]", GatewayInstance.AccessKey);
        await page.FillAsync("input[name=secretKey]", GatewayInstance.SecretKey);
        await page.ClickAsync("button[type=submit]");
        await page.GotoAsync(gw.Endpoint + "/_gateway/console/buckets/big");
        var data = ObjectTests.RandomBytes((12 * 1024 * 1024) + 12345, 21);
        await page.SetInputFilesAsync("input[type=file]", new FilePayload { Name = "disk.img", MimeType = "application/octet-stream", Buffer = data });
        await page.ClickAsync("button:text('Upload')");
        Assert.That(await page.Locator("tr[data-key='disk.img']").CountAsync(), Is.EqualTo(1));
        var attributes = await s3.GetObjectAttributesAsync(new GetObjectAttributesRequest { BucketName = "big", Key = "disk.img", ObjectAttributes = [ObjectAttributes.ObjectParts] });
        Assert.That(attributes.ObjectParts.TotalPartsCount, Is.EqualTo(3), "5 MiB, 5 MiB and the rest");
        using var get = await s3.GetObjectAsync("big", "disk.img");
        Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(data));
        Assert.That((await s3.ListMultipartUploadsAsync("big")).MultipartUploads ?? [], Is.Empty);
    }
}
