using System.Globalization;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;

namespace Gateway.Handlers;

/// <summary>Operations on the service: ListBuckets (and what ListDirectoryBuckets shares with it).</summary>
internal static class ServiceHandlers
{
    public static S3Response ListBuckets(S3Request r)
    {
        var max = 10000;
        if (r.Query.Get("max-buckets") is { } m && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < 1 || max > 10000))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Argument max-buckets must be an integer between 1 and 10000.")
                .With("ArgumentName", "max-buckets").With("ArgumentValue", m);
        }

        var prefix = r.Query.Get("prefix");
        var (buckets, truncated) = r.Storage.Buckets.List(r.Account, prefix, After(r), max);
        var xml = new XmlBuilder().Root("ListAllMyBucketsResult").Owner(r.Services.Accounts, r.Account);
        Buckets(xml, r, buckets, truncated);
        xml.Element("Prefix", prefix);
        return S3Response.Xml(xml.Close("ListAllMyBucketsResult").ToString());
    }

    /// <summary>The bucket name a listing continues after (its continuation-token), or null to start from the first.</summary>
    internal static string? After(S3Request r) =>
        r.Query.Get("continuation-token") is { } token
            ? Tokens.Decode(token) ?? throw new S3Exception(S3ErrorCode.InvalidArgument, "The continuation token provided is incorrect")
                .With("ArgumentName", "continuation-token")
            : null;

    /// <summary>A page of buckets as ListBuckets and ListDirectoryBuckets write them, with the token of the next page.</summary>
    internal static void Buckets(XmlBuilder xml, S3Request r, IReadOnlyList<Storage.Objects.BucketInfo> buckets, bool truncated)
    {
        xml.Open("Buckets");
        foreach (var b in buckets)
        {
            xml.Open("Bucket").Element("Name", b.Name).Element("CreationDate", Wire.Timestamp(b.Created))
                .Element("BucketRegion", r.Options.Region).Close("Bucket");
        }

        xml.Close("Buckets");
        if (truncated)
        {
            xml.Element("ContinuationToken", Tokens.Encode(buckets[^1].Name));
        }
    }
}
