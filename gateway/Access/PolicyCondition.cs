using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Gateway.Access;

/// <summary>The request's condition keys (case-insensitive names), each with its values; a key absent from the request is absent here.</summary>
internal sealed class ConditionKeys
{
    private readonly Dictionary<string, IReadOnlyList<string>> _values = new(StringComparer.OrdinalIgnoreCase);

    public ConditionKeys Set(string key, string? value)
    {
        if (value is not null)
        {
            _values[key] = [value];
        }

        return this;
    }

    public ConditionKeys Set(string key, IReadOnlyList<string> values)
    {
        _values[key] = values;
        return this;
    }

    public IReadOnlyList<string>? Get(string key) => _values.GetValueOrDefault(key);

    public IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> All => _values;
}

/// <summary>
/// One condition: operator, key and values ("IAM JSON policy elements: Condition operators"). Positive operators
/// fail on a key the request does not have; negated ones (StringNotEquals ...) hold. The IfExists forms hold on a
/// missing key; ForAnyValue/ForAllValues compare every value of a multivalued key.
/// </summary>
internal sealed record PolicyCondition(string Operator, string BaseOperator, bool IfExists, string? Qualifier, string Key, IReadOnlyList<string> Values)
{
    private static readonly HashSet<string> Operators = new(StringComparer.Ordinal)
    {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
        "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
        "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
        "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
    };

    /// <summary>Whether the condition pins who can match to fixed values, so a policy with it is not public ("The meaning of public").</summary>
    public bool Restricts => !Negated && (Key.Equals("aws:SourceIp", StringComparison.OrdinalIgnoreCase) || Key.Equals("aws:SourceArn", StringComparison.OrdinalIgnoreCase)
        || Key.Equals("aws:SourceVpc", StringComparison.OrdinalIgnoreCase) || Key.Equals("aws:SourceVpce", StringComparison.OrdinalIgnoreCase)
        || Key.Equals("aws:SourceAccount", StringComparison.OrdinalIgnoreCase) || Key.Equals("aws:PrincipalAccount", StringComparison.OrdinalIgnoreCase)
        || Key.Equals("aws:userid", StringComparison.OrdinalIgnoreCase) || Key.Equals("aws:PrincipalArn", StringComparison.OrdinalIgnoreCase)) && BaseOperator != "Null";

    private bool Negated => BaseOperator is "StringNotEquals" or "StringNotEqualsIgnoreCase" or "StringNotLike" or "NumericNotEquals" or "DateNotEquals"
        or "NotIpAddress" or "ArnNotEquals" or "ArnNotLike";

