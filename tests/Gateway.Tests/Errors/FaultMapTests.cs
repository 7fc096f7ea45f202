using Gateway.Errors;
using Storage.Checksums;
using Storage.Faults;

namespace Gateway.Tests.Errors;

/// <summary>FaultMap: every storage fault, with the context storage gives it, becomes the S3 error S3 answers.</summary>
[TestFixture]
internal sealed class FaultMapTests
{
    private static StorageException F(StorageFault f) => new(f)
    {
        Bucket = "bkt",
        Key = "dir/k",
        UploadId = "u1",
        VersionId = "v1",
        PartNumber = 3,
        ETag = "abc",
        Size = 10,
        Limit = 5,
        Algorithm = ChecksumAlgorithm.Crc32C,
        OtherAlgorithm = ChecksumAlgorithm.Sha256,
        ChecksumType = ChecksumType.FullObject,
        Condition = ReadCondition.IfUnmodifiedSince,
    };

    /// <summary>(fault, S3 code, message or null for the table's default, extra elements).</summary>
    private static readonly (StorageFault Fault, S3ErrorCode Code, string? Message, string[] Extra)[] Table =
    [
        (StorageFault.BucketNotFound, S3ErrorCode.NoSuchBucket, null, ["BucketName=bkt"]),
        (StorageFault.NotOwner, S3ErrorCode.AccessDenied, null, []),
        (StorageFault.BucketNameTaken, S3ErrorCode.BucketAlreadyExists, null, ["BucketName=bkt"]),
        (StorageFault.BucketAlreadyYours, S3ErrorCode.BucketAlreadyOwnedByYou, null, ["BucketName=bkt"]),
        (StorageFault.BucketNotEmpty, S3ErrorCode.BucketNotEmpty, null, ["BucketName=bkt"]),
        (StorageFault.InsufficientStorage, S3ErrorCode.InsufficientStorage,
            "The gateway's disk is full: 10 bytes are free and 5 are kept in reserve. Nothing was stored. DeleteObject, DeleteObjects and AbortMultipartUpload still work: free space and retry.", []),
        (StorageFault.ObjectNotFound, S3ErrorCode.NoSuchKey, null, ["Key=dir/k"]),
        (StorageFault.VersionNotFound, S3ErrorCode.NoSuchVersion, null, ["Key=dir/k", "VersionId=v1"]),
        (StorageFault.VersionIsDeleteMarker, S3ErrorCode.MethodNotAllowed, null, ["Method=GET", "ResourceType=DeleteMarker"]),
        (StorageFault.ObjectLocked, S3ErrorCode.AccessDenied, "Access Denied because object protected by object lock.", []),
        (StorageFault.ObjectLockNotEnabled, S3ErrorCode.InvalidRequest, "Bucket is missing Object Lock Configuration", []),
        (StorageFault.InvalidBucketState, S3ErrorCode.InvalidBucketState, null, []),
        (StorageFault.NoRetention, S3ErrorCode.NoSuchObjectLockConfiguration, null, []),
        (StorageFault.UploadNotFound, S3ErrorCode.NoSuchUpload, null, []),
        (StorageFault.ConditionFailed, S3ErrorCode.PreconditionFailed, null, ["Condition=If-Unmodified-Since"]),
        (StorageFault.NotModified, S3ErrorCode.NotModified, null, []),
        (StorageFault.RangeOutOfBounds, S3ErrorCode.InvalidRange, null, []),
        (StorageFault.CopyRangeOutOfBounds, S3ErrorCode.InvalidRange, "Range specified is not valid for source object of size: 10", ["ActualObjectSize=10"]),
        (StorageFault.CopySourceTooLarge, S3ErrorCode.InvalidRequest, "The specified copy source is larger than the maximum allowable size for a copy source: 5", []),
        (StorageFault.TooLarge, S3ErrorCode.EntityTooLarge, null, ["ProposedSize=10", "MaxSizeAllowed=5"]),
        (StorageFault.LengthMismatch, S3ErrorCode.IncompleteBody, null, []),
        (StorageFault.Md5Mismatch, S3ErrorCode.BadDigest, null, []),
        (StorageFault.ChecksumMismatch, S3ErrorCode.BadDigest, "The CRC32C you specified did not match the calculated checksum.", []),
        (StorageFault.ChecksumNotReceived, S3ErrorCode.InvalidRequest, "The trailer x-amz-checksum-crc32c was declared but not sent.", []),
        (StorageFault.PartNumberOutOfRange, S3ErrorCode.InvalidArgument, "Part number must be an integer between 1 and 5, inclusive", ["ArgumentName=partNumber", "ArgumentValue=3"]),
        (StorageFault.ChecksumTypeNotSupported, S3ErrorCode.InvalidRequest, "The FULL_OBJECT checksum type cannot be used with the crc32c checksum algorithm.", []),
        (StorageFault.PartChecksumAlgorithmMismatch, S3ErrorCode.InvalidRequest,
            "Checksum Type mismatch occurred, expected checksum Type: crc32c, actual checksum Type: sha256", []),
        (StorageFault.UnknownPart, S3ErrorCode.InvalidPart,
            "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag. (part 3)", []),
        (StorageFault.PartChecksumMismatch, S3ErrorCode.InvalidPart, "The checksum given for part 3 does not match the checksum of the uploaded part.", []),
        (StorageFault.UnexpectedPartChecksum, S3ErrorCode.InvalidPart, null, ["UploadId=u1", "PartNumber=3", "ETag=abc"]),
        (StorageFault.PartChecksumWrongAlgorithm, S3ErrorCode.BadDigest, "The sha256 you specified for part 3 did not match what we received.", []),
        (StorageFault.MissingPartChecksum, S3ErrorCode.InvalidRequest,
            "The upload was created using a crc32c checksum. The complete request must include the checksum for each part. It was missing for part 3 in the request.", []),
        (StorageFault.ChecksumTypeMismatch, S3ErrorCode.InvalidRequest,
            "The upload was created using the FULL_OBJECT checksum mode. The complete request must use the same checksum mode.", []),
        (StorageFault.ObjectChecksumMismatch, S3ErrorCode.BadDigest, "The crc32c you specified did not match the calculated checksum.", []),
        (StorageFault.PartsOutOfOrder, S3ErrorCode.InvalidPartOrder, null, []),
        (StorageFault.PartTooSmall, S3ErrorCode.EntityTooSmall,
            "Your proposed upload is smaller than the minimum allowed object size. (part 3: 10 bytes, minimum 5)", []),
        (StorageFault.TooManyParts, S3ErrorCode.InvalidArgument, "Too many parts: at most 5 are allowed.", []),
        (StorageFault.WriteOffsetMismatch, S3ErrorCode.InvalidWriteOffset, null, ["CurrentObjectSize=10"]),
        (StorageFault.EmptyAppend, S3ErrorCode.InvalidRequest, "Request body cannot be empty when 'write offset' is specified.", []),
        (StorageFault.AppendChecksumMismatch, S3ErrorCode.InvalidRequest, "Checksum Type mismatch occurred, expected checksum Type: crc32c, actual checksum Type: sha256.", []),
        (StorageFault.AppendToEncrypted, S3ErrorCode.NotImplemented, "This gateway appends only to objects that are not encrypted at rest.", []),
    ];

