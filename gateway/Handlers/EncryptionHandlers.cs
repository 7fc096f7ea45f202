using System.Text.Json;
using Gateway.Encryption;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Xml;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>
/// Put/Get/DeleteBucketEncryption: the encryption a write gets when it asks for none (SSE-S3, or SSE-KMS with a
/// key id and bucket key). SSE-C cannot be a default: the key is the customer's.
/// </summary>
internal static class EncryptionHandlers
{
    internal sealed record Rule(string Algorithm, string? KeyId, bool BucketKey);

    public static S3Response GetBucket(S3Request r)
    {
        var rule = Stored(r.Gate!.Bucket.Access.Encryption)
            ?? throw new S3Exception(S3ErrorCode.ServerSideEncryptionConfigurationNotFoundError).With("BucketName", r.Bucket);
        return S3Response.Xml(new XmlBuilder().Root("ServerSideEncryptionConfiguration").Open("Rule").Open("ApplyServerSideEncryptionByDefault")
            .Element("SSEAlgorithm", rule.Algorithm).Element("KMSMasterKeyID", rule.KeyId).Close("ApplyServerSideEncryptionByDefault")
            .Element("BucketKeyEnabled", rule.BucketKey).Close("Rule").Close("ServerSideEncryptionConfiguration").ToString());
    }

    public static async Task<S3Response> PutBucket(S3Request r)
    {
        var root = (await RequestXml.ReadBodyAsync(r).ConfigureAwait(false))!.Root!;
        var rules = root.Name.LocalName == "ServerSideEncryptionConfiguration" ? root.Children("Rule").ToList() : null;
        if (rules is not { Count: 1 } || rules[0].Child("ApplyServerSideEncryptionByDefault") is not { } apply)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var algorithm = apply.Child("SSEAlgorithm")?.Value;
        var keyId = apply.Child("KMSMasterKeyID")?.Value is { Length: > 0 } k ? k : null;
        if (algorithm is not ("AES256" or "aws:kms"))
        {
            throw new S3Exception(S3ErrorCode.MalformedXML, "The XML you provided was not well-formed or did not validate against our published schema");
        }

        if (keyId is not null && algorithm != "aws:kms")
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
                .With("ArgumentName", "ApplyServerSideEncryptionByDefault");
        }

        if (keyId is not null && !r.Services.Keys.HasKmsKey(keyId))
        {
            throw new S3Exception(S3ErrorCode.KMSNotFoundException, $"Invalid keyId {keyId}");
        }

        var bucketKey = string.Equals(rules[0].Child("BucketKeyEnabled")?.Value, "true", StringComparison.OrdinalIgnoreCase);
        r.Storage.Buckets.SetDocument(r.Bucket, r.Account, BucketDocument.Encryption, JsonSerializer.Serialize(new Rule(algorithm, keyId, bucketKey), GatewayJson.Default.Rule));
        return S3Response.Empty();
    }

    public static S3Response DeleteBucket(S3Request r)
    {
        r.Storage.Buckets.SetDocument(r.Bucket, r.Account, BucketDocument.Encryption, null);
        return S3Response.Empty(204);
    }

    /// <summary>The bucket's default as a write request, or null for none.</summary>
    public static SseRequest? Default(S3Request r) => Stored(r.Gate?.Bucket.Access.Encryption) is { } rule
        ? rule.Algorithm == "aws:kms" ? new SseRequest(SseMode.Kms, null, rule.KeyId ?? KeyRing.DefaultKmsKey, rule.BucketKey, null) : new SseRequest(SseMode.S3, null, null, false, null)
        : null;

    private static Rule? Stored(string? json) => json is null ? null : JsonSerializer.Deserialize(json, GatewayJson.Default.Rule);
}
