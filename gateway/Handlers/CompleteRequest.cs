using System.Globalization;
using Gateway.Errors;
using Gateway.Xml;
using Storage.Checksums;
using Storage.Metadata;
using Storage.Multipart;

namespace Gateway.Handlers;

/// <summary>The CompleteMultipartUpload document and S3's checksum rules for it.</summary>
internal static class CompleteRequest
{
    internal sealed record Part(int PartNumber, string ETag, ChecksumAlgorithm? Algorithm, string? Checksum);

    public static async Task<IReadOnlyList<Part>> ReadAsync(S3Context ctx)
    {
        var doc = await RequestXml.ReadBodyAsync(ctx, allowEmpty: true, checksumHeadersDescribeBody: false).ConfigureAwait(false);
        var root = doc?.Root;
        if (root is null || root.Name.LocalName != "CompleteMultipartUpload")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var parts = new List<Part>();
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
                if (p.Child("Checksum" + ChecksumAlgorithms.WireName(a))?.Value.Trim() is { } v)
                {
                    described += $"{ChecksumAlgorithms.WireName(a)}:{v};";
                    if (algorithm is not null || !ValidBase64(a, v))
                    {
                        throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid Base64 or multiple checksums present in request")
                            .With("ArgumentName", "Checksum").With("ArgumentValue", described);
                    }

                    algorithm = a;
                    value = v;
                }
            }

            parts.Add(new Part(number, etag, algorithm, value));
        }

        if (parts.Count == 0)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        return parts;
    }

    private static bool ValidBase64(ChecksumAlgorithm a, string v)
    {
        Span<byte> buffer = stackalloc byte[64];
        return Convert.TryFromBase64String(v, buffer, out var n) && n == ChecksumAlgorithms.DigestSize(a);
    }

    /// <summary>
    /// Runs inside the commit: per-part checksums must be of the upload's algorithm (a COMPOSITE upload needs
    /// every one), an upload created without an algorithm takes none, the checksum type must match Create's, and
    /// a whole-object checksum the client sends must equal the one derived from the parts.
    /// </summary>
    public static void Verify(UploadInfo upload, ObjectInfo created, IReadOnlyList<Part> parts, string? typeHeader, (ChecksumAlgorithm Algorithm, string Value)? wholeObject)
    {
        var declared = upload.ChecksumAlgorithm;
        foreach (var p in parts)
        {
            if (declared is null)
            {
                if (p.Algorithm is not null)
                {
                    throw new S3Exception(S3ErrorCode.InvalidPart).With("UploadId", upload.UploadId)
                        .With("PartNumber", p.PartNumber.ToString(CultureInfo.InvariantCulture)).With("ETag", Storage.Objects.ETags.Unquote(p.ETag));
                }

                continue;
            }

            if (p.Algorithm is { } a && ChecksumAlgorithms.WireName(a) != declared)
            {
                throw new S3Exception(S3ErrorCode.BadDigest,
                    $"The {ChecksumAlgorithms.WireName(a).ToLowerInvariant()} you specified for part {p.PartNumber} did not match what we received.");
            }

            if (p.Algorithm is null && upload.ChecksumType == "COMPOSITE")
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest,
                    $"The upload was created using a {declared.ToLowerInvariant()} checksum. The complete request must include the checksum for each part. It was missing for part {p.PartNumber} in the request.");
            }
        }

        if (declared is null)
        {
            // S3 ignores type and whole-object headers for an upload that declared no algorithm.
            return;
        }

        if (typeHeader is not null && typeHeader != upload.ChecksumType)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest,
                $"The upload was created using the {upload.ChecksumType} checksum mode. The complete request must use the same checksum mode.");
        }

        if (wholeObject is { } w && created.Checksum is { } c)
        {
            var name = ChecksumAlgorithms.WireName(w.Algorithm);
            var expected = c.Value;
            var matches = name == c.Algorithm && (w.Value == expected || (c.Type == "COMPOSITE" && w.Value == expected.Split('-')[0]));
            if (!matches)
            {
                throw new S3Exception(S3ErrorCode.BadDigest, $"The {name.ToLowerInvariant()} you specified did not match the calculated checksum.");
            }
        }
    }
}
