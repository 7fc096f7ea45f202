using System.Globalization;
using System.Xml.Linq;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;
using Storage.Lifecycle;

namespace Gateway.Handlers;

/// <summary>
/// Put/Get/DeleteBucketLifecycleConfiguration with the two actions the gateway enforces: Expiration (Days) and
/// AbortIncompleteMultipartUpload (DaysAfterInitiation), filtered by prefix. Other actions and filters are 501
/// rather than accepted and silently ignored.
/// </summary>
internal static class LifecycleHandlers
{
    public static S3Response Get(S3Request r)
    {
        var rules = r.Storage.Lifecycle.Get(r.Bucket, r.Account)
            ?? throw new S3Exception(S3ErrorCode.NoSuchLifecycleConfiguration).With("BucketName", r.Bucket);
        var xml = new XmlBuilder().Root("LifecycleConfiguration");
        foreach (var rule in rules)
        {
            xml.Open("Rule").Element("ID", rule.Id).Open("Filter").Element("Prefix", rule.Prefix).Close("Filter").Element("Status", rule.Enabled ? "Enabled" : "Disabled");
            if (rule.ExpirationDays is { } days)
            {
                xml.Open("Expiration").Element("Days", days).Close("Expiration");
            }

            if (rule.AbortIncompleteDays is { } abort)
            {
                xml.Open("AbortIncompleteMultipartUpload").Element("DaysAfterInitiation", abort).Close("AbortIncompleteMultipartUpload");
            }

            xml.Close("Rule");
        }

        return S3Response.Xml(xml.Close("LifecycleConfiguration").ToString());
    }

    public static async Task<S3Response> Put(S3Request r)
    {
        RequestXml.RequireIntegrityHeader(r.Headers);
        r.Storage.Buckets.Require(r.Bucket, r.Account);
        var doc = await RequestXml.ReadBodyAsync(r).ConfigureAwait(false);
        r.Storage.Lifecycle.Put(r.Bucket, r.Account, Parse(doc!));
        return S3Response.Empty();
    }

    public static S3Response Delete(S3Request r)
    {
        r.Storage.Lifecycle.Delete(r.Bucket, r.Account);
        return S3Response.Empty(204);
    }

    internal static List<LifecycleRule> Parse(XDocument doc)
    {
        var root = doc.Root;
        if (root is null || root.Name.LocalName != "LifecycleConfiguration")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var rules = new List<LifecycleRule>();
        foreach (var rule in root.Children("Rule"))
        {
            foreach (var child in rule.Elements())
            {
                if (child.Name.LocalName is not ("ID" or "Filter" or "Prefix" or "Status" or "Expiration" or "AbortIncompleteMultipartUpload"))
                {
                    throw new S3Exception(S3ErrorCode.NotImplemented, $"The lifecycle element {child.Name.LocalName} is not implemented; the gateway enforces Expiration (Days) and AbortIncompleteMultipartUpload.");
                }
            }

            var id = rule.Child("ID")?.Value ?? Guid.NewGuid().ToString("N");
            if (id.Length > 255)
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "ID length should not exceed allowed limit of 255").With("ArgumentName", "ID");
            }

            if (rules.Exists(r => r.Id == id))
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "Rule ID must be unique. Found same ID for more than one rule").With("ArgumentName", "ID").With("ArgumentValue", id);
            }

            var status = rule.Child("Status")?.Value;
            if (status is not ("Enabled" or "Disabled"))
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            var filter = rule.Child("Filter");
            var legacyPrefix = rule.Child("Prefix");
            if (filter is not null && legacyPrefix is not null)
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            var prefix = legacyPrefix?.Value ?? "";
            if (filter is not null)
            {
                foreach (var f in filter.Elements())
                {
                    if (f.Name.LocalName != "Prefix")
                    {
                        throw new S3Exception(S3ErrorCode.NotImplemented, $"Lifecycle filters other than Prefix ({f.Name.LocalName}) are not implemented.");
                    }
                }

                prefix = filter.Child("Prefix")?.Value ?? "";
            }

            var expiration = rule.Child("Expiration");
            int? expirationDays = null;
            if (expiration is not null)
            {
                if (expiration.Elements().Any(e => e.Name.LocalName != "Days"))
                {
                    throw new S3Exception(S3ErrorCode.NotImplemented, "Only Expiration with Days is implemented (not Date or ExpiredObjectDeleteMarker).");
                }

                expirationDays = PositiveDays(expiration.Child("Days")?.Value, "'Days' for Expiration action must be a positive integer");
            }

            int? abortDays = null;
            if (rule.Child("AbortIncompleteMultipartUpload") is { } abort)
            {
                abortDays = PositiveDays(abort.Child("DaysAfterInitiation")?.Value, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer");
            }

            if (expirationDays is null && abortDays is null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "At least one action needs to be specified in a rule");
            }

            rules.Add(new LifecycleRule(id, status == "Enabled", prefix, expirationDays, abortDays));
        }

        if (rules.Count is 0 or > 1000)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        return rules;
    }

    private static int PositiveDays(string? text, string message) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days > 0
            ? days
            : throw new S3Exception(S3ErrorCode.InvalidArgument, message);

    /// <summary>x-amz-abort-date and x-amz-abort-rule-id for an upload a lifecycle rule will abort.</summary>
    public static void AbortHeaders(S3Response response, S3Request r, string key, DateTimeOffset initiated)
    {
        if (LifecycleService.AbortRule(r.Storage.Lifecycle.RulesOf(r.Bucket), key, initiated) is { } due)
        {
            response.With("x-amz-abort-date", Wire.HttpDate(due.AbortDate)).With("x-amz-abort-rule-id", due.Rule.Id);
        }
    }
}
