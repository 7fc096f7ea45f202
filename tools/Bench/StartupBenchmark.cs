using System.Diagnostics;
using System.Globalization;

namespace Bench;

/// <summary>
/// Start-up time and idle memory of the gateway as each kind of build ships it: publishes the build kinds (framework
/// dependent, ReadyToRun, Native AOT) for linux-x64, then starts each one several times, alternating, on port 0 and
/// a fresh data folder, and measures from process start to the "listening on" line, to the first 200 from
/// /_gateway/health, and the resident memory once it has been idle past Gateway:IdleTrimAfter.
/// </summary>
internal static class StartupBenchmark
{
    private sealed record Build(string Name, string Directory, string File, string[] Prefix);

    public static async Task<int> RunAsync(Options options)
    {
        var kinds = (options.Get("kinds") ?? "framework-dependent,ready-to-run,native-aot").Split(',');
        var rounds = int.Parse(options.Get("rounds") ?? "10", CultureInfo.InvariantCulture);
        var idleSeconds = int.Parse(options.Get("idle") ?? "12", CultureInfo.InvariantCulture);
        var root = GatewayProcess.RepoRoot();
        var builds = new List<Build>();
        foreach (var kind in kinds)
        {
            var dir = Path.Combine(root, "artifacts", "startup", kind);
            var extra = kind switch
            {
                "framework-dependent" => "--self-contained false",
                "ready-to-run" => "--self-contained false -p:PublishReadyToRun=true",
                "native-aot" => "-p:PublishAot=true",
                _ => throw new ArgumentException("kinds are framework-dependent, ready-to-run and native-aot, not " + kind),
            };
            Console.WriteLine($"publishing {kind} ...");
            var (code, output) = Run("dotnet", $"publish \"{Path.Combine(root, "gateway", "Gateway.csproj")}\" -c Release -r linux-x64 {extra} -o \"{dir}\" -v q --nologo");
            if (code != 0)
            {
                var errors = output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().ToList();
                Console.WriteLine($"{kind}: the publish failed ({errors.Count} error lines); the first:");
                foreach (var e in errors.Take(5))
                {
                    Console.WriteLine("  " + e.Trim());
                }

                continue;
            }

            builds.Add(kind == "native-aot"
                ? new Build(kind, dir, Path.Combine(dir, "Gateway"), [])
                : new Build(kind, dir, "dotnet", [Path.Combine(dir, "Gateway.dll")]));
        }

        var results = builds.ToDictionary(b => b.Name, _ => new List<(double Listening, double Healthy, long IdleRss)>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var build in builds)
            {
                // The idle measurement only on the first rounds: it costs idleSeconds each.
                var measureIdle = round < 3;
                results[build.Name].Add(await StartOnceAsync(build, measureIdle ? idleSeconds : 0));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"build",-22}{"size",10}{"listening ms",16}{"health ms",14}{"idle RSS MiB",16}   (medians of {rounds} starts; RSS of 3, after {idleSeconds} s idle)");
        foreach (var build in builds)
        {
            var r = results[build.Name];
            var size = new DirectoryInfo(build.Directory).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => f.Extension is not (".pdb" or ".dbg" or ".xml")).Sum(f => f.Length);
            Console.WriteLine($"{build.Name,-22}{size / 1048576.0,8:F1}MB{Median(r.Select(x => x.Listening)),16:F0}{Median(r.Select(x => x.Healthy)),14:F0}{Median(r.Where(x => x.IdleRss > 0).Select(x => x.IdleRss / 1048576.0)),16:F1}");
        }

        return builds.Count == kinds.Length ? 0 : 1;
    }

    private static async Task<(double, double, long)> StartOnceAsync(Build build, int idleSeconds)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "s3gw-startup-" + Guid.NewGuid().ToString("N")[..8]);
        var psi = new ProcessStartInfo(build.File) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[.. build.Prefix, "--urls", "http://127.0.0.1:0", "--Gateway:DataDir=" + dataDir, "--Logging:LogLevel:Default=Warning"])
        {
            psi.ArgumentList.Add(a);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(deadline.Token) ?? throw new InvalidOperationException($"{build.Name} exited: {await process.StandardError.ReadToEndAsync()}");
            var listening = clock.Elapsed.TotalMilliseconds;
            var url = new Uri(line[(line.IndexOf("http", StringComparison.Ordinal))..].Trim());
            double healthy;
            while (true)
            {
                // A raw HTTP/1.1 request: a first HttpClient request would add this process's own JIT time.
                if (await HealthOkAsync(url, deadline.Token))
                {
                    healthy = clock.Elapsed.TotalMilliseconds;
                    break;
                }
            }

            long rss = 0;
            if (idleSeconds > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
                rss = GatewayProcess.ReadStatus(process.Id, "VmRSS:");
            }

            return (listening, healthy, rss);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<bool> HealthOkAsync(Uri url, CancellationToken cancellationToken)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port, cancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /_gateway/health HTTP/1.1\r\nHost: {url.Authority}\r\nConnection: close\r\n\r\n"), cancellationToken);
        var buffer = new byte[64];
        var read = 0;
        while (read < 12)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return System.Text.Encoding.ASCII.GetString(buffer, 0, 12) == "HTTP/1.1 200";
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static (int Code, string Output) Run(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
