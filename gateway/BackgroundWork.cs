namespace Gateway;

/// <summary>
/// The gateway's background loop: applies lifecycle rules every LifecycleInterval and writes gathered request
/// traffic to the meter every TrafficFlushInterval; flushes traffic once more at shutdown.
/// </summary>
internal sealed class BackgroundWork(GatewayServices services, ILogger<BackgroundWork> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = services.Options;
        var nextSweep = DateTimeOffset.UtcNow;
        var tick = TimeSpan.FromMilliseconds(Math.Max(100, Math.Min(options.LifecycleInterval.TotalMilliseconds, options.TrafficFlushInterval.TotalMilliseconds)));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                services.Storage.Traffic.Flush();
                if (DateTimeOffset.UtcNow >= nextSweep)
                {
                    var result = services.Storage.Lifecycle.Sweep();
                    if (result.AbortedUploads + result.ExpiredObjects > 0)
                    {
                        log.LogInformation("Lifecycle: aborted {Uploads} incomplete uploads, expired {Objects} objects", result.AbortedUploads, result.ExpiredObjects);
                    }

                    nextSweep = DateTimeOffset.UtcNow + options.LifecycleInterval;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Background work failed; retrying on the next tick");
            }

            try
            {
                await Task.Delay(tick, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        services.Storage.Traffic.Flush();
    }
}
