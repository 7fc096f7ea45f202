using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.Adapters;

/// <summary>
/// Starts each enabled adapter on its own Kestrel listener (its own URL, as a real client's base URL points at a
/// service of its own), sharing the gateway's storage engine, and stops them with the gateway.
/// </summary>
internal sealed class AdapterHost(GatewayServices services, IEnumerable<IAdapter> adapters, ILoggerFactory loggers) : IHostedService
{
    private readonly List<WebApplication> _apps = [];

    /// <summary>The address each running adapter bound (port 0 resolved), by adapter name.</summary>
    public Dictionary<string, Uri> Addresses { get; } = new(StringComparer.OrdinalIgnoreCase);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var adapter in adapters.Where(a => a.Settings.Url.Length > 0))
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(adapter.Settings.Url);
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.Limits.MaxRequestBodySize = null;
                k.Limits.MinRequestBodyDataRate = null;
                k.AddServerHeader = false;
            });
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var pipeline = new AdapterPipeline(adapter, services, loggers.CreateLogger("Gateway.Adapters." + adapter.Settings.Name));
            app.Run(pipeline.HandleAsync);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            _apps.Add(app);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Addresses[adapter.Settings.Name] = new Uri(bound.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var app in _apps)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _apps.Clear();
    }
}
