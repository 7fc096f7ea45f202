using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Storage.Checksums;
using Storage.Faults;
using Storage.Metadata;
using Storage.Objects;
using Storage.Segments;
using Storage.Usage;

namespace Storage.Multipart;

internal sealed record UploadPartCommand(string Bucket, string Key, string UploadId, int PartNumber, string Account, long? DeclaredLength, byte[]? ExpectedMd5);

internal sealed record CopyPartCommand(
    string Bucket, string Key, string UploadId, int PartNumber, string Account,
    string SourceBucket, string SourceKey, (long Start, long Length)? Range);

internal sealed record CompletePart(int PartNumber, string ETag, string? Checksum);

/// <summary>
/// A Complete request. <paramref name="Verify"/> sees the upload and the object about to be created, inside the
/// commit transaction: the gateway checks per-part and whole-object checksum rules there and may throw.
/// </summary>
internal sealed record CompleteCommand(
    string Bucket, string Key, string UploadId, string Account, IReadOnlyList<CompletePart> Parts, WriteConditions Conditions,
    Action<UploadInfo, ObjectInfo>? Verify = null);

/// <summary>The result of Complete: the object, and whether this was a retry of a Complete that had already succeeded.</summary>
internal sealed record CompleteResult(ObjectInfo Object, bool Retried);

internal sealed record UploadListing(IReadOnlyList<UploadInfo> Uploads, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? NextKeyMarker, string? NextUploadIdMarker);

internal sealed record PartListing(UploadInfo Upload, IReadOnlyList<PartInfo> Parts, bool IsTruncated);

/// <summary>
/// Multipart uploads. Parts stream into segment files exactly like objects; Complete turns the listed parts'
/// segment ranges into the object's segment list in one transaction, without reading or copying a byte.
/// Every state change is one transaction; segment files are promoted before the row that references them and
/// deleted only after the transaction that stopped referencing them.
/// </summary>
internal sealed partial class MultipartService(MetadataStore db, SegmentStore segments, ObjectService objects, IClock clock, MultipartLimits limits)
{
    private readonly Segmenter _segmenter = new(segments);
    private readonly UploadIds _ids = new();

    public MultipartLimits Limits => limits;

    public UploadInfo Create(string bucket, string key, string account, IReadOnlyDictionary<string, string> headers, string? checksumAlgorithm, string? checksumType) =>
        db.Write((c, tx) =>
        {
            BucketService.Require(c, tx, bucket, account);
            var now = BucketService.Truncate(clock.UtcNow);
            var info = new UploadInfo(_ids.Next(now), bucket, key, now, headers, checksumAlgorithm, checksumType, account);
            MetadataStore.Execute(c, tx,
                "INSERT INTO uploads(upload_id, bucket, key, initiated, headers, checksum_algorithm, checksum_type, owner, accrued_to) VALUES ($u, $b, $k, $t, $h, $ca, $ct, $o, $t);",
                ("$u", info.UploadId), ("$b", bucket), ("$k", key), ("$t", now.ToUnixTimeMilliseconds()), ("$h", JsonSerializer.Serialize(headers)),
                ("$ca", checksumAlgorithm), ("$ct", checksumType), ("$o", account));
            UsageMeter.Apply(c, tx, bucket, now, UsageDelta.Upload(1));
            return info;
        });

    /// <summary>The upload if it exists for this bucket and key and the account owns the bucket; NoSuchUpload otherwise.</summary>
    public UploadInfo Require(string bucket, string key, string uploadId, string account) => db.Read(c => Require(c, null, bucket, key, uploadId, account));

    private static UploadInfo Require(SqliteConnection c, SqliteTransaction? tx, string bucket, string key, string uploadId, string account)
    {
        BucketService.Require(c, tx, bucket, account);
        return Find(c, tx, uploadId) is { } u && u.Bucket == bucket && u.Key == key ? u : throw new StorageException(StorageFault.NoSuchUpload);
    }

