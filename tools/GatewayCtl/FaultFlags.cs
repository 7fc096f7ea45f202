using System.Globalization;
using System.Text.Json;
using Gateway.Contract;

namespace GatewayCtl;

/// <summary>`faults add`: one rule from flags, or the rules of a JSON file ({"rules": [...]} or a bare [...]).</summary>
internal static class FaultFlags
{
    public static byte[] Body(Dictionary<string, string> options)
    {
        if (options.TryGetValue("file", out var path))
        {
            if (options.Count(o => o.Key is not ("file" or "endpoint" or "access-key" or "secret-key" or "region" or "json")) > 0)
            {
                throw new UsageException("faults add takes either --file or the rule's flags, not both");
            }

            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot read {path}: {e.Message}");
            }

            try
            {
                var rules = text.TrimStart().StartsWith('[')
                    ? new FaultRules { Rules = JsonSerializer.Deserialize(text, AdminJson.Default.ListFaultRuleDocument) ?? [] }
                    : JsonSerializer.Deserialize(text, AdminJson.Default.FaultRules) ?? new FaultRules();
                return JsonSerializer.SerializeToUtf8Bytes(rules, AdminJson.Default.FaultRules);
            }
            catch (JsonException e)
            {
                throw new UsageException($"{path} is not a rule set: {e.Message}");
            }
        }

        var type = options.GetValueOrDefault("type") ?? throw new UsageException("faults add needs --type (error, error-after-200, latency, slow-body, reset, timeout) or --file");
        var rule = new FaultRuleDocument
        {
            FrontEnd = options.GetValueOrDefault("front-end"),
            Operation = options.GetValueOrDefault("operation"),
            Bucket = options.GetValueOrDefault("bucket"),
            Key = options.GetValueOrDefault("key"),
            PartNumber = (int?)Number(options, "part-number"),
            Account = options.GetValueOrDefault("account"),
            Method = options.GetValueOrDefault("method"),
            After = Number(options, "after"),
            Times = Number(options, "times"),
            Probability = options.TryGetValue("probability", out var p)
                ? double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var chance) ? chance : throw new UsageException($"--probability must be a number from 0 to 1: {p}")
                : null,
            Seed = (int?)Number(options, "seed"),
            Fault = new FaultDocument
            {
                Type = type,
                Status = (int?)Number(options, "status"),
                Code = options.GetValueOrDefault("code"),
                Message = options.GetValueOrDefault("message"),
                RetryAfterSeconds = (int?)Number(options, "retry-after"),
                Ms = (int?)Number(options, "ms"),
                BytesPerSecond = Number(options, "bytes-per-second"),
                AfterBytes = Number(options, "after-bytes"),
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(new FaultRules { Rules = [rule] }, AdminJson.Default.FaultRules);
    }

    private static long? Number(Dictionary<string, string> options, string name) =>
        !options.TryGetValue(name, out var text) ? null
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= int.MaxValue * 4L ? n
        : throw new UsageException($"--{name} must be a whole number: {text}");

    /// <summary>What a rule matches, in a few words ("s3 UploadPart bucket=b part=2").</summary>
    public static string Match(FaultRuleDocument r)
    {
        var parts = new List<string> { r.FrontEnd ?? "s3", r.Operation ?? "*" };
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}={Convert.ToString(value, CultureInfo.InvariantCulture)}");
            }
        }

        Add("bucket", r.Bucket);
        Add("key", r.Key);
        Add("part", r.PartNumber);
        Add("account", r.Account);
        Add("method", r.Method);
        Add("after", r.After);
        Add("times", r.Times);
        Add("p", r.Probability);
        return string.Join(' ', parts);
    }

    /// <summary>The fault, in a few words ("error 503 SlowDown", "reset after 1048576 B").</summary>
    public static string Describe(FaultDocument f) => f.Type switch
    {
        "error" => $"error {f.Status} {f.Code}",
        "error-after-200" => $"error-after-200 {f.Code ?? "InternalError"}",
        "latency" => $"latency {f.Ms} ms",
        "slow-body" => $"slow-body {f.BytesPerSecond} B/s",
        "reset" => $"reset after {f.AfterBytes} B",
        _ => f.Type,
    };
}
