using System.Text.Json;
using Gateway.Errors;

namespace Gateway.Access;

/// <summary>How a policy judged a request: no statement applied, one allowed it, or one denied it.</summary>
internal enum PolicyEffect
{
    None,
    Allow,
    Deny,
}

/// <summary>The policy's verdict and the statement that gave it (its Sid, or its position as "#n" when it has none).</summary>
internal readonly record struct PolicyVerdict(PolicyEffect Effect, string? Statement);

/// <summary>A principal block: "*" (everyone, signed or not) or the AWS and CanonicalUser entries it lists.</summary>
internal sealed record Principals(bool Everyone, IReadOnlyList<string> Aws, IReadOnlyList<string> CanonicalUsers, IReadOnlyList<string> Services);

/// <summary>One policy statement. Null lists were not given (a statement has Action or NotAction, never both).</summary>
internal sealed record PolicyStatement(
    string Name,
    bool Allow,
    Principals? Principal,
    Principals? NotPrincipal,
    IReadOnlyList<string>? Actions,
    IReadOnlyList<string>? NotActions,
    IReadOnlyList<string>? Resources,
    IReadOnlyList<string>? NotResources,
    IReadOnlyList<PolicyCondition> Conditions);

/// <summary>What a request is, for a policy: who asks (null: anonymous), for which action on which resource ARN, and the condition keys.</summary>
internal sealed record PolicyRequest(Account? Principal, string Action, string Resource, ConditionKeys Keys);

/// <summary>
/// A bucket policy ("Bucket policies", "IAM JSON policy elements reference"): parsed and validated once with S3's
/// MalformedPolicy messages, then evaluated per request. An explicit Deny wins over any Allow.
/// </summary>
internal sealed class BucketPolicy
{
    private const int MaxSize = 20 * 1024;

