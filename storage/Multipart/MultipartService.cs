using System.Security.Cryptography;
using Storage.Checksums;
using Storage.Faults;
using Storage.Metadata;
using Storage.Objects;
using Storage.Segments;
using Storage.Usage;

namespace Storage.Multipart;

/// <summary>One part: which upload and number, and what the writer declared about its body.</summary>
public sealed record UploadPartCommand(string Bucket, string Key, string UploadId, int PartNumber, string Account, BodyChecks Body)
{
    /// <summary>The key the upload's parts are encrypted under (null: plaintext).</summary>
    public DataKey? DataKey { get; init; }

    /// <summary>The part's ETag is not its MD5 (see <see cref="DataKey.OpaqueETag"/>).</summary>
    public bool OpaqueETag { get; init; }

    /// <summary>
    /// The upload as the front end has just read it (<see cref="MultipartService.Require(string, string, string, string)"/>
    /// or <see cref="MultipartService.Lookup"/>): storage then does not read it again before the body. The commit
    /// still checks, inside its transaction, that it is open.
    /// </summary>
    public UploadInfo? Upload { get; init; }

    /// <summary>
    /// Keep a part already stored under this number instead of replacing it, decided in the commit's transaction:
    /// for protocols whose parts are immutable. The result then carries the part that was kept.
    /// </summary>
    public bool KeepExisting { get; init; }
}

/// <summary>A part made of a byte range of an existing object; <paramref name="SourceConditions"/> are checked against the source.</summary>
public sealed record CopyPartCommand(
    string Bucket, string Key, string UploadId, int PartNumber, string Account,
    string SourceBucket, string SourceKey, (long Start, long Length)? Range, ReadConditions? SourceConditions = null)
{
    /// <summary>The source version; null copies from the source key's current object.</summary>
    public string? SourceVersionId { get; init; }

    /// <summary>The source bucket's owner, when it is not <see cref="Account"/> (the front end has decided the copy may read it).</summary>
    public string? SourceAccount { get; init; }

    /// <summary>The key the source is encrypted under, and the one the upload's parts are: the part shares the source's segments only when they are the same.</summary>
    public DataKey? SourceDataKey { get; init; }

    public DataKey? DataKey { get; init; }

    public bool OpaqueETag { get; init; }
}

/// <summary>
/// Multipart uploads. Parts stream into segment files exactly like objects; Complete turns the listed parts'
/// segment ranges into the object's segment list in one transaction, without reading or copying a byte.
/// Every state change is one transaction; segment files are promoted before the row that references them and
/// deleted only after the transaction that stopped referencing them.
/// </summary>
public sealed partial class MultipartService
{
    private readonly MetadataStore _db;
    private readonly SegmentStore _segments;
    private readonly ObjectService _objects;
    private readonly IClock _clock;
    private readonly Segmenter _segmenter;
    private readonly UploadIds _ids = new();

    internal MultipartService(MetadataStore db, SegmentStore segments, ObjectService objects, IClock clock, StorageLimits limits)
    {
        _db = db;
        _segments = segments;
        _objects = objects;
        _clock = clock;
        Limits = limits;
        _segmenter = new Segmenter(segments);
    }

    public StorageLimits Limits { get; }

    /// <summary>
    /// Runs after UploadPartCopy has read its source and before it commits: lets the storage tests replace or
    /// delete the source at exactly that moment (the race a real client can only hit by chance).
    /// </summary>
    internal Func<Task>? AfterCopyRead { get; set; }

