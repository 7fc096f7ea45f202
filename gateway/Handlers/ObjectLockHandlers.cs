using System.Globalization;
using Gateway.Access;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>
/// Object lock: Put/GetObjectLockConfiguration, Put/GetObjectRetention, Put/GetObjectLegalHold, the
/// x-amz-object-lock-* headers of writes and reads. Retention is judged by the gateway's clock, so a virtual clock
/// can be advanced past a retain-until date.
/// </summary>
internal static class ObjectLockHandlers
{
    public static S3Response GetConfiguration(S3Request r)
    {
        var b = r.Storage.Buckets.Require(r.Bucket, r.Account);
        if (!b.ObjectLock)
        {
            throw new S3Exception(S3ErrorCode.ObjectLockConfigurationNotFoundError).With("BucketName", r.Bucket);
        }

        var xml = new XmlBuilder().Root("ObjectLockConfiguration").Element("ObjectLockEnabled", "Enabled");
        if (b.DefaultRetention is { } d)
        {
            xml.Open("Rule").Open("DefaultRetention").Element("Mode", Mode(d.Mode))
                .Element("Days", d.Days?.ToString(CultureInfo.InvariantCulture)).Element("Years", d.Years?.ToString(CultureInfo.InvariantCulture))
                .Close("DefaultRetention").Close("Rule");
        }

        return S3Response.Xml(xml.Close("ObjectLockConfiguration").ToString());
    }

    public static async Task<S3Response> PutConfiguration(S3Request r)
    {
        RequestXml.RequireIntegrityHeader(r.Headers);
        r.Storage.Buckets.Require(r.Bucket, r.Account);
        var root = (await RequestXml.ReadBodyAsync(r).ConfigureAwait(false))!.Root!;
        if (root.Name.LocalName != "ObjectLockConfiguration" || root.Child("ObjectLockEnabled")?.Value != "Enabled")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        DefaultRetention? rule = null;
        if (root.Child("Rule") is { } ruleElement)
        {
            var d = ruleElement.Child("DefaultRetention") ?? throw new S3Exception(S3ErrorCode.MalformedXML);
            var mode = ParseMode(d.Child("Mode")?.Value);
            var days = d.Child("Days")?.Value;
            var years = d.Child("Years")?.Value;
            if ((days is null) == (years is null))
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            rule = new DefaultRetention(mode, days is null ? null : Period(days), years is null ? null : Period(years));
        }

        r.Storage.Buckets.SetObjectLock(r.Bucket, r.Account, rule);
        return S3Response.Empty();
    }

    public static S3Response GetRetention(S3Request r)
    {
        var v = r.Storage.Objects.LockOf(r.Bucket, r.Key, r.Account, VersioningHandlers.Requested(r));
        AccessControl.RequireObject(r, v);
        var retention = v.Retention ?? throw new S3Exception(S3ErrorCode.NoSuchObjectLockConfiguration);
        return S3Response.Xml(new XmlBuilder().Root("Retention").Element("Mode", Mode(retention.Mode))
            .Element("RetainUntilDate", Wire.Timestamp(retention.Until)).Close("Retention").ToString()).WithVersion(v);
    }

    /// <summary>An empty Retention document removes a retention (which, for GOVERNANCE in effect, needs the bypass header).</summary>
    public static async Task<S3Response> PutRetention(S3Request r)
    {
        RequestXml.RequireIntegrityHeader(r.Headers);
        var version = VersioningHandlers.Requested(r);
        AccessControl.RequireObject(r, r.Storage.Objects.LockOf(r.Bucket, r.Key, r.Account, version));
        var root = (await RequestXml.ReadBodyAsync(r).ConfigureAwait(false))!.Root!;
        if (root.Name.LocalName != "Retention")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        Retention? retention = null;
        if (root.HasElements)
        {
            var until = Date(root.Child("RetainUntilDate")?.Value) ?? throw new S3Exception(S3ErrorCode.MalformedXML);
            retention = new Retention(ParseMode(root.Child("Mode")?.Value), until);
            RequireFuture(r, until);
        }

        var v = r.Storage.Objects.SetRetention(r.Bucket, r.Key, r.Account, retention, version, Bypass(r));
        return S3Response.Empty().WithVersion(v);
    }

    public static S3Response GetLegalHold(S3Request r)
    {
        var v = r.Storage.Objects.LockOf(r.Bucket, r.Key, r.Account, VersioningHandlers.Requested(r));
        AccessControl.RequireObject(r, v);
        return S3Response.Xml(new XmlBuilder().Root("LegalHold").Element("Status", v.LegalHold ? "ON" : "OFF").Close("LegalHold").ToString()).WithVersion(v);
    }

