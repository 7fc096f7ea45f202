using System.Globalization;
using Gateway.Protocol;
using Storage.Faults;

namespace Gateway.Errors;

/// <summary>The one place storage faults become S3 errors: the code, S3's message for it, and the elements S3 adds.</summary>
internal static class FaultMap
{
    private static S3Exception DeleteMarkerVersion(StorageException e)
    {
        var error = new S3Exception(S3ErrorCode.MethodNotAllowed).With("Method", "GET").With("ResourceType", "DeleteMarker")
            .WithHeader("x-amz-delete-marker", "true").WithHeader("Allow", "DELETE");
        if (e.VersionId is { } v)
        {
            error.WithHeader("x-amz-version-id", v);
        }

        return e.LastModified is { } t ? error.WithHeader("Last-Modified", Wire.HttpDate(t)) : error;
    }

    /// <summary>
    /// Any failure a request meets, as the S3 error it is answered with: S3's own, a storage fault, a body the
    /// server could not read (IncompleteBody); anything else is an internal error.
    /// </summary>
    public static S3Exception ToS3(Exception failure) => failure switch
    {
        S3Exception s3 => s3,
        StorageException storage => ToS3(storage),
        BadHttpRequestException => new S3Exception(S3ErrorCode.IncompleteBody),
        _ => new S3Exception(S3ErrorCode.InternalError),
    };

