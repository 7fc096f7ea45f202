using System.Globalization;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Routing;
using Storage.Objects;

namespace Gateway.Access;

/// <summary>A decision and why, for the debug log and the admin API's explanation.</summary>
internal sealed record AccessVerdict(bool Allowed, string Reason, string? Statement = null);

/// <summary>One bucket's access state as a request sees it: its owner, grants, ownership rule, public access block and policy.</summary>
internal sealed record BucketGate(BucketInfo Bucket, Account Owner, IReadOnlyList<Grant> Acl, ObjectOwnership Ownership, PublicAccessBlock Block, BucketPolicy? Policy)
{
    /// <summary>Whether ACLs count (they do not under BucketOwnerEnforced, which also makes the bucket owner the owner of every object).</summary>
    public bool AclsApply => Ownership != ObjectOwnership.BucketOwnerEnforced;
}

/// <summary>
/// Who may do what, following S3's evaluation ("How Amazon S3 authorizes a request"): an explicit Deny in the
/// bucket policy refuses; otherwise the resource's owner may act (an account is its own root user, with every
/// permission on what it owns); otherwise an Allow in the policy or a grant in the resource's ACL lets the request
/// through; otherwise it is refused. The public access block takes public grants and public policies out of play as
/// configured. Bucket-level requests are decided before their handler runs; object-level ones by the handler, once it
/// has read the object (its owner, grants and tags decide).
/// </summary>
internal static class AccessControl
{
    /// <summary>
    /// The dispatcher's step between authentication and the handler: anonymous callers get nothing outside a bucket;
    /// a bucket must exist (NoSuchBucket, for everyone, as S3 answers); a bucket-level requirement is decided here.
    /// </summary>
    public static void Authorize(S3Request r)
    {
        var need = S3Actions.For(r.Route.Operation, r.Query.Has("versionId"));
        if (need.Scope == AccessScope.Service)
        {
            if (r.Requester is null && r.Route.Operation is not S3Operation.NotImplemented)
            {
                // Anonymous callers may only use what a bucket's ACL or policy opens to everyone.
                throw Denied();
            }

            return;
        }

        r.Gate = Gate(r.Services, r.Bucket);
        RequireExpectedOwner(r.Gate, r.Headers["x-amz-expected-bucket-owner"]);
        if (need.Scope == AccessScope.Bucket)
        {
            Require(r, need.Action, need.OnKey ? r.Key : null, need.Acl);
        }
    }

    /// <summary>The bucket's access state, or NoSuchBucket.</summary>
    public static BucketGate Gate(GatewayServices services, string bucket)
    {
        var info = services.Storage.Buckets.Find(bucket) ?? throw new S3Exception(S3ErrorCode.NoSuchBucket).With("BucketName", bucket);
        return services.Gates.GetValue(info, row =>
        {
            var owner = services.Accounts.Of(row.Owner);
            var a = row.Access;
            return new BucketGate(row, owner, Grants.FromJson(a.Acl, owner.CanonicalId), BucketSettings.ParseOwnership(a.Ownership) ?? ObjectOwnership.ObjectWriter,
                BucketSettings.ParseBlock(a.PublicAccessBlock) ?? PublicAccessBlock.Off, a.Policy is null ? null : BucketPolicy.Parse(a.Policy, row.Name));
        });
    }

    /// <summary>Refuses with AccessDenied unless the bucket-level <paramref name="action"/> (on <paramref name="key"/>, if given) is allowed.</summary>
    public static void Require(S3Request r, string action, string? key, AclPermission? acl)
    {
        if (TryRequire(r, action, key, acl) is { } denied)
        {
            throw denied;
        }
    }

    /// <summary>As <see cref="Require"/>, but returns the refusal (for answers that report it per key, as DeleteObjects does).</summary>
    public static S3Exception? TryRequire(S3Request r, string action, string? key, AclPermission? acl)
    {
        var gate = r.Gate!;
        var verdict = Decide(r, gate, action, key, gate.Owner.AccessKey, acl is { } p ? (() => gate.Acl, p) : null, existing: null);
        Log(r, verdict, action, key);
        return verdict.Allowed ? null : Denied();
    }

    /// <summary>The handler's check of an object-level operation on the object it has read (the operation's own requirement).</summary>
    public static void RequireObject(S3Request r, ObjectInfo info) => RequireObject(r, info, S3Actions.For(r.Route.Operation, r.Query.Has("versionId")));

