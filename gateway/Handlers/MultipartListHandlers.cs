using System.Globalization;
using Gateway.Errors;
using Gateway.Xml;

namespace Gateway.Handlers;

/// <summary>ListParts and ListMultipartUploads.</summary>
internal static class MultipartListHandlers
{
    public static Task ListParts(S3Context ctx)
    {
        var uploadId = MultipartHandlers.UploadId(ctx);
        var q = ctx.Route.Query;
        var maxParts = Integer(q.Get("max-parts"), "max-parts", 1000);
        var marker = Integer(q.Get("part-number-marker"), "part-number-marker", 0);
        var encode = EncodingType(ctx);
        var page = ctx.Storage.Multipart.ListParts(ctx.Bucket, ctx.Key, uploadId, ctx.Account, marker, Math.Min(maxParts, 1000));
        var upload = page.Upload;
        LifecycleHandlers.AbortHeaders(ctx, upload.Key, upload.Initiated);
        var xml = new XmlBuilder().Root("ListPartsResult")
            .Element("Bucket", ctx.Bucket)
            .Element("Key", encode ? ListHandlers.UrlEncode(ctx.Key) : ctx.Key)
            .Element("UploadId", uploadId)
            .Element("PartNumberMarker", marker)
            .Element("NextPartNumberMarker", page.Parts.Count > 0 ? page.Parts[^1].PartNumber : 0)
            .Element("MaxParts", Math.Min(maxParts, 1000))
            .Element("IsTruncated", page.IsTruncated)
            .Element("EncodingType", encode ? "url" : null);
        foreach (var p in page.Parts)
        {
            xml.Open("Part").Element("PartNumber", p.PartNumber).Element("LastModified", XmlBuilder.Timestamp(p.LastModified))
                .Element("ETag", Responses.Quote(p.ETag)).Element("Size", p.Size);
            if (upload.ChecksumAlgorithm is not null)
            {
                xml.Element("Checksum" + upload.ChecksumAlgorithm, p.Checksum);
            }

            xml.Close("Part");
        }

        xml.Owner(upload.Owner, "Initiator").Owner(upload.Owner)
            .Element("StorageClass", upload.Headers.GetValueOrDefault("x-amz-storage-class") ?? "STANDARD")
            .Element("ChecksumAlgorithm", upload.ChecksumAlgorithm)
            .Element("ChecksumType", upload.ChecksumType);
        return ctx.Xml(xml.Close("ListPartsResult").ToString());
    }

    public static Task ListMultipartUploads(S3Context ctx)
    {
        var q = ctx.Route.Query;
        var maxUploads = Integer(q.Get("max-uploads"), "max-uploads", 1000);
        var prefix = q.Get("prefix") ?? "";
        var delimiter = q.Get("delimiter") is { Length: > 0 } d ? d : null;
        var keyMarker = q.Get("key-marker") is { Length: > 0 } k ? k : null;
        var uploadIdMarker = keyMarker is null ? null : q.Get("upload-id-marker") is { Length: > 0 } u ? u : null;
        var encode = EncodingType(ctx);
        string Enc(string s) => encode ? ListHandlers.UrlEncode(s) : s;
        var page = ctx.Storage.Multipart.ListUploads(ctx.Bucket, ctx.Account, prefix, delimiter, keyMarker, uploadIdMarker, Math.Min(maxUploads, 1000));
        var xml = new XmlBuilder().Root("ListMultipartUploadsResult")
            .Element("Bucket", ctx.Bucket)
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
                .Owner(up.Owner, "Initiator").Owner(up.Owner)
                .Element("StorageClass", up.Headers.GetValueOrDefault("x-amz-storage-class") ?? "STANDARD")
                .Element("Initiated", XmlBuilder.Timestamp(up.Initiated))
                .Element("ChecksumAlgorithm", up.ChecksumAlgorithm)
                .Element("ChecksumType", up.ChecksumType)
                .Close("Upload");
        }

        foreach (var cp in page.CommonPrefixes)
        {
            xml.Open("CommonPrefixes").Element("Prefix", Enc(cp)).Close("CommonPrefixes");
        }

        xml.Element("EncodingType", encode ? "url" : null);
        return ctx.Xml(xml.Close("ListMultipartUploadsResult").ToString());
    }

    private static bool EncodingType(S3Context ctx)
    {
        var encoding = ctx.Route.Query.Get("encoding-type");
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
