using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bench;

/// <summary>A Release build of the gateway started as its own process on a free loopback port and a temp folder.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private long _peakSampled;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;

    private GatewayProcess(Process process, Uri endpoint, string dataDir)
    {
        _process = process;
        Endpoint = endpoint;
        DataDir = dataDir;
        _sampler = Task.Run(SampleAsync);
    }

    public Uri Endpoint { get; }

    public int Pid => _process.Id;

    public string DataDir { get; }

    /// <summary>CPU time (user and system) the process has used so far.</summary>
    public CpuTimes Cpu
    {
        get
        {
            _process.Refresh();
            return CpuTimes.Of(_process);
        }
    }

    public static Task<GatewayProcess> StartAsync(long segmentSize, params string[] extraArgs) => StartAsync(segmentSize, new Dictionary<string, string>(), extraArgs);

    /// <summary>As above, with environment variables for the gateway process (the runtime's DOTNET_* GC settings).</summary>
    public static async Task<GatewayProcess> StartAsync(long segmentSize, IReadOnlyDictionary<string, string> environment, params string[] extraArgs)
    {
        // GATEWAY_BINARY: measure another build of the program (a Native AOT publish); by default a Release build here.
        var binary = Environment.GetEnvironmentVariable("GATEWAY_BINARY");
        var psi = new ProcessStartInfo(binary ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (binary is null)
        {
            var root = RepoRoot();
            Run("dotnet", $"build -c Release -v q --nologo \"{Path.Combine(root, "gateway", "Gateway.csproj")}\"");
            psi.ArgumentList.Add(Path.Combine(root, "gateway", "bin", "Release", "net10.0", "Gateway.dll"));
        }

        var port = FreePort();
        var dataDir = Path.Combine(Path.GetTempPath(), "s3gw-bench-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var a in (string[])["--urls", $"http://127.0.0.1:{port}", $"--Gateway:DataDir={dataDir}",
            $"--Gateway:SegmentSize={segmentSize.ToString(CultureInfo.InvariantCulture)}", "--Logging:LogLevel:Default=Warning"])
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var a in extraArgs)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        return await LaunchAsync(psi, port, dataDir);
    }

    /// <summary>The do-nothing endpoint (<see cref="Compare.NullServer"/>) in a process of its own.</summary>
    public static async Task<GatewayProcess> StartNullServerAsync(params string[] extraArgs)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(GatewayProcess).Assembly.Location, "null-server", "--port", port.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in extraArgs)
        {
            psi.ArgumentList.Add(a);
        }

        return await LaunchAsync(psi, port, Path.Combine(Path.GetTempPath(), "s3gw-bench-null-" + Guid.NewGuid().ToString("N")[..8]));
    }

    private static async Task<GatewayProcess> LaunchAsync(ProcessStartInfo psi, int port, string dataDir)
    {
        var process = Process.Start(psi)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var endpoint = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var r = await http.GetAsync(new Uri(endpoint, "/_gateway/health"));
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    return new GatewayProcess(process, endpoint, dataDir);
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        process.Kill();
        throw new InvalidOperationException("The gateway did not become healthy.");
    }

    /// <summary>Peak resident set of the gateway process: the kernel's high-water mark (VmHWM), or since <see cref="ResetPeak"/> the highest sample.</summary>
    public long PeakRssBytes => _peakReset ? _peakSampled : Math.Max(ReadStatus(_process.Id, "VmHWM:"), _peakSampled);

    private volatile bool _peakReset;

    /// <summary>Forgets the peak so far (start-up): from here the peak is the highest 50 ms sample.</summary>
    public void ResetPeak()
    {
        _peakReset = true;
        _peakSampled = RssBytes;
    }

    public long RssBytes => ReadStatus(_process.Id, "VmRSS:");

    /// <summary>A size field of /proc/PID/status in bytes (0 when the process is gone).</summary>
    public static long ReadStatus(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            _peakSampled = Math.Max(_peakSampled, RssBytes);
            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Run Bench from inside the repository.");
    }

    private static void Run(string file, string arguments)
    {
        using var p = Process.Start(new ProcessStartInfo(file, arguments))!;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed with {p.ExitCode}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
