using Gateway;

var app = GatewayHost.Build(args);
await app.StartAsync();
app.Logger.LogInformation("S3 gateway listening on {Address}", string.Join(", ", GatewayHost.BoundAddress(app)));
await app.WaitForShutdownAsync();