    public static void RequireObject(S3Request r, ObjectInfo info, Requirement need, BucketGate? gate = null)
    {
        gate ??= r.Gate!;
        var (owner, grants) = OwnerAndGrants(r.Services.Accounts, gate, info);
        var verdict = Decide(r, gate, need.Action, info.Key, owner, need.Acl is { } p ? (grants, p) : null, info);
        Log(r, verdict, need.Action, info.Key);
        if (!verdict.Allowed)
        {
            throw Denied();
        }
    }

    /// <summary>
    /// Who an access decision takes for an object's owner (under BucketOwnerEnforced, the bucket's) and the grants it
    /// reads (the version's, S3's default when it has none), parsed only if the decision gets that far: an owner
    /// reading its own object never needs them.
    /// </summary>
    public static (string Owner, Func<IReadOnlyList<Grant>> Grants) OwnerAndGrants(Accounts accounts, BucketGate gate, ObjectInfo info) =>
        (gate.AclsApply ? info.Owner : gate.Owner.AccessKey, () => Grants.FromJson(info.Acl, accounts.Of(info.Owner).CanonicalId));

    /// <summary>
    /// A copy's check on its source (CopyObject, UploadPartCopy): the requester must be able to read that object
    /// (s3:GetObject, or s3:GetObjectVersion for a named version). Returns the source bucket's owner, which the
    /// storage call reads the source as, and the source as it is now (its encryption decides the copy's path).
    /// </summary>
    public static (string Owner, ObjectInfo Source) RequireSource(S3Request r, string bucket, string key, string? versionId)
    {
        var gate = bucket == r.Bucket ? r.Gate! : Gate(r.Services, bucket);
        RequireExpectedOwner(gate, r.Headers["x-amz-source-expected-bucket-owner"]);
        var info = r.Storage.Objects.Head(bucket, key, gate.Owner.AccessKey, versionId: versionId);
        RequireObject(r, info, new Requirement(versionId is null ? "s3:GetObject" : "s3:GetObjectVersion", AccessScope.Object, true, AclPermission.Read), gate);
        return (gate.Owner.AccessKey, info);
    }

    /// <summary>
    /// Whether the requester may list the bucket: S3 answers a missing key with 404 only to those who could have
    /// listed it, and with 403 to everyone else, so a key's absence is not disclosed.
    /// </summary>
    public static bool CanList(S3Request r) =>
        r.Gate is { } gate && Decide(r, gate, "s3:ListBucket", null, gate.Owner.AccessKey, (() => gate.Acl, AclPermission.Read), null, prefix: r.Route.Key).Allowed;

    /// <summary>The decision itself (no side effects), for the handlers, the dispatcher and the admin API's explanation.</summary>
    /// <param name="prefix">For the listing a missing key's answer depends on: the key, judged as the listing's s3:prefix.</param>
    /// <param name="acl">The grants that may allow the request (read only if nothing before them decides) and the permission it needs.</param>
    public static AccessVerdict Decide(S3Request r, BucketGate gate, string action, string? key, string resourceOwner, (Func<IReadOnlyList<Grant>> Grants, AclPermission Need)? acl,
        ObjectInfo? existing, string? prefix = null)
    {
        var requester = r.Requester is { } k ? r.Services.Accounts.Of(k) : null;
        PolicyVerdict policy = new(PolicyEffect.None, null);
        if (gate.Policy is { } p)
        {
            var keys = Keys(r, gate, requester, existing);
            if (prefix is not null)
            {
                keys.Set("s3:prefix", prefix);
            }

            policy = p.Evaluate(new PolicyRequest(requester, action, S3Actions.Arn(gate.Bucket.Name, key), keys));
        }

        var ownAccount = requester is not null && requester.AccessKey == gate.Owner.AccessKey;
        if (gate.Block.RestrictPublicBuckets && gate.Policy is { IsPublic: true } && !ownAccount)
        {
            return new AccessVerdict(false, "the bucket's policy is public and its public access block restricts it to the bucket owner (RestrictPublicBuckets)");
        }

        if (policy.Effect == PolicyEffect.Deny)
        {
            return new AccessVerdict(false, "explicitly denied by the bucket policy", policy.Statement);
        }

        if (requester is not null && requester.AccessKey == resourceOwner)
        {
            return new AccessVerdict(true, "the requester owns the resource");
        }

        if (policy.Effect == PolicyEffect.Allow)
        {
            return new AccessVerdict(true, "allowed by the bucket policy", policy.Statement);
        }

        if (acl is { } a && gate.AclsApply && Grants.Allows(a.Grants(), requester?.CanonicalId, a.Need, gate.Block.IgnorePublicAcls))
        {
            return new AccessVerdict(true, $"granted {Grants.Name(a.Need)} by the ACL");
        }

        var why = acl is null ? "only the owner may do this unless the bucket policy allows it"
            : !gate.AclsApply ? "ACLs are disabled (BucketOwnerEnforced) and no policy statement allows it"
            : $"no policy statement allows it and the ACL grants no {Grants.Name(acl.Value.Need)}" + (gate.Block.IgnorePublicAcls ? " (public grants are ignored: IgnorePublicAcls)" : "");
        return new AccessVerdict(false, why);
    }

