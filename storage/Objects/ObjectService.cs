using Storage.Checksums;
using Storage.Faults;
using Storage.Metadata;
using Storage.Segments;

namespace Storage.Objects;

/// <summary>A whole-object write: where, with which attributes, under which conditions, and what the writer declared about the body.</summary>
public sealed record PutObjectCommand(
    string Bucket,
    string Key,
    string Account,
    IReadOnlyDictionary<string, string> Attributes,
    WriteConditions Conditions,
    BodyChecks Body)
{
    public IReadOnlyList<Tag> Tags { get; init; } = [];

    /// <summary>Object lock settings asked for (null: the bucket's default retention, if any).</summary>
    public LockSettings? Lock { get; init; }

    /// <summary>The object's grants (a front end's document; null for its default).</summary>
    public string? Acl { get; init; }

    /// <summary>Who owns the new object; null: <see cref="Account"/>, the bucket's owner the write is made for.</summary>
    public string? Owner { get; init; }

    /// <summary>The key the bytes are encrypted under at rest (null: plaintext), with <see cref="Encryption"/> describing it.</summary>
    public DataKey? DataKey { get; init; }

    /// <summary>The front end's description of <see cref="DataKey"/>, kept with the version.</summary>
    public string? Encryption { get; init; }

    /// <summary>The ETag is not the plaintext's MD5 (S3's rule for some kinds of encryption): see <see cref="DataKey.OpaqueETag"/>.</summary>
    public bool OpaqueETag { get; init; }
}

/// <summary>
/// A copy. <paramref name="Attributes"/> null keeps the source's (a metadata-preserving copy);
/// <paramref name="SourceConditions"/> are checked against the source as it is at the commit.
/// </summary>
public sealed record CopyObjectCommand(
    string SourceBucket,
    string SourceKey,
    string Bucket,
    string Key,
    string Account,
    IReadOnlyDictionary<string, string>? Attributes,
    ReadConditions SourceConditions,
    WriteConditions Conditions)
{
    /// <summary>The copy's tag set; null keeps the source's.</summary>
    public IReadOnlyList<Tag>? Tags { get; init; }

    /// <summary>The source version to copy; null copies the source key's current object.</summary>
    public string? SourceVersionId { get; init; }

    /// <summary>The copy's object lock settings (a source's are never copied; null: the bucket's default).</summary>
    public LockSettings? Lock { get; init; }

    /// <summary>The copy's grants (a source's are never copied, as in S3; null for the front end's default).</summary>
    public string? Acl { get; init; }

    /// <summary>Who owns the copy; null: <see cref="Account"/>.</summary>
    public string? Owner { get; init; }

    /// <summary>The source bucket's owner, when it is not <see cref="Account"/> (the front end has decided the copy may read it).</summary>
    public string? SourceAccount { get; init; }

    /// <summary>
    /// The key the source is encrypted under and the one the copy is to be: a copy shares the source's segments, so
    /// they must be the same key (or both null). A copy under another key is a new write of the source's bytes.
    /// </summary>
    public DataKey? SourceDataKey { get; init; }

    public DataKey? DataKey { get; init; }

    /// <summary>The copy's encryption document (describing <see cref="DataKey"/>).</summary>
    public string? Encryption { get; init; }
}

/// <summary>Objects: whole writes, reads, copies that share segments, deletes and listings.</summary>
public sealed partial class ObjectService
{
    private readonly MetadataStore _db;
    private readonly SegmentStore _segments;
    private readonly IClock _clock;
    private readonly StorageLimits _limits;
    private readonly Segmenter _segmenter;

    internal ObjectService(MetadataStore db, SegmentStore segments, IClock clock, StorageLimits limits)
    {
        _db = db;
        _segments = segments;
        _clock = clock;
        _limits = limits;
        _segmenter = new Segmenter(segments);
    }

