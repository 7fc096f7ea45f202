using Gateway.Access;
using Gateway.Encryption;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;
using Storage.Checksums;
using Storage.Multipart;

namespace Gateway.Handlers;

/// <summary>CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload.</summary>
internal static class MultipartHandlers
{
    public static S3Response Create(S3Request r)
    {
        ObjectHeaders.CheckKey(r.Key);
        ObjectHeaders.RejectUnsupported(r.Headers);
        var attributes = ObjectHeaders.FromRequest(r.Headers);
        var tags = ObjectHeaders.TagsFromRequest(r.Headers);
        var objectLock = ObjectLockHandlers.FromHeaders(r, r.Headers);
        var (algorithm, type) = ChecksumDeclaration(r.Headers);
        var (owner, acl) = AclHandlers.ForNewObject(r, r.Headers);
        // SSE-C: the upload keeps a verifier of the key each part must bring; SSE-S3 and SSE-KMS: the wrapped data key.
        var (_, sse) = Sse.SealOptional(Sse.ForWrite(r.Headers, EncryptionHandlers.Default(r)), r.Services.Keys);
        var upload = r.Storage.Multipart.Create(r.Bucket, r.Key, r.Account, attributes, algorithm, type,
            new UploadExtras(Tags: tags, Lock: objectLock, Acl: acl, Owner: owner, Encryption: sse?.ToJson()));
        var response = S3Response.Xml(new XmlBuilder().Root("InitiateMultipartUploadResult")
            .Element("Bucket", r.Bucket).Element("Key", r.Key).Element("UploadId", upload.UploadId)
            .Close("InitiateMultipartUploadResult").ToString());
        LifecycleHandlers.AbortHeaders(response, r, r.Key, upload.Initiated);
        response.WithEncryption(sse, r.Headers);
        if (upload.ChecksumAlgorithm is { } a)
        {
            response.With("x-amz-checksum-algorithm", ChecksumNames.WireName(a)).With("x-amz-checksum-type", ChecksumNames.TypeName(upload.ChecksumType!.Value));
        }

        return response;
    }

    /// <summary>x-amz-checksum-algorithm and x-amz-checksum-type on Create, with S3's messages; storage judges the pair.</summary>
    private static (ChecksumAlgorithm? Algorithm, ChecksumType? Type) ChecksumDeclaration(RequestHeaders headers)
    {
        var algorithmHeader = headers["x-amz-checksum-algorithm"];
        var type = ChecksumType(headers);
        if (algorithmHeader is null)
        {
            return type is null ? (null, null)
                : throw new S3Exception(S3ErrorCode.InvalidRequest, "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
        }

        return (AlgorithmHeader(algorithmHeader), type);
    }

    /// <summary>An x-amz-checksum-algorithm value (CreateMultipartUpload, CopyObject), with S3's messages.</summary>
    internal static ChecksumAlgorithm AlgorithmHeader(string value)
    {
        if (value.Contains(',', StringComparison.Ordinal))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Invalid types are specified in x-amz-checksum-algorithm header.");
        }

        return ChecksumNames.TryParse(value.Trim(), out var algorithm) ? algorithm
            : throw new S3Exception(S3ErrorCode.InvalidRequest,
                $"Checksum algorithm provided is unsupported. Please try again with any of the valid types: [{ChecksumNames.ValidList}]");
    }

    /// <summary>x-amz-checksum-type, when sent: COMPOSITE or FULL_OBJECT.</summary>
    private static ChecksumType? ChecksumType(RequestHeaders headers)
    {
        var text = headers["x-amz-checksum-type"];
        if (text is null)
        {
            return null;
        }

        return ChecksumNames.TryParseType(text, out var t) ? t : throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-checksum-type header is invalid.");
    }

    public static async Task<S3Response> UploadPart(S3Request r)
    {
        // The upload's encryption decides the part's key, before a byte of the body is read; the row read for it is
        // handed to storage, which then does not read it again before the body.
        var upload = r.Storage.Multipart.Require(r.Bucket, r.Key, r.UploadId, r.Account);
        var sse = SseDocument.FromJson(upload.Encryption);
        var key = Sse.ForPart(sse, r.Headers, r.Services.Keys);
        var body = ObjectHandlers.OpenBody(r);
        var uploaded = await r.Storage.Multipart.UploadPartAsync(
                new UploadPartCommand(r.Bucket, r.Key, r.UploadId, r.PartNumber, r.Account, body.Checks)
                {
                    DataKey = key,
                    OpaqueETag = sse?.OpaqueETag ?? false,
                    Upload = upload,
                },
                body.Stream, r.Aborted)
            .ConfigureAwait(false);
        var response = S3Response.Empty().With("ETag", Wire.Quote(uploaded.Part.ETag)).WithEncryption(sse, r.Headers);
        // Echo the checksum the client sent (the AWS CLI only lists part checksums in Complete when it sees them
        // here), and the tracked one for an upload created with an algorithm.
        if (body.Declaration.ClientAlgorithm is { } client)
        {
            response.With(ChecksumNames.HeaderName(client), uploaded.DeclaredChecksumValue);
        }

        if (uploaded.Upload.ChecksumAlgorithm is { } tracked)
        {
            response.With(ChecksumNames.HeaderName(tracked), uploaded.Part.Checksum);
        }

        return response;
    }

