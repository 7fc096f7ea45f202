using System.Globalization;
using Gateway.Access;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>CopyObject, and the x-amz-copy-source and x-amz-copy-source-range headers it shares with UploadPartCopy.</summary>
internal static class CopyHandlers
{
    public static S3Response Copy(S3Request r)
    {
        ObjectHeaders.CheckKey(r.Key);
        ObjectHeaders.RejectUnsupported(r.Headers);
        var (srcBucket, srcKey, srcVersion) = ParseSource(r.Header("x-amz-copy-source")!);
        var directive = r.Header("x-amz-metadata-directive") ?? "COPY";
        if (directive is not ("COPY" or "REPLACE"))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Unknown metadata directive.").With("ArgumentName", "x-amz-metadata-directive").With("ArgumentValue", directive);
        }

        var tagging = r.Header("x-amz-tagging-directive") ?? "COPY";
        if (tagging is not ("COPY" or "REPLACE"))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"Unknown tagging directive: {tagging}").With("ArgumentName", "x-amz-tagging-directive").With("ArgumentValue", tagging);
        }

        // With REPLACE the copy gets the x-amz-tagging header's tags (none without one); with COPY the source's.
        var tags = tagging == "REPLACE" ? ObjectHeaders.TagsFromRequest(r.Headers) : null;
        var replace = directive == "REPLACE";
        var attributes = replace ? ObjectHeaders.FromRequest(r.Headers) : null;
        if (srcBucket == r.Bucket && srcKey == r.Key && !replace && srcVersion is null)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest,
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        }

        var conditions = ObjectHandlers.WriteConditionsFrom(r.Headers);
        var (owner, acl) = AclHandlers.ForNewObject(r, r.Headers);
        var sourceOwner = AccessControl.RequireSource(r, srcBucket, srcKey, srcVersion);
        var info = r.Storage.Objects.Copy(new CopyObjectCommand(srcBucket, srcKey, r.Bucket, r.Key, r.Account, attributes, HttpConditions.CopySource(r.Headers), conditions)
        {
            Owner = owner,
            Acl = acl,
            SourceAccount = sourceOwner,
            Tags = tags,
            SourceVersionId = srcVersion,
            Lock = ObjectLockHandlers.FromHeaders(r, r.Headers),
        });
        var xml = new XmlBuilder().Root("CopyObjectResult")
            .Element("LastModified", Wire.Timestamp(info.LastModified))
            .Element("ETag", Wire.Quote(info.ETag));
        if (info.Checksum is { } c)
        {
            // Element names are Checksum + the wire name: ChecksumCRC32, ChecksumCRC64NVME, ChecksumSHA256, ...
            xml.Element("ChecksumType", ChecksumNames.TypeName(c.Type)).Element("Checksum" + ChecksumNames.WireName(c.Algorithm), c.Value);
        }

        return S3Response.Xml(xml.Close("CopyObjectResult").ToString()).WithNewVersion(info).With("x-amz-copy-source-version-id", srcVersion);
    }

    /// <summary>Parses "bucket/key" or "/bucket/key", URL-encoded, with an optional "?versionId=".</summary>
    public static (string Bucket, string Key, string? VersionId) ParseSource(string header)
    {
        var value = header.Trim();
        var q = value.IndexOf('?');
        string? version = null;
        if (q >= 0)
        {
            version = Routing.QueryString.Parse(value[(q + 1)..]).Get("versionId");
            if (version is "")
            {
                throw VersioningHandlers.EmptyVersionId("x-amz-copy-source", header);
            }

            value = value[..q];
        }

        // Not UTF-8: refused, like a request path that is not, rather than read as a different key.
        var decoded = (Routing.QueryString.PercentDecodeStrict(value) ?? throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid copy source encoding")
            .With("ArgumentName", "x-amz-copy-source").With("ArgumentValue", header)).TrimStart('/');
        var slash = decoded.IndexOf('/');
        if (slash <= 0 || slash == decoded.Length - 1)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
                .With("ArgumentName", "x-amz-copy-source").With("ArgumentValue", header);
        }

        return (decoded[..slash], decoded[(slash + 1)..], version);
    }

    /// <summary>x-amz-copy-source-range: "bytes=first-last", zero-based and inclusive.</summary>
    public static (long Start, long Length) ParseRange(string header)
    {
        var h = header.Trim();
        var dash = h.IndexOf('-');
        if (h.StartsWith("bytes=", StringComparison.Ordinal) && dash > 6
            && long.TryParse(h[6..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && long.TryParse(h[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && last >= first && last < long.MaxValue)
        {
            return (first, last - first + 1);
        }

        throw new S3Exception(S3ErrorCode.InvalidArgument,
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
            .With("ArgumentName", "x-amz-copy-source-range").With("ArgumentValue", header);
    }
}
