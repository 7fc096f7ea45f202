using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Storage;

namespace Gateway;

/// <summary>What a gateway is started with: settings as a user gives them, and where it listens.</summary>
public sealed class GatewayServerOptions
{
    /// <summary>Command-line arguments, read as the gateway's own command line reads them (<c>--Gateway:Region=eu-west-1</c>).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Any configuration setting by key (<c>Gateway:Kms:KeyIds:0</c>), above every other source.</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where the S3 front end listens (<c>http://127.0.0.1:0</c> binds a free port); default: the settings' urls, else http://localhost:9000.</summary>
    public string? Urls { get; init; }

    /// <summary>The data folder; default: the settings' Gateway:DataDir.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Run on the virtual clock (Gateway:Clock=virtual).</summary>
    public bool? VirtualClock { get; init; }

    /// <summary>Whether to read appsettings.json (from the working folder or beside the binary) and environment variables: true for the program, false for a gateway embedded in tests.</summary>
    public bool ReadEnvironment { get; init; } = true;

    /// <summary>Changes to the bound options, after every setting (the tests' and the tool's own knobs).</summary>
    internal Action<GatewayOptions>? Configure { get; init; }

    /// <summary>The real clock (the system clock by default).</summary>
    internal IClock? Clock { get; init; }

    /// <summary>More logging set-up (the tests add a provider that keeps what is logged).</summary>
    internal Action<ILoggingBuilder>? Logging { get; init; }
}

/// <summary>
/// A running gateway: the one entry point that builds and starts one from options (the program, the test fixtures,
/// the crash drills and the test package all start it here), its bound addresses (port 0 resolved), and a clean stop.
/// Two gateways in one process share nothing: each has its own options, storage engine, services and listeners.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private GatewayServer(WebApplication app, GatewayServices services)
    {
        _app = app;
        Services = services;
    }

    /// <summary>The S3 front end's address as bound (http://127.0.0.1:41234), without a trailing slash.</summary>
    public Uri S3Url { get; private set; } = null!;

    /// <summary>Each enabled adapter's address as bound, by adapter name (Box, Veza, Kodexa, TwelveLabs).</summary>
    public IReadOnlyDictionary<string, Uri> AdapterUrls => _app.Services.GetRequiredService<Adapters.AdapterHost>().Addresses;

    /// <summary>The data folder in use (absolute).</summary>
    public string DataDirectory => Path.GetFullPath(Services.Options.DataDir);

    /// <summary>The default account's access key and secret.</summary>
    public string AccessKey => Services.Options.AccessKey;

    public string SecretKey => Services.Options.SecretKey;

    public string Region => Services.Options.Region;

    internal GatewayServices Services { get; }

    /// <summary>The gateway's clock now (the virtual clock's time when it runs on one).</summary>
    public DateTimeOffset Now => Services.Clock.UtcNow;

    /// <summary>
    /// Empties storage as <c>POST /_gateway/reset</c> does: every bucket, object, version, upload and usage row (or
    /// only those the account with <paramref name="account"/> as access key owns), then re-creates Gateway:InitialBuckets.
    /// The clock, the accounts, the fault rules and the settings are kept.
    /// </summary>
    public Contract.ResetResult Reset(string? account = null)
    {
        if (account is not null && !Services.Options.HasAccount(account))
        {
            throw new ArgumentException($"{account} is not a configured access key.", nameof(account));
        }

        return Services.Reset(account);
    }

    /// <summary>
    /// Moves the virtual clock forward (as <c>POST /_gateway/clock/advance</c> does) and runs the lifecycle rules that
    /// came due before returning what they did.
    /// </summary>
    /// <exception cref="InvalidOperationException">The gateway runs on the system clock.</exception>
    public Contract.LifecycleRun AdvanceClock(TimeSpan by)
    {
        var clock = Services.Storage.VirtualClock
            ?? throw new InvalidOperationException("The gateway runs on the system clock; start it with Gateway:Clock=virtual to move the clock.");
        return Services.AdvanceClock(clock, by);
    }

    /// <summary>Fires when the host is asked to stop (Ctrl+C, SIGTERM, <see cref="StopAsync"/>).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    public static async Task<GatewayServer> StartAsync(GatewayServerOptions options, CancellationToken cancellationToken = default)
    {
        var app = GatewayHost.Build(options);
        var server = new GatewayServer(app, app.Services.GetRequiredService<GatewayServices>());
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        server.S3Url = BoundAddress(app);
        server.Services.S3Address = server.S3Url;
        return server;
    }

    /// <summary>Waits until the host is asked to stop (the program's main loop).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        // Its database connections close with it, so the data folder can be deleted or opened by another gateway.
        Services.Storage.Dispose();
    }

    /// <summary>The first address the server actually bound (port 0 resolved), without the trailing slash.</summary>
    internal static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First().TrimEnd('/'));
    }
}
