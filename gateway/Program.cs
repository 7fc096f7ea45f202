using Gateway;

if (args.Length > 0 && args[0] == "--healthcheck")
{
    return await GatewayProgram.HealthCheckAsync(args.Length > 1 ? args[1] : null);
}

return await GatewayProgram.RunAsync(new GatewayServerOptions { Args = args }, Console.Out);
