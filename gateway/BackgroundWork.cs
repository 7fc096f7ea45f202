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
        var trimmedAt = 0L;
        var nextSample = DateTimeOffset.UtcNow;
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

                if (DateTimeOffset.UtcNow >= nextSample)
                {
                    // The console's usage charts: one sample a minute of real time.
                    services.UsageHistory.Record(services);
                    nextSample = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
                }

                trimmedAt = TrimWhenIdle(trimmedAt);
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

    /// <summary>
    /// Once a burst of requests is over (none for IdleTrimAfter), hands the memory it grew back: without this an idle
    /// process never collects again and keeps its load-time footprint indefinitely (Bench load measures it). Runs once
    /// per quiet spell: not again until more requests came. Returns the request count it last trimmed at.
    /// </summary>
    private long TrimWhenIdle(long trimmedAt)
    {
        var options = services.Options;
        var count = services.Metrics.Count;
        if (options.IdleTrimAfter <= TimeSpan.Zero || count == trimmedAt
            || Environment.TickCount64 - services.Metrics.LastRequestTicks < options.IdleTrimAfter.TotalMilliseconds)
        {
            return trimmedAt;
        }

        services.Storage.TrimMemory();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            // glibc keeps what native code freed (SQLite's caches, the connections' buffers) in its arenas: give it back.
            NativeMethods.MallocTrim(0);
        }

        return count;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        services.Storage.Traffic.Flush();
    }
}

/// <summary>glibc's malloc_trim: returns the free memory at the top of each malloc arena to the system.</summary>
internal static class NativeMethods
{
    // DllImport rather than LibraryImport: the generated stub needs unsafe code, which the build keeps off.
#pragma warning disable SYSLIB1054
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    internal static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054
}