    public static async Task<S3Response> PutLegalHold(S3Request r)
    {
        RequestXml.RequireIntegrityHeader(r.Headers);
        var version = VersioningHandlers.Requested(r);
        AccessControl.RequireObject(r, r.Storage.Objects.LockOf(r.Bucket, r.Key, r.Account, version));
        var root = (await RequestXml.ReadBodyAsync(r).ConfigureAwait(false))!.Root!;
        var on = root.Name.LocalName == "LegalHold" ? root.Child("Status")?.Value switch
        {
            "ON" => true,
            "OFF" => false,
            _ => throw new S3Exception(S3ErrorCode.MalformedXML),
        } : throw new S3Exception(S3ErrorCode.MalformedXML);
        var v = r.Storage.Objects.SetLegalHold(r.Bucket, r.Key, r.Account, on, version);
        return S3Response.Empty().WithVersion(v);
    }

    /// <summary>
    /// The x-amz-object-lock-* headers of PutObject, CreateMultipartUpload and CopyObject, checked before the body is
    /// read: a mode and a retain-until date come together, the date in the future; a legal hold is ON or OFF. Null
    /// when none is sent (the bucket's default retention applies then).
    /// </summary>
    public static LockSettings? FromHeaders(S3Request r, RequestHeaders headers)
    {
        var mode = headers["x-amz-object-lock-mode"];
        var until = headers["x-amz-object-lock-retain-until-date"];
        var hold = headers["x-amz-object-lock-legal-hold"];
        if (mode is null && until is null && hold is null)
        {
            return null;
        }

        if ((mode is null) != (until is null))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
        }

        Retention? retention = null;
        if (mode is not null)
        {
            var m = mode switch
            {
                "GOVERNANCE" => RetentionMode.Governance,
                "COMPLIANCE" => RetentionMode.Compliance,
                _ => throw new S3Exception(S3ErrorCode.InvalidArgument, "Unknown wormMode directive.").With("ArgumentName", "x-amz-object-lock-mode").With("ArgumentValue", mode),
            };
            var date = Date(until) ?? throw new S3Exception(S3ErrorCode.InvalidArgument, "The retain until date must be a valid ISO 8601 date.")
                .With("ArgumentName", "x-amz-object-lock-retain-until-date").With("ArgumentValue", until);
            RequireFuture(r, date);
            retention = new Retention(m, date);
        }

        var legalHold = hold switch
        {
            null or "OFF" => false,
            "ON" => true,
            _ => throw new S3Exception(S3ErrorCode.InvalidArgument, "Legal Hold must be either of 'ON' or 'OFF'").With("ArgumentName", "x-amz-object-lock-legal-hold").With("ArgumentValue", hold),
        };
        return new LockSettings(retention, legalHold);
    }

    /// <summary>A version's object lock settings as GET and HEAD answer them.</summary>
    public static S3Response WithLock(this S3Response response, ObjectInfo info)
    {
        if (info.Retention is { } ret)
        {
            response.With("x-amz-object-lock-mode", Mode(ret.Mode)).With("x-amz-object-lock-retain-until-date", Wire.Timestamp(ret.Until));
        }

        return info.LegalHold ? response.With("x-amz-object-lock-legal-hold", "ON") : response;
    }

    /// <summary>x-amz-bypass-governance-retention: true lets a request override GOVERNANCE retention.</summary>
    public static bool Bypass(S3Request r) => string.Equals(r.Header("x-amz-bypass-governance-retention"), "true", StringComparison.OrdinalIgnoreCase);

    private static string Mode(RetentionMode m) => m == RetentionMode.Compliance ? "COMPLIANCE" : "GOVERNANCE";

    /// <summary>Modes are upper case on the wire; anything else (even "governance") is MalformedXML.</summary>
    private static RetentionMode ParseMode(string? text) => text switch
    {
        "GOVERNANCE" => RetentionMode.Governance,
        "COMPLIANCE" => RetentionMode.Compliance,
        _ => throw new S3Exception(S3ErrorCode.MalformedXML),
    };

    private static int Period(string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new S3Exception(S3ErrorCode.InvalidRetentionPeriod);

    private static DateTimeOffset? Date(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    private static void RequireFuture(S3Request r, DateTimeOffset until)
    {
        if (until <= r.Storage.Clock.UtcNow)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "The retain until date must be in the future!");
        }
    }
}
