using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Errors;
using Gateway.Http;
using Storage.Segments;

namespace Gateway.Encryption;

/// <summary>S3's three kinds of server-side encryption.</summary>
internal enum SseMode
{
    /// <summary>SSE-C: the customer's own key, sent with every request and never stored.</summary>
    Customer,

    /// <summary>SSE-S3 (AES256): a data key per object, wrapped under the gateway's master key.</summary>
    S3,

    /// <summary>SSE-KMS (aws:kms): a data key per object, wrapped under a key of the local KMS registry.</summary>
    Kms,
}

/// <summary>What a write asks for: the mode and, for SSE-C, the customer's key; for SSE-KMS, the key id.</summary>
internal sealed record SseRequest(SseMode Mode, byte[]? CustomerKey, string? KmsKeyId, bool BucketKey, string? Context);

/// <summary>
/// The encryption document kept with a version or an upload (storage stores it as given): the mode, and for SSE-C a
/// salted verifier of the customer's key (the key itself is never stored), for SSE-S3 and SSE-KMS the wrapped data
/// key and the KMS key id.
/// </summary>
internal sealed record SseDocument(
    [property: JsonPropertyName("m"), JsonConverter(typeof(JsonStringEnumConverter<SseMode>))] SseMode Mode,
    [property: JsonPropertyName("v")] string? Verifier,
    [property: JsonPropertyName("w")] string? Wrapped,
    [property: JsonPropertyName("k")] string? KmsKeyId,
    [property: JsonPropertyName("b")] bool BucketKey,
    [property: JsonPropertyName("c")] string? Context)
{
    public string ToJson() => JsonSerializer.Serialize(this, GatewayJson.Default.SseDocument);

    public static SseDocument? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize(json, GatewayJson.Default.SseDocument);

    /// <summary>S3's rule: the ETag of an SSE-C or SSE-KMS object is not the MD5 of its data; of an SSE-S3 one it is.</summary>
    public bool OpaqueETag => Mode != SseMode.S3;
}

/// <summary>
/// Server-side encryption on the wire ("Protecting data with server-side encryption"): the request headers, the
/// document kept with each version, the data key storage encrypts under, and the headers S3 answers with.
/// </summary>
internal static class Sse
{
    public const string Algorithm = "x-amz-server-side-encryption";
    public const string KmsKeyId = "x-amz-server-side-encryption-aws-kms-key-id";
    public const string KmsContext = "x-amz-server-side-encryption-context";
    public const string BucketKeyEnabled = "x-amz-server-side-encryption-bucket-key-enabled";
    public const string CustomerAlgorithm = "x-amz-server-side-encryption-customer-algorithm";
    public const string CustomerKey = "x-amz-server-side-encryption-customer-key";
    public const string CustomerKeyMd5 = "x-amz-server-side-encryption-customer-key-MD5";
    /// <summary>A copy's source SSE-C headers: x-amz-copy-source-server-side-encryption-customer-*.</summary>
    public const string CopySource = "x-amz-copy-source-";

    /// <summary>
    /// What a write's headers ask for, else the bucket's default encryption, else nothing. Conflicting or malformed
    /// headers are refused with S3's errors before the body is read.
    /// </summary>
    public static SseRequest? ForWrite(RequestHeaders headers, SseRequest? bucketDefault)
    {
        var customer = CustomerKeyOf(headers, prefix: "");
        var algorithm = headers[Algorithm];
        var keyId = headers[KmsKeyId];
        if (customer is not null && algorithm is not null)
        {
            throw Invalid("Server Side Encryption with Customer provided key is incompatible with the encryption method specified", Algorithm, algorithm);
        }

        if (customer is not null)
        {
            return new SseRequest(SseMode.Customer, customer, null, false, null);
        }

        if (keyId is not null && algorithm != "aws:kms")
        {
            throw Invalid("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms", KmsKeyId, keyId);
        }

        return algorithm switch
        {
            null => bucketDefault,
            "AES256" => new SseRequest(SseMode.S3, null, null, false, null),
            "aws:kms" => new SseRequest(SseMode.Kms, null, string.IsNullOrEmpty(keyId) ? KeyRing.DefaultKmsKey : keyId,
                string.Equals(headers[BucketKeyEnabled], "true", StringComparison.OrdinalIgnoreCase), headers[KmsContext]),
            "aws:kms:dsse" => throw new S3Exception(S3ErrorCode.NotImplemented, "Dual-layer server-side encryption (aws:kms:dsse) is not implemented by this gateway."),
            _ => throw Invalid("The encryption method specified is not supported", Algorithm, algorithm),
        };
    }

    /// <summary>The data key and document of a new object the request asks to encrypt; nulls for plaintext.</summary>
    public static (DataKey? Key, SseDocument? Document) SealOptional(SseRequest? request, KeyRing keys) =>
        request is null ? (null, null) : Seal(request, keys);

    /// <summary>The data key and document for a new object (or upload) encrypted as <paramref name="request"/> asks.</summary>
    public static (DataKey Key, SseDocument Document) Seal(SseRequest request, KeyRing keys)
    {
        if (request.Mode == SseMode.Customer)
        {
            var salt = RandomNumberGenerator.GetBytes(16);
            return (new DataKey(request.CustomerKey!), new SseDocument(SseMode.Customer, Convert.ToBase64String([.. salt, .. Verify(salt, request.CustomerKey!)]), null, null, false, null));
        }

        var dataKey = RandomNumberGenerator.GetBytes(32);
        var kmsKey = request.Mode == SseMode.Kms ? request.KmsKeyId : null;
        return (new DataKey(dataKey), new SseDocument(request.Mode, null, keys.Wrap(dataKey, kmsKey), kmsKey, request.BucketKey, request.Context));
    }