    public static async Task<S3Response> UploadPartCopy(S3Request r)
    {
        var (srcBucket, srcKey, srcVersion) = CopyHandlers.ParseSource(r.Header("x-amz-copy-source")!);
        var range = r.Header("x-amz-copy-source-range") is { } header ? CopyHandlers.ParseRange(header) : ((long, long)?)null;
        var (sourceOwner, source) = AccessControl.RequireSource(r, srcBucket, srcKey, srcVersion);
        var sourceKey = Sse.Open(SseDocument.FromJson(source.Encryption), r.Headers, r.Services.Keys, Sse.CopySource);
        var sse = SseDocument.FromJson(r.Storage.Multipart.Require(r.Bucket, r.Key, r.UploadId, r.Account).Encryption);
        var key = Sse.ForPart(sse, r.Headers, r.Services.Keys);
        var copied = await r.Storage.Multipart.CopyPartAsync(new CopyPartCommand(r.Bucket, r.Key, r.UploadId, r.PartNumber, r.Account, srcBucket, srcKey, range,
            HttpConditions.CopySource(r.Headers))
        {
            SourceVersionId = srcVersion,
            SourceAccount = sourceOwner,
            SourceDataKey = sourceKey,
            DataKey = key,
            OpaqueETag = sse?.OpaqueETag ?? false,
        }, r.Aborted).ConfigureAwait(false);
        var xml = new XmlBuilder().Root("CopyPartResult")
            .Element("ETag", Wire.Quote(copied.Part.ETag))
            .Element("LastModified", Wire.Timestamp(copied.Part.LastModified));
        if (copied.Upload.ChecksumAlgorithm is { } a)
        {
            xml.Element("Checksum" + ChecksumNames.WireName(a), copied.Part.Checksum);
        }

        return S3Response.Xml(xml.Close("CopyPartResult").ToString()).With("x-amz-copy-source-version-id", srcVersion).WithEncryption(sse, r.Headers);
    }

    public static S3Response Abort(S3Request r)
    {
        r.Storage.Multipart.Abort(r.Bucket, r.Key, r.UploadId, r.Account);
        return S3Response.Empty(204);
    }

    public static async Task<S3Response> Complete(S3Request r)
    {
        var type = ChecksumType(r.Headers);
        var wholeObject = WholeObjectChecksumHeader(r.Headers);
        var conditions = ObjectHandlers.WriteConditionsFrom(r.Headers);
        var parts = await CompleteRequest.ReadAsync(r).ConfigureAwait(false);
        if (DirectoryBuckets.IsDirectoryName(r.Bucket) && parts.Select((p, i) => p.PartNumber != i + 1).Any(gap => gap))
        {
            // CompleteMultipartUpload, directory buckets: "the PartNumber must start at 1 and the part numbers must be consecutive".
            throw new S3Exception(S3ErrorCode.InvalidPartOrder, "For directory buckets, part numbers must start at 1 and be consecutive.");
        }

        RequireCompleteKey(r);
        var result = r.Storage.Multipart.Complete(new CompleteCommand(r.Bucket, r.Key, r.UploadId, r.Account, parts, conditions, type, wholeObject));
        var o = result.Object;
        var location = $"{r.Scheme}://{r.Host}/{r.Bucket}/{ListHandlers.UrlEncode(r.Key).Replace("+", "%20", StringComparison.Ordinal)}";
        var xml = new XmlBuilder().Root("CompleteMultipartUploadResult")
            .Element("Location", location).Element("Bucket", r.Bucket).Element("Key", r.Key).Element("ETag", Wire.Quote(o.ETag));
        if (o.Checksum is { } c)
        {
            xml.Element("Checksum" + ChecksumNames.WireName(c.Algorithm), c.Value).Element("ChecksumType", ChecksumNames.TypeName(c.Type));
        }

        return S3Response.Xml(xml.Close("CompleteMultipartUploadResult").ToString()).WithNewVersion(o).WithEncryption(SseDocument.FromJson(o.Encryption), r.Headers);
    }

    /// <summary>
    /// An SSE-C upload's Complete: SSE-C headers, when sent, must carry the upload's key; an upload with a checksum
    /// algorithm needs them (S3's rule for CompleteMultipartUpload's SSECustomer* parameters).
    /// </summary>
    private static void RequireCompleteKey(S3Request r)
    {
        var upload = r.Storage.Multipart.Lookup(r.UploadId);
        if (upload is null || upload.Bucket != r.Bucket || upload.Key != r.Key || SseDocument.FromJson(upload.Encryption) is not { Mode: SseMode.Customer } sse)
        {
            return;
        }

        if (Sse.CustomerKeyOf(r.Headers, "") is not null || upload.ChecksumAlgorithm is not null)
        {
            Sse.ForPart(sse, r.Headers, r.Services.Keys);
        }
    }

    /// <summary>Complete's x-amz-checksum-* header: the whole object's checksum, not the request document's.</summary>
    private static ChecksumClaim? WholeObjectChecksumHeader(RequestHeaders headers)
    {
        ChecksumClaim? found = null;
        foreach (var a in ChecksumAlgorithms.All)
        {
            if (headers[ChecksumNames.HeaderName(a)] is not { } v)
            {
                continue;
            }

            if (found is not null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }

            found = new ChecksumClaim(a, v.Trim());
        }

        return found;
    }
}
