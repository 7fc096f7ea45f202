using System.Text.Json;

namespace Gateway.Handlers;

/// <summary>The gateway's own endpoints under /_gateway/. Health is unauthenticated so container probes can use it.</summary>
internal static class AdminHandlers
{
    private static readonly string Version = typeof(AdminHandlers).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static async Task HandleAsync(HttpContext http, string rawTarget, GatewayServices services)
    {
        var path = rawTarget.Split('?')[0];
        if (path == "/_gateway/health" && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))
        {
            var uptime = services.Clock.UtcNow - services.StartedAt;
            var json = JsonSerializer.Serialize(new { status = "ok", version = Version, uptimeSeconds = Math.Round(uptime.TotalSeconds, 3) });
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(json, http.RequestAborted).ConfigureAwait(false);
            return;
        }

        http.Response.StatusCode = 404;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync("{\"error\":\"no such gateway endpoint\"}", http.RequestAborted).ConfigureAwait(false);
    }
}
