using System.Diagnostics;
using System.Globalization;
using Amazon.S3.Model;

namespace Bench;

/// <summary>
/// Memory under load, per GC configuration: many clients doing small PUTs and GETs while a few multipart uploads
/// of large objects run in parallel, for a fixed time, then idle. The gateway's RSS is sampled throughout: peak,
/// at the end of the load, and its fall in the minute after. Each mode is a fresh gateway process started with the
/// runtime's own GC settings (DOTNET_* environment variables), so the figures compare the modes and nothing else.
/// </summary>
internal static class LoadBenchmark
{
    /// <summary>The GC configurations compared: name, environment.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> Modes = new(StringComparer.Ordinal)
    {
        // What the gateway's project file sets (Release build, no environment): the configuration shipped.
        ["shipped"] = [],
        ["workstation"] = new() { ["DOTNET_gcServer"] = "0" },
        ["workstation-nonconcurrent"] = new() { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "0" },
        ["server"] = new() { ["DOTNET_gcServer"] = "1", ["DOTNET_GCDynamicAdaptationMode"] = "0" },
        ["server-datas"] = new() { ["DOTNET_gcServer"] = "1", ["DOTNET_GCDynamicAdaptationMode"] = "1" },
        ["workstation-conserve"] = new() { ["DOTNET_gcServer"] = "0", ["DOTNET_GCConserveMemory"] = "7" },
        ["heap-limit-96m"] = new() { ["DOTNET_GCHeapHardLimit"] = "0x6000000" },
        ["workstation-gen0-8m"] = new() { ["DOTNET_gcServer"] = "0", ["DOTNET_GCgen0size"] = "0x800000" },
        ["server-datas-gen0-8m"] = new() { ["DOTNET_gcServer"] = "1", ["DOTNET_GCgen0size"] = "0x800000" },
        // glibc's malloc makes an arena per thread that allocates (up to 8 per core), each keeping its freed memory.
        ["shipped-arenas-2"] = new() { ["MALLOC_ARENA_MAX"] = "2" },
        ["workstation-arenas-2"] = new() { ["DOTNET_gcServer"] = "0", ["MALLOC_ARENA_MAX"] = "2" },
        ["workstation-arenas-2-trim"] = new() { ["DOTNET_gcServer"] = "0", ["MALLOC_ARENA_MAX"] = "2", ["MALLOC_TRIM_THRESHOLD_"] = "131072" },
    };

    public static async Task<int> RunAsync(Options options)
    {
        var seconds = (int)options.Size("seconds", 60);
        var settle = (int)options.Size("settle", 60);
        var clients = (int)options.Size("clients", 64);
        var uploads = (int)options.Size("uploads", 4);
        var uploadSize = options.Size("upload-size", 50L << 20);
        var modes = (options.Get("modes") ?? "shipped").Split(',', StringSplitOptions.RemoveEmptyEntries);
        Console.WriteLine($"load: {clients} clients of 4 KiB PUT+GET and {uploads} parallel {uploadSize >> 20} MiB multipart uploads (10 MiB parts) for {seconds} s, then {settle} s idle");
        Console.WriteLine("mode                        idle MB  peak MB  end MB  +10s MB  +30s MB  +60s MB  small ops/s  upload MB/s  heap MB  GC commit MB");
        foreach (var mode in modes)
        {
            if (!Modes.TryGetValue(mode, out var environment))
            {
                Console.Error.WriteLine($"unknown mode {mode}: one of {string.Join(", ", Modes.Keys)}");
                return 2;
            }

            await RunModeAsync(mode, environment, seconds, settle, clients, uploads, uploadSize);
        }

        return 0;
    }

