using System.Globalization;
using System.Text;
using Gateway.Errors;
using Gateway.Xml;

namespace Gateway.Handlers;

/// <summary>Operations on the service: ListBuckets.</summary>
internal static class ServiceHandlers
{
    public static Task ListBuckets(S3Context ctx)
    {
        var q = ctx.Route.Query;
        var max = 10000;
        if (q.Get("max-buckets") is { } m && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < 1 || max > 10000))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Argument max-buckets must be an integer between 1 and 10000.")
                .With("ArgumentName", "max-buckets").With("ArgumentValue", m);
        }

        var prefix = q.Get("prefix");
        var token = q.Get("continuation-token");
        string? after = null;
        if (token is not null)
        {
            after = Tokens.Decode(token) ?? throw new S3Exception(S3ErrorCode.InvalidArgument, "The continuation token provided is incorrect")
                .With("ArgumentName", "continuation-token");
        }

        var (buckets, truncated) = ctx.Storage.Buckets.List(ctx.Account, prefix, after, max);
        var xml = new XmlBuilder().Root("ListAllMyBucketsResult").Owner(ctx.Account).Open("Buckets");
        foreach (var b in buckets)
        {
            xml.Open("Bucket").Element("Name", b.Name).Element("CreationDate", XmlBuilder.Timestamp(b.Created))
                .Element("BucketRegion", ctx.Options.Region).Close("Bucket");
        }

        xml.Close("Buckets");
        if (truncated)
        {
            xml.Element("ContinuationToken", Tokens.Encode(buckets[^1].Name));
        }

        xml.Element("Prefix", prefix);
        return ctx.Xml(xml.Close("ListAllMyBucketsResult").ToString());
    }
}

/// <summary>
/// Continuation tokens: opaque to clients, base64url of a marker with a version prefix so a garbled or foreign
/// token is refused rather than misread.
/// </summary>
internal static class Tokens
{
    public static string Encode(string marker) => Convert.ToBase64String(Encoding.UTF8.GetBytes("v1:" + marker));

    public static string? Decode(string token)
    {
        try
        {
            var s = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return s.StartsWith("v1:", StringComparison.Ordinal) ? s[3..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