    private BucketPolicy(IReadOnlyList<PolicyStatement> statements) => Statements = statements;

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>Parses and validates a policy for <paramref name="bucket"/>; every problem is MalformedPolicy (or InvalidArgument) with S3's message.</summary>
    public static BucketPolicy Parse(string text, string bucket)
    {
        if (text.Length > MaxSize)
        {
            throw Malformed("Policies cannot exceed 20 KB in size");
        }

        JsonDocument doc;
        try
        {
            // Duplicate keys are refused: with the last one winning, {"Effect":"Deny","Effect":"Allow"} would read as a
            // Deny to a reviewer and act as an Allow.
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, AllowDuplicateProperties = false });
        }
        catch (JsonException)
        {
            throw Malformed("Policies must be valid JSON and the first byte must be '{'");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("Policies must be valid JSON and the first byte must be '{'");
            }

            if (Property(root, "Version") is { } version && (version.ValueKind != JsonValueKind.String || version.GetString() is not ("2012-10-17" or "2008-10-17")))
            {
                throw Malformed("The policy must contain a valid version string");
            }

            var statementElement = Property(root, "Statement") ?? throw Malformed("Missing required field Statement");
            var elements = statementElement.ValueKind == JsonValueKind.Array ? statementElement.EnumerateArray().ToList() : [statementElement];
            if (elements.Count == 0)
            {
                throw Malformed("Could not parse the policy: Statement is empty!");
            }

            var statements = elements.Select((e, i) => ParseStatement(e, i, bucket)).ToList();
            return new BucketPolicy(statements);
        }
    }

    /// <summary>
    /// The policy's verdict: Deny if a matching statement denies, else Allow if one allows, else None. Statements
    /// are all read, so the deny is found wherever it stands.
    /// </summary>
    public PolicyVerdict Evaluate(PolicyRequest request)
    {
        PolicyVerdict allow = new(PolicyEffect.None, null);
        foreach (var s in Statements)
        {
            if (!Applies(s, request))
            {
                continue;
            }

            if (!s.Allow)
            {
                return new PolicyVerdict(PolicyEffect.Deny, s.Name);
            }

            if (allow.Effect == PolicyEffect.None)
            {
                allow = new PolicyVerdict(PolicyEffect.Allow, s.Name);
            }
        }

        return allow;
    }

    /// <summary>
    /// Whether the policy is public ("The meaning of public"): it allows everyone (Principal "*") something, without a
    /// condition that pins the request to fixed values (source IP ranges, accounts, VPCs and the like).
    /// </summary>
    public bool IsPublic => Statements.Any(s => s.Allow && (s.Principal?.Everyone == true || s.NotPrincipal is not null) && !s.Conditions.Any(c => c.Restricts));

    private static bool Applies(PolicyStatement s, PolicyRequest r) =>
        (s.Principal is null || PrincipalMatches(s.Principal, r.Principal))
        && (s.NotPrincipal is null || !PrincipalMatches(s.NotPrincipal, r.Principal))
        && (s.Actions is null || s.Actions.Any(a => Wildcard.Matches(a, r.Action, ignoreCase: true)))
        && (s.NotActions is null || !s.NotActions.Any(a => Wildcard.Matches(a, r.Action, ignoreCase: true)))
        && (s.Resources is null || s.Resources.Any(p => Wildcard.Matches(p, r.Resource, ignoreCase: false)))
        && (s.NotResources is null || !s.NotResources.Any(p => Wildcard.Matches(p, r.Resource, ignoreCase: false)))
        && s.Conditions.All(c => c.Holds(r.Keys));

    /// <summary>
    /// "*" is everyone, anonymous too. An AWS principal names an account as its id (here: the access key or the
    /// canonical id), as "arn:aws:iam::ID:root", or as "arn:aws:iam::ID:user/NAME" for the account's user NAME (an
    /// account here is one user, so NAME is its access key or display name).
    /// </summary>
    private static bool PrincipalMatches(Principals p, Account? who)
    {
        if (p.Everyone)
        {
            return true;
        }

        if (who is null)
        {
            return false;
        }

        return p.CanonicalUsers.Contains(who.CanonicalId) || p.Aws.Any(a => a == "*" || AwsPrincipalIs(a, who));
    }

    private static bool AwsPrincipalIs(string principal, Account who)
    {
        bool IsAccount(string id) => id == who.AccessKey || id == who.CanonicalId;
        if (!principal.StartsWith("arn:aws:iam::", StringComparison.Ordinal))
        {
            return IsAccount(principal);
        }

        var rest = principal["arn:aws:iam::".Length..];
        var colon = rest.IndexOf(':');
        if (colon < 0 || !IsAccount(rest[..colon]))
        {
            return false;
        }

        var resource = rest[(colon + 1)..];
        return resource == "root" || (resource.StartsWith("user/", StringComparison.Ordinal) && resource[5..] is var name && (name == who.AccessKey || name == who.DisplayName));
    }

    private static PolicyStatement ParseStatement(JsonElement e, int index, string bucket)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("Statement is not an object");
        }

        var name = Property(e, "Sid") is { ValueKind: JsonValueKind.String } sid ? sid.GetString()! : "#" + (index + 1);
        var effect = Property(e, "Effect")?.GetString() ?? throw Malformed("Missing required field Effect");
        if (effect is not ("Allow" or "Deny"))
        {
            throw Malformed("Invalid effect: " + effect);
        }

        var principal = Property(e, "Principal") is { } p ? ParsePrincipals(p) : null;
        var notPrincipal = Property(e, "NotPrincipal") is { } np ? ParsePrincipals(np) : null;
        if (principal is null && notPrincipal is null)
        {
            throw Malformed("Missing required field Principal");
        }

        if (principal is not null && notPrincipal is not null)
        {
            throw Malformed("Statement cannot have both Principal and NotPrincipal");
        }

        // AWS refuses NotPrincipal with Allow ("Using NotPrincipal with Allow is not supported").
        if (notPrincipal is not null && effect == "Allow")
        {
            throw Malformed("Invalid policy: NotPrincipal with Allow is not supported");
        }

        var actions = Strings(e, "Action");
        var notActions = Strings(e, "NotAction");
        if ((actions is null) == (notActions is null))
        {
            throw Malformed(actions is null ? "Missing required field Action" : "Statement cannot have both Action and NotAction");
        }

        foreach (var a in (actions ?? notActions)!)
        {
            if (!S3Actions.IsValidPattern(a))
            {
                throw Malformed("Policy has invalid action");
            }
        }

        var resources = Strings(e, "Resource");
        var notResources = Strings(e, "NotResource");
        if ((resources is null) == (notResources is null))
        {
            throw Malformed(resources is null ? "Missing required field Resource" : "Statement cannot have both Resource and NotResource");
        }

        foreach (var r in (resources ?? notResources)!)
        {
            if (!ResourceIsInBucket(r, bucket))
            {
                throw Malformed("Policy has invalid resource");
            }
        }

        var conditions = Property(e, "Condition") is { } c ? PolicyCondition.ParseBlock(c) : [];
        return new PolicyStatement(name, effect == "Allow", principal, notPrincipal, actions, notActions, resources, notResources, conditions);
    }

    /// <summary>A resource must be "*" or an S3 ARN whose bucket part can name this bucket ("Policy has invalid resource" otherwise).</summary>
    private static bool ResourceIsInBucket(string resource, string bucket)
    {
        if (resource == "*")
        {
            return true;
        }

        if (!resource.StartsWith(S3Actions.ArnPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var path = resource[S3Actions.ArnPrefix.Length..];
        var slash = path.IndexOf('/');
        var bucketPart = slash < 0 ? path : path[..slash];
        // A wildcard in the bucket part may stand for the rest of the ARN too ("arn:aws:s3:::*").
        return Wildcard.Matches(bucketPart, bucket, ignoreCase: false) || (slash < 0 && Wildcard.Matches(bucketPart, bucket + "/", ignoreCase: false));
    }

    private static Principals ParsePrincipals(JsonElement p)
    {
        if (p.ValueKind == JsonValueKind.String)
        {
            return p.GetString() == "*" ? new Principals(true, [], [], []) : throw Malformed("Invalid principal in policy");
        }

        if (p.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("Invalid principal in policy");
        }

        var aws = new List<string>();
        var canonical = new List<string>();
        var services = new List<string>();
        foreach (var prop in p.EnumerateObject())
        {
            var values = StringList(prop.Value) ?? throw Malformed("Invalid principal in policy");
            switch (prop.Name)
            {
                case "AWS": aws.AddRange(values); break;
                case "CanonicalUser": canonical.AddRange(values); break;
                case "Service": services.AddRange(values); break;
                default: throw Malformed("Invalid principal in policy");
            }
        }

        return new Principals(aws.Contains("*"), aws, canonical, services);
    }

    private static IReadOnlyList<string>? Strings(JsonElement e, string name) =>
        Property(e, name) is { } v ? StringList(v) ?? throw Malformed($"{name} must be a string or an array of strings") : null;

    private static List<string>? StringList(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => [v.GetString()!],
        JsonValueKind.Array when v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String) => v.EnumerateArray().Select(x => x.GetString()!).ToList(),
        _ => null,
    };

    private static JsonElement? Property(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v : null;

    internal static S3Exception Malformed(string message) => new(S3ErrorCode.MalformedPolicy, message);
}

/// <summary>IAM's wildcards: '*' matches any run of characters, '?' any one.</summary>
internal static class Wildcard
{
    public static bool Matches(string pattern, string value, bool ignoreCase)
    {
        var cmp = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (!pattern.Contains('*') && !pattern.Contains('?'))
        {
            return string.Equals(pattern, value, cmp);
        }

        // Iterative glob match with backtracking to the last '*': linear in practice, never exponential.
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || string.Compare(pattern, p, value, v, 1, cmp) == 0) && pattern[p] != '*')
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
