using System.Globalization;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;

namespace Gateway.Handlers;

/// <summary>Operations on the service: ListBuckets.</summary>
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
        string? after = null;
        if (r.Query.Get("continuation-token") is { } token)
        {
            after = Tokens.Decode(token) ?? throw new S3Exception(S3ErrorCode.InvalidArgument, "The continuation token provided is incorrect")
                .With("ArgumentName", "continuation-token");
        }

        var (buckets, truncated) = r.Storage.Buckets.List(r.Account, prefix, after, max);
        var xml = new XmlBuilder().Root("ListAllMyBucketsResult").Owner(r.Services.Accounts, r.Account).Open("Buckets");
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

        xml.Element("Prefix", prefix);
        return S3Response.Xml(xml.Close("ListAllMyBucketsResult").ToString());
    }
}
