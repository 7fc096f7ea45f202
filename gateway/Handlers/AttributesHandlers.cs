using Gateway.Access;
using Gateway.Encryption;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;

namespace Gateway.Handlers;

/// <summary>GetObjectAttributes: ETag, Checksum, ObjectParts (paged), StorageClass, ObjectSize.</summary>
internal static class AttributesHandlers
{
    private static readonly string[] Known = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"];

    public static S3Response GetObjectAttributes(S3Request r)
    {
        var requested = (r.Header("x-amz-object-attributes") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (requested.Length == 0)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty");
        }

        if (requested.FirstOrDefault(a => !Known.Contains(a)) is { } unknown)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid attribute name specified.")
                .With("ArgumentName", "x-amz-object-attributes").With("ArgumentValue", unknown);
        }

        var maxParts = Math.Min(MultipartListHandlers.Integer(r.Header("x-amz-max-parts"), "x-amz-max-parts", 1000), 1000);
        var marker = MultipartListHandlers.Integer(r.Header("x-amz-part-number-marker"), "x-amz-part-number-marker", 0);
        var info = r.Storage.Objects.Head(r.Bucket, r.Key, r.Account, versionId: VersioningHandlers.Requested(r));
        AccessControl.RequireObject(r, info);
        // An SSE-C object's attributes are told only to whoever brings its key, as S3 requires.
        Sse.Open(SseDocument.FromJson(info.Encryption), r.Headers, r.Services.Keys);
        HttpConditions.Read(r.Headers).Check(info);
        var xml = new XmlBuilder().Root("GetObjectAttributesResponse");
        if (requested.Contains("ETag"))
        {
            // Unlike every other response, GetObjectAttributes reports the ETag without quotes.
            xml.Element("ETag", info.ETag);
        }

        if (requested.Contains("Checksum") && info.Checksum is { } c)
        {
            xml.Open("Checksum").Element("Checksum" + ChecksumNames.WireName(c.Algorithm), c.Value).Element("ChecksumType", ChecksumNames.TypeName(c.Type)).Close("Checksum");
        }

        if (requested.Contains("ObjectParts") && info.PartsCount > 0)
        {
            var parts = r.Storage.Objects.Parts(info.Id);
            var page = parts.Where(p => p.PartNumber > marker).Take(maxParts + 1).ToList();
            var truncated = page.Count > maxParts;
            if (truncated)
            {
                page.RemoveAt(page.Count - 1);
            }

            xml.Open("ObjectParts").Element("PartsCount", info.PartsCount).Element("PartNumberMarker", marker)
                .Element("NextPartNumberMarker", page.Count > 0 ? page[^1].PartNumber : marker)
                .Element("MaxParts", maxParts).Element("IsTruncated", truncated);
            foreach (var p in page)
            {
                xml.Open("Part").Element("PartNumber", p.PartNumber).Element("Size", p.Size);
                if (info.Checksum is { } oc && p.Checksum is not null)
                {
                    xml.Element("Checksum" + ChecksumNames.WireName(oc.Algorithm), p.Checksum);
                }

                xml.Close("Part");
            }

            xml.Close("ObjectParts");
        }

        if (requested.Contains("StorageClass"))
        {
            xml.Element("StorageClass", ListHandlers.StorageClass(info));
        }

        if (requested.Contains("ObjectSize"))
        {
            xml.Element("ObjectSize", info.Size);
        }

        return S3Response.Xml(xml.Close("GetObjectAttributesResponse").ToString()).With("Last-Modified", Wire.HttpDate(info.LastModified)).WithVersion(info);
    }
}
