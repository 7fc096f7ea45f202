using System.Globalization;
using System.Text.RegularExpressions;

namespace GatewayCtl;

/// <summary>A bad command line: the message is printed with the usage text and the tool exits 64 (EX_USAGE).</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Where to send requests and how to sign them.</summary>
internal sealed record Connection(Uri Endpoint, SigV4Credentials Credentials);

/// <summary>One admin API call: the path under the endpoint, the unencoded query parameters and a JSON body, if any.</summary>
internal sealed record AdminRequest(HttpMethod Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Query, byte[]? Body = null)
{
    /// <summary>A file sent as the body, streamed (its payload unsigned: the tool does not read it twice).</summary>
    public string? BodyFile { get; init; }
}

internal enum CommandKind
{
    Usage,
    Uploads,
    AbortStale,
    Clock,
    ClockAdvance,
    Metrics,
    Access,
    FaultsAdd,
    FaultsList,
    FaultsClear,
    FaultsHistory,
    Checksum,
    Check,
    Reset,
    Requests,
}

/// <summary>The parsed command line: connection settings, output mode and the command with its request.</summary>
internal sealed record ParsedCommand(CommandKind Kind, Connection Connection, bool Json, bool All, AdminRequest Request)
{
    /// <summary>check --data-dir: a stopped gateway's folder, checked here without any request.</summary>
    public string? DataDir { get; init; }

    /// <summary>check --repair (with --data-dir): remove what the start-up sweep removes, then check again.</summary>
    public bool Repair { get; init; }
}

