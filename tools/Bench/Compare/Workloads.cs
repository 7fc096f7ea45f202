using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;

namespace Bench.Compare;

/// <summary>What one workload measured on one target in one round.</summary>
/// <param name="Rate">Throughput: MB/s, or requests/s.</param>
/// <param name="CpuPerUnit">Server CPU seconds per GiB, or milliseconds per request; null when unknown.</param>
/// <param name="UserCpuPerUnit">The user-mode part of it: the server's own code and libraries, without the kernel's
/// copies and page faults, which on a VM vary with the pages the kernel hands out more than with the server.</param>
/// <param name="Detail">Latencies and other figures worth a line.</param>
internal sealed record Measurement(double Rate, double? CpuPerUnit, double? UserCpuPerUnit, string Detail = "")
{
    /// <summary>MB/s and server CPU s/GiB for a transfer of <paramref name="bytes"/>, else requests/s and CPU ms per request.</summary>
    public static Measurement Of(long bytes, int requests, double seconds, CpuTimes? cpu, string detail)
    {
        var per = bytes > 0 ? (double)bytes / (1L << 30) : requests / 1000.0;
        return new Measurement(bytes > 0 ? bytes / seconds / 1e6 : requests / seconds, cpu?.Total / per, cpu?.User / per, detail);
    }
}

/// <summary>
/// The workloads of <c>Bench compare</c>, each the same calls through the same client whatever the endpoint.
/// Every byte read back is compared with what was generated.
/// </summary>
internal sealed record Workload(string Name, string Title, string RateUnit, string CpuUnit, Func<Target, AmazonS3Client, int, Task<Measurement>> Run)
{
    private const long GiB = 1L << 30;
    private const int SmallCount = 2000;
    private const int SmallSize = 4096;

    public static readonly Workload[] All =
    [
        new("mp64x4", "multipart 1 GiB, 64 MiB parts, 4 in flight", "MB/s", "s/GiB", (t, s3, r) => Multipart(t, s3, $"mp64x4-{r}", 64L << 20, 4)),
        new("get", "GET 1 GiB (the object above), verified", "MB/s", "s/GiB", (t, s3, r) => Get(t, s3, $"mp64x4-{r}")),
        new("mp8x1", "multipart 1 GiB, 8 MiB parts, 1 in flight", "MB/s", "s/GiB", (t, s3, r) => MultipartVerified(t, s3, $"mp8x1-{r}", 8L << 20, 1)),
        new("put4k", "PutObject 4 KiB, 4 in flight", "req/s", "ms/req", (t, s3, r) => PutSmall(t, s3, r)),
        new("small", "HEAD and GET of 4 KiB objects, one at a time", "req/s", "ms/req", (t, s3, r) => ReadSmall(t, s3, r)),
    ];

    private static async Task<Measurement> Measure(Target t, long bytes, int requests, Func<Task> work, Func<TimeSpan, string>? detail = null)
    {
        var cpu0 = t.Cpu;
        var sw = Stopwatch.StartNew();
        await work();
        var elapsed = sw.Elapsed;
        return Measurement.Of(bytes, requests, elapsed.TotalSeconds, t.Cpu - cpu0, detail?.Invoke(elapsed) ?? "");
    }

    private static Task<Measurement> Multipart(Target t, AmazonS3Client s3, string key, long partSize, int concurrency) =>
        Measure(t, GiB, 0, () => UploadAsync(s3, key, GiB, partSize, concurrency));

    private static async Task<Measurement> MultipartVerified(Target t, AmazonS3Client s3, string key, long partSize, int concurrency)
    {
        var m = await Multipart(t, s3, key, partSize, concurrency);
        await VerifyAsync(s3, key, GiB);
        await s3.DeleteObjectAsync("bench", key);
        return m;
    }

    private static async Task<Measurement> Get(Target t, AmazonS3Client s3, string key)
    {
        var m = await Measure(t, GiB, 0, () => VerifyAsync(s3, key, GiB));
        await s3.DeleteObjectAsync("bench", key);
        return m;
    }

    private static async Task<Measurement> PutSmall(Target t, AmazonS3Client s3, int round)
    {
        var latencies = new double[SmallCount];
        var m = await Measure(t, 0, SmallCount, () => Parallel.ForEachAsync(Enumerable.Range(0, SmallCount), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var sw = Stopwatch.StartNew();
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "bench", Key = $"small-{round}/{i:D5}", InputStream = new GeneratedStream(SmallSize, NullServer.Seed) }, ct);
            latencies[i] = sw.Elapsed.TotalMilliseconds;
        }), _ => Latency("PUT", latencies));
        return m;
    }

    private static async Task<Measurement> ReadSmall(Target t, AmazonS3Client s3, int round)
    {
        const int N = 500;
        var heads = new double[N];
        var gets = new double[N];
        var m = await Measure(t, 0, 2 * N, async () =>
        {
            for (var i = 0; i < N; i++)
            {
                var key = $"small-{round}/{i:D5}";
                var sw = Stopwatch.StartNew();
                var head = await s3.GetObjectMetadataAsync("bench", key);
                heads[i] = sw.Elapsed.TotalMilliseconds;
                if (head.ContentLength != SmallSize)
                {
                    throw new InvalidOperationException($"HEAD {key}: {head.ContentLength} bytes");
                }

                sw.Restart();
                await VerifyAsync(s3, key, SmallSize);
                gets[i] = sw.Elapsed.TotalMilliseconds;
            }
        }, _ => Latency("HEAD", heads) + "; " + Latency("GET", gets));
        return m;
    }

    private static string Latency(string what, double[] ms)
    {
        var sorted = ms.Order().ToArray();
        return $"{what} median {sorted[sorted.Length / 2]:F2} ms, p99 {sorted[(int)(sorted.Length * 0.99)]:F2} ms";
    }

    public static async Task UploadAsync(AmazonS3Client s3, string key, long size, long partSize, int concurrency)
    {
        var create = await s3.InitiateMultipartUploadAsync("bench", key);
        var count = (int)((size + partSize - 1) / partSize);
        var etags = new PartETag[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var offset = i * partSize;
            var length = Math.Min(partSize, size - offset);
            var r = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = "bench",
                Key = key,
                UploadId = create.UploadId,
                PartNumber = i + 1,
                InputStream = new GeneratedStream(length, NullServer.Seed, offset),
                PartSize = length,
            }, ct);
            etags[i] = new PartETag(i + 1, r.ETag);
        });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "bench", Key = key, UploadId = create.UploadId, PartETags = [.. etags] });
    }

    /// <summary>Reads the object back and compares every byte with the generated stream it came from.</summary>
    public static async Task VerifyAsync(AmazonS3Client s3, string key, long size)
    {
        using var get = await s3.GetObjectAsync("bench", key);
        var total = await ReadBack.VerifyAsync(get.ResponseStream, new GeneratedStream(size, NullServer.Seed));
        if (total != size)
        {
            throw new InvalidOperationException($"GET {key}: {total} bytes matched of {size}");
        }
    }
}
