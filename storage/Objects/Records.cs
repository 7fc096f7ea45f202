using Storage.Checksums;

namespace Storage.Objects;

/// <summary>A bucket: one namespace for the whole gateway, owned by the account that created it.</summary>
public sealed record BucketInfo(string Name, string Owner, DateTimeOffset Created);

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
}

/// <summary>
/// One tag of an object, upload or bucket. Storage keeps tags as given: their limits and character rules are a
/// front end's (S3's are in the gateway); storage only uses them to match lifecycle filters.
/// </summary>
public sealed record Tag(string Key, string Value);

/// <summary>One part of a completed multipart object: its number, size, ETag and checksum (base64, if any).</summary>
public sealed record ObjectPart(int PartNumber, long Size, string ETag, string? Checksum);

/// <summary>One page of a listing: objects and the common prefixes keys rolled up into.</summary>
public sealed record ObjectListing(IReadOnlyList<ObjectInfo> Objects, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? LastReturned);