    /// <summary>
    /// Stores a body as (bucket, key), with a checksum of the declared algorithm (CRC64NVME when none was
    /// declared). The bucket, the conditions and the declared length are checked before the first body byte is
    /// read; the declared digests once it has been read in full.
    /// </summary>
    public async Task<ObjectInfo> PutAsync(PutObjectCommand cmd, Stream body, CancellationToken ct)
    {
        _db.Read(db =>
        {
            BucketService.Require(db, cmd.Bucket, cmd.Account);
            cmd.Conditions.Check(ObjectRows.Find(db, cmd.Bucket, cmd.Key), cmd.Bucket, cmd.Key);
            if (cmd.Lock is not null)
            {
                ObjectWrites.RequireObjectLock(db, cmd.Bucket);
            }

            return 0;
        });
        if (cmd.Body.DeclaredLength > _limits.MaxWriteSize)
        {
            throw new StorageException(StorageFault.TooLarge) { Size = cmd.Body.DeclaredLength, Limit = _limits.MaxWriteSize };
        }

        // Before the first body byte: a write that cannot fit is refused while the client still holds its body.
        _segments.Space.Require(cmd.Body.DeclaredLength ?? 0);
        var algorithm = cmd.Body.Checksum?.Algorithm ?? ChecksumAlgorithms.Default;
        using var staged = await _segmenter.StageAsync(body, _limits.MaxWriteSize, [algorithm], ct, cmd.DataKey).ConfigureAwait(false);
        staged.Verify(cmd.Body, body);
        var etag = cmd.OpaqueETag && cmd.DataKey is { } k ? k.OpaqueETag(staged.Md5) : Convert.ToHexStringLower(staged.Md5);
        var info = new ObjectInfo(0, cmd.Bucket, cmd.Key, staged.Length, etag,
            ObjectWrites.Truncate(_clock.UtcNow), cmd.Attributes, new ChecksumValue(algorithm, ChecksumType.FullObject, staged.Checksums[algorithm]), 0, cmd.Owner ?? cmd.Account)
        {
            Tags = cmd.Tags,
            Acl = cmd.Acl,
            Encryption = cmd.Encryption,
            Retention = cmd.Lock?.Retention,
            LegalHold = cmd.Lock?.LegalHold ?? false,
        };
        staged.Promote();
        (ObjectInfo Info, List<string> Orphans) result;
        try
        {
            result = _db.Write(db =>
            {
                BucketService.Require(db, info.Bucket, cmd.Account);
                cmd.Conditions.Check(ObjectRows.Find(db, info.Bucket, info.Key), info.Bucket, info.Key);
                staged.Persist(db);
                return ObjectWrites.Replace(db, info, staged.Segments, null);
            });
        }
        catch
        {
            staged.Unpromote();
            throw;
        }

        _segments.DeleteUnreferenced(result.Orphans);
        return result.Info;
    }

    /// <summary>
    /// The object's row (its current version, or version <paramref name="versionId"/>); <paramref name="conditions"/>,
    /// when given, must hold for it.
    /// </summary>
    public ObjectInfo Head(string bucket, string key, string account, ReadConditions? conditions = null, string? versionId = null)
    {
        var info = _db.Read(db =>
        {
            BucketService.Require(db, bucket, account);
            return Readable(db, bucket, key, versionId);
        });
        conditions?.Check(info);
        return info;
    }

    internal static StorageException NotFound(string bucket, string key) => new(StorageFault.ObjectNotFound) { Bucket = bucket, Key = key };

    /// <summary>
    /// The version a read gets: the current object, or the version asked for. A key whose latest version is a delete
    /// marker is not found (the fault names the marker); asking for a marker by id is VersionIsDeleteMarker.
    /// </summary>
    internal static ObjectInfo Readable(Db db, string bucket, string key, string? versionId)
    {
        if (versionId is null)
        {
            return ObjectRows.FindLatest(db, bucket, key) switch
            {
                null => throw NotFound(bucket, key),
                { IsDeleteMarker: true } marker => throw new StorageException(StorageFault.ObjectNotFound)
                {
                    Bucket = bucket,
                    Key = key,
                    VersionId = marker.VersionId,
                    DeleteMarker = true,
                },
                var current => current,
            };
        }

        var v = ObjectRows.FindVersion(db, bucket, key, versionId)
            ?? throw new StorageException(StorageFault.VersionNotFound) { Bucket = bucket, Key = key, VersionId = versionId };
        return v.IsDeleteMarker
            ? throw new StorageException(StorageFault.VersionIsDeleteMarker) { Bucket = bucket, Key = key, VersionId = versionId, DeleteMarker = true, LastModified = v.LastModified }
            : v;
    }

