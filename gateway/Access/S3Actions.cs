using Gateway.Routing;

namespace Gateway.Access;

/// <summary>Where an operation's access is decided, and against what.</summary>
internal enum AccessScope
{
    /// <summary>Not about a bucket (ListBuckets, CreateBucket, the admin API): any signed account.</summary>
    Service,

    /// <summary>Decided before the handler runs, against the bucket's policy and the bucket's ACL.</summary>
    Bucket,

    /// <summary>Decided by the handler against the object it reads (its owner and ACL, and its tags for the policy).</summary>
    Object,

    /// <summary>Decided by the handler per key (DeleteObjects, PostObject, whose keys are in the body).</summary>
    PerKey,
}

/// <summary>
/// What an operation needs: the policy action ("Actions, resources, and condition keys for Amazon S3"), where it is
/// decided, whether the resource ARN names the key, and the ACL permission that grants it (null: only the owner
/// and the policy can).
/// </summary>
internal readonly record struct Requirement(string Action, AccessScope Scope, bool OnKey, AclPermission? Acl);

/// <summary>The one table from operation to S3 action and ACL permission ("Mapping of ACL permissions and access policy permissions").</summary>
internal static class S3Actions
{
    public const string ArnPrefix = "arn:aws:s3:::";

    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        "s3:AbortMultipartUpload", "s3:BypassGovernanceRetention", "s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:DeleteObject",
        "s3:DeleteObjectTagging", "s3:DeleteObjectVersion", "s3:DeleteObjectVersionTagging", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketLocation",
        "s3:GetBucketObjectLockConfiguration", "s3:GetBucketOwnershipControls", "s3:GetBucketPolicy", "s3:GetBucketPolicyStatus",
        "s3:GetBucketPublicAccessBlock", "s3:GetBucketTagging", "s3:GetBucketVersioning", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration",
        "s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectAttributes", "s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectTagging",
        "s3:GetObjectVersion", "s3:GetObjectVersionAcl", "s3:GetObjectVersionAttributes", "s3:GetObjectVersionTagging", "s3:ListAllMyBuckets",
        "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions", "s3:ListMultipartUploadParts", "s3:PutBucketAcl", "s3:PutBucketCORS",
        "s3:PutBucketObjectLockConfiguration", "s3:PutBucketOwnershipControls", "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketTagging", "s3:PutBucketVersioning", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration", "s3:PutObject",
        "s3:PutObjectAcl", "s3:PutObjectLegalHold", "s3:PutObjectRetention", "s3:PutObjectTagging", "s3:PutObjectVersionAcl",
        "s3:PutObjectVersionTagging", "s3:RestoreObject", "s3:GetBucketLogging", "s3:PutBucketLogging", "s3:GetBucketNotification",
        "s3:PutBucketNotification", "s3:GetBucketWebsite", "s3:PutBucketWebsite", "s3:DeleteBucketWebsite", "s3:GetReplicationConfiguration",
        "s3:PutReplicationConfiguration", "s3:GetAccelerateConfiguration", "s3:PutAccelerateConfiguration", "s3:GetBucketRequestPayment",
        "s3:PutBucketRequestPayment", "s3:GetAnalyticsConfiguration", "s3:PutAnalyticsConfiguration", "s3:GetInventoryConfiguration",
        "s3:PutInventoryConfiguration", "s3:GetMetricsConfiguration", "s3:PutMetricsConfiguration", "s3:GetIntelligentTieringConfiguration",
        "s3:PutIntelligentTieringConfiguration", "s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner",
    };

    /// <summary>A policy's action: "*", "s3:*", an S3 action, or a pattern with wildcards under "s3:".</summary>
    public static bool IsValidPattern(string action) =>
        action == "*" || (action.StartsWith("s3:", StringComparison.OrdinalIgnoreCase) && (action.Contains('*') || action.Contains('?') || Known.Contains(action)))
        // A directory bucket's policy names S3 Express's own action (every data request rides on a session).
        || (action.StartsWith("s3express:", StringComparison.OrdinalIgnoreCase)
            && (action.Contains('*') || action.Equals("s3express:CreateSession", StringComparison.OrdinalIgnoreCase)));

    public static string Arn(string bucket, string? key) => key is null ? ArnPrefix + bucket : ArnPrefix + bucket + "/" + key;

    /// <summary>What each operation needs; <paramref name="version"/> says a version id was named (the *Version actions).</summary>
    public static Requirement For(S3Operation op, bool version) => op switch
    {
        S3Operation.ListBuckets or S3Operation.CreateBucket => new("s3:ListAllMyBuckets", AccessScope.Service, false, null),
        S3Operation.ListDirectoryBuckets => new("s3express:ListAllMyDirectoryBuckets", AccessScope.Service, false, null),
        // A session may be asked for a directory bucket not created yet (botocore signs CreateBucket with one): its
        // handler decides.
        S3Operation.CreateSession => new("s3express:CreateSession", AccessScope.Service, false, null),
        S3Operation.RenameObject => Key("s3:PutObject", AclPermission.Write),
        S3Operation.HeadBucket or S3Operation.ListObjects or S3Operation.ListObjectsV2 => Bucket("s3:ListBucket", AclPermission.Read),
        S3Operation.ListObjectVersions => Bucket("s3:ListBucketVersions", AclPermission.Read),
        S3Operation.ListMultipartUploads => Bucket("s3:ListBucketMultipartUploads", AclPermission.Read),
        S3Operation.DeleteBucket => Bucket("s3:DeleteBucket", null),
        S3Operation.GetBucketLocation => Bucket("s3:GetBucketLocation", null),
        S3Operation.GetBucketVersioning => Bucket("s3:GetBucketVersioning", null),
        S3Operation.PutBucketVersioning => Bucket("s3:PutBucketVersioning", null),
        S3Operation.GetBucketAcl => Bucket("s3:GetBucketAcl", AclPermission.ReadAcp),
        S3Operation.PutBucketAcl => Bucket("s3:PutBucketAcl", AclPermission.WriteAcp),
        S3Operation.GetBucketLifecycle => Bucket("s3:GetLifecycleConfiguration", null),
        S3Operation.PutBucketLifecycle or S3Operation.DeleteBucketLifecycle => Bucket("s3:PutLifecycleConfiguration", null),
        S3Operation.GetBucketTagging => Bucket("s3:GetBucketTagging", null),
        S3Operation.PutBucketTagging or S3Operation.DeleteBucketTagging => Bucket("s3:PutBucketTagging", null),
        S3Operation.GetObjectLockConfiguration => Bucket("s3:GetBucketObjectLockConfiguration", null),
        S3Operation.PutObjectLockConfiguration => Bucket("s3:PutBucketObjectLockConfiguration", null),
        S3Operation.GetBucketCors => Bucket("s3:GetBucketCORS", null),
        S3Operation.PutBucketCors or S3Operation.DeleteBucketCors => Bucket("s3:PutBucketCORS", null),
        S3Operation.GetBucketPolicy => Bucket("s3:GetBucketPolicy", null),
        S3Operation.PutBucketPolicy => Bucket("s3:PutBucketPolicy", null),
        S3Operation.DeleteBucketPolicy => Bucket("s3:DeleteBucketPolicy", null),
        S3Operation.GetBucketPolicyStatus => Bucket("s3:GetBucketPolicyStatus", null),
        S3Operation.GetBucketOwnershipControls => Bucket("s3:GetBucketOwnershipControls", null),
        S3Operation.PutBucketOwnershipControls or S3Operation.DeleteBucketOwnershipControls => Bucket("s3:PutBucketOwnershipControls", null),
        S3Operation.GetPublicAccessBlock => Bucket("s3:GetBucketPublicAccessBlock", null),
        S3Operation.PutPublicAccessBlock or S3Operation.DeletePublicAccessBlock => Bucket("s3:PutBucketPublicAccessBlock", null),
        S3Operation.GetBucketEncryption => Bucket("s3:GetEncryptionConfiguration", null),
        S3Operation.PutBucketEncryption or S3Operation.DeleteBucketEncryption => Bucket("s3:PutEncryptionConfiguration", null),
        S3Operation.PutObject or S3Operation.CopyObject or S3Operation.CreateMultipartUpload or S3Operation.UploadPart or S3Operation.UploadPartCopy
            or S3Operation.CompleteMultipartUpload => Key("s3:PutObject", AclPermission.Write),
        S3Operation.ListParts => Key("s3:ListMultipartUploadParts", AclPermission.Write),
        S3Operation.AbortMultipartUpload => Key("s3:AbortMultipartUpload", AclPermission.Write),
        S3Operation.DeleteObject => Key(version ? "s3:DeleteObjectVersion" : "s3:DeleteObject", AclPermission.Write),
        S3Operation.DeleteObjects => new(version ? "s3:DeleteObjectVersion" : "s3:DeleteObject", AccessScope.PerKey, true, AclPermission.Write),
        S3Operation.PostObject => new("s3:PutObject", AccessScope.PerKey, true, AclPermission.Write),
        S3Operation.GetObject or S3Operation.HeadObject => Object(version ? "s3:GetObjectVersion" : "s3:GetObject", AclPermission.Read),
        S3Operation.GetObjectAttributes => Object(version ? "s3:GetObjectVersionAttributes" : "s3:GetObjectAttributes", AclPermission.Read),
        S3Operation.GetObjectAcl => Object(version ? "s3:GetObjectVersionAcl" : "s3:GetObjectAcl", AclPermission.ReadAcp),
        S3Operation.PutObjectAcl => Object(version ? "s3:PutObjectVersionAcl" : "s3:PutObjectAcl", AclPermission.WriteAcp),
        S3Operation.GetObjectTagging => Object(version ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging", null),
        S3Operation.PutObjectTagging => Object(version ? "s3:PutObjectVersionTagging" : "s3:PutObjectTagging", null),
        S3Operation.DeleteObjectTagging => Object(version ? "s3:DeleteObjectVersionTagging" : "s3:DeleteObjectTagging", null),
        S3Operation.GetObjectRetention => Object("s3:GetObjectRetention", null),
        S3Operation.PutObjectRetention => Object("s3:PutObjectRetention", null),
        S3Operation.GetObjectLegalHold => Object("s3:GetObjectLegalHold", null),
        S3Operation.PutObjectLegalHold => Object("s3:PutObjectLegalHold", null),
        // Answered 501 whoever asks; the admin API checks its own callers.
        S3Operation.NotImplemented => new("", AccessScope.Service, false, null),
    };

    /// <summary>The requirement of an action named by itself (for explanations): the first operation that needs it.</summary>
    public static Requirement? Named(string action) =>
        Enum.GetValues<S3Operation>().SelectMany(op => new[] { For(op, false), For(op, true) })
            .Where(q => q.Action.Length > 0 && q.Scope != AccessScope.Service && q.Action.Equals(action, StringComparison.OrdinalIgnoreCase))
            .Select(q => (Requirement?)q).FirstOrDefault();

    private static Requirement Bucket(string action, AclPermission? acl) => new(action, AccessScope.Bucket, false, acl);

    private static Requirement Key(string action, AclPermission? acl) => new(action, AccessScope.Bucket, true, acl);

    private static Requirement Object(string action, AclPermission? acl) => new(action, AccessScope.Object, true, acl);
}
