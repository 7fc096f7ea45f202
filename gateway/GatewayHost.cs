using Gateway.Auth;
using Gateway.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Storage;

namespace Gateway;

/// <summary>Builds and starts the gateway; used by Program and by the end-to-end tests (on 127.0.0.1:0).</summary>
internal static class GatewayHost
{
    /// <summary>Builds the app from command-line args, environment and appsettings.json, and the given overrides.</summary>
    /// <param name="args">Command-line settings.</param>
    /// <param name="configure">Overrides applied after configuration is bound.</param>
    /// <param name="clock">The real clock (the system clock by default).</param>
    /// <param name="logging">More logging set-up (the tests add a provider that keeps what is logged).</param>
    public static WebApplication Build(string[] args, Action<GatewayOptions>? configure = null, IClock? clock = null, Action<ILoggingBuilder>? logging = null)
    {
        var cwd = Directory.GetCurrentDirectory();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json lives at the repository root; `dotnet run --project gateway` runs from there.
            // A published build (the container) keeps its copy beside the binary.
            ContentRootPath = File.Exists(Path.Combine(cwd, "appsettings.json")) ? cwd : AppContext.BaseDirectory,
        });

        var options = GatewayOptions.Load(builder.Configuration);
        configure?.Invoke(options);
        Validate(options);

        if (builder.Configuration["urls"] is null && builder.Configuration["ASPNETCORE_URLS"] is null)
        {
            builder.WebHost.UseUrls("http://localhost:9000");
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            // S3 parts and objects reach 5 GiB; the body size is enforced per operation, not by Kestrel.
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            k.AddServerHeader = false;
            // One byte per header character: HeaderText decides what each value looks like on the wire, and
            // ResponseWriter never hands Kestrel a character it cannot send (Kestrel's default refuses non-ASCII).
            k.ResponseHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // ASP.NET Core's "Request starting" lines hold the whole URL, a presigned URL's signature and credential
        // with it; this rule comes after the configuration's, so no setting turns them on.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        logging?.Invoke(builder.Logging);

        var realClock = clock ?? SystemClock.Instance;
        var storage = new StorageEngine(new StorageOptions(options.DataDir, options.SegmentSize, options.Limits(), options.Clock == "virtual", options.MinFreeSpace, options.InlineThreshold), realClock);
        // Header signatures are checked against real time (clients sign with it); presigned expiry, upload ages,
        // lifecycle and the meter all read the gateway's clock, which may be virtual.
        var verifier = new SignatureVerifier(new ConfiguredCredentials(options), options.Region, options.MaxClockSkew, () => realClock.UtcNow, () => storage.Clock.UtcNow, options.SigV2);
        var services = new GatewayServices(options, storage, verifier);
        builder.Services.AddSingleton(services);
        builder.Services.AddSingleton<Dispatcher>();
        builder.Services.AddHostedService<BackgroundWork>();
        builder.Services.AddSingleton<Adapters.IAdapter>(new Adapters.Box.BoxAdapter(options.Adapters.Box));
        builder.Services.AddSingleton<Adapters.IAdapter>(new Adapters.Veza.VezaAdapter(options.Adapters.Veza));
        builder.Services.AddSingleton<Adapters.IAdapter>(new Adapters.Kodexa.KodexaAdapter(options.Adapters.Kodexa));
        builder.Services.AddSingleton<Adapters.IAdapter>(new Adapters.TwelveLabs.TwelveLabsAdapter(options.Adapters.TwelveLabs));
        builder.Services.AddSingleton<Adapters.AdapterHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Adapters.AdapterHost>());

        var app = builder.Build();
        var dispatcher = app.Services.GetRequiredService<Dispatcher>();
        app.Run(dispatcher.HandleAsync);
        app.Lifetime.ApplicationStarted.Register(() => services.S3Address = BoundAddress(app));
        return app;
    }

    /// <summary>The first address the server actually bound (resolves port 0).</summary>
    public static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    private static void Validate(GatewayOptions o)
    {
        if (o.Clock is not ("system" or "virtual"))
        {
            throw new InvalidOperationException("Gateway:Clock must be \"system\" or \"virtual\".");
        }

        if (o.SegmentSize < 1)
        {
            throw new InvalidOperationException("Gateway:SegmentSize must be a positive number of bytes.");
        }

        if (o.InlineThreshold is < 0 or > Storage.StorageOptions.MaxInlineThreshold)
        {
            throw new InvalidOperationException($"Gateway:InlineThreshold must be between 0 and {Storage.StorageOptions.MaxInlineThreshold} bytes.");
        }

        if (o.MinFreeSpace < 0)
        {
            throw new InvalidOperationException("Gateway:MinFreeSpace must be a number of bytes, 0 or more.");
        }

        if (string.IsNullOrEmpty(o.AccessKey) || string.IsNullOrEmpty(o.SecretKey))
        {
            throw new InvalidOperationException("Gateway:AccessKey and Gateway:SecretKey must be set.");
        }

        foreach (var c in o.Credentials)
        {
            if (string.IsNullOrEmpty(c.AccessKey) || string.IsNullOrEmpty(c.SecretKey))
            {
                throw new InvalidOperationException("Every Gateway:Credentials entry needs an AccessKey and a SecretKey.");
            }
        }
    }
}

/// <summary>The credentials from configuration: the default pair plus the Credentials list.</summary>
internal sealed class ConfiguredCredentials : ICredentialStore
{
    private readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal);

    public ConfiguredCredentials(GatewayOptions options)
    {
        _secrets[options.AccessKey] = options.SecretKey;
        foreach (var c in options.Credentials)
        {
            _secrets[c.AccessKey] = c.SecretKey;
        }
    }

    public string? FindSecret(string accessKey) => _secrets.GetValueOrDefault(accessKey);
}
