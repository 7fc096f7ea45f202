using System.Globalization;
using Gateway.Errors;
using Gateway.Streaming;
using Gateway.Xml;
using Storage.Checksums;
using Storage.Faults;
using Storage.Metadata;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject.</summary>
internal static class ObjectHandlers
{
    public static async Task Put(S3Context ctx)
    {
        ObjectHeaders.CheckKey(ctx.Key);
        ObjectHeaders.RejectUnsupported(ctx);
        var headers = ObjectHeaders.FromRequest(ctx);
        var conditions = WriteConditionsFrom(ctx);
        var body = RequestBody.Open(ctx, defaultChecksum: ChecksumAlgorithm.Crc64Nvme);
        if (body.DeclaredLength > ctx.Options.MaxPutObjectSize)
        {
            throw new S3Exception(S3ErrorCode.EntityTooLarge)
                .With("ProposedSize", body.DeclaredLength.Value.ToString(CultureInfo.InvariantCulture))
                .With("MaxSizeAllowed", ctx.Options.MaxPutObjectSize.ToString(CultureInfo.InvariantCulture));
        }

        var cmd = new PutObjectCommand(ctx.Bucket, ctx.Key, ctx.Account, headers, conditions, body.DeclaredLength, ctx.Options.MaxPutObjectSize, body.ContentMd5);
        var info = await ctx.Storage.Objects.PutAsync(cmd, body.Stream, body.ChecksumAtEnd, ctx.Aborted).ConfigureAwait(false);
        ctx.Response.Headers.ETag = Responses.Quote(info.ETag);
        if (body.ClientChecksum is not null && info.Checksum is { } c)
        {
            ctx.Response.Headers["x-amz-checksum-" + c.Algorithm.ToLowerInvariant()] = c.Value;
            ctx.Response.Headers["x-amz-checksum-type"] = c.Type;
        }

        await ctx.Empty(200).ConfigureAwait(false);
    }

