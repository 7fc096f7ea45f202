using System.Globalization;
using Gateway.Access;
using Gateway.Encryption;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Streaming;
using Gateway.Xml;
using Storage.Faults;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects.</summary>
internal static class ObjectHandlers
{
    public static async Task<S3Response> Put(S3Request r)
    {
        if (r.Header("x-amz-write-offset-bytes") is { } offset)
        {
            return await Append(r, offset).ConfigureAwait(false);
        }

        ObjectHeaders.CheckKey(r.Key);
        ObjectHeaders.RejectUnsupported(r.Headers);
        var attributes = ObjectHeaders.FromRequest(r.Headers);
        var conditions = WriteConditionsFrom(r.Headers);
        var tags = ObjectHeaders.TagsFromRequest(r.Headers);
        var objectLock = ObjectLockHandlers.FromHeaders(r, r.Headers);
        if (objectLock is not null)
        {
            RequestXml.RequireIntegrityHeader(r.Headers, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters");
        }

        var (owner, acl) = AclHandlers.ForNewObject(r, r.Headers);
        var (key, sse) = Sse.SealOptional(Sse.ForWrite(r.Headers, EncryptionHandlers.Default(r)), r.Services.Keys);
        var body = OpenBody(r);
        var info = await r.Storage.Objects.PutAsync(
            new PutObjectCommand(r.Bucket, r.Key, r.Account, attributes, conditions, body.Checks)
            {
                Tags = tags,
                Lock = objectLock,
                Acl = acl,
                Owner = owner,
                DataKey = key,
                Encryption = sse?.ToJson(),
                OpaqueETag = sse?.OpaqueETag ?? false,
            },
            body.Stream, r.Aborted).ConfigureAwait(false);
        var response = S3Response.Empty().With("ETag", Wire.Quote(info.ETag)).WithNewVersion(info).WithEncryption(sse, r.Headers);
        if (body.Declaration.ClientAlgorithm is not null && info.Checksum is { } c)
        {
            response.With(ChecksumNames.HeaderName(c.Algorithm), c.Value).With("x-amz-checksum-type", ChecksumNames.TypeName(c.Type));
        }

        LifecycleHandlers.ExpirationHeader(response, r, info);
        return response;
    }

    /// <summary>
    /// A directory bucket's append (PutObject with x-amz-write-offset-bytes): the offset must be the object's size,
    /// or 0 to start one; an existing object keeps its metadata. Answered as PutObject is, with the object's new size.
    /// </summary>
    private static async Task<S3Response> Append(S3Request r, string offsetText)
    {
        ObjectHeaders.CheckKey(r.Key);
        ObjectHeaders.RejectUnsupported(r.Headers);
        if (!long.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-write-offset-bytes must be a non-negative integer.")
                .With("ArgumentName", "x-amz-write-offset-bytes").With("ArgumentValue", offsetText);
        }

        var attributes = ObjectHeaders.FromRequest(r.Headers);
        if (offset > 0 && attributes.Keys.Any(k => k.StartsWith("x-amz-meta-", StringComparison.Ordinal)))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Cannot specify both a write offset value and user-defined object metadata for existing objects.");
        }

        if (Sse.ForWrite(r.Headers, EncryptionHandlers.Default(r)) is not null)
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, "This gateway appends only to objects that are not encrypted at rest (the request or the bucket's default asks for encryption).");
        }

        var body = OpenBody(r);
        var info = await r.Storage.Objects.AppendAsync(new AppendObjectCommand(r.Bucket, r.Key, r.Account, offset, attributes, body.Checks), body.Stream, r.Aborted)
            .ConfigureAwait(false);
        var response = S3Response.Empty().With("ETag", Wire.Quote(info.ETag)).With("x-amz-object-size", info.Size.ToString(CultureInfo.InvariantCulture));
        if (body.Declaration.ClientAlgorithm is not null && info.Checksum is { } c)
        {
            response.With(ChecksumNames.HeaderName(c.Algorithm), c.Value).With("x-amz-checksum-type", ChecksumNames.TypeName(c.Type));
        }

        return response;
    }

    /// <summary>The body of a write, decoded and with its declared digests, after every body header was checked.</summary>
    internal static DecodedBody OpenBody(S3Request r) => BodyStreams.Open(r.Body, r.Auth!, BodyHeaders.Parse(r.Headers, r.Auth!.Payload));

    internal static WriteConditions WriteConditionsFrom(RequestHeaders headers)
    {
        var ifNoneMatch = headers["If-None-Match"];
        if (ifNoneMatch is not null && ifNoneMatch.Trim() != "*")
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, "A header you provided implies functionality that is not implemented: If-None-Match on a write accepts only *.");
        }

        return new WriteConditions(ifNoneMatch is not null, headers["If-Match"]);
    }

    public static S3Response Get(S3Request r, bool headOnly)
    {
        var checksumMode = r.Header("x-amz-checksum-mode");
        if (checksumMode is not null && !checksumMode.Equals("ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-checksum-mode header is invalid.");
        }

        if (r.Route.PartNumber is not null && r.Header("Range") is not null)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Cannot specify both Range header and partNumber query parameter");
        }

        CheckOverrides(r);
        var reader = r.Storage.Objects.Open(r.Bucket, r.Key, r.Account, versionId: VersioningHandlers.Requested(r));
        try
        {
            var info = reader.Info;
            // Who may read it first: a caller without access learns nothing from the conditions' answer.
            AccessControl.RequireObject(r, info);
            Sse.RejectOnRead(r.Headers);
            var sse = SseDocument.FromJson(info.Encryption);
            reader.Decrypt(Sse.Open(sse, r.Headers, r.Services.Keys));
            HttpConditions.Read(r.Headers).Check(info);
            var (range, part) = r.Route.PartNumber is { } n ? PartRange(reader, n) : (ByteRange.Parse(r.Header("Range"), info.Size), null);
            var start = range?.Start ?? 0;
            var length = range?.Length ?? info.Size;
            var response = S3Response.Object(reader, start, length, sendBody: !headOnly, status: range is null ? 200 : 206);
            ObjectHeadersOut(response, r, info, wholeObject: start == 0 && length == info.Size, part);
            response.WithEncryption(sse, r.Headers);
            LifecycleHandlers.ExpirationHeader(response, r, info);
            if (range is { } b)
            {
                response.With("Content-Range", $"bytes {b.Start}-{b.End}/{info.Size}");
            }

            return response;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>
    /// ?partNumber=N reads one part of a multipart object as a ranged read (S3 answers 206 even when the range
    /// is the whole object). An object written whole has exactly one part.
    /// </summary>
    private static (ByteRange? Range, ObjectPart? Part) PartRange(ObjectReader reader, int partNumber)
    {
        var info = reader.Info;
        var parts = reader.Parts();
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

    private static readonly (string Param, string Header)[] Overrides =
    [
        ("response-content-type", "Content-Type"), ("response-content-language", "Content-Language"),
        ("response-expires", "Expires"), ("response-cache-control", "Cache-Control"),
        ("response-content-disposition", "Content-Disposition"), ("response-content-encoding", "Content-Encoding"),
    ];

    private static void ObjectHeadersOut(S3Response response, S3Request r, ObjectInfo info, bool wholeObject, ObjectPart? part)
    {
        foreach (var (name, value) in info.Attributes)
        {
            // S3 returns non-ASCII user metadata as RFC 2047 words; other headers go back as the bytes they came as.
            response.With(name, name.StartsWith("x-amz-meta-", StringComparison.Ordinal) ? HeaderText.MimeEncode(value) : HeaderText.Utf8AsBytes(value));
        }

        response.With("ETag", Wire.Quote(info.ETag)).With("Last-Modified", Wire.HttpDate(info.LastModified)).With("Accept-Ranges", "bytes").WithVersion(info).WithLock(info);
        if (DirectoryBuckets.IsDirectoryName(info.Bucket))
        {
            // S3 names the class of every object in a directory bucket.
            response.With("x-amz-storage-class", DirectoryBuckets.StorageClass);
        }

        if (info.PartsCount > 0 && r.Route.PartNumber is not null)
        {
            response.With("x-amz-mp-parts-count", info.PartsCount.ToString(CultureInfo.InvariantCulture));
        }

        if (info.Tags.Count > 0)
        {
            response.With("x-amz-tagging-count", info.Tags.Count.ToString(CultureInfo.InvariantCulture));
        }

        // The stored checksum covers the whole object: S3 returns it for a read of the whole object, and a part
        // read returns that part's own checksum; a partial range returns none.
        if (info.Checksum is { } c && string.Equals(r.Header("x-amz-checksum-mode"), "ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            var value = part is not null ? part.Checksum : wholeObject ? c.Value : null;
            if (value is not null)
            {
                response.With(ChecksumNames.HeaderName(c.Algorithm), value).With("x-amz-checksum-type", ChecksumNames.TypeName(c.Type));
            }
        }

        foreach (var (param, header) in Overrides)
        {
            response.With(header, r.Query.Get(param));
        }
    }

    /// <summary>
    /// response-* overrides go out as ISO-8859-1, one byte per character; S3 refuses a value it cannot write so
    /// (checked before the object is opened, so nothing is read for a request that fails).
    /// </summary>
    private static void CheckOverrides(S3Request r)
    {
        foreach (var (param, _) in Overrides)
        {
            if (r.Query.Get(param) is { } value && !HeaderText.IsLatin1Text(value))
            {
                // A control character would make the error document itself unreadable XML 1.0: the value is left out then.
                throw new S3Exception(S3ErrorCode.InvalidArgument, "Header value cannot be represented using ISO-8859-1.")
                    .With("ArgumentName", param).With("ArgumentValue", value.Any(c => c < ' ' && c is not ('\t' or '\n' or '\r')) ? null : value);
            }
        }
    }

    public static S3Response Delete(S3Request r)
    {
        // A conditional delete (S3's If-Match on DeleteObject): judged against the key's current object.
        var ifMatch = r.Header("If-Match");
        RequireReadForETag(r, r.Key, ifMatch);
        var result = r.Storage.Objects.Delete(r.Bucket, r.Key, r.Account, VersioningHandlers.Requested(r), ObjectLockHandlers.Bypass(r),
            DeleteConditions(ifMatch, r.Header("x-amz-if-match-size"), r.Header("x-amz-if-match-last-modified-time")));
        return S3Response.Empty(204).WithDeleteResult(result);
    }

    /// <summary>
    /// A delete's conditions: If-Match (an ETag), and directory buckets' size and last-modified time
    /// (x-amz-if-match-size, x-amz-if-match-last-modified-time; in DeleteObjects the Size and LastModifiedTime
    /// elements); null for none.
    /// </summary>
    private static WriteConditions? DeleteConditions(string? etag, string? size, string? lastModified)
    {
        if (etag is null && size is null && lastModified is null)
        {
            return null;
        }

        long? sizeValue = null;
        if (size is not null)
        {
            sizeValue = long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-if-match-size must be a non-negative integer.")
                    .With("ArgumentName", "x-amz-if-match-size").With("ArgumentValue", size);
        }

        DateTimeOffset? time = null;
        if (lastModified is not null)
        {
            time = HttpConditions.ParseDate(lastModified) ?? throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-if-match-last-modified-time must be an HTTP date.")
                .With("ArgumentName", "x-amz-if-match-last-modified-time").With("ArgumentValue", lastModified);
        }

        return new WriteConditions(false, etag) { IfMatchSize = sizeValue, IfMatchLastModified = time };
    }

    /// <summary>
    /// A delete conditional on an ETag tells the caller whether the object is the one it names, so it needs read access
    /// too: S3's "conditional deletes with a specific ETag value require both s3:DeleteObject and s3:GetObject
    /// permissions". If-Match: * (exists) needs only the delete.
    /// </summary>
    private static void RequireReadForETag(S3Request r, string key, string? etag)
    {
        if (etag is not null && etag.Trim() != "*")
        {
            AccessControl.Require(r, "s3:GetObject", key, AclPermission.Read);
        }
    }

    public static async Task<S3Response> DeleteObjects(S3Request r)
    {
        // A corrupted key list could delete the wrong data.
        RequestXml.RequireIntegrityHeader(r.Headers);
        var doc = await RequestXml.ReadBodyAsync(r).ConfigureAwait(false);
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
            // The ETag element makes that key's delete conditional, as If-Match does for DeleteObject.
            var etag = o.Child("ETag")?.Value;
            try
            {
                if (version is "")
                {
                    throw VersioningHandlers.EmptyVersionId("VersionId", "");
                }

                // Each key is judged by itself, as S3 does: a refusal is that entry's error.
                if (AccessControl.TryRequire(r, version is null ? "s3:DeleteObject" : "s3:DeleteObjectVersion", key, AclPermission.Write) is { } denied)
                {
                    throw denied;
                }

                RequireReadForETag(r, key, etag);

                var result = r.Storage.Objects.Delete(r.Bucket, key, r.Account, version, ObjectLockHandlers.Bypass(r),
                    DeleteConditions(etag, o.Child("Size")?.Value, o.Child("LastModifiedTime")?.Value));
                if (!quiet)
                {
                    // A marker created (no version asked for) or removed (its id asked for) is reported with its id.
                    xml.Open("Deleted").Element("Key", key).Element("VersionId", version);
                    if (result.DeleteMarker)
                    {
                        xml.Element("DeleteMarker", true).Element("DeleteMarkerVersionId", result.VersionId);
                    }

                    xml.Close("Deleted");
                }
            }
            catch (Exception e) when (e is S3Exception or StorageException)
            {
                var s3 = e as S3Exception ?? FaultMap.ToS3((StorageException)e);
                xml.Open("Error").Element("Key", key).Element("VersionId", version).Element("Code", S3ErrorTable.Lookup(s3.Code).Code)
                    .Element("Message", s3.Message).Close("Error");
            }
        }

        return S3Response.Xml(xml.Close("DeleteResult").ToString());
    }
}