    private static UploadInfo? Find(SqliteConnection c, SqliteTransaction? tx, string uploadId)
    {
        using var cmd = MetadataStore.Command(c, tx,
            "SELECT upload_id, bucket, key, initiated, headers, checksum_algorithm, checksum_type, owner FROM uploads WHERE upload_id = $u;", ("$u", uploadId));
        using var r = cmd.ExecuteReader();
        return r.Read() ? MapUpload(r) : null;
    }

    private static UploadInfo MapUpload(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
        JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(4)) ?? [],
        r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7));

    /// <summary>
    /// Stores one part. The upload is checked before the first body byte is read and again in the commit, so a
    /// part racing Complete or Abort either lands before them or is refused with NoSuchUpload and leaves nothing.
    /// Re-uploading a part number replaces the old part atomically and frees its data.
    /// </summary>
    public async Task<PartInfo> UploadPartAsync(UploadPartCommand cmd, Stream body, Func<string?> checksumAtEnd, CancellationToken ct)
    {
        Require(cmd.Bucket, cmd.Key, cmd.UploadId, cmd.Account);
        using var staged = await _segmenter.StageAsync(body, limits.MaxPartSize, ct).ConfigureAwait(false);
        if (cmd.DeclaredLength is { } declared && staged.Length != declared)
        {
            throw new StorageException(StorageFault.IncompleteBody);
        }

        if (cmd.ExpectedMd5 is not null && !cmd.ExpectedMd5.AsSpan().SequenceEqual(staged.Md5))
        {
            throw new StorageException(StorageFault.BadDigest);
        }

        var part = new PartInfo(cmd.PartNumber, staged.Length, Convert.ToHexStringLower(staged.Md5), BucketService.Truncate(clock.UtcNow), checksumAtEnd());
        staged.Promote();
        List<string> orphans;
        try
        {
            orphans = db.Write((c, tx) =>
            {
                Require(c, tx, cmd.Bucket, cmd.Key, cmd.UploadId, cmd.Account);
                return PutPart(c, tx, cmd.UploadId, part, staged.Segments);
            });
        }
        catch
        {
            staged.Unpromote();
            throw;
        }

        segments.DeleteUnreferenced(orphans);
        return part;
    }

    /// <summary>Upserts a part row and its segment ranges; returns the segments the replaced part no longer needs.</summary>
    private static List<string> PutPart(SqliteConnection c, SqliteTransaction tx, string uploadId, PartInfo part, IReadOnlyList<SegmentRef> segs)
    {
        var old = PartSegments(c, tx, uploadId, part.PartNumber);
        var oldSize = MetadataStore.Scalar<long?>(c, tx, "SELECT size FROM parts WHERE upload_id = $u AND part_number = $p;", ("$u", uploadId), ("$p", part.PartNumber));
        var delta = UsageDelta.Part(1, part.Size, segs.Count);
        if (oldSize is { } size)
        {
            delta += UsageDelta.Part(-1, size, old.Count);
        }

        // The bucket's meter and the upload's own integral change with the part row, in this transaction.
        var bucket = MetadataStore.Scalar<string>(c, tx, "SELECT bucket FROM uploads WHERE upload_id = $u;", ("$u", uploadId))!;
        UsageMeter.Apply(c, tx, bucket, part.LastModified, delta);
        AccrueUpload(c, tx, uploadId, part.LastModified, delta.PartBytes, delta.PartSegments);
        MetadataStore.Execute(c, tx, "DELETE FROM parts WHERE upload_id = $u AND part_number = $p;", ("$u", uploadId), ("$p", part.PartNumber));
        MetadataStore.Execute(c, tx,
            "INSERT INTO parts(upload_id, part_number, size, etag, checksum_value, last_modified) VALUES ($u, $p, $s, $e, $cv, $t);",
            ("$u", uploadId), ("$p", part.PartNumber), ("$s", part.Size), ("$e", part.ETag), ("$cv", part.Checksum), ("$t", part.LastModified.ToUnixTimeMilliseconds()));
        using var insert = MetadataStore.Command(c, tx,
            "INSERT INTO part_segments(upload_id, part_number, seq, segment_id, seg_offset, length) VALUES ($u, $p, $seq, $sid, $off, $len);",
            ("$u", uploadId), ("$p", part.PartNumber), ("$seq", 0), ("$sid", ""), ("$off", 0L), ("$len", 0L));
        for (var i = 0; i < segs.Count; i++)
        {
            insert.Parameters["$seq"].Value = i;
            insert.Parameters["$sid"].Value = segs[i].SegmentId;
            insert.Parameters["$off"].Value = segs[i].Offset;
            insert.Parameters["$len"].Value = segs[i].Length;
            insert.ExecuteNonQuery();
        }

        return ObjectRows.Unreferenced(c, tx, old.Select(s => s.SegmentId));
    }

    private static List<SegmentRef> PartSegments(SqliteConnection c, SqliteTransaction? tx, string uploadId, int partNumber)
    {
        using var cmd = MetadataStore.Command(c, tx,
            "SELECT segment_id, seg_offset, length FROM part_segments WHERE upload_id = $u AND part_number = $p ORDER BY seq;", ("$u", uploadId), ("$p", partNumber));
        using var r = cmd.ExecuteReader();
        var list = new List<SegmentRef>();
        while (r.Read())
        {
            list.Add(new SegmentRef(r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
        }

        return list;
    }

    /// <summary>
    /// UploadPartCopy: the part references the source object's segment ranges (no data is written). The copied
    /// bytes are read once to compute the part's MD5 (its ETag) and, where the upload has one, its checksum.
    /// <paramref name="checkSource"/> runs against the source row (copy-source conditions and size limits).
    /// </summary>
    public async Task<PartInfo> CopyPartAsync(CopyPartCommand cmd, Action<ObjectInfo> checkSource, CancellationToken ct)
    {
        var upload = Require(cmd.Bucket, cmd.Key, cmd.UploadId, cmd.Account);
        // The same snapshot-and-lease as a GET: the source's files outlive a concurrent replace while we read them.
        var (src, lease) = objects.Acquire(cmd.SourceBucket, cmd.SourceKey, cmd.Account);
        using (lease)
        {
            checkSource(src.Info);
            var (start, length) = cmd.Range ?? (0, src.Info.Size);
            if (start < 0 || length < 0 || start + length > src.Info.Size)
            {
                throw new StorageException(StorageFault.InvalidRange);
            }

            if (length > limits.MaxPartSize)
            {
                throw new StorageException(StorageFault.EntityTooLarge);
            }

            var slice = Slice(src.Segments, start, length);
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            using var checksum = IncrementalChecksum.Create(MultipartRules.Effective(upload.ChecksumAlgorithm));
            var buffer = new byte[256 * 1024];
            await using (var read = new SegmentReadStream(segments, src.Segments, start, length, NoLease.Instance))
            {
                int n;
                while ((n = await read.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    md5.AppendData(buffer, 0, n);
                    checksum.Append(buffer.AsSpan(0, n));
                }
            }

            var part = new PartInfo(cmd.PartNumber, length, Convert.ToHexStringLower(md5.GetHashAndReset()), BucketService.Truncate(clock.UtcNow), checksum.FinishBase64());
            var orphans = db.Write((c, tx) =>
            {
                Require(c, tx, cmd.Bucket, cmd.Key, cmd.UploadId, cmd.Account);
                // The source may have been replaced while we read; its segments are leased, so the slice is
                // still readable, but the part must only reference segments some row keeps alive.
                var current = ObjectRows.Find(c, tx, cmd.SourceBucket, cmd.SourceKey);
                if (current is null || current.Id != src.Info.Id)
                {
                    throw new StorageException(StorageFault.PreconditionFailed, "The copy source changed while it was being copied.");
                }

                return PutPart(c, tx, cmd.UploadId, part, slice);
            });
            segments.DeleteUnreferenced(orphans);
            return part;
        }
    }

    /// <summary>The segment ranges covering [start, start + length) of an object's segment list.</summary>
    internal static List<SegmentRef> Slice(IReadOnlyList<SegmentRef> segs, long start, long length)
    {
        var result = new List<SegmentRef>();
        long pos = 0;
        var end = start + length;
        foreach (var s in segs)
        {
            var sEnd = pos + s.Length;
            if (sEnd > start && pos < end)
            {
                var from = Math.Max(start, pos);
                var to = Math.Min(end, sEnd);
                result.Add(new SegmentRef(s.SegmentId, s.Offset + (from - pos), to - from));
            }

            pos = sEnd;
            if (pos >= end)
            {
                break;
            }
        }

        return result;
    }

    public PartListing ListParts(string bucket, string key, string uploadId, string account, int marker, int maxParts) => db.Read(c =>
    {
        var upload = Require(c, null, bucket, key, uploadId, account);
        using var cmd = MetadataStore.Command(c, null,
            "SELECT part_number, size, etag, last_modified, checksum_value FROM parts WHERE upload_id = $u AND part_number > $m ORDER BY part_number LIMIT $n;",
            ("$u", uploadId), ("$m", marker), ("$n", maxParts + 1));
        using var r = cmd.ExecuteReader();
        var parts = new List<PartInfo>();
        while (r.Read())
        {
            parts.Add(new PartInfo(r.GetInt32(0), r.GetInt64(1), r.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.IsDBNull(4) ? null : r.GetString(4)));
        }

        var truncated = parts.Count > maxParts;
        return new PartListing(upload, truncated ? parts[..maxParts] : parts, truncated);
    });

    public void Abort(string bucket, string key, string uploadId, string account)
    {
        var orphans = db.Write((c, tx) =>
        {
            Require(c, tx, bucket, key, uploadId, account);
            return DeleteUpload(c, tx, uploadId, clock.UtcNow);
        });
        segments.DeleteUnreferenced(orphans);
    }

    /// <summary>
    /// Integrates an upload's bytes and segments over time up to <paramref name="now"/>, then changes them: the
    /// per-upload figure behind each incomplete upload's accrued byte-hours and cost.
    /// </summary>
    private static void AccrueUpload(SqliteConnection c, SqliteTransaction tx, string uploadId, DateTimeOffset now, long bytes, long segments) =>
        MetadataStore.Execute(c, tx,
            "UPDATE uploads SET byte_ms = byte_ms + bytes * MAX(0, $t - accrued_to), segment_ms = segment_ms + segments * MAX(0, $t - accrued_to), " +
            "accrued_to = MAX(accrued_to, $t), bytes = bytes + $db, segments = segments + $ds WHERE upload_id = $u;",
            ("$t", now.ToUnixTimeMilliseconds()), ("$db", bytes), ("$ds", segments), ("$u", uploadId));

    /// <summary>Deletes the upload with its parts; returns the segments nothing references any more.</summary>
    private static List<string> DeleteUpload(SqliteConnection c, SqliteTransaction tx, string uploadId, DateTimeOffset now)
    {
        using (var totals = MetadataStore.Command(c, tx,
            "SELECT u.bucket, (SELECT COUNT(*) FROM parts p WHERE p.upload_id = u.upload_id), (SELECT COALESCE(SUM(size), 0) FROM parts p WHERE p.upload_id = u.upload_id), " +
            "(SELECT COUNT(*) FROM part_segments s WHERE s.upload_id = u.upload_id) FROM uploads u WHERE u.upload_id = $u;", ("$u", uploadId)))
        using (var r = totals.ExecuteReader())
        {
            if (r.Read())
            {
                var bucket = r.GetString(0);
                var delta = UsageDelta.Upload(-1) + new UsageDelta(0, 0, 0, 0, -r.GetInt64(1), -r.GetInt64(2), -r.GetInt64(3));
                r.Close();
                UsageMeter.Apply(c, tx, bucket, now, delta);
            }
        }

        var ids = new List<string>();
        using (var cmd = MetadataStore.Command(c, tx, "SELECT segment_id FROM part_segments WHERE upload_id = $u;", ("$u", uploadId)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                ids.Add(r.GetString(0));
            }
        }

        MetadataStore.Execute(c, tx, "DELETE FROM uploads WHERE upload_id = $u;", ("$u", uploadId));
        return ObjectRows.Unreferenced(c, tx, ids);
    }

    /// <summary>A lease owned elsewhere: the reader inside <see cref="CopyPartAsync"/> runs under the caller's lease.</summary>
    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}
