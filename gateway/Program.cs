using Gateway;

// `Gateway --healthcheck [url]` probes a running gateway and exits 0 when healthy: the container's HEALTHCHECK
// uses it because the ASP.NET runtime image has neither curl nor wget.
if (args.Length > 0 && args[0] == "--healthcheck")
{
    return await HealthProbe.RunAsync(args.Length > 1 ? args[1] : null);
}

var app = GatewayHost.Build(args);
await app.StartAsync();
app.Logger.LogInformation("S3 gateway listening on {Address}", GatewayHost.BoundAddress(app));
await app.WaitForShutdownAsync();
return 0;
