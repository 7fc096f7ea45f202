using Storage.Segments;

namespace Storage.Metadata;

internal sealed record BucketInfo(string Name, string Owner, DateTimeOffset Created);

/// <summary>A stored checksum: the wire name of the algorithm, the base64 value, and FULL_OBJECT or COMPOSITE.</summary>
internal sealed record StoredChecksum(string Algorithm, string Value, string Type);

/// <summary>
/// A completed object. <see cref="Headers"/> holds the standard headers kept with the object (lowercase names:
/// content-type, cache-control, ...) and the user metadata as x-amz-meta-* entries.
/// </summary>
internal sealed record ObjectInfo(
    long Id,
    string Bucket,
    string Key,
    long Size,
    string ETag,
    DateTimeOffset LastModified,
    IReadOnlyDictionary<string, string> Headers,
    StoredChecksum? Checksum,
    int PartsCount,
    string Owner);

internal sealed record ObjectWithSegments(ObjectInfo Info, IReadOnlyList<SegmentRef> Segments, IReadOnlyList<int> PartNumbers);

/// <summary>One part of a completed multipart object: its number, size, ETag and checksum (base64, if any).</summary>
internal sealed record ObjectPart(int PartNumber, long Size, string ETag, string? Checksum);

/// <summary>An incomplete multipart upload.</summary>
internal sealed record UploadInfo(
    string UploadId,
    string Bucket,
    string Key,
    DateTimeOffset Initiated,
    IReadOnlyDictionary<string, string> Headers,
    string? ChecksumAlgorithm,
    string? ChecksumType,
    string Owner);

/// <summary>One uploaded part of an incomplete upload.</summary>
internal sealed record PartInfo(int PartNumber, long Size, string ETag, DateTimeOffset LastModified, string? Checksum);
