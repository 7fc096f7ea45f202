using Amazon.Runtime;
using Amazon.S3;
using Gateway;
using Gateway.Contract;

namespace S3Gateway.Testing;

/// <summary>
/// The S3 gateway running inside the test process, on a real socket on 127.0.0.1 with a port the system chose.
/// Each server has its own data folder, settings and clock, so several can run in one process. Dispose it to stop it
/// (and delete its temporary data folder).
/// </summary>
public sealed class S3GatewayServer : IAsyncDisposable
{
    private readonly GatewayServer _server;
    private readonly string? _ownedDataDirectory;

    private S3GatewayServer(GatewayServer server, string? ownedDataDirectory)
    {
        _server = server;
        _ownedDataDirectory = ownedDataDirectory;
    }

    /// <summary>The S3 endpoint, e.g. <c>http://127.0.0.1:41234</c>: give it to any S3 client as its endpoint URL, with path-style addressing.</summary>
    public Uri ServiceUrl => _server.S3Url;

    public string AccessKey => _server.AccessKey;

    public string SecretKey => _server.SecretKey;

    public string Region => _server.Region;

    /// <summary>The data folder in use (absolute).</summary>
    public string DataDirectory => _server.DataDirectory;

    /// <summary>The upload adapters that are turned on (Box, Veza, Kodexa, TwelveLabs), by name, with their bound addresses.</summary>
    public IReadOnlyDictionary<string, Uri> AdapterUrls => _server.AdapterUrls;

    /// <summary>The gateway's clock now: the virtual clock's time when <see cref="S3GatewayOptions.VirtualClock"/> is on.</summary>
    public DateTimeOffset Now => _server.Now;

    /// <summary>Starts a gateway and returns once it answers on its port.</summary>
    public static async Task<S3GatewayServer> StartAsync(S3GatewayOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new S3GatewayOptions();
        var owned = options.DataDirectory is null
            ? Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "s3gateway-testing", Guid.NewGuid().ToString("N"))).FullName
            : null;
        var start = new GatewayServerOptions
        {
            Urls = "http://127.0.0.1:0",
            DataDirectory = options.DataDirectory ?? owned,
            VirtualClock = options.VirtualClock,
            // A test's gateway is configured by these options alone: no appsettings.json, no environment variables.
            ReadEnvironment = false,
        };
        start.Settings["Gateway:AccessKey"] = options.AccessKey;
        start.Settings["Gateway:SecretKey"] = options.SecretKey;
        start.Settings["Gateway:Region"] = options.Region;
        start.Settings["Logging:LogLevel:Default"] = options.LogLevel;
        for (var i = 0; i < options.Buckets.Count; i++)
        {
            start.Settings[$"Gateway:InitialBuckets:{i}"] = options.Buckets[i];
        }

        foreach (var (key, value) in options.Settings)
        {
            start.Settings[key] = value;
        }

        try
        {
            var server = await GatewayServer.StartAsync(start, cancellationToken).ConfigureAwait(false);
            return new S3GatewayServer(server, owned);
        }
        catch
        {
            TryDelete(owned);
            throw;
        }
    }

    /// <summary>
    /// An AWSSDK.S3 client for this gateway: its URL, path-style addressing, the default account's credentials and
    /// region, and the SDK's defaults for everything else. Pass other credentials to act as another configured account.
    /// </summary>
    public AmazonS3Client CreateS3Client(string? accessKey = null, string? secretKey = null, Action<AmazonS3Config>? configure = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = ServiceUrl.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = Region,
        };
        configure?.Invoke(config);
        return new AmazonS3Client(new BasicAWSCredentials(accessKey ?? AccessKey, secretKey ?? SecretKey), config);
    }

    /// <summary>
    /// Empties the gateway between tests without a restart: every bucket, object, version, upload and usage row (or
    /// only those of the account with access key <paramref name="account"/>); the initial buckets are created again.
    /// The clock, the accounts and the settings are kept.
    /// </summary>
    public Task<ResetResult> ResetAsync(string? account = null) => Task.Run(() => _server.Reset(account));

    /// <summary>
    /// Moves the virtual clock forward and runs the lifecycle rules that came due (aborting uploads, expiring objects
    /// and versions) before it returns what they did.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server runs on the system clock (<see cref="S3GatewayOptions.VirtualClock"/> is off).</exception>
    public Task<LifecycleRun> AdvanceClockAsync(TimeSpan by) => Task.Run(() => _server.AdvanceClock(by));

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync().ConfigureAwait(false);
        TryDelete(_ownedDataDirectory);
    }

    private static void TryDelete(string? dir)
    {
        if (dir is null)
        {
            return;
        }

        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere (a client's handle on Windows); the folder is in the system's temp area.
        }
    }
}
