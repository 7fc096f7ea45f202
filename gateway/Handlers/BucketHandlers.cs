using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;
using Storage.Faults;

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

        AclHandlers.RequireOwnerOnlyAclHeaders(r.Headers);
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
            r.Storage.Buckets.Create(r.Bucket, r.Account, objectLock: string.Equals(r.Header("x-amz-bucket-object-lock-enabled"), "true", StringComparison.OrdinalIgnoreCase));
        }
        catch (StorageException e) when (e.Fault == StorageFault.BucketAlreadyYours && r.Options.Region == "us-east-1")
        {
            // S3's legacy us-east-1 rule: creating a bucket you already own there succeeds and keeps its
            // contents; every other region answers BucketAlreadyOwnedByYou.
        }

        return S3Response.Empty().With("Location", "/" + r.Bucket);
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
