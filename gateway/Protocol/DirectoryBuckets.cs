using Gateway.Auth;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Routing;

namespace Gateway.Protocol;

/// <summary>
/// S3 Express One Zone's directory buckets: their names ("Directory bucket naming rules"), the operations S3 answers
/// on them, and what a request must be to reach one: signed for s3express, with a session (when it has one) of that
/// bucket and a mode that allows the operation, and none of the features directory buckets do not have.
/// </summary>
internal static class DirectoryBuckets
{
    public const string Suffix = "--x-s3";

    /// <summary>The storage class of every object in a directory bucket.</summary>
    public const string StorageClass = "EXPRESS_ONEZONE";

    private static readonly string[] ReservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];

    /// <summary>Whether the name is a directory bucket's (botocore decides the same way: by the suffix).</summary>
    public static bool IsDirectoryName(string? bucket) => bucket is not null && bucket.EndsWith(Suffix, StringComparison.Ordinal);

    /// <summary>
    /// A directory bucket name, "base--zone-id--x-s3": 3 to 63 characters in all, lowercase letters, digits and
    /// hyphens, starting with a letter or digit, no reserved prefix, a base and a zone id. <paramref name="zone"/> is
    /// the zone id it names.
    /// </summary>
    public static bool TryParseName(string name, out string zone)
    {
        zone = "";
        if (name.Length is < 3 or > 63 || !IsDirectoryName(name) || !char.IsAsciiLetterOrDigit(name[0])
            || name.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            || ReservedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
        {
            return false;
        }

        var rest = name[..^Suffix.Length];
        var split = rest.LastIndexOf("--", StringComparison.Ordinal);
        if (split <= 0 || split + 2 >= rest.Length)
        {
            return false;
        }

        var baseName = rest[..split];
        zone = rest[(split + 2)..];
        return char.IsAsciiLetterOrDigit(baseName[^1]) && char.IsAsciiLetterOrDigit(zone[0]) && char.IsAsciiLetterOrDigit(zone[^1]);
    }

    /// <summary>Whether S3 answers the operation on a directory bucket (the rest is "not supported for directory buckets").</summary>
    public static bool Supports(S3Operation op) => op switch
    {
        S3Operation.CreateSession or S3Operation.CreateBucket or S3Operation.HeadBucket or S3Operation.DeleteBucket or S3Operation.ListObjectsV2
            or S3Operation.DeleteObjects or S3Operation.PutObject or S3Operation.CopyObject or S3Operation.GetObject or S3Operation.HeadObject
            or S3Operation.DeleteObject or S3Operation.CreateMultipartUpload or S3Operation.UploadPart or S3Operation.UploadPartCopy
            or S3Operation.ListParts or S3Operation.ListMultipartUploads or S3Operation.CompleteMultipartUpload or S3Operation.AbortMultipartUpload
            or S3Operation.GetObjectAttributes or S3Operation.GetBucketPolicy or S3Operation.PutBucketPolicy or S3Operation.DeleteBucketPolicy
            or S3Operation.GetBucketEncryption or S3Operation.PutBucketEncryption or S3Operation.DeleteBucketEncryption
            or S3Operation.GetBucketLifecycle or S3Operation.PutBucketLifecycle or S3Operation.DeleteBucketLifecycle
            or S3Operation.RenameObject => true,
        S3Operation.ListBuckets or S3Operation.ListDirectoryBuckets or S3Operation.GetBucketLocation or S3Operation.GetBucketVersioning
            or S3Operation.PutBucketVersioning or S3Operation.GetBucketAcl or S3Operation.PutBucketAcl or S3Operation.ListObjects
            or S3Operation.ListObjectVersions or S3Operation.PostObject or S3Operation.GetObjectAcl or S3Operation.PutObjectAcl
            or S3Operation.GetBucketTagging or S3Operation.PutBucketTagging or S3Operation.DeleteBucketTagging or S3Operation.GetObjectTagging
            or S3Operation.PutObjectTagging or S3Operation.DeleteObjectTagging or S3Operation.GetObjectLockConfiguration
            or S3Operation.PutObjectLockConfiguration or S3Operation.GetObjectRetention or S3Operation.PutObjectRetention
            or S3Operation.GetObjectLegalHold or S3Operation.PutObjectLegalHold or S3Operation.GetBucketCors or S3Operation.PutBucketCors
            or S3Operation.DeleteBucketCors or S3Operation.GetBucketPolicyStatus or S3Operation.GetBucketOwnershipControls
            or S3Operation.PutBucketOwnershipControls or S3Operation.DeleteBucketOwnershipControls or S3Operation.GetPublicAccessBlock
            or S3Operation.PutPublicAccessBlock or S3Operation.DeletePublicAccessBlock or S3Operation.NotImplemented => false,
    };

    /// <summary>What a ReadOnly session may do ("CreateSession": GetObject, HeadObject, ListObjectsV2, GetObjectAttributes, ListParts, ListMultipartUploads), and HeadBucket.</summary>
    public static bool ReadOnlyAllows(S3Operation op) => op is S3Operation.GetObject or S3Operation.HeadObject or S3Operation.ListObjectsV2
        or S3Operation.GetObjectAttributes or S3Operation.ListParts or S3Operation.ListMultipartUploads or S3Operation.HeadBucket;

    // Request headers of features directory buckets do not have: ACLs, object tags, object lock, SSE-C.
    private static readonly string[] UnsupportedHeaders =
    [
        "x-amz-acl", "x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control",
        "x-amz-tagging", "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold",
        "x-amz-server-side-encryption-customer-algorithm", "x-amz-copy-source-server-side-encryption-customer-algorithm",
    ];

    /// <summary>
    /// The step before access control: a request for a directory bucket must be signed for s3express, carry a session
    /// (if any) of that bucket whose mode allows the operation, ask for an operation and features directory buckets
    /// have; a request for a general purpose bucket must be signed for s3 and use none of directory buckets' own.
    /// </summary>
    public static void Admit(S3Request r)
    {
        var op = r.Route.Operation;
        var auth = r.Auth;
        if (r.Route.Bucket is not { } bucket)
        {
            return;
        }

        if (!IsDirectoryName(bucket))
        {
            if (auth is { Service: SigV4.ExpressService })
            {
                throw new S3Exception(S3ErrorCode.AuthorizationHeaderMalformed,
                    $"The authorization header is malformed; incorrect service '{SigV4.ExpressService}'. This endpoint belongs to '{SigV4.Service}'.");
            }

            if (op is S3Operation.CreateSession or S3Operation.RenameObject
                || (op is S3Operation.PutObject && r.Header("x-amz-write-offset-bytes") is not null)
                || (op is S3Operation.DeleteObject && (r.Header("x-amz-if-match-size") ?? r.Header("x-amz-if-match-last-modified-time")) is not null))
            {
                throw new S3Exception(S3ErrorCode.NotImplemented, "This operation is supported for directory buckets only.");
            }

            if (r.Header("x-amz-storage-class") == StorageClass)
            {
                throw new S3Exception(S3ErrorCode.InvalidStorageClass).With("StorageClassRequested", StorageClass);
            }

            return;
        }

        if (op is S3Operation.PostObject)
        {
            // Its signature is a form field, read later: what it asks for is answered first.
            throw new S3Exception(S3ErrorCode.NotImplemented, "This operation is not supported for directory buckets.");
        }

        if (auth is null or { Anonymous: true })
        {
            // Directory buckets have no public access: every request is signed.
            throw new S3Exception(S3ErrorCode.AccessDenied);
        }

        if (auth.Service != SigV4.ExpressService)
        {
            throw new S3Exception(S3ErrorCode.AuthorizationHeaderMalformed,
                $"The authorization header is malformed; incorrect service '{auth.Service}'. This endpoint belongs to '{SigV4.ExpressService}'.");
        }

        if (auth.Session is { } session)
        {
            if (session.Bucket != bucket)
            {
                throw new S3Exception(S3ErrorCode.AccessDenied, "The session token was issued for another bucket.");
            }

            if (session.Mode == SessionMode.ReadOnly && !ReadOnlyAllows(op))
            {
                throw new S3Exception(S3ErrorCode.AccessDenied, "A ReadOnly session allows reads only.");
            }
        }

        if (!Supports(op))
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, "This operation is not supported for directory buckets.");
        }

        foreach (var name in UnsupportedHeaders)
        {
            if (r.Header(name) is not null)
            {
                throw new S3Exception(S3ErrorCode.NotImplemented, $"The {name} header is not supported for directory buckets.");
            }
        }

        if (r.Query.Has("versionId") && r.Query.Get("versionId") != "null")
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, "Directory buckets keep no versions: versionId is not supported for directory buckets.");
        }

        if (r.Header("x-amz-storage-class") is { } storageClass && storageClass != StorageClass)
        {
            throw new S3Exception(S3ErrorCode.InvalidStorageClass).With("StorageClassRequested", storageClass);
        }
    }
}