    internal static WriteConditions WriteConditionsFrom(S3Context ctx)
    {
        var ifNoneMatch = ctx.Header("If-None-Match");
        if (ifNoneMatch is not null && ifNoneMatch.Trim() != "*")
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, "A header you provided implies functionality that is not implemented: If-None-Match on a write accepts only *.");
        }

        return new WriteConditions(ifNoneMatch is not null, ctx.Header("If-Match"));
    }

    public static async Task Get(S3Context ctx, bool headOnly)
    {
        var checksumMode = ctx.Header("x-amz-checksum-mode");
        if (checksumMode is not null && !checksumMode.Equals("ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-checksum-mode header is invalid.");
        }

        int? partNumber = null;
        if (ctx.Route.Query.Has("partNumber"))
        {
            partNumber = MultipartHandlers.PartNumber(ctx);
            if (ctx.Header("Range") is not null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Cannot specify both Range header and partNumber query parameter");
            }
        }

        var (obj, lease) = ctx.Storage.Objects.Acquire(ctx.Bucket, ctx.Key, ctx.Account);
        Stream? body = null;
        try
        {
            var info = obj.Info;
            HttpConditions.CheckRead(info, ctx.Header("If-Match"), ctx.Header("If-None-Match"), ctx.Header("If-Modified-Since"), ctx.Header("If-Unmodified-Since"));
            var (range, part) = partNumber is { } n ? PartRange(ctx, info, n) : (ByteRange.Parse(ctx.Header("Range"), info.Size), null);
            var start = range?.Start ?? 0;
            var length = range?.Length ?? info.Size;
            body = ctx.Storage.Objects.OpenRange(obj, lease, start, length);
            lease = null;
            WriteObjectHeaders(ctx, info, wholeObject: start == 0 && length == info.Size, part);
            ctx.Response.ContentLength = length;
            if (range is { } r)
            {
                ctx.Response.StatusCode = 206;
                ctx.Response.Headers.ContentRange = $"bytes {r.Start}-{r.End}/{info.Size}";
            }

            if (!headOnly)
            {
                await body.CopyToAsync(ctx.Response.Body, 256 * 1024, ctx.Aborted).ConfigureAwait(false);
            }
        }
        finally
        {
            lease?.Dispose();
            if (body is not null)
            {
                await body.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// ?partNumber=N reads one part of a multipart object as a ranged read (S3 answers 206 even when the range
    /// is the whole object). An object written whole has exactly one part.
    /// </summary>
    private static (ByteRange? Range, ObjectPart? Part) PartRange(S3Context ctx, ObjectInfo info, int partNumber)
    {
        var parts = info.PartsCount == 0 ? [] : ctx.Storage.Objects.Parts(info.Id);
        if (parts.Count == 0)
        {
            return partNumber == 1 ? (new ByteRange(0, info.Size), null) : throw NoSuchPart(partNumber, 1);
        }

        long start = 0;
        foreach (var p in parts)
        {
            if (p.PartNumber == partNumber)
            {
                return (new ByteRange(start, p.Size), p);
            }

            start += p.Size;
        }

        throw NoSuchPart(partNumber, parts.Count);
    }

    private static S3Exception NoSuchPart(int requested, int actual) => new S3Exception(S3ErrorCode.InvalidPartNumber)
        .With("PartNumberRequested", requested.ToString(CultureInfo.InvariantCulture))
        .With("ActualPartCount", actual.ToString(CultureInfo.InvariantCulture));

    private static void WriteObjectHeaders(S3Context ctx, ObjectInfo info, bool wholeObject, ObjectPart? part)
    {
        var h = ctx.Response.Headers;
        foreach (var (name, value) in info.Headers)
        {
            h[name] = value;
        }

        h.ETag = Responses.Quote(info.ETag);
        h.LastModified = Responses.HttpDate(info.LastModified);
        h.AcceptRanges = "bytes";
        if (info.PartsCount > 0 && ctx.Route.Query.Has("partNumber"))
        {
            h["x-amz-mp-parts-count"] = info.PartsCount.ToString(CultureInfo.InvariantCulture);
        }

        // The stored checksum covers the whole object: S3 returns it for a read of the whole object, and a part
        // read returns that part's own checksum; a partial range returns none.
        if (info.Checksum is { } c && string.Equals(ctx.Header("x-amz-checksum-mode"), "ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            var value = part is not null ? part.Checksum : wholeObject ? c.Value : null;
            if (value is not null)
            {
                h["x-amz-checksum-" + c.Algorithm.ToLowerInvariant()] = value;
                h["x-amz-checksum-type"] = c.Type;
            }
        }

        foreach (var (param, header) in new[]
                 {
                     ("response-content-type", "Content-Type"), ("response-content-language", "Content-Language"),
                     ("response-expires", "Expires"), ("response-cache-control", "Cache-Control"),
                     ("response-content-disposition", "Content-Disposition"), ("response-content-encoding", "Content-Encoding"),
                 })
        {
            if (ctx.Route.Query.Get(param) is { } v)
            {
                h[header] = v;
            }
        }
    }

    public static Task Delete(S3Context ctx)
    {
        ctx.Storage.Objects.Delete(ctx.Bucket, ctx.Key, ctx.Account);
        return ctx.Empty(204);
    }

    public static async Task DeleteObjects(S3Context ctx)
    {
        // A corrupted key list could delete the wrong data.
        RequestXml.RequireIntegrityHeader(ctx);

        ctx.Storage.Buckets.Require(ctx.Bucket, ctx.Account);
        var doc = await RequestXml.ReadBodyAsync(ctx).ConfigureAwait(false);
        var root = doc!.Root!;
        if (root.Name.LocalName != "Delete")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var quiet = string.Equals(root.Child("Quiet")?.Value.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        var objects = root.Children("Object").ToList();
        if (objects.Count == 0 || objects.Count > 1000)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var xml = new XmlBuilder().Root("DeleteResult");
        foreach (var o in objects)
        {
            var key = o.Child("Key")?.Value ?? throw new S3Exception(S3ErrorCode.MalformedXML);
            var version = o.Child("VersionId")?.Value;
            try
            {
                if (version is not null && version != "null")
                {
                    throw new S3Exception(S3ErrorCode.NoSuchKey, "The specified version does not exist.");
                }

                ctx.Storage.Objects.Delete(ctx.Bucket, key, ctx.Account);
                if (!quiet)
                {
                    xml.Open("Deleted").Element("Key", key).Element("VersionId", version).Close("Deleted");
                }
            }
            catch (Exception e) when (e is S3Exception or StorageException)
            {
                var s3 = e as S3Exception ?? Dispatcher.FromFault((StorageException)e, ctx.Route.Resource);
                var entry = S3ErrorTable.Lookup(s3.Code);
                xml.Open("Error").Element("Key", key).Element("VersionId", version).Element("Code", entry.Code).Element("Message", s3.Message).Close("Error");
            }
        }

        await ctx.Xml(xml.Close("DeleteResult").ToString()).ConfigureAwait(false);
    }

    public static async Task Copy(S3Context ctx)
    {
        ObjectHeaders.CheckKey(ctx.Key);
        ObjectHeaders.RejectUnsupported(ctx);
        var (srcBucket, srcKey) = CopySource.Parse(ctx.Header("x-amz-copy-source")!);
        var directive = ctx.Header("x-amz-metadata-directive") ?? "COPY";
        if (directive is not ("COPY" or "REPLACE"))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Unknown metadata directive.").With("ArgumentName", "x-amz-metadata-directive").With("ArgumentValue", directive);
        }

        var replace = directive == "REPLACE";
        var headers = replace ? ObjectHeaders.FromRequest(ctx) : null;
        if (srcBucket == ctx.Bucket && srcKey == ctx.Key && !replace)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest,
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        }

        var conditions = WriteConditionsFrom(ctx);
        var info = ctx.Storage.Objects.Copy(srcBucket, srcKey, ctx.Bucket, ctx.Key, ctx.Account, headers, src =>
        {
            if (src.Size > ctx.Options.MaxPutObjectSize)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest,
                    $"The specified copy source is larger than the maximum allowable size for a copy source: {ctx.Options.MaxPutObjectSize}");
            }

            CopySource.CheckConditions(ctx, src);
        }, conditions);
        var xml = new XmlBuilder().Root("CopyObjectResult")
            .Element("LastModified", XmlBuilder.Timestamp(info.LastModified))
            .Element("ETag", Responses.Quote(info.ETag));
        if (info.Checksum is { } c)
        {
            // Element names are Checksum + the wire name: ChecksumCRC32, ChecksumCRC64NVME, ChecksumSHA256, ...
            xml.Element("ChecksumType", c.Type).Element("Checksum" + c.Algorithm, c.Value);
        }

        await ctx.Xml(xml.Close("CopyObjectResult").ToString()).ConfigureAwait(false);
    }
}

