using Gateway.Errors;
using Gateway.Xml;

namespace Gateway.Handlers;

/// <summary>
/// The owner's view of ACLs. Every bucket and object here is private to its owner, which is what S3's default
/// and its "BucketOwnerEnforced" setting give; requests that would grant anyone else access are 501 rather than
/// silently accepted.
/// </summary>
internal static class AclHandlers
{
    public static Task GetBucketAcl(S3Context ctx)
    {
        ctx.Storage.Buckets.Require(ctx.Bucket, ctx.Account);
        return ctx.Xml(Policy(ctx.Account));
    }

    public static Task GetObjectAcl(S3Context ctx)
    {
        var info = ctx.Storage.Objects.Head(ctx.Bucket, ctx.Key, ctx.Account);
        return ctx.Xml(Policy(info.Owner));
    }

    public static async Task PutBucketAcl(S3Context ctx)
    {
        ctx.Storage.Buckets.Require(ctx.Bucket, ctx.Account);
        await AcceptOwnerOnly(ctx).ConfigureAwait(false);
        await ctx.Empty(200).ConfigureAwait(false);
    }

    public static async Task PutObjectAcl(S3Context ctx)
    {
        ctx.Storage.Objects.Head(ctx.Bucket, ctx.Key, ctx.Account);
        await AcceptOwnerOnly(ctx).ConfigureAwait(false);
        await ctx.Empty(200).ConfigureAwait(false);
    }

    /// <summary>Accepts x-amz-acl: private (or none); any x-amz-grant-* header or other canned ACL is 501.</summary>
    public static void RequireOwnerOnlyAclHeaders(S3Context ctx)
    {
        var canned = ctx.Header("x-amz-acl");
        if (canned is not null && canned != "private" && canned != "bucket-owner-full-control")
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, $"Only the private canned ACL is implemented; '{canned}' would grant access to others.");
        }

        foreach (var header in ctx.Request.Headers.Keys)
        {
            if (header.StartsWith("x-amz-grant-", StringComparison.OrdinalIgnoreCase))
            {
                throw new S3Exception(S3ErrorCode.NotImplemented, $"Grants ({header}) are not implemented; every resource is private to its owner.");
            }
        }
    }

    private static async Task AcceptOwnerOnly(S3Context ctx)
    {
        RequireOwnerOnlyAclHeaders(ctx);
        var doc = await RequestXml.ReadBodyAsync(ctx, allowEmpty: true).ConfigureAwait(false);
        if (doc?.Root is null)
        {
            return;
        }

        if (doc.Root.Name.LocalName != "AccessControlPolicy")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var ownerId = Owners.CanonicalId(ctx.Account);
        var grants = doc.Root.Child("AccessControlList")?.Children("Grant").ToList() ?? [];
        foreach (var grant in grants)
        {
            var id = grant.Child("Grantee")?.Child("ID")?.Value;
            var permission = grant.Child("Permission")?.Value;
            if (id != ownerId || permission != "FULL_CONTROL")
            {
                throw new S3Exception(S3ErrorCode.NotImplemented, "Only the owner's FULL_CONTROL grant is implemented; every resource is private to its owner.");
            }
        }
    }

    internal static string Policy(string owner)
    {
        var id = Owners.CanonicalId(owner);
        return new XmlBuilder().Root("AccessControlPolicy").Owner(owner)
            .Open("AccessControlList").Open("Grant")
            .Raw("<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">")
            .Element("ID", id).Element("DisplayName", owner).Close("Grantee")
            .Element("Permission", "FULL_CONTROL").Close("Grant").Close("AccessControlList")
            .Close("AccessControlPolicy").ToString();
    }
}
