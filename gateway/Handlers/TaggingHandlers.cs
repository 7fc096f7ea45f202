using Gateway.Access;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;

namespace Gateway.Handlers;

/// <summary>Get/Put/DeleteObjectTagging and Get/Put/DeleteBucketTagging.</summary>
internal static class TaggingHandlers
{
    public static S3Response GetObject(S3Request r)
    {
        var info = r.Storage.Objects.Head(r.Bucket, r.Key, r.Account, versionId: VersioningHandlers.Requested(r));
        AccessControl.RequireObject(r, info);
        return S3Response.Xml(Tagging.ToXml(info.Tags)).WithVersion(info);
    }

    /// <summary>Replaces the object's whole tag set; its data, ETag and Last-Modified stay as they are.</summary>
    public static async Task<S3Response> PutObject(S3Request r)
    {
        var version = VersioningHandlers.Requested(r);
        // The object must exist before its body is read, so a doomed request does not send it.
        AccessControl.RequireObject(r, r.Storage.Objects.Head(r.Bucket, r.Key, r.Account, versionId: version));
        var doc = await RequestXml.ReadBodyAsync(r).ConfigureAwait(false);
        var info = r.Storage.Objects.SetTags(r.Bucket, r.Key, r.Account, Tagging.FromXml(doc!, TagScope.Object), version);
        return S3Response.Empty().WithVersion(info);
    }

    public static S3Response DeleteObject(S3Request r)
    {
        AccessControl.RequireObject(r, r.Storage.Objects.Head(r.Bucket, r.Key, r.Account, versionId: VersioningHandlers.Requested(r)));
        var info = r.Storage.Objects.SetTags(r.Bucket, r.Key, r.Account, [], VersioningHandlers.Requested(r));
        return S3Response.Empty(204).WithVersion(info);
    }

    public static S3Response GetBucket(S3Request r)
    {
        var tags = r.Storage.Buckets.Tags(r.Bucket, r.Account);
        return tags is { Count: > 0 }
            ? S3Response.Xml(Tagging.ToXml(tags))
            : throw new S3Exception(S3ErrorCode.NoSuchTagSet).With("BucketName", r.Bucket);
    }

    /// <summary>S3 requires an integrity check on PutBucketTagging (Content-MD5 or a checksum), as on the lifecycle configuration.</summary>
    public static async Task<S3Response> PutBucket(S3Request r)
    {
        RequestXml.RequireIntegrityHeader(r.Headers);
        r.Storage.Buckets.Require(r.Bucket, r.Account);
        var doc = await RequestXml.ReadBodyAsync(r).ConfigureAwait(false);
        r.Storage.Buckets.SetTags(r.Bucket, r.Account, Tagging.FromXml(doc!, TagScope.Bucket));
        return S3Response.Empty(204);
    }

    public static S3Response DeleteBucket(S3Request r)
    {
        r.Storage.Buckets.SetTags(r.Bucket, r.Account, null);
        return S3Response.Empty(204);
    }
}
