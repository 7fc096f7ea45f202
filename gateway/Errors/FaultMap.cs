using Storage.Faults;

namespace Gateway.Errors;

/// <summary>The one place storage faults become S3 errors.</summary>
internal static class FaultMap
{
    public static S3ErrorCode ToS3(StorageFault fault) => fault switch
    {
        StorageFault.AccessDenied => S3ErrorCode.AccessDenied,
        StorageFault.NoSuchBucket => S3ErrorCode.NoSuchBucket,
        StorageFault.NoSuchKey => S3ErrorCode.NoSuchKey,
        StorageFault.NoSuchUpload => S3ErrorCode.NoSuchUpload,
        StorageFault.BucketAlreadyExists => S3ErrorCode.BucketAlreadyExists,
        StorageFault.BucketAlreadyOwnedByYou => S3ErrorCode.BucketAlreadyOwnedByYou,
        StorageFault.BucketNotEmpty => S3ErrorCode.BucketNotEmpty,
        StorageFault.PreconditionFailed => S3ErrorCode.PreconditionFailed,
        StorageFault.InvalidRange => S3ErrorCode.InvalidRange,
        StorageFault.InvalidPart => S3ErrorCode.InvalidPart,
        StorageFault.InvalidPartOrder => S3ErrorCode.InvalidPartOrder,
        StorageFault.EntityTooSmall => S3ErrorCode.EntityTooSmall,
        StorageFault.EntityTooLarge => S3ErrorCode.EntityTooLarge,
        StorageFault.IncompleteBody => S3ErrorCode.IncompleteBody,
        StorageFault.InvalidArgument => S3ErrorCode.InvalidArgument,
        StorageFault.BadDigest => S3ErrorCode.BadDigest,
    };
}
