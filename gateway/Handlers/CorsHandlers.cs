using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>Put/Get/DeleteBucketCors: a bucket's own cross-origin rules, which replace Gateway:Cors for it.</summary>
internal static class CorsHandlers
{
    public static S3Response Get(S3Request r)
    {
        r.Storage.Buckets.Require(r.Bucket, r.Account);
        return r.Storage.Buckets.Document(r.Bucket, BucketDocument.Cors) is { } json
            ? S3Response.Xml(CorsRules.ToXml(CorsRules.FromJson(json)))
            : throw new S3Exception(S3ErrorCode.NoSuchCORSConfiguration).With("BucketName", r.Bucket);
    }

    /// <summary>S3 requires an integrity check (Content-MD5 or a checksum) on PutBucketCors.</summary>
    public static async Task<S3Response> Put(S3Request r)
    {
        RequestXml.RequireIntegrityHeader(r.Headers);
        r.Storage.Buckets.Require(r.Bucket, r.Account);
        var doc = await RequestXml.ReadBodyAsync(r).ConfigureAwait(false);
        r.Storage.Buckets.SetDocument(r.Bucket, r.Account, BucketDocument.Cors, CorsRules.ToJson(CorsRules.FromXml(doc!)));
        return S3Response.Empty();
    }

    public static S3Response Delete(S3Request r)
    {
        r.Storage.Buckets.SetDocument(r.Bucket, r.Account, BucketDocument.Cors, null);
        return S3Response.Empty(204);
    }
}