    public static S3Exception ToS3(StorageException e) => e.Fault switch
    {
        StorageFault.BucketNotFound => new S3Exception(S3ErrorCode.NoSuchBucket).With("BucketName", e.Bucket),
        StorageFault.NotOwner => new S3Exception(S3ErrorCode.AccessDenied),
        StorageFault.BucketNameTaken => new S3Exception(S3ErrorCode.BucketAlreadyExists).With("BucketName", e.Bucket),
        StorageFault.BucketAlreadyYours => new S3Exception(S3ErrorCode.BucketAlreadyOwnedByYou).With("BucketName", e.Bucket),
        StorageFault.BucketNotEmpty => new S3Exception(S3ErrorCode.BucketNotEmpty).With("BucketName", e.Bucket),
        StorageFault.InsufficientStorage => new S3Exception(S3ErrorCode.InsufficientStorage,
            (e.Size is { } free ? $"The gateway's disk is full: {free} bytes are free and {N(e.Limit)} are kept in reserve." : "The gateway's disk is full.")
            + " Nothing was stored. DeleteObject, DeleteObjects and AbortMultipartUpload still work: free space and retry."),
        // A key whose latest version is a delete marker reads as deleted, and S3 says so in headers.
        StorageFault.ObjectNotFound => e.DeleteMarker
            ? new S3Exception(S3ErrorCode.NoSuchKey).With("Key", e.Key).WithHeader("x-amz-delete-marker", "true").WithHeader("x-amz-version-id", e.VersionId!)
            : new S3Exception(S3ErrorCode.NoSuchKey).With("Key", e.Key),
        StorageFault.VersionNotFound => new S3Exception(S3ErrorCode.NoSuchVersion).With("Key", e.Key).With("VersionId", e.VersionId),
        // A delete marker has nothing to read: only DELETE applies to it (405 with Allow: DELETE).
        StorageFault.VersionIsDeleteMarker => DeleteMarkerVersion(e),
        StorageFault.ObjectLocked => new S3Exception(S3ErrorCode.AccessDenied, "Access Denied because object protected by object lock."),
        StorageFault.ObjectLockNotEnabled => new S3Exception(S3ErrorCode.InvalidRequest, "Bucket is missing Object Lock Configuration"),
        StorageFault.InvalidBucketState => new S3Exception(S3ErrorCode.InvalidBucketState),
        StorageFault.NoRetention => new S3Exception(S3ErrorCode.NoSuchObjectLockConfiguration),
        StorageFault.UploadNotFound => new S3Exception(S3ErrorCode.NoSuchUpload),
        StorageFault.ConditionFailed => new S3Exception(S3ErrorCode.PreconditionFailed).With("Condition", e.Condition is { } c ? ConditionName(c) : null),
        StorageFault.NotModified => NotModified(e),
        StorageFault.RangeOutOfBounds => new S3Exception(S3ErrorCode.InvalidRange),
        // A well-formed copy range past the source's end is InvalidRange (a malformed one is InvalidArgument,
        // found by the parser before storage is asked).
        StorageFault.CopyRangeOutOfBounds => new S3Exception(S3ErrorCode.InvalidRange, $"Range specified is not valid for source object of size: {N(e.Size)}")
            .With("ActualObjectSize", N(e.Size)),
        StorageFault.CopySourceTooLarge => new S3Exception(S3ErrorCode.InvalidRequest,
            $"The specified copy source is larger than the maximum allowable size for a copy source: {N(e.Limit)}"),
        StorageFault.TooLarge => e.Size is { } size && e.Limit is { } limit
            ? new S3Exception(S3ErrorCode.EntityTooLarge).With("ProposedSize", N(size)).With("MaxSizeAllowed", N(limit))
            : new S3Exception(S3ErrorCode.EntityTooLarge),
        StorageFault.LengthMismatch => new S3Exception(S3ErrorCode.IncompleteBody),
        StorageFault.Md5Mismatch => new S3Exception(S3ErrorCode.BadDigest),
        StorageFault.ChecksumMismatch => new S3Exception(S3ErrorCode.BadDigest, $"The {ChecksumNames.WireName(e.Algorithm!.Value)} you specified did not match the calculated checksum."),
        StorageFault.ChecksumNotReceived => new S3Exception(S3ErrorCode.InvalidRequest, $"The trailer {ChecksumNames.HeaderName(e.Algorithm!.Value)} was declared but not sent."),
        StorageFault.PartNumberOutOfRange => new S3Exception(S3ErrorCode.InvalidArgument, $"Part number must be an integer between 1 and {N(e.Limit)}, inclusive")
            .With("ArgumentName", "partNumber").With("ArgumentValue", N(e.PartNumber)),
        StorageFault.ChecksumTypeNotSupported => new S3Exception(S3ErrorCode.InvalidRequest,
            $"The {ChecksumNames.TypeName(e.ChecksumType!.Value)} checksum type cannot be used with the {ChecksumNames.Lower(e.Algorithm!.Value)} checksum algorithm."),
        StorageFault.PartChecksumAlgorithmMismatch => new S3Exception(S3ErrorCode.InvalidRequest,
            $"Checksum Type mismatch occurred, expected checksum Type: {ChecksumNames.Lower(e.Algorithm!.Value)}, actual checksum Type: {(e.OtherAlgorithm is { } o ? ChecksumNames.Lower(o) : "null")}"),
        StorageFault.UnknownPart => new S3Exception(S3ErrorCode.InvalidPart,
            $"One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag. (part {N(e.PartNumber)})"),
        StorageFault.PartChecksumMismatch => new S3Exception(S3ErrorCode.InvalidPart,
            $"The checksum given for part {N(e.PartNumber)} does not match the checksum of the uploaded part."),
        StorageFault.UnexpectedPartChecksum => new S3Exception(S3ErrorCode.InvalidPart)
            .With("UploadId", e.UploadId).With("PartNumber", N(e.PartNumber)).With("ETag", e.ETag),
        StorageFault.PartChecksumWrongAlgorithm => new S3Exception(S3ErrorCode.BadDigest,
            $"The {ChecksumNames.Lower(e.OtherAlgorithm!.Value)} you specified for part {N(e.PartNumber)} did not match what we received."),
        StorageFault.MissingPartChecksum => new S3Exception(S3ErrorCode.InvalidRequest,
            $"The upload was created using a {ChecksumNames.Lower(e.Algorithm!.Value)} checksum. The complete request must include the checksum for each part. It was missing for part {N(e.PartNumber)} in the request."),
        StorageFault.ChecksumTypeMismatch => new S3Exception(S3ErrorCode.InvalidRequest,
            $"The upload was created using the {ChecksumNames.TypeName(e.ChecksumType!.Value)} checksum mode. The complete request must use the same checksum mode."),
        StorageFault.ObjectChecksumMismatch => new S3Exception(S3ErrorCode.BadDigest,
            $"The {ChecksumNames.Lower(e.Algorithm!.Value)} you specified did not match the calculated checksum."),
        StorageFault.PartsOutOfOrder => new S3Exception(S3ErrorCode.InvalidPartOrder),
        StorageFault.PartTooSmall => new S3Exception(S3ErrorCode.EntityTooSmall,
            $"Your proposed upload is smaller than the minimum allowed object size. (part {N(e.PartNumber)}: {N(e.Size)} bytes, minimum {N(e.Limit)})"),
        // An append's limit is S3 Express's TooManyParts; Complete's is the general purpose answer.
        StorageFault.TooManyParts => e.UploadId is null ? new S3Exception(S3ErrorCode.TooManyParts)
            : new S3Exception(S3ErrorCode.InvalidArgument, $"Too many parts: at most {N(e.Limit)} are allowed."),
        StorageFault.WriteOffsetMismatch => new S3Exception(S3ErrorCode.InvalidWriteOffset).With("CurrentObjectSize", N(e.Size)),
        StorageFault.EmptyAppend => new S3Exception(S3ErrorCode.InvalidRequest, "Request body cannot be empty when 'write offset' is specified."),
        StorageFault.AppendChecksumMismatch => new S3Exception(S3ErrorCode.InvalidRequest,
            $"Checksum Type mismatch occurred, expected checksum Type: {ChecksumNames.Lower(e.Algorithm!.Value)}, actual checksum Type: {ChecksumNames.Lower(e.OtherAlgorithm!.Value)}."),
        StorageFault.AppendToEncrypted => new S3Exception(S3ErrorCode.NotImplemented, "This gateway appends only to objects that are not encrypted at rest."),
    };

    public static string ConditionName(ReadCondition c) => c switch
    {
        ReadCondition.IfMatch => "If-Match",
        ReadCondition.IfNoneMatch => "If-None-Match",
        ReadCondition.IfModifiedSince => "If-Modified-Since",
        ReadCondition.IfUnmodifiedSince => "If-Unmodified-Since",
    };

    private static string N(long? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>A 304 carries the object's ETag and Last-Modified, as S3's does (caches revalidate with them).</summary>
    private static S3Exception NotModified(StorageException e)
    {
        var x = new S3Exception(S3ErrorCode.NotModified);
        if (e.ETag is { } etag)
        {
            x.WithHeader("ETag", Wire.Quote(etag));
        }

        if (e.LastModified is { } modified)
        {
            x.WithHeader("Last-Modified", Wire.HttpDate(modified));
        }

        return x;
    }
}