    [Test]
    public void AnAppendsPartLimitIsS3ExpresssTooManyParts()
    {
        var e = FaultMap.ToS3(new StorageException(StorageFault.TooManyParts) { Bucket = "b--use1-az4--x-s3", Key = "k", Limit = 10000 });
        Assert.That((e.Code, S3ErrorTable.Lookup(e.Code).Code, S3ErrorTable.Lookup(e.Code).Status), Is.EqualTo((S3ErrorCode.TooManyParts, "TooManyParts", 400)));
    }

    [Test]
    public void TheTableNamesEveryFaultOnce()
    {
        Assert.That(Table.Select(t => t.Fault), Is.EquivalentTo(Enum.GetValues<StorageFault>()));
    }

    [Test]
    public void EveryFaultBecomesS3sErrorWithItsContext()
    {
        Assert.Multiple(() =>
        {
            foreach (var (fault, code, message, extra) in Table)
            {
                var e = FaultMap.ToS3(F(fault));
                Assert.That(e.Code, Is.EqualTo(code), fault.ToString());
                Assert.That(e.Message, Is.EqualTo(message ?? S3ErrorTable.Lookup(code).Message), fault.ToString());
                Assert.That(e.Extra.Select(x => x.Key + "=" + x.Value), Is.EqualTo(extra), fault.ToString());
            }
        });
    }

    [Test]
    public void MissingContextAddsNoEmptyElements()
    {
        Assert.That(FaultMap.ToS3(new StorageException(StorageFault.ConditionFailed)).Extra, Is.Empty, "a write condition names no read condition");
        Assert.That(FaultMap.ToS3(new StorageException(StorageFault.TooLarge) { Limit = 5 }).Extra, Is.Empty, "no proposed size: no size elements");
    }

    [Test]
    public void NotModifiedCarriesTheObjectsETagAndLastModifiedAsHeaders()
    {
        var e = FaultMap.ToS3(new StorageException(StorageFault.NotModified) { ETag = "abc", LastModified = new DateTimeOffset(2026, 11, 2, 3, 4, 5, TimeSpan.Zero) });
        Assert.That(e.ResponseHeaders.Select(h => h.Key + ": " + h.Value), Is.EqualTo(new[] { "ETag: \"abc\"", "Last-Modified: Mon, 02 Nov 2026 03:04:05 GMT" }));
        Assert.That(FaultMap.ToS3(new StorageException(StorageFault.NotModified)).ResponseHeaders, Is.Empty);
    }

    [Test]
    public void ADeleteMarkerIsSaidInHeaders()
    {
        var latest = FaultMap.ToS3(new StorageException(StorageFault.ObjectNotFound) { Key = "k", VersionId = "m1", DeleteMarker = true });
        Assert.That(latest.Code, Is.EqualTo(S3ErrorCode.NoSuchKey));
        Assert.That(latest.ResponseHeaders.Select(h => h.Key + ": " + h.Value), Is.EqualTo(new[] { "x-amz-delete-marker: true", "x-amz-version-id: m1" }));
        Assert.That(FaultMap.ToS3(new StorageException(StorageFault.ObjectNotFound) { Key = "k" }).ResponseHeaders, Is.Empty);
        var byId = FaultMap.ToS3(new StorageException(StorageFault.VersionIsDeleteMarker)
        {
            VersionId = "m1",
            LastModified = new DateTimeOffset(2026, 11, 2, 3, 4, 5, TimeSpan.Zero),
        });
        Assert.That(byId.ResponseHeaders.Select(h => h.Key + ": " + h.Value), Is.EqualTo(new[]
        {
            "x-amz-delete-marker: true", "Allow: DELETE", "x-amz-version-id: m1", "Last-Modified: Mon, 02 Nov 2026 03:04:05 GMT",
        }));
    }
}
