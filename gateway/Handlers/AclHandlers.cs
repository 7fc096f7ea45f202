using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;

namespace Gateway.Handlers;

/// <summary>
/// The owner's view of ACLs. Every bucket and object here is private to its owner, which is what S3's default
/// and its "BucketOwnerEnforced" setting give; requests that would grant anyone else access are 501 rather than
/// silently accepted.
/// </summary>
internal static class AclHandlers
{
    public static S3Response GetBucketAcl(S3Request r)
    {
        r.Storage.Buckets.Require(r.Bucket, r.Account);
        return S3Response.Xml(Policy(r.Account));
    }

    public static S3Response GetObjectAcl(S3Request r)
    {
        var info = r.Storage.Objects.Head(r.Bucket, r.Key, r.Account, versionId: VersioningHandlers.Requested(r));
        return S3Response.Xml(Policy(info.Owner)).WithVersion(info);
    }

    public static async Task<S3Response> PutBucketAcl(S3Request r)
    {
        r.Storage.Buckets.Require(r.Bucket, r.Account);
        await AcceptOwnerOnly(r).ConfigureAwait(false);
        return S3Response.Empty();
    }

    public static async Task<S3Response> PutObjectAcl(S3Request r)
    {
        r.Storage.Objects.Head(r.Bucket, r.Key, r.Account, versionId: VersioningHandlers.Requested(r));
        await AcceptOwnerOnly(r).ConfigureAwait(false);
        return S3Response.Empty();
    }

    /// <summary>Accepts x-amz-acl: private (or none); any x-amz-grant-* header or other canned ACL is 501.</summary>
    public static void RequireOwnerOnlyAclHeaders(RequestHeaders headers)
    {
        var canned = headers["x-amz-acl"];
        if (canned is not null && canned != "private" && canned != "bucket-owner-full-control")
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, $"Only the private canned ACL is implemented; '{canned}' would grant access to others.");
        }

        if (headers.NamesStartingWith("x-amz-grant-").FirstOrDefault() is { } header)
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, $"Grants ({header}) are not implemented; every resource is private to its owner.");
        }
    }

    private static async Task AcceptOwnerOnly(S3Request r)
    {
        RequireOwnerOnlyAclHeaders(r.Headers);
        var doc = await RequestXml.ReadBodyAsync(r, allowEmpty: true).ConfigureAwait(false);
        if (doc?.Root is null)
        {
            return;
        }

        if (doc.Root.Name.LocalName != "AccessControlPolicy")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var ownerId = Owners.CanonicalId(r.Account);
        foreach (var grant in doc.Root.Child("AccessControlList")?.Children("Grant") ?? [])
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