    /// <summary>A Condition block: { "Operator": { "key": value or [values] } }.</summary>
    public static List<PolicyCondition> ParseBlock(JsonElement block)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            throw BucketPolicy.Malformed("Condition must be an object");
        }

        var list = new List<PolicyCondition>();
        foreach (var op in block.EnumerateObject())
        {
            var name = op.Name;
            string? qualifier = null;
            foreach (var q in new[] { "ForAnyValue:", "ForAllValues:" })
            {
                if (name.StartsWith(q, StringComparison.Ordinal))
                {
                    qualifier = q[..^1];
                    name = name[q.Length..];
                }
            }

            var ifExists = name.EndsWith("IfExists", StringComparison.Ordinal) && name != "IfExists";
            var baseOp = ifExists ? name[..^"IfExists".Length] : name;
            if (!Operators.Contains(baseOp) || (ifExists && baseOp == "Null") || op.Value.ValueKind != JsonValueKind.Object)
            {
                throw BucketPolicy.Malformed("Invalid Condition type : " + op.Name);
            }

            foreach (var key in op.Value.EnumerateObject())
            {
                var values = key.Value.ValueKind switch
                {
                    JsonValueKind.Array => key.Value.EnumerateArray().Select(Scalar).ToList(),
                    _ => [Scalar(key.Value)],
                };
                list.Add(new PolicyCondition(op.Name, baseOp, ifExists, qualifier, key.Name, values));
            }
        }

        return list;
    }

    private static string Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw BucketPolicy.Malformed("Condition values must be strings, numbers or booleans"),
    };

    public bool Holds(ConditionKeys keys)
    {
        var actual = keys.Get(Key);
        if (BaseOperator == "Null")
        {
            var wantsAbsent = Values.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));
            return wantsAbsent == (actual is null);
        }

        if (actual is null)
        {
            // ForAllValues over no values holds vacuously; ForAnyValue over none fails.
            return IfExists || Qualifier == "ForAllValues" || (Qualifier is null && Negated);
        }

        return Qualifier switch
        {
            "ForAllValues" => actual.All(a => Values.Any(v => Compare(a, v))),
            "ForAnyValue" => actual.Any(a => Values.Any(v => Compare(a, v))),
            // A negated operator holds when the value matches none of the policy's values.
            _ => Negated ? actual.All(a => !Values.Any(v => Positive(a, v))) : actual.Any(a => Values.Any(v => Positive(a, v))),
        };
    }

    /// <summary>With a ForAnyValue/ForAllValues qualifier a negated operator compares each value by itself.</summary>
    private bool Compare(string actual, string expected) => Negated ? !Positive(actual, expected) : Positive(actual, expected);

    /// <summary>The positive form of the operator on one request value against one policy value.</summary>
    private bool Positive(string actual, string expected) => BaseOperator switch
    {
        "StringEquals" or "StringNotEquals" => actual == expected,
        "StringEqualsIgnoreCase" or "StringNotEqualsIgnoreCase" => string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase),
        "StringLike" or "StringNotLike" => Wildcard.Matches(expected, actual, ignoreCase: false),
        "ArnEquals" or "ArnNotEquals" or "ArnLike" or "ArnNotLike" => Wildcard.Matches(expected, actual, ignoreCase: false),
        "NumericEquals" or "NumericNotEquals" => Order(Number(actual), Number(expected)) == 0,
        "NumericLessThan" => Order(Number(actual), Number(expected)) < 0,
        "NumericLessThanEquals" => Order(Number(actual), Number(expected)) <= 0,
        "NumericGreaterThan" => Order(Number(actual), Number(expected)) > 0,
        "NumericGreaterThanEquals" => Order(Number(actual), Number(expected)) >= 0,
        "DateEquals" or "DateNotEquals" => Order(Date(actual), Date(expected)) == 0,
        "DateLessThan" => Order(Date(actual), Date(expected)) < 0,
        "DateLessThanEquals" => Order(Date(actual), Date(expected)) <= 0,
        "DateGreaterThan" => Order(Date(actual), Date(expected)) > 0,
        "DateGreaterThanEquals" => Order(Date(actual), Date(expected)) >= 0,
        "Bool" => string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase),
        "BinaryEquals" => actual == expected,
        "IpAddress" or "NotIpAddress" => InRange(actual, expected),
        _ => false,
    };

    /// <summary>How two values order; null when either does not parse, which no comparison accepts.</summary>
    private static int? Order<T>(T? a, T? b)
        where T : struct, IComparable<T> => a is { } x && b is { } y ? x.CompareTo(y) : null;

    private static double? Number(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : null;

    /// <summary>A date is ISO 8601 or seconds since the epoch (as aws:EpochTime is).</summary>
    private static DateTimeOffset? Date(string s) =>
        long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch) ? DateTimeOffset.FromUnixTimeSeconds(epoch)
        : DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    /// <summary>Whether an address is in a CIDR block (or equals a bare address); IPv4 and IPv6.</summary>
    internal static bool InRange(string address, string cidr)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            return false;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        return cidr.Contains('/') ? IPNetwork.TryParse(cidr, out var net) && net.Contains(ip) : IPAddress.TryParse(cidr, out var single) && single.Equals(ip);
    }
}
