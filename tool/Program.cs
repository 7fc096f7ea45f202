using Gateway;
using S3Gateway.Tool;

// s3gateway: the gateway itself, or (with a command word first) gatewayctl's admin commands against a running one.
if (args.Length > 0 && !args[0].StartsWith('-'))
{
    return await GatewayCtl.Cli.RunAsync(args, Console.Out, Console.Error);
}

if (args.Length > 0 && args[0] == "--healthcheck")
{
    return await GatewayProgram.HealthCheckAsync(args.Length > 1 ? args[1] : null);
}

var parsed = ToolArguments.Parse(args);
switch (parsed.Outcome)
{
    case ToolOutcome.Help:
        await Console.Out.WriteAsync(ToolArguments.HelpText);
        return 0;
    case ToolOutcome.Version:
        await Console.Out.WriteLineAsync(ToolArguments.Version);
        return 0;
    case ToolOutcome.BadUsage:
        await Console.Error.WriteLineAsync($"s3gateway: {parsed.Error}\nRun s3gateway --help for the options.");
        return 64;
    case ToolOutcome.Run:
        break;
}

string? ephemeral = null;
if (parsed.Ephemeral)
{
    ephemeral = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "s3gateway-" + Guid.NewGuid().ToString("N")[..12])).FullName;
}

try
{
    return await GatewayProgram.RunAsync(parsed.ToServerOptions(ephemeral), Console.Out);
}
finally
{
    if (ephemeral is not null)
    {
        // The gateway has stopped and closed its database: the folder and everything in it go.
        try
        {
            Directory.Delete(ephemeral, recursive: true);
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"s3gateway: the temporary data folder {ephemeral} could not be deleted: {e.Message}");
        }
    }
}
