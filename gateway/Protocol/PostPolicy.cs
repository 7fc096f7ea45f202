using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Errors;

namespace Gateway.Protocol;

/// <summary>
/// The policy document of a browser form upload (POST Object, "Creating a POST policy" in the S3 API reference):
/// an expiration and a list of conditions every form field must meet. Parsed from its base64 JSON and judged
/// against the fields, with S3's errors: a malformed document is InvalidPolicyDocument (400), a failed condition
/// or an unlisted field is AccessDenied "Invalid according to Policy" (403).
/// </summary>
internal sealed class PostPolicy
{
    /// <summary>One condition: a comparison of a field (eq, starts-with) or the allowed file size.</summary>
    internal sealed record Condition(string Operator, string Field, string Value, long Min = 0, long Max = long.MaxValue, string Text = "");

    private PostPolicy(DateTimeOffset expiration, IReadOnlyList<Condition> conditions)
    {
        Expiration = expiration;
        Conditions = conditions;
    }

    public DateTimeOffset Expiration { get; }

    public IReadOnlyList<Condition> Conditions { get; }

    /// <summary>The content-length-range, when the policy has one.</summary>
    public (long Min, long Max)? LengthRange =>
        Conditions.FirstOrDefault(c => c.Operator == "content-length-range") is { } c ? (c.Min, c.Max) : null;

    public static PostPolicy Parse(string base64)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(Convert.FromBase64String(base64.Trim()));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw Invalid("Invalid Policy: Invalid JSON.");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("Invalid Policy: Invalid JSON.");
            }

            // The document's own keys are case-sensitive (unlike the field names inside the conditions).
            if (!root.TryGetProperty("expiration", out var expiration) || expiration.ValueKind != JsonValueKind.String)
            {
                throw Invalid("Invalid Policy: Policy missing expiration.");
            }

            if (!TryParseExpiration(expiration.GetString()!, out var expires))
            {
                throw Invalid("Invalid Policy: Invalid 'expiration' value: '" + expiration.GetString() + "'");
            }

            if (!root.TryGetProperty("conditions", out var conditions) || conditions.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("Invalid Policy: Policy missing conditions.");
            }

            return new PostPolicy(expires, conditions.EnumerateArray().Select(ParseCondition).ToList());
        }
    }

    /// <summary>ISO 8601 UTC, with or without milliseconds: 2026-12-01T12:00:00Z, 2026-12-01T12:00:00.000Z.</summary>
    private static bool TryParseExpiration(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    private static Condition ParseCondition(JsonElement e)
    {
        var text = e.GetRawText();
        if (e.ValueKind == JsonValueKind.Object)
        {
            // {"field": "value"} is an exact match; an object names exactly one field.
            var properties = e.EnumerateObject().ToList();
            if (properties.Count != 1 || properties[0].Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid("Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
            }

            return new Condition("eq", properties[0].Name.ToLowerInvariant(), properties[0].Value.GetString()!, Text: text);
        }

        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() == 0 || e[0].ValueKind != JsonValueKind.String)
        {
            throw Invalid("Invalid Policy: Invalid Condition: " + text);
        }

        var op = e[0].GetString()!.ToLowerInvariant();
        if (op == "content-length-range")
        {
            if (e.GetArrayLength() != 3 || !e[1].TryGetInt64(out var min) || !e[2].TryGetInt64(out var max) || min < 0 || max < min)
            {
                throw Invalid("Invalid Policy: Invalid content-length-range: " + text);
            }

            return new Condition(op, "", "", min, max, text);
        }

        if (op is not ("eq" or "starts-with") || e.GetArrayLength() != 3 || e[1].ValueKind != JsonValueKind.String || e[2].ValueKind != JsonValueKind.String
            || !e[1].GetString()!.StartsWith('$'))
        {
            throw Invalid("Invalid Policy: Invalid Condition: " + text);
        }

        return new Condition(op, e[1].GetString()![1..].ToLowerInvariant(), e[2].GetString()!, Text: text);
    }

    /// <summary>
    /// Every condition must hold for the fields (names compared case-insensitively; the bucket is the one posted to),
    /// and every field must be named by a condition, but for the ones S3 exempts: the signature and credential
    /// fields, the policy and file themselves, x-ignore-* and checksums.
    /// </summary>
    public void Check(IReadOnlyDictionary<string, string> fields, string bucket, DateTimeOffset now)
    {
        if (now > Expiration)
        {
            throw Denied("Invalid according to Policy: Policy expired.");
        }

        foreach (var c in Conditions.Where(c => c.Operator != "content-length-range"))
        {
            var actual = c.Field == "bucket" ? bucket : fields.GetValueOrDefault(c.Field);
            // starts-with "" allows any value, and so also a form without the field (s3-tests' SSE POST tests
            // name x-amz-server-side-encryption so, for a bucket whose default encryption applies).
            var holds = actual is null
                ? c.Operator == "starts-with" && c.Value.Length == 0
                : c.Operator == "eq" ? string.Equals(actual, c.Value, StringComparison.Ordinal) : StartsWithAny(c.Field, actual, c.Value);
            if (!holds)
            {
                throw Denied("Invalid according to Policy: Policy Condition failed: " + c.Text);
            }
        }

        var extra = fields.Keys.Where(k => !Exempt(k) && !Conditions.Any(c => c.Field == k.ToLowerInvariant())).Order(StringComparer.Ordinal).ToList();
        if (extra.Count > 0)
        {
            throw Denied("Invalid according to Policy: Extra input fields: " + string.Join(", ", extra));
        }
    }

    /// <summary>starts-with; for Content-Type a comma-separated list, each of which must start with the value.</summary>
    private static bool StartsWithAny(string field, string actual, string prefix) =>
        field == "content-type"
            ? actual.Split(',').All(v => v.Trim().StartsWith(prefix, StringComparison.Ordinal))
            : actual.StartsWith(prefix, StringComparison.Ordinal);

    private static bool Exempt(string field)
    {
        var f = field.ToLowerInvariant();
        return f is "policy" or "signature" or "awsaccesskeyid" or "file" or "x-amz-signature" or "content-md5"
            || f.StartsWith("x-ignore-", StringComparison.Ordinal) || f.StartsWith("x-amz-checksum-", StringComparison.Ordinal);
    }

    private static S3Exception Invalid(string message) => new(S3ErrorCode.InvalidPolicyDocument, message);

    private static S3Exception Denied(string message) => new(S3ErrorCode.AccessDenied, message);

    /// <summary>The JSON of the policy, for tests and error messages.</summary>
    public static string Decode(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64));
}