    /// <summary>
    /// The data key of a stored version (or upload) for a request that reads it or adds to it: SSE-C needs the same
    /// customer key in <paramref name="headers"/> (<paramref name="prefix"/> <see cref="CopySource"/> for a copy's
    /// source); the other modes unwrap theirs. SSE-C headers for an object that is not SSE-C are refused.
    /// </summary>
    public static DataKey? Open(SseDocument? doc, RequestHeaders headers, KeyRing keys, string prefix = "")
    {
        var customer = CustomerKeyOf(headers, prefix);
        if (doc is not { Mode: SseMode.Customer })
        {
            if (customer is not null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "The encryption parameters are not applicable to this object.");
            }

            return doc is null ? null : new DataKey(keys.Unwrap(doc.Wrapped!, doc.KmsKeyId));
        }

        if (customer is null)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");
        }

        var stored = Convert.FromBase64String(doc.Verifier!);
        if (!CryptographicOperations.FixedTimeEquals(stored.AsSpan(16), Verify(stored[..16], customer)))
        {
            // S3 answers a wrong customer key with 403, saying no more.
            throw new S3Exception(S3ErrorCode.AccessDenied);
        }

        return new DataKey(customer);
    }

    /// <summary>A write to an existing upload (UploadPart) must carry the upload's SSE-C key, and no other encryption headers.</summary>
    public static DataKey? ForPart(SseDocument? upload, RequestHeaders headers, KeyRing keys)
    {
        if (upload is { Mode: SseMode.Customer } && CustomerKeyOf(headers, "") is null)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.");
        }

        try
        {
            return Open(upload, headers, keys);
        }
        catch (S3Exception e) when (e.Code == S3ErrorCode.AccessDenied)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The provided encryption parameters did not match the ones used originally.");
        }
    }

    /// <summary>x-amz-server-side-encryption headers on a read are refused, as S3 refuses them (only SSE-C headers belong on a read).</summary>
    public static void RejectOnRead(RequestHeaders headers)
    {
        if (headers[Algorithm] is { } value)
        {
            throw Invalid("x-amz-server-side-encryption header is not supported for this operation.", Algorithm, value);
        }
    }

    /// <summary>The headers S3 answers a version (or upload) with: the mode, the KMS key id and bucket key, or SSE-C's algorithm and key MD5.</summary>
    public static S3Response WithEncryption(this S3Response response, SseDocument? doc, RequestHeaders request)
    {
        switch (doc?.Mode)
        {
            case SseMode.Customer:
                response.With(CustomerAlgorithm, "AES256").With(CustomerKeyMd5, request[CustomerKeyMd5]);
                break;
            case SseMode.S3:
                response.With(Algorithm, "AES256");
                break;
            case SseMode.Kms:
                response.With(Algorithm, "aws:kms").With(KmsKeyId, doc.KmsKeyId).With(BucketKeyEnabled, doc.BucketKey ? "true" : null);
                break;
        }

        return response;
    }

    /// <summary>
    /// The customer key of SSE-C headers (with <paramref name="prefix"/>), or null when there are none: the algorithm
    /// must be AES256, the key 256 bits in base64, and the key MD5 (required, as S3 requires it) must match.
    /// </summary>
    internal static byte[]? CustomerKeyOf(RequestHeaders headers, string prefix)
    {
        string Name(string header) => prefix.Length == 0 ? header : prefix + header["x-amz-".Length..];
        var algorithm = headers[Name(CustomerAlgorithm)];
        var key = headers[Name(CustomerKey)];
        var md5 = headers[Name(CustomerKeyMd5)];
        if (algorithm is null && key is null && md5 is null)
        {
            return null;
        }

        if (algorithm is null)
        {
            throw Invalid("Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.", Name(CustomerAlgorithm), "null");
        }

        if (algorithm != "AES256")
        {
            throw new S3Exception(S3ErrorCode.InvalidEncryptionAlgorithmError, "The Encryption request you specified is not valid. Supported value: AES256.")
                .With("ArgumentName", Name(CustomerAlgorithm)).With("ArgumentValue", algorithm);
        }

        if (key is null)
        {
            throw Invalid("Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.", Name(CustomerKey), "null");
        }

        var bytes = Base64(key);
        if (bytes is not { Length: 32 })
        {
            throw Invalid("The secret key was invalid for the specified algorithm.", Name(CustomerKey), "");
        }

        if (md5 is null)
        {
            throw Invalid("Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.", Name(CustomerKeyMd5), "null");
        }

        if (Base64(md5) is not { } digest || !CryptographicOperations.FixedTimeEquals(digest, MD5.HashData(bytes)))
        {
            throw Invalid("The calculated MD5 hash of the key did not match the hash that was provided.", Name(CustomerKeyMd5), md5);
        }

        return bytes;
    }

    private static byte[] Verify(byte[] salt, byte[] key) => HMACSHA256.HashData(salt, key);

    private static byte[]? Base64(string text)
    {
        try
        {
            return Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static S3Exception Invalid(string message, string name, string value) =>
        new S3Exception(S3ErrorCode.InvalidArgument, message).With("ArgumentName", name).With("ArgumentValue", value);
}