    /// <summary>
    /// Starts an upload. With an algorithm, every part carries a checksum of it and the object a checksum of
    /// <paramref name="type"/> (by default the algorithm's <see cref="MultipartRules.DefaultType"/>); a type needs an algorithm.
    /// </summary>
    public UploadInfo Create(string bucket, string key, string account, IReadOnlyDictionary<string, string> attributes, ChecksumAlgorithm? algorithm = null, ChecksumType? type = null,
        UploadExtras? extras = null)
    {
        if (algorithm is { } a)
        {
            type ??= MultipartRules.DefaultType(a);
            if (!MultipartRules.Supports(a, type.Value))
            {
                throw new StorageException(StorageFault.ChecksumTypeNotSupported) { Algorithm = a, ChecksumType = type };
            }
        }
        else
        {
            type = null;
        }

        return _db.Write(db =>
        {
            BucketService.Require(db, bucket, account);
            var now = ObjectWrites.Truncate(_clock.UtcNow);
            var info = new UploadInfo(_ids.Next(now), bucket, key, now, attributes, algorithm, type, extras?.Owner ?? account)
            {
                Acl = extras?.Acl,
                Encryption = extras?.Encryption,
                Annotations = extras?.Annotations ?? new Dictionary<string, string>(),
                ExpiresAt = extras?.ExpiresAt,
                Tags = extras?.Tags ?? [],
                Lock = extras?.Lock,
            };
            if (info.Lock is not null)
            {
                ObjectWrites.RequireObjectLock(db, bucket);
            }

            UploadRows.Insert(db, info);
            UsageMeter.Apply(db, bucket, now, UsageDelta.Upload(1));
            return info;
        });
    }

    /// <summary>
    /// The upload with this id, wherever it is, or null: for a front end whose session ids are upload ids and that
    /// learns the bucket and key from the upload (it must still check the owner and bucket are its own).
    /// </summary>
    public UploadInfo? Lookup(string uploadId) => _db.Read(db => UploadRows.Find(db, uploadId));

    /// <summary>
    /// Sets annotations on an upload (keys given replace theirs, others stay) in one transaction, and returns the
    /// upload as it is then. Two writers setting different keys both keep theirs.
    /// </summary>
    public UploadInfo Annotate(string bucket, string key, string uploadId, string account, IReadOnlyDictionary<string, string> set) => _db.Write(db =>
    {
        var upload = Require(db, bucket, key, uploadId, account);
        var merged = new Dictionary<string, string>(upload.Annotations, StringComparer.Ordinal);
        foreach (var (name, value) in set)
        {
            merged[name] = value;
        }

        UploadRows.SetAnnotations(db, uploadId, merged);
        return upload with { Annotations = merged };
    });

    /// <summary>
    /// A stream over the bytes of the listed parts, in the order listed (a front end that verifies a digest of the
    /// whole file before completing reads it here). The parts' segments are leased until the stream is disposed.
    /// </summary>
    public Stream OpenParts(string bucket, string key, string uploadId, string account, IReadOnlyList<int> partNumbers)
    {
        lock (_segments.Leases.Gate)
        {
            var (segs, inline) = _db.Read(db =>
            {
                Require(db, bucket, key, uploadId, account);
                var all = new List<SegmentRef>();
                foreach (var n in partNumbers)
                {
                    if (UploadRows.PartSize(db, uploadId, n) is null)
                    {
                        throw new StorageException(StorageFault.UnknownPart) { UploadId = uploadId, PartNumber = n };
                    }

                    all.AddRange(UploadRows.PartSegments(db, uploadId, n));
                }

                return (all, InlineRows.Load(db, all));
            });
            return new LeasedStream(new SegmentReadStream(_segments, segs, 0, segs.Sum(s => s.Length), inline), _segments.Leases.Acquire(segs.Select(s => s.SegmentId)));
        }
    }

    /// <summary>The upload if it exists for this bucket and key and the account owns the bucket; UploadNotFound otherwise.</summary>
    public UploadInfo Require(string bucket, string key, string uploadId, string account) => _db.Read(db => Require(db, bucket, key, uploadId, account));

    /// <summary>Part <paramref name="partNumber"/> of the upload, or null when it has none (UploadNotFound for no such upload).</summary>
    public PartInfo? Part(string bucket, string key, string uploadId, string account, int partNumber) => _db.Read(db =>
    {
        Require(db, bucket, key, uploadId, account);
        return UploadRows.Part(db, uploadId, partNumber);
    });

    private static UploadInfo Require(Db db, string bucket, string key, string uploadId, string account)
    {
        BucketService.Require(db, bucket, account);
        return UploadRows.Find(db, uploadId) is { } u && u.Bucket == bucket && u.Key == key ? u : throw NotFound(bucket, key, uploadId);
    }

    private static StorageException NotFound(string bucket, string key, string uploadId) =>
        new(StorageFault.UploadNotFound) { Bucket = bucket, Key = key, UploadId = uploadId };

