using Gateway;

// `Gateway --healthcheck [url]` probes a running gateway and exits 0 when healthy: the container's HEALTHCHECK
// uses it because the ASP.NET runtime image has neither curl nor wget.
if (args.Length > 0 && args[0] == "--healthcheck")
{
    return await HealthProbe.RunAsync(args.Length > 1 ? args[1] : null);
}

await using var server = await GatewayServer.StartAsync(new GatewayServerOptions { Args = args });
// The first line on standard output names the address (port 0 resolved), then one line per adapter: a process that
// starts the gateway reads them to find it.
Console.Out.WriteLine($"S3 gateway listening on {server.S3Url.GetLeftPart(UriPartial.Authority)}");
foreach (var (name, url) in server.AdapterUrls)
{
    Console.Out.WriteLine($"{name} adapter listening on {url.GetLeftPart(UriPartial.Authority)}");
}

Console.Out.Flush();
await server.WaitForShutdownAsync();
return 0;
