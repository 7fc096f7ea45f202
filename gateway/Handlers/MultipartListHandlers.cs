using System.Globalization;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;

namespace Gateway.Handlers;

/// <summary>ListParts and ListMultipartUploads.</summary>
internal static class MultipartListHandlers
{
    public static S3Response ListParts(S3Request r)
    {
        var uploadId = r.UploadId;
        var q = r.Query;
        var maxParts = Integer(q.Get("max-parts"), "max-parts", 1000);
        var marker = Integer(q.Get("part-number-marker"), "part-number-marker", 0);
        var encode = EncodingType(r);
        var page = r.Storage.Multipart.ListParts(r.Bucket, r.Key, uploadId, r.Account, marker, Math.Min(maxParts, 1000));
        var upload = page.Upload;
        var xml = new XmlBuilder().Root("ListPartsResult")
            .Element("Bucket", r.Bucket)
            .Element("Key", encode ? ListHandlers.UrlEncode(r.Key) : r.Key)
            .Element("UploadId", uploadId)
            .Element("PartNumberMarker", marker)
            .Element("NextPartNumberMarker", page.Parts.Count > 0 ? page.Parts[^1].PartNumber : 0)
            .Element("MaxParts", Math.Min(maxParts, 1000))
            .Element("IsTruncated", page.IsTruncated)
            .Element("EncodingType", encode ? "url" : null);
        foreach (var p in page.Parts)
        {
            xml.Open("Part").Element("PartNumber", p.PartNumber).Element("LastModified", Wire.Timestamp(p.LastModified))
                .Element("ETag", Wire.Quote(p.ETag)).Element("Size", p.Size);
            if (upload.ChecksumAlgorithm is { } a)
            {
                xml.Element("Checksum" + ChecksumNames.WireName(a), p.Checksum);
            }

            xml.Close("Part");
        }

        xml.Owner(r.Services.Accounts, upload.Owner, "Initiator").Owner(r.Services.Accounts, upload.Owner)
            .Element("StorageClass", ListHandlers.StorageClass(upload.Bucket, upload.Attributes))
            .Element("ChecksumAlgorithm", upload.ChecksumAlgorithm is { } alg ? ChecksumNames.WireName(alg) : null)
            .Element("ChecksumType", upload.ChecksumType is { } t ? ChecksumNames.TypeName(t) : null);
        var response = S3Response.Xml(xml.Close("ListPartsResult").ToString());
        LifecycleHandlers.AbortHeaders(response, r, upload.Key, upload.Initiated);
        return response;
    }

    public static S3Response ListMultipartUploads(S3Request r)
    {
        var q = r.Query;
        var maxUploads = Integer(q.Get("max-uploads"), "max-uploads", 1000);
        var prefix = q.Get("prefix") ?? "";
        var delimiter = q.Get("delimiter") is { Length: > 0 } d ? d : null;
        var keyMarker = q.Get("key-marker") is { Length: > 0 } k ? k : null;
        var uploadIdMarker = keyMarker is null ? null : q.Get("upload-id-marker") is { Length: > 0 } u ? u : null;
        if (DirectoryBuckets.IsDirectoryName(r.Bucket))
        {
            // ListMultipartUploads, directory buckets: "/" is the only delimiter; upload-id-marker is not supported.
            if (delimiter is not null && delimiter != "/")
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "For directory buckets, / is the only supported delimiter.")
                    .With("ArgumentName", "delimiter").With("ArgumentValue", delimiter);
            }

            if (q.Get("upload-id-marker") is { Length: > 0 } marker)
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "upload-id-marker is not supported for directory buckets.")
                    .With("ArgumentName", "upload-id-marker").With("ArgumentValue", marker);
            }
        }

        var encode = EncodingType(r);
        string Enc(string s) => encode ? ListHandlers.UrlEncode(s) : s;
        var page = r.Storage.Multipart.ListUploads(r.Bucket, r.Account, prefix, delimiter, keyMarker, uploadIdMarker, Math.Min(maxUploads, 1000));
        var xml = new XmlBuilder().Root("ListMultipartUploadsResult")
            .Element("Bucket", r.Bucket)
            .Element("KeyMarker", Enc(keyMarker ?? ""))
            .Element("UploadIdMarker", uploadIdMarker ?? "")
            .Element("NextKeyMarker", page.NextKeyMarker is null ? null : Enc(page.NextKeyMarker))
            .Element("Prefix", Enc(prefix))
            .Element("Delimiter", delimiter is null ? null : Enc(delimiter))
            .Element("NextUploadIdMarker", page.IsTruncated ? page.NextUploadIdMarker ?? "" : null)
            .Element("MaxUploads", Math.Min(maxUploads, 1000))
            .Element("IsTruncated", page.IsTruncated);
        foreach (var up in page.Uploads)
        {
            xml.Open("Upload").Element("Key", Enc(up.Key)).Element("UploadId", up.UploadId)
                .Owner(r.Services.Accounts, up.Owner, "Initiator").Owner(r.Services.Accounts, up.Owner)
                .Element("StorageClass", ListHandlers.StorageClass(up.Bucket, up.Attributes))
                .Element("Initiated", Wire.Timestamp(up.Initiated))
                .Element("ChecksumAlgorithm", up.ChecksumAlgorithm is { } a ? ChecksumNames.WireName(a) : null)
                .Element("ChecksumType", up.ChecksumType is { } t ? ChecksumNames.TypeName(t) : null)
                .Close("Upload");
        }

        foreach (var cp in page.CommonPrefixes)
        {
            xml.Open("CommonPrefixes").Element("Prefix", Enc(cp)).Close("CommonPrefixes");
        }

        xml.Element("EncodingType", encode ? "url" : null);
        return S3Response.Xml(xml.Close("ListMultipartUploadsResult").ToString());
    }

    private static bool EncodingType(S3Request r)
    {
        var encoding = r.Query.Get("encoding-type");
        if (encoding is not null && encoding != "url")
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid Encoding Method specified in Request")
                .With("ArgumentName", "encoding-type").With("ArgumentValue", encoding);
        }

        return encoding == "url";
    }

    /// <summary>A non-negative integer parameter; S3 answers InvalidArgument for anything else.</summary>
    internal static int Integer(string? text, string name, int fallback)
    {
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < 0)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"Argument {name} must be an integer between 0 and 2147483647")
                .With("ArgumentName", name).With("ArgumentValue", text);
        }

        return n;
    }
}