    /// <summary>The condition keys of the request ("Condition keys for Amazon S3" and the global aws: keys).</summary>
    internal static ConditionKeys Keys(S3Request r, BucketGate gate, Account? requester, ObjectInfo? existing)
    {
        var now = r.Services.Clock.UtcNow;
        var keys = new ConditionKeys()
            .Set("aws:SourceIp", r.RemoteIp)
            .Set("aws:SecureTransport", r.Scheme == "https" ? "true" : "false")
            .Set("aws:Referer", r.Headers["Referer"])
            .Set("aws:UserAgent", r.Headers["User-Agent"])
            .Set("aws:CurrentTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Set("aws:EpochTime", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
            .Set("aws:PrincipalType", requester is null ? "Anonymous" : "Account")
            .Set("s3:ResourceAccount", gate.Owner.AccessKey);
        if (requester is not null)
        {
            keys.Set("aws:PrincipalAccount", requester.AccessKey).Set("aws:PrincipalArn", $"arn:aws:iam::{requester.AccessKey}:root")
                .Set("aws:userid", requester.AccessKey).Set("aws:username", requester.AccessKey);
        }

        if (r.Auth is { } auth && requester is not null)
        {
            keys.Set("s3:signatureversion", auth.SignatureVersion == 2 ? "AWS" : "AWS4-HMAC-SHA256")
                .Set("s3:authType", r.Route.Operation == S3Operation.PostObject ? "POST" : auth.Presigned ? "REST-QUERY-STRING" : "REST-HEADER");
        }

        foreach (var q in new[] { "prefix", "delimiter", "max-keys", "versionId" })
        {
            if (r.Query.Get(q) is { } v)
            {
                keys.Set("s3:" + q, v);
            }
        }

        foreach (var h in new[]
                 {
                     "x-amz-acl", "x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control",
                     "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-customer-algorithm", "x-amz-copy-source", "x-amz-metadata-directive",
                     "x-amz-storage-class", "x-amz-content-sha256", "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold",
                     "if-match", "if-none-match",
                 })
        {
            keys.Set("s3:" + h, r.Headers[h]);
        }

        if (r.Headers["x-amz-tagging"] is { } tagging)
        {
            var tags = Tagging.FromHeader(tagging);
            foreach (var t in tags)
            {
                keys.Set("s3:RequestObjectTag/" + t.Key, t.Value);
            }

            keys.Set("s3:RequestObjectTagKeys", tags.Select(t => t.Key).ToList());
        }

        foreach (var t in existing?.Tags ?? [])
        {
            keys.Set("s3:ExistingObjectTag/" + t.Key, t.Value);
        }

        return keys;
    }

    private static void Log(S3Request r, AccessVerdict v, string action, string? key) =>
        r.Services.AccessLog.LogDebug("Access {Decision}: {Action} on {Resource} by {Principal}: {Reason}{Statement}",
            v.Allowed ? "allowed" : "denied", action, S3Actions.Arn(r.Bucket, key), r.Requester ?? "anonymous", v.Reason, v.Statement is null ? "" : $" (statement {v.Statement})");

    /// <summary>
    /// x-amz-expected-bucket-owner (and x-amz-source-expected-bucket-owner for a copy's source): a request meant for
    /// another owner's bucket is refused with 403. An account is named by its access key or canonical id here.
    /// </summary>
    private static void RequireExpectedOwner(BucketGate gate, string? expected)
    {
        if (expected is not null && expected != gate.Owner.AccessKey && expected != gate.Owner.CanonicalId)
        {
            throw Denied();
        }
    }

    private static S3Exception Denied() => new(S3ErrorCode.AccessDenied);
}
