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
        if (DirectoryBuckets.IsDirectoryName(r.Bucket))
        {
            return await CreateDirectory(r).ConfigureAwait(false);
        }

        if (!BucketNames.IsValid(r.Bucket))
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketName).With("BucketName", r.Bucket);
        }

        var access = InitialAccess(r);
        var doc = await RequestXml.ReadBodyAsync(r, allowEmpty: true).ConfigureAwait(false);
        if (doc?.Root?.Child("Location") is not null || doc?.Root?.Child("Bucket") is not null)
        {
            // A directory bucket's configuration for a general purpose name.
            throw new S3Exception(S3ErrorCode.InvalidBucketName, "A directory bucket's name ends in --<zone-id>--x-s3.").With("BucketName", r.Bucket);
        }
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
    /// CreateBucket of a directory bucket: its configuration must say so (Bucket Type Directory, with its data
    /// redundancy) and place it (Location: an AvailabilityZone or LocalZone, by zone id), and the zone id in its name
    /// must be that zone. S3 refuses a LocationConstraint beside them (MalformedXML). Directory buckets have no ACLs,
    /// object ownership choice or object lock: such headers are not supported.
    /// </summary>
    private static async Task<S3Response> CreateDirectory(S3Request r)
    {
        if (!DirectoryBuckets.TryParseName(r.Bucket, out var zone))
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketName,
                "A directory bucket's name is base-name--zone-id--x-s3: 3 to 63 lowercase letters, digits and hyphens.").With("BucketName", r.Bucket);
        }

        foreach (var header in new[] { "x-amz-bucket-object-lock-enabled", "x-amz-object-ownership" })
        {
            if (r.Header(header) is not null)
            {
                throw new S3Exception(S3ErrorCode.NotImplemented, $"The {header} header is not supported for directory buckets.");
            }
        }

        var doc = await RequestXml.ReadBodyAsync(r, allowEmpty: true).ConfigureAwait(false);
        var root = doc?.Root;
        if (root is null || root.Name.LocalName != "CreateBucketConfiguration" || root.Child("LocationConstraint") is not null)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var location = root.Child("Location");
        var bucket = root.Child("Bucket");
        var locationType = location?.Child("Type")?.Value;
        var locationName = location?.Child("Name")?.Value;
        var bucketType = bucket?.Child("Type")?.Value;
        var redundancy = bucket?.Child("DataRedundancy")?.Value;
        if (location is null || bucket is null || locationName is null || bucketType != "Directory"
            || locationType is not ("AvailabilityZone" or "LocalZone")
            || redundancy is not (null or "SingleAvailabilityZone" or "SingleLocalZone")
            || (redundancy == "SingleLocalZone") != (locationType == "LocalZone"))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest,
                "A directory bucket needs a Location (Type AvailabilityZone or LocalZone, and its Name) and a Bucket (Type Directory, with the matching DataRedundancy).");
        }

        if (locationType == "LocalZone")
        {
            // S3 refuses Local Zones to an account that has not enabled them; this gateway's accounts have none.
            throw new S3Exception(S3ErrorCode.AccessDenied, "Directory buckets in Local Zones are not available to this account.");
        }

        if (locationName != zone)
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketName, $"The zone id in the bucket name ({zone}) is not the Location's ({locationName}).")
                .With("BucketName", r.Bucket);
        }

        r.Storage.Buckets.Create(r.Bucket, r.Account, access: DirectoryAccess, directoryZone: zone);
        return S3Response.Empty().With("Location", "/" + r.Bucket);
    }

    /// <summary>A directory bucket's access: its owner's alone (ACLs disabled, S3's BucketOwnerEnforced), public access blocked.</summary>
    private static readonly BucketAccess DirectoryAccess = new(null, null, ObjectOwnership.BucketOwnerEnforced.ToString(), BucketSettings.StoreBlock(PublicAccessBlock.All));

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
        var bucket = r.Storage.Buckets.Require(r.Bucket, r.Account);
        var response = S3Response.Empty().With("x-amz-bucket-region", r.Options.Region);
        // A directory bucket says where it lives (HeadBucket's x-amz-bucket-location-* headers).
        return bucket.Zone is { } zone ? response.With("x-amz-bucket-location-type", "AvailabilityZone").With("x-amz-bucket-location-name", zone) : response;
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
