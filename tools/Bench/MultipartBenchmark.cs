using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Bench;

/// <summary>Multipart uploads through AWSSDK.S3 low-level calls with N parts in flight, read back and verified.</summary>
internal static class MultipartBenchmark
{
    public static AmazonS3Client Client(GatewayProcess gw) => new(new BasicAWSCredentials("test", "test"), new AmazonS3Config
    {
        ServiceURL = gw.Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        Timeout = TimeSpan.FromMinutes(30),
        MaxConnectionsPerServer = 64,
    });

    public static async Task<int> RunAsync(Options options)
    {
        var size = options.Size("size", 1L << 30);
        var partSize = options.Size("part-size", 8L << 20);
        var concurrency = (int)options.Size("concurrency", 4);
        return await RunOneAsync(size, partSize, concurrency) ? 0 : 1;
    }

    public static async Task<bool> RunOneAsync(long size, long partSize, int concurrency)
    {
        await using var gw = await GatewayProcess.StartAsync(64L << 20);
        using var s3 = Client(gw);
        await s3.PutBucketAsync("bench");
        var sw = Stopwatch.StartNew();
        var create = await s3.InitiateMultipartUploadAsync("bench", "mp");
        var count = (int)((size + partSize - 1) / partSize);
        var etags = new PartETag[count];
        using var gate = new SemaphoreSlim(concurrency);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var offset = i * partSize;
                var length = Math.Min(partSize, size - offset);
                var r = await s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = "bench",
                    Key = "mp",
                    UploadId = create.UploadId,
                    PartNumber = i + 1,
                    InputStream = new GeneratedStream(length, 7, offset),
                    PartSize = length,
                });
                etags[i] = new PartETag(i + 1, r.ETag);
            }
            finally
            {
                gate.Release();
            }
        }));
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "bench", Key = "mp", UploadId = create.UploadId, PartETags = [.. etags] });
        var upSeconds = sw.Elapsed.TotalSeconds;
        var peakUpload = gw.PeakRssBytes;

        sw.Restart();
        using var get = await s3.GetObjectAsync("bench", "mp");
        var total = await ReadBack.VerifyAsync(get.ResponseStream, new GeneratedStream(size, 7));
        if (total < 0)
        {
            return false;
        }

        var downSeconds = sw.Elapsed.TotalSeconds;
        if (total != size)
        {
            Console.Error.WriteLine($"Read back {total} bytes, expected {size}");
            return false;
        }

        Console.WriteLine($"Multipart {size >> 20} MiB, {partSize >> 20} MiB parts x{count}, concurrency {concurrency}: " +
            $"upload {size / upSeconds / 1e6:F1} MB/s, download {size / downSeconds / 1e6:F1} MB/s (verified), " +
            $"gateway peak RSS {peakUpload / 1e6:F0} MB during upload, {gw.PeakRssBytes / 1e6:F0} MB overall");
        return true;
    }
}

/// <summary>ListParts over an upload with many parts, and ListMultipartUploads over many uploads: time per 1000-entry page.</summary>
internal static class ListingBenchmark
{
    public static async Task<int> RunAsync(Options options)
    {
        var count = (int)options.Size("count", 10000);
        await using var gw = await GatewayProcess.StartAsync(64L << 20);
        using var s3 = MultipartBenchmark.Client(gw);
        await s3.PutBucketAsync("bench");

        var create = await s3.InitiateMultipartUploadAsync("bench", "many-parts");
        await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await s3.UploadPartAsync(new UploadPartRequest { BucketName = "bench", Key = "many-parts", UploadId = create.UploadId, PartNumber = i, InputStream = new MemoryStream([(byte)i]) }, ct));
        var partPages = await TimePages(async marker =>
        {
            var page = await s3.ListPartsAsync(new ListPartsRequest { BucketName = "bench", Key = "many-parts", UploadId = create.UploadId, PartNumberMarker = marker });
            return (page.Parts.Count, page.IsTruncated == true ? page.NextPartNumberMarker?.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        });
        Report($"ListParts over {count} parts", partPages);

        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = "bench", Key = $"dir{i % 50:D2}/key{i:D6}" }, ct));
        string? idMarker = null;
        var uploadPages = await TimePages(async keyMarker =>
        {
            var page = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = "bench", KeyMarker = keyMarker, UploadIdMarker = idMarker });
            idMarker = page.IsTruncated == true ? page.NextUploadIdMarker : null;
            return (page.MultipartUploads.Count, page.IsTruncated == true ? page.NextKeyMarker : null);
        });
        Report($"ListMultipartUploads over {count + 1} uploads", uploadPages);
        Console.WriteLine($"  gateway peak RSS {gw.PeakRssBytes / 1e6:F0} MB");
        return 0;
    }

    /// <summary>
    /// Pages through the listing three times. The first pass runs on a gateway process that has just started
    /// (the runtime is still tiering up its JIT code); passes two and three are the steady state.
    /// </summary>
    private static async Task<List<List<(int Items, double Ms)>>> TimePages(Func<string?, Task<(int Items, string? Next)>> page)
    {
        var passes = new List<List<(int, double)>>();
        for (var pass = 0; pass < 3; pass++)
        {
            var pages = new List<(int, double)>();
            string? marker = null;
            do
            {
                var sw = Stopwatch.StartNew();
                var (items, next) = await page(marker);
                pages.Add((items, sw.Elapsed.TotalMilliseconds));
                marker = next;
            }
            while (marker is not null);

            passes.Add(pages);
        }

        return passes;
    }

    private static void Report(string what, List<List<(int Items, double Ms)>> passes)
    {
        foreach (var (pages, label) in new[] { (passes[0], "first pass"), (passes.Skip(1).SelectMany(p => p).ToList(), "steady state") })
        {
            var full = pages.Where(p => p.Items == 1000).Select(p => p.Ms).Order().ToList();
            var total = pages.Sum(p => p.Ms);
            Console.WriteLine($"{what}, {label}: {pages.Count} pages, {pages.Count / (total / 1000):F1} pages/s; " +
                $"1000-entry pages median {full[full.Count / 2]:F1} ms, max {full[^1]:F1} ms (SDK round trip and XML parsing included)");
        }
    }
}