    private static async Task RunModeAsync(string mode, Dictionary<string, string> environment, int seconds, int settle, int clients, int uploads, long uploadSize)
    {
        await using var gw = await GatewayProcess.StartAsync(64L << 20, environment);
        using var s3 = MultipartBenchmark.Client(gw);
        await s3.PutBucketAsync("load");
        await Task.Delay(2000);
        var idle = gw.RssBytes;
        gw.ResetPeak();

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        long smallOps = 0, uploadedBytes = 0;
        var small = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var body = new byte[4096];
            Random.Shared.NextBytes(body);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"small/{c}/{i % 50}";
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = "load", Key = key, InputStream = new MemoryStream(body) });
                using (var get = await s3.GetObjectAsync("load", key))
                {
                    await get.ResponseStream.CopyToAsync(Stream.Null);
                }

                Interlocked.Add(ref smallOps, 2);
            }
        })).ToList();
        var large = Enumerable.Range(0, uploads).Select(u => Task.Run(async () =>
        {
            const long PartSize = 10L << 20;
            for (var round = 0; !stop.IsCancellationRequested; round++)
            {
                var key = $"large/{u}";
                var create = await s3.InitiateMultipartUploadAsync("load", key);
                var etags = new List<PartETag>();
                for (long offset = 0, n = 1; offset < uploadSize; offset += PartSize, n++)
                {
                    var length = Math.Min(PartSize, uploadSize - offset);
                    var r = await s3.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = "load",
                        Key = key,
                        UploadId = create.UploadId,
                        PartNumber = (int)n,
                        InputStream = new GeneratedStream(length, (byte)u, offset),
                        PartSize = length,
                    });
                    etags.Add(new PartETag((int)n, r.ETag));
                    Interlocked.Add(ref uploadedBytes, length);
                }

                await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "load", Key = key, UploadId = create.UploadId, PartETags = etags });
            }
        })).ToList();
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(small.Concat(large));
        var elapsed = sw.Elapsed.TotalSeconds;
        var peak = gw.PeakRssBytes;
        var end = gw.RssBytes;
        var (heap, committed) = ManagedMemory(gw);

        // After the load: the same process, idle; where its RSS goes in the next minute.
        var after = new Dictionary<int, long>();
        for (var t = 1; t <= settle; t++)
        {
            await Task.Delay(1000);
            if (t is 10 or 30 or 60)
            {
                after[t] = gw.RssBytes;
            }
        }

        if (Environment.GetEnvironmentVariable("BENCH_SMAPS") is "1")
        {
            // The largest resident mappings, to tell the managed heap from native memory and mapped files.
            var regions = new List<(long Rss, string Name)>();
            string? current = null;
            foreach (var line in File.ReadLines($"/proc/{gw.Pid}/smaps"))
            {
                if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.Contains('-', StringComparison.Ordinal))
                {
                    current = line;
                }
                else if (line.StartsWith("Rss:", StringComparison.Ordinal) && current is not null)
                {
                    regions.Add((long.Parse(line[4..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024, current));
                }
            }

            foreach (var (rss, name) in regions.OrderByDescending(r => r.Rss).Take(12))
            {
                Console.WriteLine($"    {rss / 1e6,6:F1} MB  {name}");
            }
        }

        string Mb(long? bytes) => bytes is { } b ? (b / 1e6).ToString("F0", CultureInfo.InvariantCulture) : "-";
        Console.WriteLine($"{mode,-27} {Mb(idle),7}  {Mb(peak),7}  {Mb(end),6}  {Mb(after.GetValueOrDefault(10)),7}  {Mb(after.GetValueOrDefault(30)),7}  {Mb(after.GetValueOrDefault(60)),7}  " +
            $"{smallOps / elapsed,11:F0}  {uploadedBytes / elapsed / 1e6,11:F1}  {Mb(heap),7}  {Mb(committed),9}");
    }

    /// <summary>The managed heap and the GC's committed memory at the end of the load, from the gateway's metrics (signed by curl).</summary>
    private static (long? Heap, long? Committed) ManagedMemory(GatewayProcess gw)
    {
        var curl = Process.Start(new ProcessStartInfo("curl", ["-s", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "test:test", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
            new Uri(gw.Endpoint, "/_gateway/metrics").ToString()])
        { RedirectStandardOutput = true })!;
        var text = curl.StandardOutput.ReadToEnd();
        curl.WaitForExit();
        long? Value(string name) => text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal)) is { } line
            ? long.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture) : null;
        return (Value("s3gw_gc_heap_bytes"), Value("s3gw_gc_committed_bytes"));
    }
}
