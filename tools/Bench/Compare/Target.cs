using Amazon.Runtime;
using Amazon.S3;

namespace Bench.Compare;

/// <summary>
/// One endpoint under comparison: the gateway or the do-nothing endpoint in a process the bench started (whose
/// CPU and peak RSS it reads), or any S3 server given by URL, with its process id if its CPU is to be reported.
/// </summary>
internal sealed class Target(string name, Uri endpoint, GatewayProcess? owned, int? pid, string accessKey, string secretKey) : IAsyncDisposable
{
    public string Name { get; } = name;

    public Uri Endpoint { get; } = endpoint;

    /// <summary>CPU time of the server process so far, or null when it is not known.</summary>
    public CpuTimes? Cpu
    {
        get
        {
            if (owned is not null)
            {
                return owned.Cpu;
            }

            if (pid is not { } p)
            {
                return null;
            }

            using var process = System.Diagnostics.Process.GetProcessById(p);
            return CpuTimes.Of(process);
        }
    }

    /// <summary>Peak resident set of the server process (VmHWM), when the bench knows its process.</summary>
    public long? PeakRssBytes => owned?.PeakRssBytes ?? (pid is { } p ? GatewayProcess.ReadStatus(p, "VmHWM:") : null);

    /// <summary>AWSSDK.S3 with its default settings, apart from the endpoint and generous timeouts.</summary>
    public AmazonS3Client Client() => new(new BasicAWSCredentials(accessKey, secretKey), new AmazonS3Config
    {
        ServiceURL = Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        Timeout = TimeSpan.FromMinutes(30),
        MaxConnectionsPerServer = 64,
    });

    /// <summary>
    /// Parses <c>gateway</c>, <c>ceiling</c> or <c>name=URL[@pid]</c> (credentials from --access-key and
    /// --secret-key, default test/test).
    /// </summary>
    public static async Task<Target> StartAsync(string spec, Options options, string[] gatewayArgs)
    {
        var key = options.Get("access-key") ?? "test";
        var secret = options.Get("secret-key") ?? "test";
        switch (spec)
        {
            case "gateway":
                var gw = await GatewayProcess.StartAsync(64L << 20, gatewayArgs);
                return new Target("gateway", gw.Endpoint, gw, null, "test", "test");
            case "ceiling":
                var nul = await GatewayProcess.StartNullServerAsync(options.Get("null-args")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? []);
                return new Target("ceiling", nul.Endpoint, nul, null, key, secret);
            default:
                var eq = spec.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new ArgumentException($"An endpoint is gateway, ceiling or name=URL[@pid], not '{spec}'.");
                }

                var rest = spec[(eq + 1)..];
                int? pid = null;
                var at = rest.LastIndexOf('@');
                if (at > 0)
                {
                    pid = int.Parse(rest[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                    rest = rest[..at];
                }

                return new Target(spec[..eq], new Uri(rest), null, pid, key, secret);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (owned is not null)
        {
            await owned.DisposeAsync();
        }
    }
}
