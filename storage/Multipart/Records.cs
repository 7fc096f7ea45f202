using Storage.Checksums;
using Storage.Objects;

namespace Storage.Multipart;

/// <summary>
/// An incomplete multipart upload. A declared algorithm always comes with its type. <see cref="Attributes"/> become
/// the object's; <see cref="Annotations"/> are the front end's own notes on the upload (a protocol's session
/// fields), kept with it and never copied to the object; past <see cref="ExpiresAt"/> the lifecycle sweep aborts it.
/// </summary>
public sealed record UploadInfo(
    string UploadId,
    string Bucket,
    string Key,
    DateTimeOffset Initiated,
    IReadOnlyDictionary<string, string> Attributes,
    ChecksumAlgorithm? ChecksumAlgorithm,
    ChecksumType? ChecksumType,
    string Owner)
{
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The tag set the object gets at Complete.</summary>
    public IReadOnlyList<Tag> Tags { get; init; } = [];

    /// <summary>The object lock settings the object gets at Complete (null: the bucket's default retention).</summary>
    public LockSettings? Lock { get; init; }

    /// <summary>The grants the object gets at Complete (a front end's document; null for its default).</summary>
    public string? Acl { get; init; }

    /// <summary>The front end's description of the key the parts are encrypted under (null: plaintext); the object gets it at Complete.</summary>
    public string? Encryption { get; init; }
}

/// <summary>
/// What a new upload carries besides its attributes: a front end's annotations, when it expires, the tags and grants
/// the object gets, and who will own the object (null: the account the upload is created for).
/// </summary>
public sealed record UploadExtras(
    IReadOnlyDictionary<string, string>? Annotations = null, DateTimeOffset? ExpiresAt = null, IReadOnlyList<Tag>? Tags = null, LockSettings? Lock = null,
    string? Acl = null, string? Owner = null, string? Encryption = null);

/// <summary>One uploaded part of an incomplete upload; <see cref="Checksum"/> is of the upload's tracked algorithm.</summary>
public sealed record PartInfo(int PartNumber, long Size, string ETag, DateTimeOffset LastModified, string? Checksum);

/// <summary>A stored part, the upload it belongs to and, when the writer declared a checksum, that checksum's computed value.</summary>
public sealed record UploadedPart(PartInfo Part, UploadInfo Upload, string? DeclaredChecksumValue)
{
    /// <summary>The part number already had a part, which was kept (<see cref="UploadPartCommand.KeepExisting"/>): <see cref="Part"/> is that part.</summary>
    public bool Kept { get; init; }
}

/// <summary>One page of incomplete uploads in (key, initiation) order.</summary>
public sealed record UploadListing(IReadOnlyList<UploadInfo> Uploads, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? NextKeyMarker, string? NextUploadIdMarker);

/// <summary>One page of an upload's parts.</summary>
public sealed record PartListing(UploadInfo Upload, IReadOnlyList<PartInfo> Parts, bool IsTruncated);

/// <summary>The result of Complete: the object, and whether this was a retry of a Complete that had already succeeded.</summary>
public sealed record CompleteResult(ObjectInfo Object, bool Retried);
