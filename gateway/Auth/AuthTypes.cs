namespace Gateway.Auth;

/// <summary>Looks up the secret for an access key; null when the key is unknown.</summary>
internal interface ICredentialStore
{
    string? FindSecret(string accessKey);
}

/// <summary>
/// The request as received. RawTarget is the request-target bytes as sent (path plus optional "?query"),
/// NOT ASP.NET's decoded Request.Path. Headers: every header, names as received; repeated headers appear as repeated entries.
/// <paramref name="VirtualHostBucket"/> is the bucket named by the Host header (virtual-hosted style), which SigV2's
/// canonical resource starts with.
/// </summary>
internal sealed record AuthRequest(string Method, string RawTarget, IReadOnlyList<KeyValuePair<string, string>> Headers, string? VirtualHostBucket = null);

/// <summary>How the body is protected, from the x-amz-content-sha256 value.</summary>
internal enum PayloadMode
{
    SignedHex,
    Unsigned,
    StreamingSigned,
    StreamingSignedTrailer,
    StreamingUnsignedTrailer,
}

/// <summary>
/// What a verified request may send. For SignedHex, PayloadSha256Hex is the declared lowercase hex SHA-256 the body must match.
/// Chunk is set for StreamingSigned and StreamingSignedTrailer (the seed signature is the request's signature).
/// <paramref name="SignatureVersion"/> is 4, or 2 for the legacy HMAC-SHA1 signatures.
/// </summary>
internal sealed record AuthResult(string AccessKey, PayloadMode Payload, string? PayloadSha256Hex, ChunkSigningContext? Chunk, bool Presigned, int SignatureVersion = 4)
{
    /// <summary>An unsigned request: nobody in particular, allowed only what is open to everyone.</summary>
    public bool Anonymous { get; init; }

    /// <summary>The service the request was signed for: "s3", or "s3express" (directory buckets, ListDirectoryBuckets).</summary>
    public string Service { get; init; } = SigV4.Service;

    /// <summary>The directory-bucket session the request was signed with (its token verified, not expired); <see cref="AccessKey"/> is then its account's.</summary>
    public ExpressSession? Session { get; init; }

    public static AuthResult AnonymousWith(PayloadMode payload, string? sha256Hex) => new("", payload, sha256Hex, null, false, 0) { Anonymous = true };
}

/// <summary>What the aws-chunked decoder needs to verify chunk and trailer signatures.</summary>
internal sealed record ChunkSigningContext(byte[] SigningKey, string AmzDate, string Scope, string SeedSignature);