    /// <summary>
    /// Opens the object for reading: reads the row and its segment list and leases the segments in one critical
    /// section, so a concurrent replace cannot delete a file between the two (see <see cref="SegmentLeases"/>).
    /// <paramref name="conditions"/> are checked against the row read. Dispose the reader to release the lease.
    /// </summary>
    public ObjectReader Open(string bucket, string key, string account, ReadConditions? conditions = null, string? versionId = null)
    {
        ObjectReader reader;
        lock (_segments.Leases.Gate)
        {
            var (info, segs, inline) = _db.Read(db =>
            {
                BucketService.Require(db, bucket, account);
                var row = Readable(db, bucket, key, versionId);
                var list = ObjectRows.Segments(db, row.Id).Segments;
                return (row, list, InlineRows.Load(db, list));
            });
            reader = new ObjectReader(this, _segments, info, segs, inline, _segments.Leases.Acquire(segs.Select(s => s.SegmentId)));
        }

        try
        {
            conditions?.Check(reader.Info);
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Deletes (bucket, key) as the bucket's versioning says (see <see cref="ObjectWrites.DeleteCurrent"/>), or, with
    /// <paramref name="versionId"/>, that one version for good. Deleting what does not exist succeeds, unless
    /// <paramref name="conditions"/> (a conditional delete's If-Match) ask for an object: they are judged against the
    /// key's current object in the delete's own transaction (ConditionFailed when it differs, ObjectNotFound when there
    /// is none), so nothing written since can be deleted by mistake.
    /// </summary>
    public DeleteResult Delete(string bucket, string key, string account, string? versionId = null, bool bypassGovernance = false, WriteConditions? conditions = null)
    {
        var (result, orphans) = _db.WriteFreeing(db =>
        {
            BucketService.Require(db, bucket, account);
            conditions?.Check(ObjectRows.Find(db, bucket, key), bucket, key);
            return versionId is null
                ? ObjectWrites.DeleteCurrent(db, bucket, key, account, _clock.UtcNow)
                : ObjectWrites.DeleteVersion(db, bucket, key, versionId, _clock.UtcNow, bypassGovernance);
        });
        _segments.DeleteUnreferenced(orphans);
        return result;
    }

    /// <summary>
    /// Deletes (bucket, key) only if it is still the object with row id <paramref name="expectedId"/>: the lifecycle
    /// sweep decides from a listing, and a client may have written a new object under the key since.
    /// </summary>
    internal bool DeleteIfUnchanged(string bucket, string key, long expectedId, DateTimeOffset due)
    {
        var (deleted, orphans) = _db.WriteFreeing(db =>
            ObjectRows.Find(db, bucket, key) is { } current && current.Id == expectedId
                ? (true, ObjectWrites.Expire(db, current, _clock.UtcNow, due))
                : (false, new List<string>()));
        _segments.DeleteUnreferenced(orphans);
        return deleted;
    }

    /// <summary>
    /// Deletes version <paramref name="versionId"/> of (bucket, key) for good, only if it is still the row
    /// <paramref name="expectedId"/> and still not the latest: the lifecycle sweep decides from a listing.
    /// </summary>
    internal bool DeleteVersionIfUnchanged(string bucket, string key, string versionId, long expectedId, bool latest, DateTimeOffset? due = null)
    {
        var (deleted, orphans) = _db.WriteFreeing(db =>
            ObjectRows.FindVersion(db, bucket, key, versionId) is { } v && v.Id == expectedId && v.IsLatest == latest && !ObjectWrites.IsLocked(v, _clock.UtcNow)
                ? (true, ObjectWrites.DeleteVersion(db, bucket, key, versionId, _clock.UtcNow, since: due is { } d && d > (v.NoncurrentSince ?? v.LastModified) ? d : v.NoncurrentSince ?? v.LastModified).Orphans)
                : (false, new List<string>()));
        _segments.DeleteUnreferenced(orphans);
        return deleted;
    }

    /// <summary>
    /// Copies an object by sharing its immutable segments: no byte is read or written. The source's size and
    /// conditions are checked inside the commit transaction against the source row as it is then.
    /// </summary>
    public ObjectInfo Copy(CopyObjectCommand cmd)
    {
        if (!(cmd.SourceDataKey is null && cmd.DataKey is null) && cmd.SourceDataKey?.SameAs(cmd.DataKey) != true)
        {
            throw new InvalidOperationException("A copy under another key than its source's cannot share segments: write the source's bytes anew.");
        }

        var result = _db.Write(db =>
        {
            BucketService.Require(db, cmd.SourceBucket, cmd.SourceAccount ?? cmd.Account);
            var src = Readable(db, cmd.SourceBucket, cmd.SourceKey, cmd.SourceVersionId);
            if (src.Size > _limits.MaxWriteSize)
            {
                throw new StorageException(StorageFault.CopySourceTooLarge) { Bucket = src.Bucket, Key = src.Key, Size = src.Size, Limit = _limits.MaxWriteSize };
            }

            cmd.SourceConditions.Check(src, notModifiedFails: true);
            BucketService.Require(db, cmd.Bucket, cmd.Account);
            cmd.Conditions.Check(ObjectRows.Find(db, cmd.Bucket, cmd.Key), cmd.Bucket, cmd.Key);
            var (segs, parts) = ObjectRows.Segments(db, src.Id);
            var info = src with
            {
                Id = 0,
                Bucket = cmd.Bucket,
                Key = cmd.Key,
                LastModified = ObjectWrites.Truncate(_clock.UtcNow),
                Attributes = cmd.Attributes ?? src.Attributes,
                Owner = cmd.Owner ?? cmd.Account,
                Tags = cmd.Tags ?? src.Tags,
                Acl = cmd.Acl,
                Encryption = cmd.Encryption,
                Retention = cmd.Lock?.Retention,
                LegalHold = cmd.Lock?.LegalHold ?? false,
            };
            return ObjectWrites.Replace(db, info, segs, parts, ObjectRows.Parts(db, src.Id));
        });
        _segments.DeleteUnreferenced(result.Orphans);
        return result.Info;
    }

    /// <summary>
    /// Replaces the object's tag set (empty removes it). Its data, ETag and last-modified time stay as they are, as
    /// S3's PutObjectTagging leaves them. Returns the object as it is now.
    /// </summary>
    public ObjectInfo SetTags(string bucket, string key, string account, IReadOnlyList<Tag> tags, string? versionId = null) => _db.Write(db =>
    {
        BucketService.Require(db, bucket, account);
        var info = Readable(db, bucket, key, versionId);
        ObjectRows.SetTags(db, info.Id, tags);
        return info with { Tags = tags };
    });

    /// <summary>
    /// Replaces the grants of the object's current version or version <paramref name="versionId"/> (a front end's
    /// document; null restores its default). Data, ETag and last-modified time stay. Returns the object as it is now.
    /// </summary>
    public ObjectInfo SetAcl(string bucket, string key, string account, string? acl, string? versionId = null) => _db.Write(db =>
    {
        BucketService.Require(db, bucket, account);
        var info = Readable(db, bucket, key, versionId);
        ObjectRows.SetAcl(db, info.Id, acl);
        return info with { Acl = acl };
    });

    /// <summary>
    /// Sets (or, with null, removes) the retention of the object's current version or version
    /// <paramref name="versionId"/>, under the object lock rules (<see cref="ObjectLockRules.CheckChange"/>).
    /// </summary>
    public ObjectInfo SetRetention(string bucket, string key, string account, Retention? retention, string? versionId = null, bool bypassGovernance = false) =>
        _db.Write(db =>
        {
            BucketService.Require(db, bucket, account);
            ObjectWrites.RequireObjectLock(db, bucket);
            var v = Readable(db, bucket, key, versionId);
            ObjectLockRules.CheckChange(v, retention, _clock.UtcNow, bypassGovernance);
            ObjectRows.SetLock(db, v.Id, retention, v.LegalHold);
            return v with { Retention = retention };
        });

    /// <summary>Puts a legal hold on (or takes it off) the object's current version or version <paramref name="versionId"/>.</summary>
    public ObjectInfo SetLegalHold(string bucket, string key, string account, bool on, string? versionId = null) => _db.Write(db =>
    {
        BucketService.Require(db, bucket, account);
        ObjectWrites.RequireObjectLock(db, bucket);
        var v = Readable(db, bucket, key, versionId);
        ObjectRows.SetLock(db, v.Id, v.Retention, on);
        return v with { LegalHold = on };
    });

    /// <summary>The version whose object lock settings are read: as <see cref="Head"/>, in a bucket with object lock.</summary>
    public ObjectInfo LockOf(string bucket, string key, string account, string? versionId = null) => _db.Read(db =>
    {
        BucketService.Require(db, bucket, account);
        ObjectWrites.RequireObjectLock(db, bucket);
        return Readable(db, bucket, key, versionId);
    });

    /// <summary>The parts a multipart object was completed from (empty for objects written whole).</summary>
    public IReadOnlyList<ObjectPart> Parts(long objectId) => _db.Read(db => ObjectRows.Parts(db, objectId));

    /// <summary>How many segment ranges (files or inline rows) hold the object row <paramref name="objectId"/>'s bytes.</summary>
    public long SegmentCount(long objectId) => _db.Read(db => ObjectRows.SegmentCount(db, objectId));
}

/// <summary>
/// An open object: its row as read, and streams over byte ranges of it. The segments stay readable (leased) until
/// the reader is disposed, even if the object is replaced or deleted meanwhile.
/// </summary>
public sealed class ObjectReader : IDisposable
{
    private readonly ObjectService _objects;
    private readonly SegmentStore _store;
    private readonly IReadOnlyList<SegmentRef> _segments;
    private readonly IReadOnlyDictionary<string, byte[]>? _inline;
    private readonly IDisposable _lease;
    private DataKey? _key;

    internal ObjectReader(ObjectService objects, SegmentStore store, ObjectInfo info, IReadOnlyList<SegmentRef> segments, IReadOnlyDictionary<string, byte[]>? inline, IDisposable lease)
    {
        _objects = objects;
        _store = store;
        Info = info;
        _segments = segments;
        _inline = inline;
        _lease = lease;
    }

    public ObjectInfo Info { get; }

    internal IReadOnlyList<SegmentRef> Segments => _segments;

    /// <summary>The parts the object was completed from (empty for objects written whole).</summary>
    public IReadOnlyList<ObjectPart> Parts() => Info.PartsCount == 0 ? [] : _objects.Parts(Info.Id);

    /// <summary>Gives the key an encrypted version's bytes are decrypted with (the front end has checked it is the right one).</summary>
    public ObjectReader Decrypt(DataKey? key)
    {
        _key = key;
        return this;
    }

    /// <summary>A stream over [start, start + length) of the object; valid while the reader is not disposed.</summary>
    public Stream OpenRange(long start, long length)
    {
        if (Info.Encryption is not null && _key is null)
        {
            // Ciphertext must never go out as if it were the object: a front end that forgot the key is a bug.
            throw new InvalidOperationException($"Object {Info.Bucket}/{Info.Key} is encrypted and was read without its key.");
        }

        if (start < 0 || length < 0 || start > Info.Size - length)
        {
            throw new StorageException(StorageFault.RangeOutOfBounds) { Bucket = Info.Bucket, Key = Info.Key, Size = Info.Size };
        }

        if (_segments.Sum(s => s.Length) != Info.Size)
        {
            // Never serve a short body under a full length: this would be a metadata bug, so say so.
            throw new InvalidOperationException($"Object {Info.Bucket}/{Info.Key} has {Info.Size} bytes but its segments hold {_segments.Sum(s => s.Length)}.");
        }

        return new SegmentReadStream(_store, _segments, start, length, _inline, Info.Encryption is null ? null : _key);
    }

    public void Dispose() => _lease.Dispose();
}
