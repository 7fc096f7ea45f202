namespace Gateway;

/// <summary>What the gateway's program does, shared by its own binary and the <c>s3gateway</c> .NET tool.</summary>
public static class GatewayProgram
{
    /// <summary>
    /// Starts the gateway, writes where it listens, and runs until asked to stop (Ctrl+C, SIGTERM). The first line on
    /// <paramref name="stdout"/> is <c>S3 gateway listening on http://HOST:PORT</c> (port 0 resolved), then one line per
    /// enabled adapter (<c>Box adapter listening on ...</c>): a process that starts the gateway reads them to find it.
    /// </summary>
    public static async Task<int> RunAsync(GatewayServerOptions options, TextWriter stdout)
    {
        await using var server = await GatewayServer.StartAsync(options).ConfigureAwait(false);
        await stdout.WriteLineAsync($"S3 gateway listening on {server.S3Url.GetLeftPart(UriPartial.Authority)}").ConfigureAwait(false);
        foreach (var (name, url) in server.AdapterUrls)
        {
            await stdout.WriteLineAsync($"{name} adapter listening on {url.GetLeftPart(UriPartial.Authority)}").ConfigureAwait(false);
        }

        await stdout.FlushAsync().ConfigureAwait(false);
        await server.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// <c>--healthcheck [url]</c>: probes a running gateway and returns 0 when it is healthy. The container's HEALTHCHECK
    /// uses it because the ASP.NET runtime image has neither curl nor wget.
    /// </summary>
    public static Task<int> HealthCheckAsync(string? url) => HealthProbe.RunAsync(url);
}
