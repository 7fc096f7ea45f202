using System.Globalization;
using Gateway.Errors;
using Gateway.Streaming;
using Gateway.Xml;
using Storage.Checksums;
using Storage.Metadata;
using Storage.Multipart;

namespace Gateway.Handlers;

/// <summary>CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload.</summary>
internal static class MultipartHandlers
{
    public static Task Create(S3Context ctx)
    {
        ObjectHeaders.CheckKey(ctx.Key);
        ObjectHeaders.RejectUnsupported(ctx);
        var headers = ObjectHeaders.FromRequest(ctx);
        var (algorithm, type) = ChecksumDeclaration(ctx);
        var upload = ctx.Storage.Multipart.Create(ctx.Bucket, ctx.Key, ctx.Account, headers, algorithm, type);
        LifecycleHandlers.AbortHeaders(ctx, ctx.Key, upload.Initiated);
        if (algorithm is not null)
        {
            ctx.Response.Headers["x-amz-checksum-algorithm"] = algorithm;
            ctx.Response.Headers["x-amz-checksum-type"] = type;
        }

        return ctx.Xml(new XmlBuilder().Root("InitiateMultipartUploadResult")
            .Element("Bucket", ctx.Bucket).Element("Key", ctx.Key).Element("UploadId", upload.UploadId)
            .Close("InitiateMultipartUploadResult").ToString());
    }

    /// <summary>x-amz-checksum-algorithm and x-amz-checksum-type on Create, with S3's rules and messages.</summary>
    private static (string? Algorithm, string? Type) ChecksumDeclaration(S3Context ctx)
    {
        var algorithmHeader = ctx.Header("x-amz-checksum-algorithm");
        var typeHeader = ctx.Header("x-amz-checksum-type");
        if (typeHeader is not null && typeHeader is not ("COMPOSITE" or "FULL_OBJECT"))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-checksum-type header is invalid.");
        }

        if (algorithmHeader is null)
        {
            return typeHeader is null ? (null, null)
                : throw new S3Exception(S3ErrorCode.InvalidRequest, "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
        }

        if (algorithmHeader.Contains(',', StringComparison.Ordinal))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Invalid types are specified in x-amz-checksum-algorithm header.");
        }

