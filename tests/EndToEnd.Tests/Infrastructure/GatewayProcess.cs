using System.Diagnostics;

namespace EndToEnd.Tests.Infrastructure;

/// <summary>
/// A gateway in a process of its own (so a test can kill it with SIGKILL), started as a user starts it: the built
/// program with command-line settings, on port 0. Its addresses are read from the lines it prints first ("S3 gateway
/// listening on URL", then one per adapter), so no port is ever picked by one process and bound by another.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Dictionary<string, Uri> _addresses = new(StringComparer.OrdinalIgnoreCase);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _adapters;

    /// <param name="dataDir">The data folder.</param>
    /// <param name="args">More command-line settings; each adapter turned on with a Url setting is waited for too.</param>
    public GatewayProcess(string dataDir, params string[] args)
        : this(dataDir, null, args)
    {
    }

    /// <param name="workingDirectory">Where the process runs (relative settings such as ./data-x are resolved there).</param>
    public GatewayProcess(string dataDir, string? workingDirectory, string[] args)
    {
        _adapters = args.Count(a => a.StartsWith("--Gateway:Adapters:", StringComparison.Ordinal) && a.Contains(":Url=", StringComparison.Ordinal));
        // GATEWAY_BINARY runs these tests against another build of the program (a Native AOT publish, say).
        var binary = Environment.GetEnvironmentVariable("GATEWAY_BINARY");
        var dll = typeof(Gateway.GatewayServer).Assembly.Location;
        var psi = new ProcessStartInfo(binary ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }

        foreach (var a in (string[])[.. binary is null ? [dll] : Array.Empty<string>(), "--urls", "http://127.0.0.1:0", "--Gateway:DataDir=" + dataDir, "--Logging:LogLevel:Default=Warning", .. args])
        {
            psi.ArgumentList.Add(a);
        }

        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => Read(e.Data);
        _process.ErrorDataReceived += (_, _) => { };
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"The gateway exited with {_process.ExitCode} before it was listening."));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The first line the process wrote to standard output.</summary>
    public string? FirstLine { get; private set; }

    private void Read(string? line)
    {
        FirstLine ??= line;
        const string Marker = " listening on ";
        var at = line?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
        if (line is null || at < 0)
        {
            return;
        }

        var name = line[..at].Replace(" gateway", "", StringComparison.Ordinal).Replace(" adapter", "", StringComparison.Ordinal).Trim();
        lock (_addresses)
        {
            _addresses[name] = new Uri(line[(at + Marker.Length)..].Trim());
            if (_addresses.ContainsKey("S3") && _addresses.Count >= 1 + _adapters)
            {
                _ready.TrySetResult();
            }
        }
    }

    /// <summary>The address of the S3 front end ("S3") or of an adapter ("Box", "Veza", ...), once the gateway prints it (30 s at most).</summary>
    public async Task<Uri> Address(string name)
    {
        await _ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        lock (_addresses)
        {
            return _addresses[name];
        }
    }

    /// <summary>SIGKILL (Process.Kill on Linux): no shutdown code runs. Returns once the process is gone.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        if (!_process.WaitForExit(10_000))
        {
            Assert.Fail("The gateway process did not die within 10 s of SIGKILL.");
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
