using Gateway.Access;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;
using Storage.Faults;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation.</summary>
internal static class BucketHandlers
{
    public static async Task<S3Response> Create(S3Request r)
    {
        if (!BucketNames.IsValid(r.Bucket))
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketName).With("BucketName", r.Bucket);
        }

        var access = InitialAccess(r);
        var doc = await RequestXml.ReadBodyAsync(r, allowEmpty: true).ConfigureAwait(false);
        var location = doc?.Root?.Child("LocationConstraint")?.Value;
        // "EU" is S3's legacy name for eu-west-1 (the .NET SDK still sends it for that region).
        if (!string.IsNullOrEmpty(location) && location != r.Options.Region && !(location == "EU" && r.Options.Region == "eu-west-1"))
        {
            throw new S3Exception(S3ErrorCode.InvalidLocationConstraint,
                $"The {location} location constraint is incompatible for the region specific endpoint this request was sent to.");
        }

        try
        {
            r.Storage.Buckets.Create(r.Bucket, r.Account, objectLock: string.Equals(r.Header("x-amz-bucket-object-lock-enabled"), "true", StringComparison.OrdinalIgnoreCase), access);
        }
        catch (StorageException e) when (e.Fault == StorageFault.BucketAlreadyYours && r.Options.Region == "us-east-1")
        {
            // S3's legacy us-east-1 rule: creating a bucket you already own there succeeds, keeps its contents and
            // resets its ACL to the request's; every other region answers BucketAlreadyOwnedByYou.
            r.Storage.Buckets.SetDocument(r.Bucket, r.Account, BucketDocument.Acl, access.Acl);
        }

        return S3Response.Empty().With("Location", "/" + r.Bucket);
    }

    /// <summary>
    /// The access settings a new bucket starts with: the request's ACL (x-amz-acl or x-amz-grant-*), its
    /// x-amz-object-ownership, else Gateway:Defaults. BucketOwnerEnforced takes no ACL beyond the owner's.
    /// </summary>
    private static BucketAccess InitialAccess(S3Request r)
    {
        var me = r.Services.Accounts.Of(r.Account);
        var defaults = r.Options.Defaults;
        var ownership = r.Header("x-amz-object-ownership") is { } header ? BucketSettings.ParseOwnershipValue(header, "x-amz-object-ownership")
            : string.IsNullOrEmpty(defaults.ObjectOwnership) ? (ObjectOwnership?)null
            : BucketSettings.ParseOwnershipValue(defaults.ObjectOwnership, "Gateway:Defaults:ObjectOwnership");
        var grants = AclDocuments.FromHeaders(r.Headers, r.Services.Accounts, me.CanonicalId, me.CanonicalId);
        if (ownership == ObjectOwnership.BucketOwnerEnforced && grants is not null && !AccessHandlers.OwnerOnly(grants, me.CanonicalId))
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketAclWithObjectOwnership);
        }

        var block = defaults.BlockPublicAccess ? PublicAccessBlock.All : null;
        if (block is not null && grants is not null && Grants.IsPublic(grants))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Public ACLs are blocked by the public access block new buckets get (Gateway:Defaults:BlockPublicAccess).");
        }

        return new BucketAccess(grants is null ? null : Grants.ToJson(grants), null, ownership?.ToString(), block is null ? null : BucketSettings.StoreBlock(block));
    }

    public static S3Response Head(S3Request r)
    {
        r.Storage.Buckets.Require(r.Bucket, r.Account);
        return S3Response.Empty().With("x-amz-bucket-region", r.Options.Region);
    }

    public static S3Response Delete(S3Request r)
    {
        r.Storage.Buckets.Delete(r.Bucket, r.Account);
        return S3Response.Empty(204);
    }

    public static S3Response Location(S3Request r)
    {
        r.Storage.Buckets.Require(r.Bucket, r.Account);
        // S3 answers an empty LocationConstraint for us-east-1, the region's legacy name.
        var region = r.Options.Region == "us-east-1" ? null : r.Options.Region;
        var xml = new XmlBuilder();
        xml.Raw(region is null
            ? "<LocationConstraint xmlns=\"" + XmlBuilder.S3Namespace + "\"/>"
            : "<LocationConstraint xmlns=\"" + XmlBuilder.S3Namespace + "\">" + region + "</LocationConstraint>");
        return S3Response.Xml(xml.ToString());
    }
}
