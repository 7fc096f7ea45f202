namespace Gateway;

/// <summary>What the gateway's program does, shared by its own binary and the <c>s3gateway</c> .NET tool.</summary>
public static class GatewayProgram
{
    /// <summary>
    /// Starts the gateway, writes where it listens, and runs until asked to stop (Ctrl+C, SIGTERM). The first line on
    /// <paramref name="stdout"/> is <c>S3 gateway listening on http://HOST:PORT</c> (port 0 resolved), then one line per
    /// enabled adapter (<c>Box adapter listening on ...</c>): a process that starts the gateway reads them to find it.
    /// </summary>
    public static async Task<int> RunAsync(GatewayServerOptions options, TextWriter stdout, TextWriter? stderr = null)
    {
        GatewayServer server;
        try
        {
            server = await GatewayServer.StartAsync(options).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            // A second gateway on the first one's port: one line that says what to do, not a stack trace.
            await (stderr ?? Console.Error).WriteLineAsync(
                $"The gateway cannot start: {e.Message} Another gateway (or another program) is listening there: stop it, or choose another address with --urls http://localhost:9100 (s3gateway: --port 9100).").ConfigureAwait(false);
            return 1;
        }
        catch (GatewaySettingsException e)
        {
            // A setting the gateway cannot use: the message names it.
            await (stderr ?? Console.Error).WriteLineAsync("The gateway cannot start: " + e.Message).ConfigureAwait(false);
            return 2;
        }

        await using var running = server;
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
