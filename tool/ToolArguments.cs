using System.Globalization;
using Gateway;

namespace S3Gateway.Tool;

internal enum ToolOutcome
{
    Run,
    Help,
    Version,
    BadUsage,
}

/// <summary>
/// The tool's command line: a few short flags for what people change most, and every other <c>--Key=value</c> or
/// <c>--Key value</c> passed to the gateway's configuration as its own command line takes it (<c>--Gateway:Region=eu-west-1</c>).
/// </summary>
internal sealed record ToolArguments
{
    public ToolOutcome Outcome { get; private init; } = ToolOutcome.Run;

    public string? Error { get; private init; }

    public int? Port { get; private init; }

    public string? Host { get; private init; }

    public string? DataDir { get; private init; }

    public bool Ephemeral { get; private init; }

    public bool VirtualClock { get; private init; }

    public IReadOnlyList<string> Buckets { get; private init; } = [];

    /// <summary>What goes to the gateway's configuration unchanged, in order.</summary>
    public IReadOnlyList<string> Settings { get; private init; } = [];

    public static string Version { get; } =
        typeof(ToolArguments).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static ToolArguments Parse(IReadOnlyList<string> args)
    {
        int? port = null;
        string? host = null, dataDir = null;
        bool ephemeral = false, virtualClock = false;
        var buckets = new List<string>();
        var settings = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg : arg[..eq];
            string? inline = eq < 0 ? null : arg[(eq + 1)..];

            // The value of a flag: after '=' or the next argument.
            string? Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                return i + 1 < args.Count ? args[++i] : null;
            }

            switch (name)
            {
                case "--help" or "-h":
                    return new ToolArguments { Outcome = ToolOutcome.Help };
                case "--version":
                    return new ToolArguments { Outcome = ToolOutcome.Version };
                case "--port":
                    var p = Value();
                    if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 65535)
                    {
                        return Bad($"--port needs a port number from 0 to 65535 (0: any free port), not '{p}'.");
                    }

                    port = n;
                    break;
                case "--host":
                    host = Value();
                    if (string.IsNullOrEmpty(host))
                    {
                        return Bad("--host needs an address (127.0.0.1, 0.0.0.0 for every interface, localhost).");
                    }

                    break;
                case "--data-dir":
                    dataDir = Value();
                    if (string.IsNullOrEmpty(dataDir))
                    {
                        return Bad("--data-dir needs a folder.");
                    }

                    break;
                case "--ephemeral":
                    ephemeral = true;
                    break;
                case "--virtual-clock":
                    virtualClock = true;
                    break;
                case "--bucket":
                    var bucket = Value();
                    if (bucket is null || !Gateway.Protocol.BucketNames.IsValid(bucket))
                    {
                        return Bad($"--bucket needs a valid bucket name, not '{bucket}'.");
                    }

                    buckets.Add(bucket);
                    break;
                default:
                    if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                    {
                        return Bad($"unknown argument '{arg}': settings are given as --Key=value (--Gateway:Region=eu-west-1).");
                    }

                    // A setting; its value may be the next argument, which then goes along with it.
                    settings.Add(arg);
                    if (inline is null && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        settings.Add(args[++i]);
                    }

                    break;
            }
        }

        if (ephemeral && dataDir is not null)
        {
            return Bad("--ephemeral and --data-dir cannot be used together: --ephemeral uses a new temporary folder.");
        }

        if (host is not null && port is null)
        {
            return Bad("--host needs --port too.");
        }

        return new ToolArguments
        {
            Port = port,
            Host = host,
            DataDir = dataDir,
            Ephemeral = ephemeral,
            VirtualClock = virtualClock,
            Buckets = buckets,
            Settings = settings,
        };

        static ToolArguments Bad(string error) => new() { Outcome = ToolOutcome.BadUsage, Error = error };
    }

    /// <summary>
    /// The address to listen on: with --port, on the loopback interface unless --host names another. Port 0 cannot be
    /// bound on "localhost" (Kestrel binds it as two addresses), so a free port is taken on 127.0.0.1.
    /// </summary>
    public string? Urls => Port is not { } port ? null
        : $"http://{Host ?? (port == 0 ? "127.0.0.1" : "localhost")}:{port.ToString(CultureInfo.InvariantCulture)}";

    public GatewayServerOptions ToServerOptions(string? ephemeralDir)
    {
        var options = new GatewayServerOptions
        {
            Args = Settings,
            Urls = Urls,
            DataDirectory = ephemeralDir ?? DataDir,
            VirtualClock = VirtualClock ? true : null,
        };
        for (var i = 0; i < Buckets.Count; i++)
        {
            options.Settings[$"Gateway:InitialBuckets:{i}"] = Buckets[i];
        }

        return options;
    }

    public const string HelpText = """
        s3gateway: a strict local S3 (the S3 gateway), as a .NET tool

        usage: s3gateway [options] [--Key=value ...]     run the gateway until Ctrl+C
               s3gateway <command> [command options]     an admin command against a running gateway (see below)

        options:
          --port N            listen on port N (default 9000; 0: a free port) on localhost
          --host ADDRESS      with --port: listen on ADDRESS instead (0.0.0.0: every interface)
          --data-dir DIR      keep the data in DIR (default ./data)
          --ephemeral         keep the data in a new temporary folder, deleted when the gateway stops
          --virtual-clock     run on a virtual clock, moved by `s3gateway clock advance` (lifecycle tests)
          --bucket NAME       create bucket NAME for the default account at start (repeatable)
          --Key=value         any setting, e.g. --Gateway:Region=eu-west-1 --Gateway:AccessKey=me
          --healthcheck [URL] exit 0 when the gateway at URL answers its health check
          --version, --help

        The first line printed is "S3 gateway listening on http://HOST:PORT" (the port resolved when 0 was asked);
        one line per enabled upload adapter follows. Default credentials: access key test, secret key test,
        region us-east-1. appsettings.json in the working folder and Gateway__* environment variables apply too.

        admin commands (gatewayctl's; `s3gateway help` describes each and its options):
          usage, uploads, abort-stale, clock, clock advance, metrics, access, faults, checksum, check, reset
          global options: --endpoint URL (env GATEWAY_ENDPOINT, default http://localhost:9000), --access-key,
          --secret-key, --region, --json

        """;
}
