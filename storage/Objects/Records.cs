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
    string Owner);

/// <summary>One part of a completed multipart object: its number, size, ETag and checksum (base64, if any).</summary>
public sealed record ObjectPart(int PartNumber, long Size, string ETag, string? Checksum);

/// <summary>One page of a listing: objects and the common prefixes keys rolled up into.</summary>
public sealed record ObjectListing(IReadOnlyList<ObjectInfo> Objects, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? LastReturned);
