using Gateway.Auth;
using Gateway.Http;

namespace Gateway;

/// <summary>Builds the gateway's web application: configuration, Kestrel, the services, and the request pipelines.</summary>
internal static class GatewayHost
{
    /// <summary>
    /// Builds the app from the options' settings (and, for the program, appsettings.json, the environment and the
    /// command line), ready to start. The gateway's own endpoints are mapped under /_gateway ahead of the S3 catch-all.
    /// </summary>
    public static WebApplication Build(GatewayServerOptions start)
    {
        var cwd = Directory.GetCurrentDirectory();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. start.Args],
            // appsettings.json lives at the repository root; `dotnet run --project gateway` runs from there.
            // A published build (the container) keeps its copy beside the binary.
            ContentRootPath = File.Exists(Path.Combine(cwd, "appsettings.json")) ? cwd : AppContext.BaseDirectory,
        });
        if (!start.ReadEnvironment)
        {
            // An embedded gateway (a test's) is configured by its options alone: no appsettings.json, no environment.
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddCommandLine([.. start.Args]);
        }

        var settings = new Dictionary<string, string?>(start.Settings, StringComparer.OrdinalIgnoreCase);
        if (start.DataDirectory is { } dir)
        {
            settings["Gateway:DataDir"] = dir;
        }

        if (start.VirtualClock is { } virtualClock)
        {
            settings["Gateway:Clock"] = virtualClock ? "virtual" : "system";
        }

        if (start.Urls is { } urls)
        {
            settings["urls"] = urls;
        }

        builder.Configuration.AddInMemoryCollection(settings);

        var options = GatewayOptions.Load(builder.Configuration);
        start.Configure?.Invoke(options);

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
        // The host's start-up lines would come before the line that names the gateway's address, which a process
        // starting the gateway reads first (Program prints it).
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        start.Logging?.Invoke(builder.Logging);

        var services = GatewayServices.Create(options, start.Clock);
        builder.Services.AddSingleton(services);
        builder.Services.AddSingleton<Dispatcher>();
        builder.Services.AddSingleton<WebConsole.ConsoleEndpoint>();
        builder.Services.AddSingleton<Admin.AdminPipeline>();
        builder.Services.AddHostedService<BackgroundWork>();
        builder.Services.AddSingleton<Adapters.IAdapter>(new Adapters.Box.BoxAdapter(options.Adapters.Box));
        builder.Services.AddSingleton<Adapters.IAdapter>(new Adapters.Veza.VezaAdapter(options.Adapters.Veza));
        builder.Services.AddSingleton<Adapters.IAdapter>(new Adapters.Kodexa.KodexaAdapter(options.Adapters.Kodexa));
        builder.Services.AddSingleton<Adapters.IAdapter>(new Adapters.TwelveLabs.TwelveLabsAdapter(options.Adapters.TwelveLabs));
        builder.Services.AddSingleton<Adapters.AdapterHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Adapters.AdapterHost>());
        builder.Services.AddRouting();

        var app = builder.Build();
        services.AccessLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Access");
        // The gateway's own endpoints are ASP.NET Core endpoints; a request none of them matches goes on to S3.
        app.UseRouting();
        Admin.AdminEndpoints.Map(app.MapGroup(Admin.AdminEndpoints.Prefix), app.Services.GetRequiredService<Admin.AdminPipeline>().HandleAsync);
        // The console's pages: more specific than the admin table's catch-all, so routing gives them to the console.
        var console = app.Services.GetRequiredService<WebConsole.ConsoleEndpoint>();
        app.MapMethods(WebConsole.ConsoleRoutes.Prefix, ["GET", "HEAD", "POST"], console.HandleAsync);
        app.MapMethods(WebConsole.ConsoleRoutes.Prefix + "/{**rest}", ["GET", "HEAD", "POST", "PUT", "DELETE"], console.HandleAsync);
        // The matched endpoint runs here, so the S3 catch-all below sees only requests no endpoint took.
        app.UseEndpoints(_ => { });
        app.Run(app.Services.GetRequiredService<Dispatcher>().HandleAsync);
        app.Lifetime.ApplicationStarted.Register(() => services.S3Address = GatewayServer.BoundAddress(app));
        return app;
    }

    internal static void Validate(GatewayOptions o)
    {
        if (o.Clock is not ("system" or "virtual"))
        {
            throw new GatewaySettingsException("Gateway:Clock must be \"system\" or \"virtual\".");
        }

        if (o.SegmentSize < 1)
        {
            throw new GatewaySettingsException("Gateway:SegmentSize must be a positive number of bytes.");
        }

        if (o.InlineThreshold is < 0 or > Storage.StorageOptions.MaxInlineThreshold)
        {
            throw new GatewaySettingsException($"Gateway:InlineThreshold must be between 0 and {Storage.StorageOptions.MaxInlineThreshold} bytes.");
        }

        if (o.MinFreeSpace < 0)
        {
            throw new GatewaySettingsException("Gateway:MinFreeSpace must be a number of bytes, 0 or more.");
        }

        if (o.RequestLogSize < 0)
        {
            throw new GatewaySettingsException("Gateway:RequestLogSize must be a number of requests, 0 or more.");
        }

        if (o.SpareSpace < 0)
        {
            throw new GatewaySettingsException("Gateway:SpareSpace must be a number of bytes, 0 or more.");
        }

        if (o.InitialBuckets.FirstOrDefault(b => !Protocol.BucketNames.IsValid(b)) is { } badName)
        {
            throw new GatewaySettingsException($"Gateway:InitialBuckets holds {badName}, which is not a valid bucket name.");
        }

        if (string.IsNullOrEmpty(o.AccessKey) || string.IsNullOrEmpty(o.SecretKey))
        {
            throw new GatewaySettingsException("Gateway:AccessKey and Gateway:SecretKey must be set.");
        }

        foreach (var c in o.Credentials)
        {
            if (string.IsNullOrEmpty(c.AccessKey) || string.IsNullOrEmpty(c.SecretKey))
            {
                throw new GatewaySettingsException("Every Gateway:Credentials entry needs an AccessKey and a SecretKey.");
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
