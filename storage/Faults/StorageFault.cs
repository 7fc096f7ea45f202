namespace Storage.Faults;

/// <summary>Why a storage call refused. The gateway maps each member to an S3 error in one place.</summary>
internal enum StorageFault
{
    AccessDenied,
    NoSuchBucket,
    NoSuchKey,
    NoSuchUpload,
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    PreconditionFailed,
    InvalidRange,
    InvalidPart,
    InvalidPartOrder,
    EntityTooSmall,
    EntityTooLarge,
    IncompleteBody,
    InvalidArgument,
    BadDigest,
}

internal sealed class StorageException(StorageFault fault, string? message = null) : Exception(message ?? fault.ToString())
{
    public StorageFault Fault { get; } = fault;
}
