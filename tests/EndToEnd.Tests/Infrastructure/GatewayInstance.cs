using Amazon.Runtime;
using Gateway;
using Microsoft.Extensions.Logging;

namespace EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real gateway (Kestrel) on 127.0.0.1 with an ephemeral port and its own temp data folder. The shared
/// instance serves most tests (each owns its bucket); tests that restart or configure the host start their own.
/// </summary>
internal sealed class GatewayInstance : IAsyncDisposable
{
    public const string AccessKey = "test";
    public const string SecretKey = "test";
    public const string OtherAccessKey = "other";
    public const string OtherSecretKey = "other-secret";
    public const long TestSegmentSize = 256 * 1024;

    private readonly Action<GatewayOptions>? _configure;
    private readonly string[] _args;
    private readonly ILoggerProvider? _logs;
    private GatewayServer? _server;

    private GatewayInstance(string dataDir, Action<GatewayOptions>? configure, string[] args, ILoggerProvider? logs)
    {
        DataDir = dataDir;
        _configure = configure;
        _args = args;
        _logs = logs;
    }

    public string DataDir { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public string Endpoint => BaseAddress.ToString().TrimEnd('/');

    /// <param name="configure">Overrides applied after configuration is bound.</param>
    /// <param name="dataDir">The data folder (a new temp folder by default).</param>
    /// <param name="args">Extra command-line settings, bound as a user's would be (e.g. "--Gateway:Cors:AllowedOrigins:0=*").</param>
    /// <param name="logs">A logger provider that also receives what the gateway logs.</param>
    public static async Task<GatewayInstance> StartAsync(Action<GatewayOptions>? configure = null, string? dataDir = null, string[]? args = null, ILoggerProvider? logs = null)
    {
        var instance = new GatewayInstance(dataDir ?? TempDir.Create("gw-data"), configure, args ?? [], logs);
        await instance.StartAppAsync().ConfigureAwait(false);
        return instance;
    }

    private async Task StartAppAsync()
    {
        _server = await GatewayServer.StartAsync(new GatewayServerOptions
        {
            Args = ["--Logging:LogLevel:Default=Warning", .. _args],
            Urls = "http://127.0.0.1:0",
            DataDirectory = DataDir,
            ReadEnvironment = false,
            Configure = o =>
            {
                o.SegmentSize = TestSegmentSize;
                o.Credentials = [new CredentialOptions { AccessKey = OtherAccessKey, SecretKey = OtherSecretKey }];
                _configure?.Invoke(o);
            },
            Logging = _logs is null ? null : l => l.AddProvider(_logs),
        }).ConfigureAwait(false);
        BaseAddress = _server.S3Url;
    }

    /// <summary>The running gateway's services (its hooks, its storage engine).</summary>
    internal GatewayServices Services => _server!.Services;

    /// <summary>The address an adapter bound (its Url setting must be on, e.g. http://127.0.0.1:0).</summary>
    public Uri Adapter(string name) => _server!.AdapterUrls[name];

    /// <summary>Stops the host and starts a new one on the same data folder (a new port).</summary>
    public async Task RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await StartAppAsync().ConfigureAwait(false);
    }

    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
            _server = null;
        }
    }

    /// <summary>An AWSSDK.S3 client with default settings but for endpoint, path style and credentials.</summary>
    public AmazonS3Client Client(string accessKey = AccessKey, string secretKey = SecretKey, Action<AmazonS3Config>? configure = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        };
        configure?.Invoke(config);
        return new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config);
    }

    public HttpClient Http() => new() { BaseAddress = BaseAddress };

    /// <summary>gatewayctl, run in-process against this gateway: its exit code and what it printed.</summary>
    public async Task<(int Code, string Stdout, string Stderr)> CtlAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await GatewayCtl.Cli.RunAsync(["--endpoint", Endpoint, .. args], stdout, stderr).ConfigureAwait(false);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        TempDir.TryDelete(DataDir);
    }
}

internal static class TempDir
{
    public static string Create(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), "s3gw-tests", prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Unique, valid bucket names so every test owns its bucket.</summary>
internal static class Names
{
    private static int _counter;

    public static string Bucket(string hint = "b") =>
        $"{hint.ToLowerInvariant()}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..8]}";
}