/// <summary>The x-amz-copy-source header and its conditions.</summary>
internal static class CopySource
{
    /// <summary>Parses "bucket/key" or "/bucket/key", URL-encoded, with an optional "?versionId=".</summary>
    public static (string Bucket, string Key) Parse(string header)
    {
        var value = header.Trim();
        var q = value.IndexOf('?');
        if (q >= 0)
        {
            var query = Routing.QueryString.Parse(value[(q + 1)..]);
            var version = query.Get("versionId");
            if (version is not null && version != "null")
            {
                throw new S3Exception(S3ErrorCode.NoSuchKey, "The specified version does not exist.");
            }

            value = value[..q];
        }

        var decoded = Routing.QueryString.PercentDecode(value, plusIsSpace: false).TrimStart('/');
        var slash = decoded.IndexOf('/');
        if (slash <= 0 || slash == decoded.Length - 1)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
                .With("ArgumentName", "x-amz-copy-source").With("ArgumentValue", header);
        }

        return (decoded[..slash], decoded[(slash + 1)..]);
    }

    /// <summary>x-amz-copy-source-if-*: any failure is 412 PreconditionFailed (never 304) for a copy.</summary>
    public static void CheckConditions(S3Context ctx, ObjectInfo src) =>
        HttpConditions.CheckRead(src, ctx.Header("x-amz-copy-source-if-match"), ctx.Header("x-amz-copy-source-if-none-match"),
            ctx.Header("x-amz-copy-source-if-modified-since"), ctx.Header("x-amz-copy-source-if-unmodified-since"), S3ErrorCode.PreconditionFailed);
}
