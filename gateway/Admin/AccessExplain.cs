using System.Text.Json;
using Gateway.Access;
using Gateway.Auth;
using Gateway.Contract;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Routing;
using Storage.Objects;

namespace Gateway.Admin;

/// <summary>The gateway's explanation of an access decision: S3's evaluation run on a request described in the query.</summary>
internal static class AccessExplain
{
    /// <summary>
    /// GET /_gateway/access?bucket=B&amp;action=s3:GetObject[&amp;key=K][&amp;principal=ACCESSKEY|anonymous][&amp;sourceIp=IP][&amp;secure=true]:
    /// how the bucket's policy, ACLs and public access block decide that request, and which statement or rule did.
    /// Other query parameters (prefix, delimiter, max-keys, versionId) act as the request's own. For the bucket's
    /// owner and admins.
    /// </summary>
    public static S3Response Explain(AdminRequest r)
    {
        string Required(string name) => r.Query.Get(name) is { Length: > 0 } v ? v
            : throw new S3Exception(S3ErrorCode.InvalidArgument, $"The {name} parameter is required.").With("ArgumentName", name);
        var bucket = Required("bucket");
        var action = Required("action");
        var need = S3Actions.Named(action) ?? throw new S3Exception(S3ErrorCode.InvalidArgument, "Unknown action: " + action).With("ArgumentName", "action");
        var key = r.Query.Get("key") is { Length: > 0 } k ? k : null;
        var gate = AccessControl.Gate(r.Services, bucket);
        if (!r.Options.IsAdmin(r.Account) && gate.Owner.AccessKey != r.Account)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Only the bucket's owner or an admin may see how its access is decided.");
        }

        var principal = r.Query.Get("principal") is { Length: > 0 } p ? p : r.Account;
        var probe = new S3Request
        {
            Method = "GET",
            // The request being explained, with the explanation's own query (prefix, versionId, ... act as its own).
            Route = new S3Route(S3Operation.GetObject, bucket, key, r.Query, r.RawPath, "", VirtualHosted: false),
            Auth = principal == "anonymous" ? AuthResult.AnonymousWith(PayloadMode.Unsigned, null) : new AuthResult(principal, PayloadMode.Unsigned, null, null, false),
            Headers = r.Headers,
            Scheme = r.Query.Get("secure") == "true" ? "https" : "http",
            Services = r.Services,
            RemoteIp = r.Query.Get("sourceIp") ?? r.RemoteIp,
            Gate = gate,
        };
        var existing = key is { } objectKey && need.OnKey ? Existing(r, gate, objectKey) : null;
        var (owner, grants) = need.Scope == AccessScope.Object && existing is not null
            ? AccessControl.OwnerAndGrants(r.Services.Accounts, gate, existing)
            : (gate.Owner.AccessKey, () => gate.Acl);
        var verdict = AccessControl.Decide(probe, gate, need.Action, key, owner, need.Acl is { } perm ? (grants, perm) : null, existing);
        return S3Response.Json(JsonSerializer.Serialize(new AccessDecision
        {
            Bucket = bucket,
            Key = key,
            Action = need.Action,
            Principal = principal,
            Decision = verdict.Allowed ? "allow" : "deny",
            Reason = verdict.Reason,
            Statement = verdict.Statement,
        }, AdminJson.Default.AccessDecision));
    }

    private static ObjectInfo? Existing(AdminRequest r, BucketGate gate, string key)
    {
        try
        {
            return r.Storage.Objects.Head(gate.Bucket.Name, key, gate.Owner.AccessKey, versionId: r.Query.Get("versionId"));
        }
        catch (Storage.Faults.StorageException)
        {
            return null;
        }
    }
}
