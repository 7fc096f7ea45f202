using System.Diagnostics;
using System.Globalization;
using System.Net;
using Amazon.S3.Model;

namespace Bench;

/// <summary>
/// The web console's pages with a full bucket: 10,000 objects (in 50 folders) and 1,000 incomplete uploads (one of
/// them with 100 parts), made through AWSSDK.S3; then each page fetched by a signed-in HTTP client on loopback, 5
/// warm-ups and 30 timed fetches, and the median and the worst reported (the time to the last byte of the page).
/// </summary>
internal static class ConsoleBenchmark
{
    public static async Task<int> RunAsync(Options options)
    {
        var objects = (int)options.Size("objects", 10000);
        var uploads = (int)options.Size("uploads", 1000);
        await using var gw = await GatewayProcess.StartAsync(64L << 20);
        using var s3 = MultipartBenchmark.Client(gw);
        await s3.PutBucketAsync("bench");
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, objects), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "bench", Key = $"dir{i % 50:D2}/object{i:D6}", InputStream = new MemoryStream([(byte)i]) }, ct));
        var many = await s3.InitiateMultipartUploadAsync("bench", "many-parts.bin");
        await Parallel.ForEachAsync(Enumerable.Range(1, 100), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, ct) =>
            await s3.UploadPartAsync(new UploadPartRequest { BucketName = "bench", Key = "many-parts.bin", UploadId = many.UploadId, PartNumber = n, InputStream = new MemoryStream([(byte)n]) }, ct));
        await Parallel.ForEachAsync(Enumerable.Range(1, uploads - 1), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = "bench", Key = $"uploads/u{i:D5}" }, ct));
        Console.WriteLine($"made {objects} objects and {uploads} incomplete uploads in {sw.Elapsed.TotalSeconds:F1} s");

        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = gw.Endpoint };
        using var signIn = await http.PostAsync("/_gateway/console/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["accessKey"] = "test",
            ["secretKey"] = "test",
        }));
        if (signIn.StatusCode != HttpStatusCode.SeeOther)
        {
            Console.WriteLine($"sign-in answered {(int)signIn.StatusCode}");
            return 1;
        }

        var pages = new (string Name, string Path, string Expect)[]
        {
            ("buckets", "/buckets", "bench"),
            ("objects (folders)", "/buckets/bench", "dir49/"),
            ("objects (100 of a folder)", "/buckets/bench?prefix=dir07/", "dir07/object"),
            ("object details", "/buckets/bench/object?key=dir07/object000007", "object000007"),
            ("incomplete uploads", "/uploads?bucket=bench", "uploads/u00001"),
            ("part map (100 parts)", "/uploads/" + many.UploadId, "data-part=\"100\""),
            ("usage", "/usage", "cost-chart"),
            ("usage JSON", "/api/usage", "samples"),
            ("requests", "/requests", "CreateMultipartUpload"),
        };
        var ok = true;
        foreach (var (name, path, expect) in pages)
        {
            var times = new List<double>();
            for (var i = 0; i < 35; i++)
            {
                var t = Stopwatch.StartNew();
                using var r = await http.GetAsync("/_gateway/console" + path);
                var body = await r.Content.ReadAsStringAsync();
                var ms = t.Elapsed.TotalMilliseconds;
                if (r.StatusCode != HttpStatusCode.OK || !body.Contains(expect, StringComparison.Ordinal))
                {
                    Console.WriteLine($"{name}: answered {(int)r.StatusCode} without '{expect}'");
                    ok = false;
                    break;
                }

                if (i >= 5)
                {
                    times.Add(ms);
                }
            }

            if (times.Count > 0)
            {
                times.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-28} median {times[times.Count / 2],7:F1} ms   worst {times[^1],7:F1} ms"));
            }
        }

        Console.WriteLine($"gateway peak RSS {gw.PeakRssBytes / 1e6:F0} MB");
        return ok ? 0 : 1;
    }
}