    /// <summary>
    /// Stores one part. The part number, the upload, the declared checksum's algorithm and the declared length are
    /// checked before the first body byte is read, and the upload again in the commit, so a part racing Complete or
    /// Abort either lands before them or is refused with UploadNotFound and leaves nothing. Re-uploading a part
    /// number replaces the old part atomically and frees its data.
    /// </summary>
    public async Task<UploadedPart> UploadPartAsync(UploadPartCommand cmd, Stream body, CancellationToken ct)
    {
        CheckPartNumber(cmd.PartNumber);
        var upload = cmd.Upload is { } known && known.UploadId == cmd.UploadId && known.Bucket == cmd.Bucket && known.Key == cmd.Key
            ? known
            : Require(cmd.Bucket, cmd.Key, cmd.UploadId, cmd.Account);
        var tracked = MultipartRules.Effective(upload.ChecksumAlgorithm);
        var declared = cmd.Body.Checksum?.Algorithm;
        // An upload created with an algorithm takes part checksums of that algorithm only; a composite one needs
        // every part's checksum from the writer, a full-object one computes what is missing.
        if (upload.ChecksumAlgorithm is { } a && ((declared is not null && declared != a) || (declared is null && upload.ChecksumType == ChecksumType.Composite)))
        {
            throw new StorageException(StorageFault.PartChecksumAlgorithmMismatch) { UploadId = cmd.UploadId, Algorithm = a, OtherAlgorithm = declared };
        }

        if (cmd.Body.DeclaredLength > Limits.MaxPartSize)
        {
            throw new StorageException(StorageFault.TooLarge) { Size = cmd.Body.DeclaredLength, Limit = Limits.MaxPartSize };
        }

        _segments.Space.Require(cmd.Body.DeclaredLength ?? 0);
        ChecksumAlgorithm[] algorithms = declared is { } d && d != tracked ? [tracked, d] : [tracked];
        using var staged = await _segmenter.StageAsync(body, Limits.MaxPartSize, algorithms, ct, cmd.DataKey).ConfigureAwait(false);
        staged.Verify(cmd.Body, body);
        var etag = cmd.OpaqueETag && cmd.DataKey is { } k ? k.OpaqueETag(staged.Md5) : Convert.ToHexStringLower(staged.Md5);
        var part = new PartInfo(cmd.PartNumber, staged.Length, etag, ObjectWrites.Truncate(_clock.UtcNow), staged.Checksums[tracked]);
        var commit = CommitStagedPart(cmd.Bucket, cmd.Key, cmd.UploadId, cmd.Account, part, staged, cmd.KeepExisting);
        _segments.DeleteUnreferenced(commit.Orphans);
        return new UploadedPart(commit.Kept ?? part, upload, declared is { } c ? staged.Checksums[c] : null) { Kept = commit.Kept is not null };
    }

    private void CheckPartNumber(int partNumber)
    {
        if (partNumber < 1 || partNumber > Limits.MaxPartNumber)
        {
            throw new StorageException(StorageFault.PartNumberOutOfRange) { PartNumber = partNumber, Limit = Limits.MaxPartNumber };
        }
    }

    /// <summary>What a part's commit did: the part it kept instead (with <see cref="UploadPartCommand.KeepExisting"/>), and the segments nothing references any more.</summary>
    private sealed record PartCommit(PartInfo? Kept, List<string> Orphans);

    /// <summary>Upserts a part row and its segment ranges in <paramref name="bucket"/>'s upload; returns the segments the replaced part no longer needs.</summary>
    private static List<string> PutPart(Db db, string bucket, string uploadId, PartInfo part, IReadOnlyList<SegmentRef> segs)
    {
        var existing = UploadRows.Part(db, uploadId, part.PartNumber);
        var old = existing is null ? [] : UploadRows.PartSegments(db, uploadId, part.PartNumber);
        var delta = UsageDelta.Part(1, part.Size, segs.Count);
        if (existing is not null)
        {
            delta += UsageDelta.Part(-1, existing.Size, old.Count);
        }

        // The bucket's meter and the upload's own integral change with the part row, in this transaction.
        UsageMeter.Apply(db, bucket, part.LastModified, delta);
        UploadRows.Accrue(db, uploadId, Codes.Ms(part.LastModified), delta.PartBytes, delta.PartSegments);
        UploadRows.PutPart(db, uploadId, part, segs);
        return SegmentRows.Unreferenced(db, old.Select(s => s.SegmentId));
    }

