using System.Globalization;
using System.Xml.Linq;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;
using Storage.Lifecycle;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>
/// Put/Get/DeleteBucketLifecycleConfiguration with the actions the gateway enforces: Expiration (Days, Date, or
/// ExpiredObjectDeleteMarker), NoncurrentVersionExpiration (NoncurrentDays, NewerNoncurrentVersions) and
/// AbortIncompleteMultipartUpload (DaysAfterInitiation), filtered by prefix, tags and object size. The transition
/// actions are 501 rather than accepted and silently ignored.
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
            xml.Open("Rule").Element("ID", rule.Id);
            Filter(xml, rule);
            xml.Element("Status", rule.Enabled ? "Enabled" : "Disabled");
            if (rule.ExpirationDays is not null || rule.ExpirationDate is not null || rule.ExpiredObjectDeleteMarker)
            {
                xml.Open("Expiration").Element("Date", rule.ExpirationDate is { } date ? Wire.Timestamp(date) : null)
                    .Element("Days", rule.ExpirationDays?.ToString(CultureInfo.InvariantCulture))
                    .Element("ExpiredObjectDeleteMarker", rule.ExpiredObjectDeleteMarker ? "true" : null).Close("Expiration");
            }

            if (rule.NoncurrentDays is { } nd)
            {
                xml.Open("NoncurrentVersionExpiration").Element("NoncurrentDays", nd)
                    .Element("NewerNoncurrentVersions", rule.NewerNoncurrentVersions?.ToString(CultureInfo.InvariantCulture)).Close("NoncurrentVersionExpiration");
            }

            if (rule.AbortIncompleteDays is { } abort)
            {
                xml.Open("AbortIncompleteMultipartUpload").Element("DaysAfterInitiation", abort).Close("AbortIncompleteMultipartUpload");
            }

            xml.Close("Rule");
        }

        return S3Response.Xml(xml.Close("LifecycleConfiguration").ToString());
    }

    /// <summary>The rule's filter in the form it was given: a rule's own Prefix, a Filter with one condition, or a Filter with And.</summary>
    private static void Filter(XmlBuilder xml, LifecycleRule rule)
    {
        if (rule.LegacyPrefix)
        {
            xml.Element("Prefix", rule.Prefix);
            return;
        }

        var others = rule.Tags.Count + (rule.SizeGreaterThan is null ? 0 : 1) + (rule.SizeLessThan is null ? 0 : 1);
        var conditions = (rule.Prefix.Length > 0 ? 1 : 0) + others;
        xml.Open("Filter");
        if (conditions > 1)
        {
            xml.Open("And");
        }

        // A prefix-only (or empty) filter is a Prefix, even an empty one; beside other conditions only a real one.
        if (rule.Prefix.Length > 0 || others == 0)
        {
            xml.Element("Prefix", rule.Prefix);
        }

        foreach (var tag in rule.Tags)
        {
            xml.Open("Tag").Element("Key", tag.Key).Element("Value", tag.Value).Close("Tag");
        }

        xml.Element("ObjectSizeGreaterThan", rule.SizeGreaterThan?.ToString(CultureInfo.InvariantCulture))
            .Element("ObjectSizeLessThan", rule.SizeLessThan?.ToString(CultureInfo.InvariantCulture));
        if (conditions > 1)
        {
            xml.Close("And");
        }

        xml.Close("Filter");
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
                if (child.Name.LocalName is not ("ID" or "Filter" or "Prefix" or "Status" or "Expiration" or "AbortIncompleteMultipartUpload" or "NoncurrentVersionExpiration"))
                {
                    if (child.Name.LocalName == "Transition")
                    {
                        // A malformed transition is the client's error before it is a missing feature, as S3 judges it.
                        _ = child.Child("Date") is { } date ? Midnight(date.Value) : (DateTimeOffset?)null;
                    }

                    throw new S3Exception(S3ErrorCode.NotImplemented,
                        $"The lifecycle element {child.Name.LocalName} is not implemented; the gateway enforces Expiration, NoncurrentVersionExpiration and AbortIncompleteMultipartUpload.");
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

            var parsed = filter is null
                ? new LifecycleRule(id, status == "Enabled", legacyPrefix?.Value ?? "", null, null) { LegacyPrefix = legacyPrefix is not null }
                : ParseFilter(filter, new LifecycleRule(id, status == "Enabled", "", null, null));

            if (rule.Child("Expiration") is { } expiration)
            {
                if (expiration.Elements().Any(e => e.Name.LocalName is not ("Days" or "Date" or "ExpiredObjectDeleteMarker")))
                {
                    throw new S3Exception(S3ErrorCode.MalformedXML);
                }

                var days = expiration.Child("Days");
                var date = expiration.Child("Date");
                var marker = expiration.Child("ExpiredObjectDeleteMarker");
                if (days is not null && date is not null)
                {
                    throw new S3Exception(S3ErrorCode.MalformedXML);
                }

                if ((days is not null || date is not null) && marker is not null)
                {
                    throw new S3Exception(S3ErrorCode.InvalidArgument, "ExpiredObjectDeleteMarker cannot be specified with Days or Date in a Lifecycle Expiration Policy.");
                }

                parsed = parsed with
                {
                    ExpirationDays = days is null ? null : PositiveDays(days.Value, "'Days' for Expiration action must be a positive integer"),
                    ExpirationDate = date is null ? null : Midnight(date.Value),
                    ExpiredObjectDeleteMarker = marker is not null && (marker.Value.Trim() switch
                    {
                        "true" => true,
                        "false" => false,
                        _ => throw new S3Exception(S3ErrorCode.MalformedXML),
                    }),
                };
                if (parsed.ExpiredObjectDeleteMarker && (parsed.Tags.Count > 0 || parsed.SizeGreaterThan is not null || parsed.SizeLessThan is not null))
                {
                    throw new S3Exception(S3ErrorCode.InvalidRequest, "ExpiredObjectDeleteMarker cannot be specified with a filter other than a prefix.");
                }
            }

            if (rule.Child("NoncurrentVersionExpiration") is { } noncurrent)
            {
                var newer = noncurrent.Child("NewerNoncurrentVersions")?.Value;
                parsed = parsed with
                {
                    NoncurrentDays = PositiveDays(noncurrent.Child("NoncurrentDays")?.Value, "'NoncurrentDays' in NoncurrentVersionExpiration action must be a positive integer"),
                    NewerNoncurrentVersions = newer is null ? null
                        : int.TryParse(newer, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100 ? n
                        : throw new S3Exception(S3ErrorCode.InvalidArgument, "NewerNoncurrentVersions must be an integer between 1 and 100"),
                };
            }

            if (rule.Child("AbortIncompleteMultipartUpload") is { } abort)
            {
                if (parsed.Tags.Count > 0 || parsed.SizeGreaterThan is not null || parsed.SizeLessThan is not null)
                {
                    throw new S3Exception(S3ErrorCode.InvalidRequest, "AbortIncompleteMultipartUpload cannot be specified with Tags.");
                }

                parsed = parsed with
                {
                    AbortIncompleteDays = PositiveDays(abort.Child("DaysAfterInitiation")?.Value, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"),
                };
            }

            if (parsed.ExpirationDays is null && parsed.ExpirationDate is null && parsed.AbortIncompleteDays is null && parsed.NoncurrentDays is null && !parsed.ExpiredObjectDeleteMarker)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "At least one action needs to be specified in a rule");
            }

            rules.Add(parsed);
        }

        if (rules.Count is 0 or > 1000)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        return rules;
    }

    /// <summary>
    /// A rule's Filter: empty (every object), or exactly one of Prefix, Tag, ObjectSizeGreaterThan,
    /// ObjectSizeLessThan, or And holding several of them (tags any number, each key once).
    /// </summary>
    private static LifecycleRule ParseFilter(XElement filter, LifecycleRule rule)
    {
        var conditions = filter.Elements().ToList();
        if (conditions.Count > 1)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        if (conditions.Count == 0)
        {
            return rule;
        }

        var one = conditions[0];
        if (one.Name.LocalName == "And")
        {
            conditions = one.Elements().ToList();
            if (conditions.Count == 0)
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }
        }

        var tags = new List<Tag>();
        foreach (var c in conditions)
        {
            switch (c.Name.LocalName)
            {
                case "Prefix":
                    rule = rule with { Prefix = c.Value };
                    break;
                case "Tag":
                    var key = c.Child("Key")?.Value ?? throw new S3Exception(S3ErrorCode.MalformedXML);
                    if (tags.Exists(t => t.Key == key))
                    {
                        throw new S3Exception(S3ErrorCode.InvalidRequest, "Duplicate Tag Keys are not allowed.");
                    }

                    tags.Add(new Tag(key, c.Child("Value")?.Value ?? ""));
                    break;
                case "ObjectSizeGreaterThan":
                    rule = rule with { SizeGreaterThan = Size(c.Value) };
                    break;
                case "ObjectSizeLessThan":
                    rule = rule with { SizeLessThan = Size(c.Value) };
                    break;
                default:
                    throw new S3Exception(S3ErrorCode.MalformedXML);
            }
        }

        if (rule.SizeGreaterThan is { } gt && rule.SizeLessThan is { } lt && gt >= lt)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "ObjectSizeGreaterThan must be less than ObjectSizeLessThan");
        }

        return rule with { Tags = tags };
    }

    /// <summary>An Expiration Date: ISO 8601, at midnight UTC (S3 refuses any other time of day).</summary>
    private static DateTimeOffset Midnight(string text)
    {
        if (text.Length < 10 || text[4] != '-' || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid date specified: the date must be in ISO 8601 format").With("ArgumentName", "Date").With("ArgumentValue", text);
        }

        return t.TimeOfDay == TimeSpan.Zero ? t : throw new S3Exception(S3ErrorCode.InvalidArgument, "'Date' must be at midnight GMT").With("ArgumentName", "Date");
    }

    private static long Size(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new S3Exception(S3ErrorCode.MalformedXML);

    private static int PositiveDays(string? text, string message) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days > 0
            ? days
            : throw new S3Exception(S3ErrorCode.InvalidArgument, message);

    /// <summary>
    /// x-amz-expiration on PutObject, GetObject and HeadObject of a current version a lifecycle Expiration rule will
    /// expire: <c>expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="ID"</c> (S3's form, which SDKs return as is).
    /// </summary>
    public static void ExpirationHeader(S3Response response, S3Request r, Storage.Objects.ObjectInfo info)
    {
        if (info.IsLatest && !info.IsDeleteMarker && LifecycleService.ExpirationRule(r.Storage.Lifecycle.RulesOf(r.Bucket), info) is { } due
            && due.ExpiryDate != DateTimeOffset.MaxValue)
        {
            response.With("x-amz-expiration", $"expiry-date=\"{Wire.HttpDate(due.ExpiryDate)}\", rule-id=\"{due.Rule.Id}\"");
        }
    }

    /// <summary>x-amz-abort-date and x-amz-abort-rule-id for an upload a lifecycle rule will abort.</summary>
    public static void AbortHeaders(S3Response response, S3Request r, string key, DateTimeOffset initiated)
    {
        if (LifecycleService.AbortRule(r.Storage.Lifecycle.RulesOf(r.Bucket), key, initiated) is { } due)
        {
            response.With("x-amz-abort-date", Wire.HttpDate(due.AbortDate)).With("x-amz-abort-rule-id", due.Rule.Id);
        }
    }
}
