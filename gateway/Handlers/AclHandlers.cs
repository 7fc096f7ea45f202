using Gateway.Access;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Xml;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>
/// Get/PutBucketAcl, Get/PutObjectAcl, and the ACL a write gives a new object. Grants are kept with the bucket and
/// with each version; under BucketOwnerEnforced they are disabled and only the bucket owner's full control remains.
/// </summary>
internal static class AclHandlers
{
    public static S3Response GetBucketAcl(S3Request r)
    {
        var gate = r.Gate!;
        return S3Response.Xml(AclDocuments.ToXml(r.Services.Accounts, gate.Owner.AccessKey, gate.AclsApply ? gate.Acl : Grants.Private(gate.Owner.CanonicalId)));
    }

    public static S3Response GetObjectAcl(S3Request r)
    {
        var info = r.Storage.Objects.Head(r.Bucket, r.Key, r.Account, versionId: VersioningHandlers.Requested(r));
        AccessControl.RequireObject(r, info);
        var (owner, grants) = Effective(r, info);
        return S3Response.Xml(AclDocuments.ToXml(r.Services.Accounts, owner, grants)).WithVersion(info);
    }

    public static async Task<S3Response> PutBucketAcl(S3Request r)
    {
        var gate = r.Gate!;
        var grants = await Requested(r, gate.Owner.CanonicalId, gate.Owner.CanonicalId).ConfigureAwait(false);
        CheckSettable(gate, grants, ownerOnlyMeansEnforcedOk: false);
        r.Storage.Buckets.SetDocument(r.Bucket, r.Account, BucketDocument.Acl, Grants.ToJson(grants));
        return S3Response.Empty();
    }

    public static async Task<S3Response> PutObjectAcl(S3Request r)
    {
        var version = VersioningHandlers.Requested(r);
        var info = r.Storage.Objects.Head(r.Bucket, r.Key, r.Account, versionId: version);
        AccessControl.RequireObject(r, info);
        var gate = r.Gate!;
        var grants = await Requested(r, r.Services.Accounts.Of(info.Owner).CanonicalId, gate.Owner.CanonicalId).ConfigureAwait(false);
        CheckSettable(gate, grants, ownerOnlyMeansEnforcedOk: false);
        var updated = r.Storage.Objects.SetAcl(r.Bucket, r.Key, r.Account, Grants.ToJson(grants), version ?? info.VersionId);
        return S3Response.Empty().WithVersion(updated);
    }

    /// <summary>
    /// The owner and grants a new object gets from the request's x-amz-acl or x-amz-grant-* headers and the bucket's
    /// ownership rule: the writer owns it, except under BucketOwnerEnforced, under BucketOwnerPreferred with
    /// bucket-owner-full-control, and for anonymous writers (an unsigned request owns nothing here; the bucket owner
    /// gets the object). The grants are null for the default (private to the owner).
    /// </summary>
    public static (string Owner, string? Acl) ForNewObject(S3Request r, RequestHeaders headers)
    {
        var gate = r.Gate!;
        var canned = headers["x-amz-acl"];
        var owner = gate.Ownership switch
        {
            ObjectOwnership.BucketOwnerEnforced => gate.Owner.AccessKey,
            ObjectOwnership.BucketOwnerPreferred when canned == "bucket-owner-full-control" => gate.Owner.AccessKey,
            _ => r.Requester ?? gate.Owner.AccessKey,
        };
        var grants = AclDocuments.FromHeaders(headers, r.Services.Accounts, r.Services.Accounts.Of(owner).CanonicalId, gate.Owner.CanonicalId);
        CheckSettable(gate, grants, ownerOnlyMeansEnforcedOk: canned is null || canned == "bucket-owner-full-control");
        return (owner, grants is null || !gate.AclsApply ? null : Grants.ToJson(grants));
    }

    /// <summary>The owner and grants S3 shows for an object: under BucketOwnerEnforced, the bucket owner with full control.</summary>
    internal static (string Owner, IReadOnlyList<Grant> Grants) Effective(S3Request r, ObjectInfo info)
    {
        var gate = r.Gate!;
        return gate.AclsApply
            ? (info.Owner, Grants.FromJson(info.Acl, r.Services.Accounts.Of(info.Owner).CanonicalId))
            : (gate.Owner.AccessKey, Grants.Private(gate.Owner.CanonicalId));
    }

    /// <summary>
    /// Refuses grants the bucket will not take: any ACL at all under BucketOwnerEnforced, except (for a new object) no
    /// ACL or bucket-owner-full-control, and public grants under a BlockPublicAcls public access block.
    /// </summary>
    internal static void CheckSettable(BucketGate gate, IReadOnlyList<Grant>? grants, bool ownerOnlyMeansEnforcedOk)
    {
        if (grants is null)
        {
            return;
        }

        if (!gate.AclsApply && !(ownerOnlyMeansEnforcedOk && grants.All(g => g.Permission == AclPermission.FullControl) && AccessHandlers.OwnerOnly(grants, gate.Owner.CanonicalId)))
        {
            throw new S3Exception(S3ErrorCode.AccessControlListNotSupported);
        }

        if (gate.Block.BlockPublicAcls && Grants.IsPublic(grants))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Public ACLs are blocked by the bucket's public access block (BlockPublicAcls).");
        }
    }

    /// <summary>The grants a PutBucketAcl or PutObjectAcl asks for: from its headers, else from its AccessControlPolicy body.</summary>
    private static async Task<IReadOnlyList<Grant>> Requested(S3Request r, string ownerId, string bucketOwnerId)
    {
        var fromHeaders = AclDocuments.FromHeaders(r.Headers, r.Services.Accounts, ownerId, bucketOwnerId);
        var doc = await RequestXml.ReadBodyAsync(r, allowEmpty: true).ConfigureAwait(false);
        if (fromHeaders is not null)
        {
            return doc?.Root is null ? fromHeaders : throw new S3Exception(S3ErrorCode.InvalidRequest, "Specifying both an ACL header and an AccessControlPolicy body is not allowed");
        }

        return doc?.Root is null
            ? throw new S3Exception(S3ErrorCode.MissingSecurityHeader, "Your request was missing a required header").With("MissingHeaderName", "x-amz-acl")
            : AclDocuments.FromXml(doc, r.Services.Accounts);
    }
}