    /// <summary>
    /// A part made of a range of an existing object: it references the source's segment ranges (no data is
    /// written). The copied bytes are read once to compute the part's MD5 (its ETag) and its checksum.
    /// </summary>
    public async Task<UploadedPart> CopyPartAsync(CopyPartCommand cmd, CancellationToken ct)
    {
        CheckPartNumber(cmd.PartNumber);
        var upload = Require(cmd.Bucket, cmd.Key, cmd.UploadId, cmd.Account);
        // The same snapshot-and-lease as a read: the source's files outlive a concurrent replace while we read them.
        using var source = _objects.Open(cmd.SourceBucket, cmd.SourceKey, cmd.SourceAccount ?? cmd.Account, versionId: cmd.SourceVersionId).Decrypt(cmd.SourceDataKey);
        var src = source.Info;
        cmd.SourceConditions?.Check(src, notModifiedFails: true);
        // Compared without adding: a range near long.MaxValue must not wrap around.
        if (cmd.Range is { } r && (r.Start < 0 || r.Length < 0 || r.Start >= src.Size || r.Length > src.Size - r.Start))
        {
            throw new StorageException(StorageFault.CopyRangeOutOfBounds) { Bucket = src.Bucket, Key = src.Key, Size = src.Size };
        }

        var (start, length) = cmd.Range ?? (0, src.Size);
        if (length > Limits.MaxPartSize)
        {
            throw new StorageException(StorageFault.TooLarge) { Size = length, Limit = Limits.MaxPartSize };
        }

        var slice = Slice(source.Segments, start, length);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var checksum = IncrementalChecksum.Create(MultipartRules.Effective(upload.ChecksumAlgorithm));
        var buffer = new byte[256 * 1024];
        await using (var read = source.OpenRange(start, length))
        {
            int n;
            while ((n = await read.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                md5.AppendData(buffer, 0, n);
                checksum.Append(buffer.AsSpan(0, n));
            }
        }

        var plainMd5 = md5.GetHashAndReset();
        var etag = cmd.OpaqueETag && cmd.DataKey is { } k ? k.OpaqueETag(plainMd5) : Convert.ToHexStringLower(plainMd5);
        var part = new PartInfo(cmd.PartNumber, length, etag, ObjectWrites.Truncate(_clock.UtcNow), checksum.FinishBase64());
        if (AfterCopyRead is { } hook)
        {
            await hook().ConfigureAwait(false);
        }

        // Segments are shared only under one key: a part under another key than its source's is written anew.
        var sameKey = (cmd.SourceDataKey is null && cmd.DataKey is null) || cmd.SourceDataKey?.SameAs(cmd.DataKey) == true;
        var (shared, orphans) = !sameKey ? (false, []) : _db.Write(db =>
        {
            Require(db, cmd.Bucket, cmd.Key, cmd.UploadId, cmd.Account);
            // The part may reference the source's segments only while some row keeps them alive: if the source
            // (the version we read) is still there, it does.
            return ObjectRows.FindVersion(db, cmd.SourceBucket, cmd.SourceKey, src.VersionId) is { } current && current.Id == src.Id
                ? (true, PutPart(db, cmd.Bucket, cmd.UploadId, part, slice))
                : (false, []);
        });

        if (!shared)
        {
            // The source was replaced or deleted while we read it. Like CopyObject, the copy is of the snapshot
            // taken at the start: its segments are leased, so still readable, and the part gets its own copy of
            // those bytes (only this race pays for writing them).
            orphans = await CommitOwnCopyAsync(cmd, source, start, length, part, plainMd5, ct).ConfigureAwait(false);
        }

        _segments.DeleteUnreferenced(orphans);
        return new UploadedPart(part, upload, null);
    }

    private async Task<List<string>> CommitOwnCopyAsync(CopyPartCommand cmd, ObjectReader source, long start, long length, PartInfo part, byte[] md5, CancellationToken ct)
    {
        _segments.Space.Require(length);
        await using var read = source.OpenRange(start, length);
        using var staged = await _segmenter.StageAsync(read, length, [], ct, cmd.DataKey).ConfigureAwait(false);
        // Segment files never change once written, so the second read must give the bytes the ETag was made of.
        if (!staged.Md5.AsSpan().SequenceEqual(md5))
        {
            throw new InvalidOperationException("A leased segment changed while a part copy read it.");
        }

        return CommitStagedPart(cmd.Bucket, cmd.Key, cmd.UploadId, cmd.Account, part, staged, keepExisting: false).Orphans;
    }

    /// <summary>
    /// Files first, row last: promotes the staged files, then writes the part row (with an inline segment's bytes)
    /// in one transaction; a failed commit, or a part kept in its place, takes the promoted files back. Returns
    /// what the commit did.
    /// </summary>
    private PartCommit CommitStagedPart(string bucket, string key, string uploadId, string account, PartInfo part, StagedBody staged, bool keepExisting)
    {
        staged.Promote();
        PartCommit commit;
        try
        {
            commit = _db.Write(db =>
            {
                // The upload was read before the body; here it is only checked to be still open (not completed or
                // aborted meanwhile) in the bucket the account still owns.
                BucketService.Require(db, bucket, account);
                if (!UploadRows.IsOpen(db, uploadId, bucket, key))
                {
                    throw NotFound(bucket, key, uploadId);
                }

                if (keepExisting && UploadRows.Part(db, uploadId, part.PartNumber) is { } kept)
                {
                    return new PartCommit(kept, []);
                }

                staged.Persist(db);
                return new PartCommit(null, PutPart(db, bucket, uploadId, part, staged.Segments));
            });
        }
        catch
        {
            staged.Unpromote();
            throw;
        }

        if (commit.Kept is not null)
        {
            staged.Unpromote();
        }

        return commit;
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

    public PartListing ListParts(string bucket, string key, string uploadId, string account, int marker, int maxParts) => _db.Read(db =>
    {
        var upload = Require(db, bucket, key, uploadId, account);
        var parts = UploadRows.PartsAfter(db, uploadId, marker, maxParts + 1);
        var truncated = parts.Count > maxParts;
        return new PartListing(upload, truncated ? parts[..maxParts] : parts, truncated);
    });

    /// <summary>How many segments (files or inline rows) hold each stored part of the upload, by part number.</summary>
    public IReadOnlyDictionary<int, int> PartSegmentCounts(string bucket, string key, string uploadId, string account) => _db.Read(db =>
    {
        Require(db, bucket, key, uploadId, account);
        return (IReadOnlyDictionary<int, int>)UploadRows.PartsAfter(db, uploadId, 0, int.MaxValue)
            .ToDictionary(p => p.PartNumber, p => UploadRows.PartSegments(db, uploadId, p.PartNumber).Count);
    });

    public void Abort(string bucket, string key, string uploadId, string account) => Abort(bucket, key, uploadId, account, null);

    /// <summary>An abort; with <paramref name="due"/>, one a lifecycle rule (or the upload's own expiry) called for then, metered from then.</summary>
    internal void Abort(string bucket, string key, string uploadId, string account, DateTimeOffset? due)
    {
        var orphans = _db.WriteFreeing(db =>
        {
            Require(db, bucket, key, uploadId, account);
            return DeleteUpload(db, uploadId, _clock.UtcNow, due);
        });
        _segments.DeleteUnreferenced(orphans);
    }

    /// <summary>
    /// Deletes the upload with its parts and takes them off the meter; returns the segments nothing references any
    /// more. With <paramref name="due"/> the meter stops counting the upload then, or at its last part if one came
    /// later (a part is never un-billed for time before it existed).
    /// </summary>
    internal static List<string> DeleteUpload(Db db, string uploadId, DateTimeOffset now, DateTimeOffset? due = null)
    {
        if (UploadRows.Find(db, uploadId) is { } upload)
        {
            var (parts, bytes, segments) = UploadRows.Totals(db, uploadId);
            var since = due is { } d ? Max(d, UploadRows.LastChange(db, uploadId) ?? upload.Initiated) : (DateTimeOffset?)null;
            UsageMeter.Apply(db, upload.Bucket, now, UsageDelta.Upload(-1) + new UsageDelta(0, 0, 0, 0, -parts, -bytes, -segments), since);
        }

        var ids = UploadRows.SegmentIds(db, uploadId);
        UploadRows.Delete(db, uploadId);
        return SegmentRows.Unreferenced(db, ids);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
