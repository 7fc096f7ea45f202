using System.Globalization;
using Gateway.Access;
using Gateway.Encryption;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;
using Storage;
using Storage.Checksums;
using Storage.Faults;
using Storage.Objects;
using Storage.Segments;

namespace Gateway.Handlers;

/// <summary>CopyObject, and the x-amz-copy-source and x-amz-copy-source-range headers it shares with UploadPartCopy.</summary>
internal static class CopyHandlers
{
    public static async Task<S3Response> Copy(S3Request r)
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
        var destSse = Sse.ForWrite(r.Headers, EncryptionHandlers.Default(r));
        var reencrypts = r.Headers[Sse.Algorithm] is not null || r.Headers[Sse.CustomerAlgorithm] is not null;
        if (srcBucket == r.Bucket && srcKey == r.Key && !replace && srcVersion is null && !reencrypts)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest,
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        }

        var conditions = ObjectHandlers.WriteConditionsFrom(r.Headers);
        var (owner, acl) = AclHandlers.ForNewObject(r, r.Headers);
        var objectLock = ObjectLockHandlers.FromHeaders(r, r.Headers);
        var (sourceOwner, source) = AccessControl.RequireSource(r, srcBucket, srcKey, srcVersion);
        var sourceSse = SseDocument.FromJson(source.Encryption);
        var sourceKey = Sse.Open(sourceSse, r.Headers, r.Services.Keys, Sse.CopySource);
        var (key, sse) = SameKey(sourceSse, sourceKey, destSse) ?? Sse.SealOptional(destSse, r.Services.Keys);
        // x-amz-checksum-algorithm asks for a checksum the source may not have: then the bytes are read and hashed anew.
        var wanted = r.Header("x-amz-checksum-algorithm") is { } algorithmHeader ? MultipartHandlers.AlgorithmHeader(algorithmHeader) : (ChecksumAlgorithm?)null;
        var keepsChecksum = wanted is null || source.Checksum is { Type: ChecksumType.FullObject } kept && kept.Algorithm == wanted;
        ObjectInfo info;
        if (keepsChecksum && ((key is null && sourceKey is null) || sourceKey?.SameAs(key) == true))
        {
            info = r.Storage.Objects.Copy(new CopyObjectCommand(srcBucket, srcKey, r.Bucket, r.Key, r.Account, attributes, HttpConditions.CopySource(r.Headers), conditions)
            {
                Owner = owner,
                Acl = acl,
                SourceAccount = sourceOwner,
                Tags = tags,
                SourceVersionId = srcVersion,
                Lock = objectLock,
                SourceDataKey = sourceKey,
                DataKey = key,
                Encryption = sse?.ToJson(),
            });
        }
        else
        {
            // Another key than the source's: the copy is the source's bytes, decrypted and written anew under it.
            using var reader = r.Storage.Objects.Open(srcBucket, srcKey, sourceOwner, versionId: srcVersion).Decrypt(sourceKey);
            var src = reader.Info;
            HttpConditions.CopySource(r.Headers).Check(src, notModifiedFails: true);
            if (src.Size > r.Options.MaxPutObjectSize)
            {
                throw new StorageException(StorageFault.CopySourceTooLarge) { Bucket = src.Bucket, Key = src.Key, Size = src.Size, Limit = r.Options.MaxPutObjectSize };
            }

            // A full-object checksum goes with the bytes and is verified on the way; a composite one describes parts the
            // copy does not have, so the copy gets a whole-object checksum of the same algorithm (S3: "the checksum
            // algorithm will be copied from the source object"), or of the one the request names.
            var expected = (wanted, src.Checksum) switch
            {
                (null, { Type: ChecksumType.FullObject } whole) => new ExpectedChecksum(whole.Algorithm, whole.Value),
                (null, { } composite) => ExpectedChecksum.Compute(composite.Algorithm),
                ({ } named, { Type: ChecksumType.FullObject } whole) when whole.Algorithm == named => new ExpectedChecksum(named, whole.Value),
                ({ } named, _) => ExpectedChecksum.Compute(named),
                (null, null) => null,
            };
            var checks = new BodyChecks(src.Size, null, expected);
            await using var body = reader.OpenRange(0, src.Size);
            info = await r.Storage.Objects.PutAsync(new PutObjectCommand(r.Bucket, r.Key, r.Account, attributes ?? src.Attributes, conditions, checks)
            {
                Owner = owner,
                Acl = acl,
                Tags = tags ?? src.Tags,
                Lock = objectLock,
                DataKey = key,
                Encryption = sse?.ToJson(),
                OpaqueETag = sse?.OpaqueETag ?? false,
            }, body, r.Aborted).ConfigureAwait(false);
        }

        var xml = new XmlBuilder().Root("CopyObjectResult")
            .Element("LastModified", Wire.Timestamp(info.LastModified))
            .Element("ETag", Wire.Quote(info.ETag));
        if (info.Checksum is { } c)
        {
            // Element names are Checksum + the wire name: ChecksumCRC32, ChecksumCRC64NVME, ChecksumSHA256, ...
            xml.Element("ChecksumType", ChecksumNames.TypeName(c.Type)).Element("Checksum" + ChecksumNames.WireName(c.Algorithm), c.Value);
        }

        return S3Response.Xml(xml.Close("CopyObjectResult").ToString()).WithNewVersion(info).With("x-amz-copy-source-version-id", srcVersion).WithEncryption(sse, r.Headers);
    }

    /// <summary>
    /// When the copy is to be encrypted as its source is, under the same key, it keeps the source's data key (and
    /// so shares its segments): SSE-S3 to SSE-S3, SSE-KMS to SSE-KMS under the same KMS key, SSE-C to SSE-C with the
    /// same customer key. Null otherwise.
    /// </summary>
    private static (DataKey? Key, SseDocument? Document)? SameKey(SseDocument? source, DataKey? sourceKey, SseRequest? dest) => (source?.Mode, dest?.Mode) switch
    {
        (null, null) => (null, null),
        (SseMode.S3, SseMode.S3) => (sourceKey, source),
        (SseMode.Kms, SseMode.Kms) when source!.KmsKeyId == dest!.KmsKeyId => (sourceKey, source with { BucketKey = dest.BucketKey, Context = dest.Context }),
        _ => null,
    };

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
