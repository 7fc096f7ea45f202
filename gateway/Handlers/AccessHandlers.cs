using Gateway.Access;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Xml;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>
/// The bucket's access settings: Put/Get/DeleteBucketPolicy, GetBucketPolicyStatus, Put/Get/DeleteBucketOwnershipControls
/// and Put/Get/DeletePublicAccessBlock. Only the bucket owner reaches these (S3's root-user rule for them).
/// </summary>
internal static class AccessHandlers
{
    /// <summary>S3 keeps a bucket policy up to 20 KB.</summary>
    private const int MaxPolicyBytes = 20 * 1024;

    public static S3Response GetPolicy(S3Request r) =>
        r.Storage.Buckets.Document(r.Bucket, BucketDocument.Policy) is { } text
            ? S3Response.Json(text)
            : throw new S3Exception(S3ErrorCode.NoSuchBucketPolicy).With("BucketName", r.Bucket);

    /// <summary>The policy is validated whole before it is stored; a public one is refused under BlockPublicPolicy.</summary>
    public static async Task<S3Response> PutPolicy(S3Request r)
    {
        var text = await RequestXml.ReadTextAsync(r, MaxPolicyBytes, BucketPolicy.Malformed("Policies cannot exceed 20 KB in size"),
            BucketPolicy.Malformed("Policies must be valid JSON and the first byte must be '{'")).ConfigureAwait(false);
        var policy = BucketPolicy.Parse(text, r.Bucket);
        if (policy.IsPublic && r.Gate!.Block.BlockPublicPolicy)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Public policies are blocked by the bucket's public access block (BlockPublicPolicy).");
        }

        r.Storage.Buckets.SetDocument(r.Bucket, r.Account, BucketDocument.Policy, text);
        return S3Response.Empty(204);
    }

    public static S3Response DeletePolicy(S3Request r)
    {
        r.Storage.Buckets.SetDocument(r.Bucket, r.Account, BucketDocument.Policy, null);
        return S3Response.Empty(204);
    }

    /// <summary>As S3: whether the policy is public; a bucket without a policy has no status (NoSuchBucketPolicy), whatever its ACL.</summary>
    public static S3Response GetPolicyStatus(S3Request r)
    {
        var policy = r.Gate!.Policy ?? throw new S3Exception(S3ErrorCode.NoSuchBucketPolicy).With("BucketName", r.Bucket);
        return S3Response.Xml(new XmlBuilder().Root("PolicyStatus").Element("IsPublic", policy.IsPublic).Close("PolicyStatus").ToString());
    }

    public static S3Response GetOwnership(S3Request r) =>
        BucketSettings.ParseOwnership(r.Gate!.Bucket.Access.Ownership) is { } o
            ? S3Response.Xml(BucketSettings.OwnershipToXml(o))
            : throw new S3Exception(S3ErrorCode.OwnershipControlsNotFoundError).With("BucketName", r.Bucket);

    /// <summary>BucketOwnerEnforced disables ACLs, so the bucket's own ACL must grant nothing beyond the owner first.</summary>
    public static async Task<S3Response> PutOwnership(S3Request r)
    {
        RequestXml.RequireIntegrityHeader(r.Headers);
        var doc = await RequestXml.ReadBodyAsync(r).ConfigureAwait(false);
        var ownership = BucketSettings.OwnershipFromXml(doc!);
        var gate = r.Gate!;
        if (ownership == ObjectOwnership.BucketOwnerEnforced && !OwnerOnly(gate.Acl, gate.Owner.CanonicalId))
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketAclWithObjectOwnership);
        }

        r.Storage.Buckets.SetDocument(r.Bucket, r.Account, BucketDocument.Ownership, ownership.ToString());
        return S3Response.Empty();
    }

    public static S3Response DeleteOwnership(S3Request r)
    {
        r.Storage.Buckets.SetDocument(r.Bucket, r.Account, BucketDocument.Ownership, null);
        return S3Response.Empty(204);
    }

    public static S3Response GetBlock(S3Request r) =>
        BucketSettings.ParseBlock(r.Gate!.Bucket.Access.PublicAccessBlock) is { } b
            ? S3Response.Xml(BucketSettings.BlockToXml(b))
            : throw new S3Exception(S3ErrorCode.NoSuchPublicAccessBlockConfiguration).With("BucketName", r.Bucket);

    public static async Task<S3Response> PutBlock(S3Request r)
    {
        var doc = await RequestXml.ReadBodyAsync(r).ConfigureAwait(false);
        r.Storage.Buckets.SetDocument(r.Bucket, r.Account, BucketDocument.PublicAccessBlock, BucketSettings.StoreBlock(BucketSettings.BlockFromXml(doc!)));
        return S3Response.Empty();
    }

    public static S3Response DeleteBlock(S3Request r)
    {
        r.Storage.Buckets.SetDocument(r.Bucket, r.Account, BucketDocument.PublicAccessBlock, null);
        return S3Response.Empty(204);
    }

    internal static bool OwnerOnly(IReadOnlyList<Grant> grants, string ownerId) => grants.All(g => g.Kind == GranteeKind.User && g.Grantee == ownerId);
}
