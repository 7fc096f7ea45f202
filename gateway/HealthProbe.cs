namespace Gateway;

/// <summary>A client for /_gateway/health, for container health checks.</summary>
internal static class HealthProbe
{
    public static async Task<int> RunAsync(string? url)
    {
        var target = url ?? Environment.GetEnvironmentVariable("GATEWAY_HEALTH_URL") ?? "http://127.0.0.1:9000/_gateway/health";
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            using var response = await http.GetAsync(new Uri(target)).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"health check of {target} failed: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
