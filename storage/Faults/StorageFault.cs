using Storage.Checksums;

namespace Storage.Faults;

/// <summary>
/// Why storage refused a call, in storage's own terms. Each front end maps every member to its protocol's error
/// in one table; the <see cref="StorageException"/> carries the names and numbers a front end needs to say why.
/// </summary>
public enum StorageFault
{
    /// <summary>No bucket has the name (<see cref="StorageException.Bucket"/>).</summary>
    BucketNotFound,

    /// <summary>The bucket exists but belongs to another account.</summary>
    NotOwner,

    /// <summary>Create: another account owns a bucket of that name.</summary>
    BucketNameTaken,

    /// <summary>Create: the caller already owns a bucket of that name.</summary>
    BucketAlreadyYours,

    /// <summary>Delete: the bucket still holds objects.</summary>
    BucketNotEmpty,

    /// <summary>
    /// The disk is full, or the write would leave less than the reserve free (<see cref="StorageException.Size"/>:
    /// free bytes, when known; <see cref="StorageException.Limit"/>: the reserve). Nothing was stored.
    /// </summary>
    InsufficientStorage,

    /// <summary>No object at (<see cref="StorageException.Bucket"/>, <see cref="StorageException.Key"/>).</summary>
    ObjectNotFound,

    /// <summary>The key has no version <see cref="StorageException.VersionId"/>.</summary>
    VersionNotFound,

    /// <summary>The version asked for (<see cref="StorageException.VersionId"/>) is a delete marker, which has nothing to read.</summary>
    VersionIsDeleteMarker,

    /// <summary>The version is under legal hold or retention that forbids what was asked (delete, or weaken the retention).</summary>
    ObjectLocked,

    /// <summary>An object lock setting or read on a bucket without object lock.</summary>
    ObjectLockNotEnabled,

    /// <summary>The bucket's state forbids the change: object lock on a bucket whose versioning is not enabled, or suspending versioning under object lock.</summary>
    InvalidBucketState,

    /// <summary>The version has no retention to read.</summary>
    NoRetention,

    /// <summary>No incomplete upload <see cref="StorageException.UploadId"/> for that bucket and key.</summary>
    UploadNotFound,

    /// <summary>A precondition did not hold (<see cref="StorageException.Condition"/> names a read condition; null for a write condition).</summary>
    ConditionFailed,

    /// <summary>A read condition says the caller's copy is current (If-None-Match / If-Modified-Since on a read).</summary>
    NotModified,

    /// <summary>A byte range outside the object (<see cref="StorageException.Size"/> is the object's size).</summary>
    RangeOutOfBounds,

    /// <summary>A part copy's source range lies outside the source (<see cref="StorageException.Size"/> is the source's size).</summary>
    CopyRangeOutOfBounds,

    /// <summary>A copy source is larger than a single write may be (<see cref="StorageException.Limit"/>).</summary>
    CopySourceTooLarge,

    /// <summary>More bytes than allowed (<see cref="StorageException.Size"/> when known, <see cref="StorageException.Limit"/>).</summary>
    TooLarge,

    /// <summary>The body's length differs from the declared length (<see cref="StorageException.Size"/> received).</summary>
    LengthMismatch,

    /// <summary>The body's MD5 differs from the one declared.</summary>
    Md5Mismatch,

    /// <summary>The body's checksum differs from the declared one (<see cref="StorageException.Algorithm"/>).</summary>
    ChecksumMismatch,

    /// <summary>A checksum that was to arrive after the body (a trailer) never did (<see cref="StorageException.Algorithm"/>).</summary>
    ChecksumNotReceived,

    /// <summary>A part number outside 1..<see cref="StorageException.Limit"/>.</summary>
    PartNumberOutOfRange,

    /// <summary>Create: the checksum type cannot be combined from parts of that algorithm (<see cref="StorageException.Algorithm"/>, <see cref="StorageException.ChecksumType"/>).</summary>
    ChecksumTypeNotSupported,

