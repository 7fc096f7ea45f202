namespace Gateway.Routing;

/// <summary>Every request the router can name. Closed: the dispatcher switches over it without a default arm.</summary>
internal enum S3Operation
{
    ListBuckets,
    CreateBucket,
    HeadBucket,
    DeleteBucket,
    GetBucketLocation,
    GetBucketVersioning,
    PutBucketVersioning,
    GetBucketAcl,
    PutBucketAcl,
    ListObjects,
    ListObjectsV2,
    ListObjectVersions,
    DeleteObjects,
    PostObject,
    PutObject,
    CopyObject,
    GetObject,
    HeadObject,
    DeleteObject,
    GetObjectAcl,
    PutObjectAcl,
    CreateMultipartUpload,
    UploadPart,
    UploadPartCopy,
    ListParts,
    ListMultipartUploads,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    GetObjectAttributes,
    GetBucketLifecycle,
    PutBucketLifecycle,
    DeleteBucketLifecycle,
    GetBucketTagging,
    PutBucketTagging,
    DeleteBucketTagging,
    GetObjectTagging,
    PutObjectTagging,
    DeleteObjectTagging,
    GetObjectLockConfiguration,
    PutObjectLockConfiguration,
    GetObjectRetention,
    PutObjectRetention,
    GetObjectLegalHold,
    PutObjectLegalHold,
    GetBucketCors,
    PutBucketCors,
    DeleteBucketCors,
    GetBucketPolicy,
    PutBucketPolicy,
    DeleteBucketPolicy,
    GetBucketPolicyStatus,
    GetBucketOwnershipControls,
    PutBucketOwnershipControls,
    DeleteBucketOwnershipControls,
    GetPublicAccessBlock,
    PutPublicAccessBlock,
    DeletePublicAccessBlock,

    /// <summary>A request S3 knows but this gateway does not implement: answered 501 NotImplemented.</summary>
    NotImplemented,

    // The gateway's own endpoints under /_gateway/ (tools/ADMIN-API.md): JSON in and out.

    /// <summary>GET or HEAD /_gateway/health: the one unauthenticated request.</summary>
    AdminHealth,
    AdminUsage,
    AdminUploads,
    AdminAbortUploads,
    AdminClock,
    AdminClockAdvance,
    AdminMetrics,

    /// <summary>GET /_gateway/access: explains how a bucket's policy and ACLs decide a request.</summary>
    AdminAccess,

    /// <summary>Anything else under /_gateway/: 404 once authenticated.</summary>
    AdminUnknown,
}
