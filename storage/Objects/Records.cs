using Storage.Checksums;

namespace Storage.Objects;

/// <summary>A bucket: one namespace for the whole gateway, owned by the account that created it.</summary>
public sealed record BucketInfo(string Name, string Owner, DateTimeOffset Created)
{
    public VersioningState Versioning { get; init; }

    /// <summary>Object lock is on (it never goes off): versions can carry retention and legal holds.</summary>
    public bool ObjectLock { get; init; }

    /// <summary>The retention new versions get when a write asks for none.</summary>
    public DefaultRetention? DefaultRetention { get; init; }

    /// <summary>The front end's access documents, read with the bucket so one read serves an access decision.</summary>
    public BucketAccess Access { get; init; } = BucketAccess.None;

    /// <summary>General purpose, or a directory bucket in <see cref="Zone"/>.</summary>
    public BucketKind Kind { get; init; }

    /// <summary>The zone a directory bucket lives in, as its creator named it (null for a general purpose bucket).</summary>
    public string? Zone { get; init; }
}

/// <summary>
/// The two kinds of bucket. A directory bucket (S3 Express One Zone's) lives in one zone; its objects can be appended
/// to and renamed, it keeps no versions, and its storage and requests are metered as a class of their own.
/// </summary>
public enum BucketKind
{
    General,
    Directory,
}

/// <summary>
/// A bucket's access documents as a front end stored them (storage never reads them): its grants, its policy, its
/// object ownership rule and its public access block. Null is the front end's default.
/// </summary>
public sealed record BucketAccess(string? Acl, string? Policy, string? Ownership, string? PublicAccessBlock)
{
    public static readonly BucketAccess None = new(null, null, null, null);

    /// <summary>The bucket's default encryption document (read with the others, as every write needs it).</summary>
    public string? Encryption { get; init; }
}

/// <summary>The documents a front end keeps with a bucket, each stored as given and returned as stored.</summary>
public enum BucketDocument
{
    Cors,
    Acl,
    Policy,
    Ownership,
    PublicAccessBlock,
    Encryption,
}

/// <summary>
/// A bucket's versioning. An unversioned bucket keeps one version per key, the "null" version, and a write replaces
/// it; an enabled one keeps every version under its own id and deletes with delete markers; a suspended one keeps the
/// versions it has and writes (and deletes with markers) the null version. A bucket never goes back to unversioned.
/// </summary>
public enum VersioningState
{
    Unversioned,
    Enabled,
    Suspended,
}

/// <summary>
/// A completed object. <see cref="Attributes"/> are the name/value pairs a front end keeps with the object
/// (content type, user metadata, ...); storage stores and returns them without interpreting them.
/// </summary>
public sealed record ObjectInfo(
    long Id,
    string Bucket,
    string Key,
    long Size,
    string ETag,
    DateTimeOffset LastModified,
    IReadOnlyDictionary<string, string> Attributes,
    ChecksumValue? Checksum,
    int PartsCount,
    string Owner)
{
    /// <summary>The object's tag set, in the order the front end gave it (S3's front end sorts it by key).</summary>
    public IReadOnlyList<Tag> Tags { get; init; } = [];

    /// <summary>The version's grants, a front end's document stored as given (null: its default, private to <see cref="Owner"/>).</summary>
    public string? Acl { get; init; }

    /// <summary>
    /// The front end's description of the key the version's bytes are encrypted under at rest; null: plaintext. A
    /// reader of an encrypted version must give that key (<see cref="ObjectReader.Decrypt"/>).
    /// </summary>
    public string? Encryption { get; init; }

    /// <summary>The version's id: <see cref="ObjectVersions.NullId"/> for the null version, else an opaque id.</summary>
    public string VersionId { get; init; } = ObjectVersions.NullId;

    /// <summary>Whether this is the key's latest version (which a read without a version id gets, unless it is a delete marker).</summary>
    public bool IsLatest { get; init; } = true;

    /// <summary>A delete marker: a version with no data that makes the key read as deleted while it is the latest.</summary>
    public bool IsDeleteMarker { get; init; }

    /// <summary>Whether the bucket's versioning is (or was) on, so the version id belongs in every answer about the object.</summary>
    public bool Versioned { get; init; }

    /// <summary>When a version stopped being the latest (null while it is, or for rows older than versions).</summary>
    public DateTimeOffset? NoncurrentSince { get; init; }

    /// <summary>Object lock retention of this version.</summary>
    public Retention? Retention { get; init; }

    /// <summary>Object lock legal hold of this version.</summary>
    public bool LegalHold { get; init; }

    /// <summary>How many appends made this object after its first write (each counts as a part toward the limit).</summary>
    public int Appends { get; init; }
}

/// <summary>What a delete did: the version it removed, or the delete marker it created.</summary>
/// <param name="VersionId">The version removed or the marker created; null when an unversioned delete removed the null version or nothing.</param>
/// <param name="DeleteMarker">The version removed was a delete marker, or a delete marker was created.</param>
public sealed record DeleteResult(string? VersionId, bool DeleteMarker);

/// <summary>One page of versions and delete markers in (key, newest first) order, with the common prefixes.</summary>
public sealed record VersionListing(
    IReadOnlyList<ObjectInfo> Versions, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? NextKeyMarker, string? NextVersionIdMarker);

/// <summary>
/// One tag of an object, upload or bucket. Storage keeps tags as given: their limits and character rules are a
/// front end's (S3's are in the gateway); storage only uses them to match lifecycle filters.
/// </summary>
public sealed record Tag(string Key, string Value);

/// <summary>One part of a completed multipart object: its number, size, ETag and checksum (base64, if any).</summary>
public sealed record ObjectPart(int PartNumber, long Size, string ETag, string? Checksum);

/// <summary>One page of a listing: objects and the common prefixes keys rolled up into.</summary>
public sealed record ObjectListing(IReadOnlyList<ObjectInfo> Objects, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? LastReturned);