    /// <summary>
    /// UploadPart: the part's declared checksum is not of the upload's algorithm, or is missing where the upload's
    /// composite checksum needs it (<see cref="StorageException.Algorithm"/> the upload's, <see cref="StorageException.OtherAlgorithm"/> the part's).
    /// </summary>
    PartChecksumAlgorithmMismatch,

    /// <summary>Complete: a listed part is not stored, or its ETag differs (<see cref="StorageException.PartNumber"/>).</summary>
    UnknownPart,

    /// <summary>Complete: a listed part's checksum differs from the stored part's (<see cref="StorageException.PartNumber"/>).</summary>
    PartChecksumMismatch,

    /// <summary>Complete: a part lists a checksum, but the upload was created without an algorithm.</summary>
    UnexpectedPartChecksum,

    /// <summary>Complete: a part lists a checksum of another algorithm than the upload's (<see cref="StorageException.OtherAlgorithm"/>).</summary>
    PartChecksumWrongAlgorithm,

    /// <summary>Complete: the upload's checksum is composite, and a listed part carries none.</summary>
    MissingPartChecksum,

    /// <summary>Complete: the requested checksum type differs from the upload's (<see cref="StorageException.ChecksumType"/>).</summary>
    ChecksumTypeMismatch,

    /// <summary>Complete: the whole-object checksum the caller claims differs from the one derived from the parts.</summary>
    ObjectChecksumMismatch,

    /// <summary>Complete: the part list is not in ascending part-number order.</summary>
    PartsOutOfOrder,

    /// <summary>Complete: a part other than the last is below the minimum size.</summary>
    PartTooSmall,

    /// <summary>
    /// Complete: more parts than an object may have; an append: more appends (with the parts the object was made of)
    /// than an object may have (<see cref="StorageException.Limit"/>).
    /// </summary>
    TooManyParts,

    /// <summary>An append's offset is not the object's size (<see cref="StorageException.Size"/>: the size now; 0 with no object).</summary>
    WriteOffsetMismatch,

    /// <summary>An append carried no bytes.</summary>
    EmptyAppend,

    /// <summary>
    /// An append declared a checksum of another algorithm than the object's (<see cref="StorageException.Algorithm"/>:
    /// the object's; <see cref="StorageException.OtherAlgorithm"/>: the declared one).
    /// </summary>
    AppendChecksumMismatch,

    /// <summary>An append to an object whose bytes are encrypted at rest: this engine appends only to plaintext objects.</summary>
    AppendToEncrypted,
}

/// <summary>A read precondition, named so a front end can say which one failed.</summary>
public enum ReadCondition
{
    IfMatch,
    IfNoneMatch,
    IfModifiedSince,
    IfUnmodifiedSince,
}

/// <summary>A refused storage call: the fault and what it concerns.</summary>
public sealed class StorageException(StorageFault fault) : Exception(fault.ToString())
{
    public StorageFault Fault { get; } = fault;

    public string? Bucket { get; init; }

    public string? Key { get; init; }

    public string? UploadId { get; init; }

    /// <summary>The version the fault concerns; with ObjectNotFound, the delete marker that is the key's latest version.</summary>
    public string? VersionId { get; init; }

    /// <summary>ObjectNotFound: the key's latest version is a delete marker (<see cref="VersionId"/>).</summary>
    public bool DeleteMarker { get; init; }

    public int? PartNumber { get; init; }

    /// <summary>The ETag the fault concerns: a listed part's as the caller gave it, or (NotModified) the object's.</summary>
    public string? ETag { get; init; }

    /// <summary>NotModified: the object's last-modified time (a 304 carries it with the ETag).</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>A size involved: the proposed or actual size in bytes.</summary>
    public long? Size { get; init; }

    /// <summary>The limit that was crossed.</summary>
    public long? Limit { get; init; }

    public ChecksumAlgorithm? Algorithm { get; init; }

    /// <summary>A second algorithm: what the caller sent where <see cref="Algorithm"/> was expected (null: none).</summary>
    public ChecksumAlgorithm? OtherAlgorithm { get; init; }

    public ChecksumType? ChecksumType { get; init; }

    public ReadCondition? Condition { get; init; }
}
