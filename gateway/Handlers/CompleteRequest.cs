using System.Globalization;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;
using Storage.Checksums;
using Storage.Multipart;

namespace Gateway.Handlers;

/// <summary>The CompleteMultipartUpload document: the listed parts with their ETags and checksums.</summary>
internal static class CompleteRequest
{
    public static async Task<IReadOnlyList<CompletePart>> ReadAsync(S3Request r)
    {
        var doc = await RequestXml.ReadBodyAsync(r, allowEmpty: true, checksumHeadersDescribeBody: false).ConfigureAwait(false);
        var root = doc?.Root;
        if (root is null || root.Name.LocalName != "CompleteMultipartUpload")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var parts = new List<CompletePart>();
        foreach (var p in root.Children("Part"))
        {
            var numberText = p.Child("PartNumber")?.Value.Trim();
            var etag = p.Child("ETag")?.Value;
            if (numberText is null || etag is null || !int.TryParse(numberText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            if (number < 1)
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "PartNumber must be >= 1").With("ArgumentName", "PartNumber").With("ArgumentValue", numberText);
            }

            ChecksumAlgorithm? algorithm = null;
            string? value = null;
            var described = "";
            foreach (var a in ChecksumAlgorithms.All)
            {
                if (p.Child("Checksum" + ChecksumNames.WireName(a))?.Value.Trim() is { } v)
                {
                    described += $"{ChecksumNames.WireName(a)}:{v};";
                    if (algorithm is not null || !ChecksumAlgorithms.IsValidValue(a, v))
                    {
                        throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid Base64 or multiple checksums present in request")
                            .With("ArgumentName", "Checksum").With("ArgumentValue", described);
                    }

                    algorithm = a;
                    value = v;
                }
            }

            parts.Add(new CompletePart(number, etag, algorithm, value));
        }

        if (parts.Count == 0)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        return parts;
    }
}
