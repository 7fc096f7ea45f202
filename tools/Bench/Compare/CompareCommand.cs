using System.Globalization;
using System.Text;

namespace Bench.Compare;

/// <summary>
/// <c>Bench compare</c>: the same workloads through the same client against several endpoints, alternating
/// within each round (so drift in the machine's speed falls on all of them alike), with the server's CPU per GiB
/// or per request beside each throughput and the median over the rounds in a Markdown table.
/// </summary>
internal static class CompareCommand
{
    public static async Task<int> RunAsync(Options options)
    {
        var specs = (options.Get("endpoints") ?? "gateway,ceiling").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var rounds = (int)options.Size("rounds", 3);
        var boto3 = (options.Get("client") ?? "dotnet") == "boto3";
        var all = boto3 ? Boto3Workloads.All(options) : Workload.All;
        var names = options.Get("workloads")?.Split(',') ?? all.Select(w => w.Name).ToArray();
        var workloads = all.Where(w => names.Contains(w.Name)).ToList();
        if (workloads.Any(w => w.Name == "get") && !names.Contains("mp64x4"))
        {
            workloads.Insert(0, all[0]); // GET reads the object the 64 MiB multipart upload wrote.
        }

        if (workloads.Any(w => w.Name == "small") && !names.Contains("put4k"))
        {
            workloads.Insert(workloads.FindIndex(w => w.Name == "small"), all.Single(w => w.Name == "put4k"));
        }

        if (boto3)
        {
            Boto3Workloads.Prepare();
        }

        if (options.Size("pretouch", 0) is var pretouch and > 0)
        {
            Pretouch(pretouch);
        }

        var gatewayArgs = options.Get("gateway-args")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var targets = new List<Target>();
        try
        {
            foreach (var spec in specs)
            {
                targets.Add(await Target.StartAsync(spec, options, gatewayArgs));
            }

            var clients = targets.Select(t => t.Client()).ToList();
            foreach (var s3 in clients)
            {
                try
                {
                    await s3.PutBucketAsync("bench");
                }
                catch (Amazon.S3.AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
                {
                }
            }

            var results = new Dictionary<(string Workload, string Target), List<Measurement>>();
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var w in workloads)
                {
                    // Alternate the order too, so no endpoint always runs first (on a cold page cache).
                    var order = Enumerable.Range(0, targets.Count).Select(i => (i + round - 1) % targets.Count);
                    foreach (var i in order)
                    {
                        var m = await w.Run(targets[i], clients[i], round);
                        Console.WriteLine($"round {round} {w.Name,-7} {targets[i].Name,-10} {m.Rate,9:F1} {w.RateUnit,-5} " +
                            $"server CPU {Cpu(m.CpuPerUnit, m.UserCpuPerUnit, w.CpuUnit)}  {m.Detail}");
                        if (!results.TryGetValue((w.Name, targets[i].Name), out var list))
                        {
                            results[(w.Name, targets[i].Name)] = list = [];
                        }

                        list.Add(m);
                    }
                }
            }

            Console.WriteLine();
            Console.WriteLine(Table(workloads, targets, results, rounds));
            foreach (var s3 in clients)
            {
                s3.Dispose();
            }

            return 0;
        }
        finally
        {
            foreach (var t in targets)
            {
                await t.DisposeAsync();
            }

            Boto3Workloads.Cleanup();
        }
    }

    private static string Cpu(double? total, double? user, string unit) => total is { } t
        ? string.Create(CultureInfo.InvariantCulture, $"{t:F3} {unit} (user {user:F3})")
        : "not known";

    private static string Table(List<Workload> workloads, List<Target> targets, Dictionary<(string, string), List<Measurement>> results, int rounds)
    {
        var ceiling = targets.FirstOrDefault(t => t.Name == "ceiling")?.Name;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Median of {rounds} alternating rounds (client defaults; client and server on this machine's cores).");
        sb.AppendLine();
        sb.AppendLine("| workload | endpoint | throughput | of client ceiling | server CPU (user mode) | server peak RSS | latency |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var w in workloads)
        {
            var ceilingRate = ceiling is not null && results.TryGetValue((w.Name, ceiling), out var c) ? Median(c.Select(m => m.Rate)) : (double?)null;
            foreach (var t in targets)
            {
                if (!results.TryGetValue((w.Name, t.Name), out var list))
                {
                    continue;
                }

                var rate = Median(list.Select(m => m.Rate));
                var known = list.All(m => m.CpuPerUnit is not null);
                var cpu = known ? Median(list.Select(m => m.CpuPerUnit!.Value)) : (double?)null;
                var user = known ? Median(list.Select(m => m.UserCpuPerUnit!.Value)) : (double?)null;
                var share = ceilingRate is { } cr && t.Name != ceiling ? $"{rate / cr * 100:F0} %" : "";
                var rss = t.PeakRssBytes is { } r ? $"{r / 1e6:F0} MB" : "";
                var detail = list[list.Count / 2].Detail;
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {w.Title} | {t.Name} | {rate:F1} {w.RateUnit} | {share} | {Cpu(cpu, user, w.CpuUnit)} | {rss} | {detail} |");
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Writes and deletes a file of <paramref name="bytes"/> before the run. On a VM the first touch of a guest
    /// page costs a hypervisor fault (about 3 s/GiB of system time here, against 0.3 s/GiB for a page used before),
    /// so without this whichever server writes into never-used page cache first in a round pays for it, and the
    /// comparison measures the order of the endpoints instead of the endpoints.
    /// </summary>
    private static void Pretouch(long bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), "s3gw-bench-pretouch.bin");
        var block = new byte[1 << 20];
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0))
        {
            for (long done = 0; done < bytes; done += block.Length)
            {
                file.Write(block);
            }

            file.Flush(flushToDisk: true);
        }

        File.Delete(path);
        Console.WriteLine($"pre-touched {bytes >> 30} GiB of page cache");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