        if (!ChecksumAlgorithms.TryParse(algorithmHeader.Trim(), out var algorithm))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest,
                "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
        }

        var type = typeHeader ?? MultipartRules.DefaultType(algorithm);
        if (!MultipartRules.Supports(algorithm, type))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest,
                $"The {type} checksum type cannot be used with the {ChecksumAlgorithms.WireName(algorithm).ToLowerInvariant()} checksum algorithm.");
        }

        return (ChecksumAlgorithms.WireName(algorithm), type);
    }

    /// <summary>The partNumber query parameter: an integer from 1 to the configured maximum.</summary>
    internal static int PartNumber(S3Context ctx)
    {
        var text = ctx.Route.Query.Get("partNumber");
        if (text is null || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > ctx.Options.MaxPartNumber)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"Part number must be an integer between 1 and {ctx.Options.MaxPartNumber}, inclusive")
                .With("ArgumentName", "partNumber").With("ArgumentValue", text ?? "");
        }

        return n;
    }

    internal static string UploadId(S3Context ctx) => ctx.Route.Query.Get("uploadId") is { Length: > 0 } id
        ? id
        : throw new S3Exception(S3ErrorCode.NoSuchUpload);

    public static async Task UploadPart(S3Context ctx)
    {
        var partNumber = PartNumber(ctx);
        var uploadId = UploadId(ctx);
        // The upload is checked before a body byte is read: with Expect: 100-continue the client sends nothing.
        var upload = ctx.Storage.Multipart.Require(ctx.Bucket, ctx.Key, uploadId, ctx.Account);
        var tracked = MultipartRules.Effective(upload.ChecksumAlgorithm);
        var body = RequestBody.Open(ctx, defaultChecksum: null, alsoCompute: tracked);
        if (upload.ChecksumAlgorithm is not null)
        {
            // An upload created with an algorithm takes part checksums of that algorithm only; a COMPOSITE one
            // needs every part's checksum from the client, a FULL_OBJECT one computes what is missing.
            var sent = body.ClientChecksum;
            if ((sent is not null && sent != tracked) || (sent is null && upload.ChecksumType == "COMPOSITE"))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest,
                    $"Checksum Type mismatch occurred, expected checksum Type: {upload.ChecksumAlgorithm.ToLowerInvariant()}, actual checksum Type: {(sent is null ? "null" : ChecksumAlgorithms.WireName(sent.Value).ToLowerInvariant())}");
            }
        }

        if (body.DeclaredLength > ctx.Storage.Multipart.Limits.MaxPartSize)
        {
            throw new S3Exception(S3ErrorCode.EntityTooLarge)
                .With("ProposedSize", body.DeclaredLength.Value.ToString(CultureInfo.InvariantCulture))
                .With("MaxSizeAllowed", ctx.Storage.Multipart.Limits.MaxPartSize.ToString(CultureInfo.InvariantCulture));
        }

        var cmd = new UploadPartCommand(ctx.Bucket, ctx.Key, uploadId, partNumber, ctx.Account, body.DeclaredLength, body.ContentMd5);
        var part = await ctx.Storage.Multipart.UploadPartAsync(cmd, body.Stream, () => body.Computed(tracked), ctx.Aborted).ConfigureAwait(false);
        ctx.Response.Headers.ETag = Responses.Quote(part.ETag);
        // Echo the checksum the client sent (the AWS CLI only lists part checksums in Complete when it sees them
        // here), and the tracked one for an upload created with an algorithm.
        if (body.ClientChecksum is { } client)
        {
            ctx.Response.Headers[ChecksumAlgorithms.HeaderName(client)] = body.Computed(client);
        }

        if (upload.ChecksumAlgorithm is not null)
        {
            ctx.Response.Headers[ChecksumAlgorithms.HeaderName(tracked)] = part.Checksum;
        }

        await ctx.Empty(200).ConfigureAwait(false);
    }

    public static async Task UploadPartCopy(S3Context ctx)
    {
        var partNumber = PartNumber(ctx);
        var uploadId = UploadId(ctx);
        var upload = ctx.Storage.Multipart.Require(ctx.Bucket, ctx.Key, uploadId, ctx.Account);
        var (srcBucket, srcKey) = CopySource.Parse(ctx.Header("x-amz-copy-source")!);
        var rangeHeader = ctx.Header("x-amz-copy-source-range");
        var range = rangeHeader is null ? ((long, long)?)null : CopyRange.Parse(rangeHeader);
        var part = await ctx.Storage.Multipart.CopyPartAsync(new CopyPartCommand(ctx.Bucket, ctx.Key, uploadId, partNumber, ctx.Account, srcBucket, srcKey, range), src =>
        {
            CopySource.CheckConditions(ctx, src);
            // Compared without adding: a range near long.MaxValue must not wrap around.
            if (range is { } r && (r.Item1 >= src.Size || r.Item2 > src.Size - r.Item1))
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, $"Range specified is not valid for source object of size: {src.Size}")
                    .With("ArgumentName", "x-amz-copy-source-range").With("ArgumentValue", rangeHeader!);
            }
        }, ctx.Aborted).ConfigureAwait(false);
        var xml = new XmlBuilder().Root("CopyPartResult")
            .Element("ETag", Responses.Quote(part.ETag))
            .Element("LastModified", XmlBuilder.Timestamp(part.LastModified));
        if (upload.ChecksumAlgorithm is not null)
        {
            xml.Element("Checksum" + upload.ChecksumAlgorithm, part.Checksum);
        }

        await ctx.Xml(xml.Close("CopyPartResult").ToString()).ConfigureAwait(false);
    }

    public static Task Abort(S3Context ctx)
    {
        ctx.Storage.Multipart.Abort(ctx.Bucket, ctx.Key, UploadId(ctx), ctx.Account);
        return ctx.Empty(204);
    }

    public static async Task Complete(S3Context ctx)
    {
        var uploadId = UploadId(ctx);
        var typeHeader = ctx.Header("x-amz-checksum-type");
        if (typeHeader is not null && typeHeader is not ("COMPOSITE" or "FULL_OBJECT"))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-checksum-type header is invalid.");
        }

        var wholeObject = WholeObjectChecksumHeader(ctx);
        var conditions = ObjectHandlers.WriteConditionsFrom(ctx);
        var parts = await CompleteRequest.ReadAsync(ctx).ConfigureAwait(false);
        var result = ctx.Storage.Multipart.Complete(new CompleteCommand(ctx.Bucket, ctx.Key, uploadId, ctx.Account,
            parts.Select(p => new CompletePart(p.PartNumber, p.ETag, p.Checksum)).ToList(), conditions,
            (upload, created) => CompleteRequest.Verify(upload, created, parts, typeHeader, wholeObject)));
        var o = result.Object;
        var location = $"{ctx.Request.Scheme}://{ctx.Request.Host}/{ctx.Bucket}/{ListHandlers.UrlEncode(ctx.Key).Replace("+", "%20", StringComparison.Ordinal)}";
        var xml = new XmlBuilder().Root("CompleteMultipartUploadResult")
            .Element("Location", location).Element("Bucket", ctx.Bucket).Element("Key", ctx.Key).Element("ETag", Responses.Quote(o.ETag));
        if (o.Checksum is { } c)
        {
            xml.Element("Checksum" + c.Algorithm, c.Value).Element("ChecksumType", c.Type);
        }

        await ctx.Xml(xml.Close("CompleteMultipartUploadResult").ToString()).ConfigureAwait(false);
    }

    private static (ChecksumAlgorithm Algorithm, string Value)? WholeObjectChecksumHeader(S3Context ctx)
    {
        (ChecksumAlgorithm, string)? found = null;
        foreach (var a in ChecksumAlgorithms.All)
        {
            if (ctx.Header(ChecksumAlgorithms.HeaderName(a)) is not { } v)
            {
                continue;
            }

            if (found is not null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }

            found = (a, v.Trim());
        }

        return found;
    }
}

/// <summary>x-amz-copy-source-range: "bytes=first-last", zero-based and inclusive.</summary>
internal static class CopyRange
{
    public static (long Start, long Length) Parse(string header)
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