internal static partial class CliArguments
{
    public const string DefaultEndpoint = "http://localhost:9000";

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "json", "all", "dry-run", "secure", "repair", "errors" };

    private static readonly HashSet<string> GlobalOptions = new(StringComparer.Ordinal)
    {
        "endpoint", "access-key", "secret-key", "region", "json",
    };

    private static readonly Dictionary<CommandKind, string[]> CommandOptions = new()
    {
        [CommandKind.Usage] = ["bucket", "account", "period"],
        [CommandKind.Uploads] = ["bucket", "account", "older-than", "sort", "limit", "all"],
        [CommandKind.AbortStale] = ["bucket", "account", "older-than", "dry-run"],
        [CommandKind.Clock] = [],
        [CommandKind.ClockAdvance] = ["seconds", "hours", "days"],
        [CommandKind.Metrics] = [],
        [CommandKind.Access] = ["bucket", "action", "key", "principal", "source-ip", "secure"],
        [CommandKind.FaultsAdd] = ["file", "front-end", "operation", "bucket", "key", "part-number", "account", "method", "after", "times", "probability", "seed",
            "type", "status", "code", "message", "retry-after", "ms", "bytes-per-second", "after-bytes"],
        [CommandKind.FaultsList] = [],
        [CommandKind.FaultsClear] = [],
        [CommandKind.FaultsHistory] = [],
        [CommandKind.Checksum] = ["algorithm"],
        [CommandKind.Check] = ["data-dir", "repair"],
        [CommandKind.Reset] = ["account"],
        [CommandKind.Requests] = ["account", "bucket", "front-end", "operation", "status", "errors", "limit", "before"],
    };

    /// <summary>True when the user asked for help anywhere on the line; help wins over every other check.</summary>
    public static bool WantsHelp(string[] args) => args.Any(a => a is "--help" or "-h") || args is ["help", ..];

    /// <summary>
    /// Parses the whole line. Options may come before or after the command words (like the AWS CLI), as
    /// "--name value" or "--name=value". Environment variables fill in what the line leaves out.
    /// </summary>
    public static ParsedCommand Parse(string[] args, Func<string, string?> environment)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var words = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                words.Add(arg);
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg[2..] : arg[2..eq];
            string value;
            if (Flags.Contains(name))
            {
                if (eq >= 0)
                {
                    throw new UsageException($"--{name} takes no value");
                }

                value = "true";
            }
            else if (eq >= 0)
            {
                value = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Length)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"--{name} needs a value");
            }

            if (!options.TryAdd(name, value))
            {
                throw new UsageException($"--{name} given twice");
            }
        }

        var kind = words switch
        {
            [] => throw new UsageException("no command given"),
            ["usage"] => CommandKind.Usage,
            ["uploads"] => CommandKind.Uploads,
            ["abort-stale"] => CommandKind.AbortStale,
            ["clock"] => CommandKind.Clock,
            ["clock", "advance"] => CommandKind.ClockAdvance,
            ["metrics"] => CommandKind.Metrics,
            ["access"] => CommandKind.Access,
            ["faults", "add"] => CommandKind.FaultsAdd,
            ["faults", "list"] or ["faults"] => CommandKind.FaultsList,
            ["faults", "clear"] => CommandKind.FaultsClear,
            ["faults", "history"] => CommandKind.FaultsHistory,
            ["checksum", _] => CommandKind.Checksum,
            ["check"] => CommandKind.Check,
            ["reset"] => CommandKind.Reset,
            ["requests"] => CommandKind.Requests,
            _ => throw new UsageException($"unknown command: {string.Join(' ', words)}"),
        };

        foreach (var name in options.Keys)
        {
            if (!GlobalOptions.Contains(name) && !CommandOptions[kind].Contains(name))
            {
                throw new UsageException($"unknown option --{name} for {string.Join(' ', words)}");
            }
        }

        var request = kind == CommandKind.Checksum
            ? new AdminRequest(HttpMethod.Post, "/_gateway/checksum",
                [new("algorithm", options.GetValueOrDefault("algorithm") ?? throw new UsageException("checksum needs --algorithm (CRC32, SHA512, XXHASH3, ...)"))])
            {
                BodyFile = File.Exists(words[1]) ? words[1] : throw new UsageException($"no such file: {words[1]}"),
            }
            : BuildRequest(kind, options);
        if (options.ContainsKey("repair") && !options.ContainsKey("data-dir"))
        {
            throw new UsageException("--repair needs --data-dir: only a stopped gateway's folder is repaired (a running one sweeps at start-up)");
        }

        return new ParsedCommand(kind, ParseConnection(options, environment), options.ContainsKey("json"), options.ContainsKey("all"), request)
        {
            DataDir = options.GetValueOrDefault("data-dir"),
            Repair = options.ContainsKey("repair"),
        };
    }

    private static Connection ParseConnection(Dictionary<string, string> options, Func<string, string?> environment)
    {
        string Setting(string option, string variable, string fallback) =>
            options.GetValueOrDefault(option) ?? NonEmpty(environment(variable)) ?? fallback;

        var endpointText = Setting("endpoint", "GATEWAY_ENDPOINT", DefaultEndpoint);
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)
            || endpoint.Query.Length > 0)
        {
            throw new UsageException($"--endpoint must be an http:// or https:// URL: {endpointText}");
        }

        var credentials = new SigV4Credentials(
            Setting("access-key", "AWS_ACCESS_KEY_ID", "test"),
            Setting("secret-key", "AWS_SECRET_ACCESS_KEY", "test"),
            Setting("region", "AWS_DEFAULT_REGION", "us-east-1"));
        return new Connection(endpoint, credentials);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static AdminRequest BuildRequest(CommandKind kind, Dictionary<string, string> options)
    {
        var query = new List<KeyValuePair<string, string>>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query.Add(new(name, value));
            }
        }

        if (kind == CommandKind.FaultsAdd)
        {
            return new AdminRequest(HttpMethod.Post, "/_gateway/faults", query, FaultFlags.Body(options));
        }

        Add("bucket", options.GetValueOrDefault("bucket"));
        Add("account", options.GetValueOrDefault("account"));
        switch (kind)
        {
            case CommandKind.Usage:
                var period = options.GetValueOrDefault("period");
                if (period is not null && !PeriodPattern().IsMatch(period))
                {
                    throw new UsageException($"--period must be YYYY-MM: {period}");
                }

                Add("period", period);
                return new AdminRequest(HttpMethod.Get, "/_gateway/usage", query);

            case CommandKind.Uploads:
                Add("olderThanSeconds", OlderThan(options, required: false));
                var sort = options.GetValueOrDefault("sort");
                if (sort is not null and not ("initiated" or "age" or "bytes" or "cost"))
                {
                    throw new UsageException($"--sort must be initiated, age, bytes or cost: {sort}");
                }

                Add("sort", sort);
                Add("limit", options.TryGetValue("limit", out var limit) ? Positive("limit", limit).ToString(CultureInfo.InvariantCulture) : null);
                return new AdminRequest(HttpMethod.Get, "/_gateway/uploads", query);

            case CommandKind.AbortStale:
                Add("olderThanSeconds", OlderThan(options, required: true));
                Add("dryRun", options.ContainsKey("dry-run") ? "true" : "false");
                return new AdminRequest(HttpMethod.Post, "/_gateway/uploads/abort", query);

            case CommandKind.Clock:
                return new AdminRequest(HttpMethod.Get, "/_gateway/clock", query);

            case CommandKind.ClockAdvance:
                Add("seconds", AdvanceSeconds(options).ToString(CultureInfo.InvariantCulture));
                return new AdminRequest(HttpMethod.Post, "/_gateway/clock/advance", query);

            case CommandKind.Metrics:
                return new AdminRequest(HttpMethod.Get, "/_gateway/metrics", query);

            case CommandKind.Access:
                if (!options.ContainsKey("bucket") || !options.ContainsKey("action"))
                {
                    throw new UsageException("access needs --bucket and --action (e.g. --action s3:GetObject)");
                }

                Add("action", options["action"]);
                Add("key", options.GetValueOrDefault("key"));
                Add("principal", options.GetValueOrDefault("principal"));
                Add("sourceIp", options.GetValueOrDefault("source-ip"));
                Add("secure", options.ContainsKey("secure") ? "true" : null);
                return new AdminRequest(HttpMethod.Get, "/_gateway/access", query);

            case CommandKind.FaultsList:
            case CommandKind.FaultsHistory:
                return new AdminRequest(HttpMethod.Get, "/_gateway/faults", []);

            case CommandKind.FaultsClear:
                return new AdminRequest(HttpMethod.Delete, "/_gateway/faults", []);

            case CommandKind.Check:
                return new AdminRequest(HttpMethod.Get, "/_gateway/check", []);

            case CommandKind.Reset:
                return new AdminRequest(HttpMethod.Post, "/_gateway/reset", query);

            case CommandKind.Requests:
                if (options.ContainsKey("errors") && options.ContainsKey("status"))
                {
                    throw new UsageException("--errors and --status cannot be used together");
                }

                Add("frontEnd", options.GetValueOrDefault("front-end"));
                Add("operation", options.GetValueOrDefault("operation"));
                Add("status", options.ContainsKey("errors") ? "errors" : options.GetValueOrDefault("status"));
                Add("limit", options.TryGetValue("limit", out var count) ? Positive("limit", count).ToString(CultureInfo.InvariantCulture) : null);
                Add("before", options.TryGetValue("before", out var before) ? Positive("before", before).ToString(CultureInfo.InvariantCulture) : null);
                return new AdminRequest(HttpMethod.Get, "/_gateway/requests", query);

            case CommandKind.FaultsAdd:
            case CommandKind.Checksum:
                break;
        }

        throw new UsageException($"unknown command {kind}");
    }

    private static string? OlderThan(Dictionary<string, string> options, bool required)
    {
        if (!options.TryGetValue("older-than", out var text))
        {
            return required ? throw new UsageException("--older-than is required (e.g. --older-than 7d)") : null;
        }

        var seconds = Duration.TryParseSeconds(text)
                      ?? throw new UsageException($"--older-than must be a duration like 90s, 15m, 36h or 7d: {text}");
        return seconds.ToString(CultureInfo.InvariantCulture);
    }

    private static long AdvanceSeconds(Dictionary<string, string> options)
    {
        (string Name, long Factor)[] units = [("seconds", 1), ("hours", 3600), ("days", 86400)];
        var given = units.Where(u => options.ContainsKey(u.Name)).ToList();
        if (given.Count != 1)
        {
            throw new UsageException("clock advance needs exactly one of --seconds N, --hours N, --days N");
        }

        var (name, factor) = given[0];
        var value = Positive(name, options[name]);
        return value <= long.MaxValue / factor ? value * factor : throw new UsageException($"--{name} is too large");
    }

    private static long Positive(string name, string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new UsageException($"--{name} must be a positive whole number: {text}");

    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex PeriodPattern();
}
