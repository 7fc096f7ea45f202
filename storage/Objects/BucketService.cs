using Storage.Faults;
using Storage.Metadata;
using Storage.Multipart;
using Storage.Segments;
using Storage.Usage;

namespace Storage.Objects;

/// <summary>Buckets: one namespace for the whole gateway; each bucket belongs to the account that created it.</summary>
public sealed class BucketService
{
    private readonly MetadataStore _db;
    private readonly SegmentStore _segments;
    private readonly IClock _clock;
    private readonly BucketCache _cache = new();

    internal BucketService(MetadataStore db, SegmentStore segments, IClock clock)
    {
        _db = db;
        _segments = segments;
        _clock = clock;
    }

    /// <summary>
    /// Creates a bucket; with <paramref name="objectLock"/>, one with object lock on, which turns versioning on too.
    /// <paramref name="access"/> holds the front end's access documents the bucket starts with. A directory bucket
    /// (<paramref name="directoryZone"/> set) lives in that zone and never has versioning or object lock.
    /// </summary>
    public BucketInfo Create(string name, string owner, bool objectLock = false, BucketAccess? access = null, string? directoryZone = null) => Change(name, db =>
    {
        if (BucketRows.Find(db, name) is { } existing)
        {
            throw new StorageException(existing.Owner == owner ? StorageFault.BucketAlreadyYours : StorageFault.BucketNameTaken) { Bucket = name };
        }

        if (directoryZone is not null && objectLock)
        {
            throw new ArgumentException("A directory bucket has no object lock.", nameof(objectLock));
        }

        var info = new BucketInfo(name, owner, ObjectWrites.Truncate(_clock.UtcNow))
        {
            Access = access ?? BucketAccess.None,
            Kind = directoryZone is null ? BucketKind.General : BucketKind.Directory,
            Zone = directoryZone,
        };
        BucketRows.Insert(db, info);
        BucketRows.SetDocument(db, name, BucketDocument.Acl, info.Access.Acl);
        BucketRows.SetDocument(db, name, BucketDocument.Policy, info.Access.Policy);
        BucketRows.SetDocument(db, name, BucketDocument.Ownership, info.Access.Ownership);
        BucketRows.SetDocument(db, name, BucketDocument.PublicAccessBlock, info.Access.PublicAccessBlock);
        UsageMeter.Open(db, name, owner, info.Created);
        if (objectLock)
        {
            BucketRows.SetVersioning(db, name, VersioningState.Enabled);
            BucketRows.SetObjectLock(db, name, null);
            info = info with { Versioning = VersioningState.Enabled, ObjectLock = true };
        }

        return info;
    });

    /// <summary>The bucket if it exists and <paramref name="account"/> owns it; BucketNotFound or NotOwner otherwise.</summary>
    public BucketInfo Require(string name, string account) => _db.Read(db => Require(db, name, account));

    internal static BucketInfo Require(Db db, string name, string account)
    {
        var info = BucketRows.Find(db, name) ?? throw new StorageException(StorageFault.BucketNotFound) { Bucket = name };
        return info.Owner == account ? info : throw new StorageException(StorageFault.NotOwner) { Bucket = name };
    }

    /// <summary>
    /// Turns versioning on (Enabled) or pauses it (Suspended). Versions already stored stay; a bucket whose
    /// versioning was ever set never goes back to unversioned, so Unversioned is refused.
    /// </summary>
    public void SetVersioning(string name, string account, VersioningState state)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(state, VersioningState.Unversioned);
        Change(name, db =>
        {
            if (Require(db, name, account).ObjectLock && state != VersioningState.Enabled)
            {
                // Object lock needs every version kept: its bucket's versioning cannot be suspended.
                throw new StorageException(StorageFault.InvalidBucketState) { Bucket = name };
            }

            BucketRows.SetVersioning(db, name, state);
            return 0;
        });
    }

    /// <summary>
    /// Sets the bucket's object lock configuration: turns object lock on (a bucket created with it, or one whose
    /// versioning is enabled; otherwise InvalidBucketState) with <paramref name="rule"/> as the default retention.
    /// </summary>
    public void SetObjectLock(string name, string account, DefaultRetention? rule) => Change(name, db =>
    {
        var b = Require(db, name, account);
        if (!b.ObjectLock && b.Versioning != VersioningState.Enabled)
        {
            throw new StorageException(StorageFault.InvalidBucketState) { Bucket = name };
        }

        BucketRows.SetObjectLock(db, name, rule);
        return 0;
    });

    /// <summary>
    /// Replaces one of the bucket's front-end documents (for S3: its CORS configuration, grants, policy, ownership
    /// rule or public access block), stored as given and never read by storage. Null removes it.
    /// </summary>
    public void SetDocument(string name, string account, BucketDocument kind, string? document) => Change(name, db =>
    {
        Require(db, name, account);
        BucketRows.SetDocument(db, name, kind, document);
        return 0;
    });

    /// <summary>
    /// One of the bucket's documents without an ownership check (a browser's preflight carries no credentials, and a
    /// front end reads access documents to decide who may act); null for none or no such bucket.
    /// </summary>
    public string? Document(string name, BucketDocument kind) => _db.Read(db => BucketRows.Document(db, name, kind));

    /// <summary>
    /// The bucket with its access documents, or null: what a front end reads to decide who may act on it, on every
    /// request, so it is served from <see cref="BucketCache"/> (storage's own calls still read the row in their
    /// transactions).
    /// </summary>
    public BucketInfo? Find(string name) => _cache.Get(name, () => _db.Read(db => BucketRows.Find(db, name)));

    /// <summary>The bucket's tag set, or null when it has none.</summary>
    public IReadOnlyList<Tag>? Tags(string name, string account) => _db.Read(db =>
    {
        Require(db, name, account);
        return BucketRows.Tags(db, name);
    });

    /// <summary>Replaces the bucket's tag set; null or empty removes it.</summary>
    public void SetTags(string name, string account, IReadOnlyList<Tag>? tags) => Change(name, db =>
    {
        Require(db, name, account);
        BucketRows.SetTags(db, name, tags ?? []);
        return 0;
    });

    /// <summary>The owner of a bucket, or null if there is no such bucket.</summary>
    public string? OwnerOf(string name) => _db.Read(db => BucketRows.Find(db, name)?.Owner);

    /// <summary>
    /// Deletes an empty bucket. Incomplete uploads do not keep a bucket from being deleted (S3 deletes a bucket
    /// whose only content is incomplete uploads): they are aborted in the same transaction, so the meter stops
    /// billing them exactly when the bucket goes, and their segments are freed after the commit.
    /// </summary>
    public void Delete(string name, string account)
    {
        var orphans = Change(name, freeing: true, db =>
        {
            Require(db, name, account);
            if (BucketRows.HasObjects(db, name))
            {
                throw new StorageException(StorageFault.BucketNotEmpty) { Bucket = name };
            }

            var now = _clock.UtcNow;
            var freed = new List<string>();
            foreach (var upload in UploadRows.InBucket(db, name))
            {
                freed.AddRange(MultipartService.DeleteUpload(db, upload.UploadId, now));
            }

            UploadRows.ForgetCompleted(db, name);
            UsageMeter.Close(db, name, now);
            BucketRows.Delete(db, name);
            return freed;
        });
        _segments.DeleteUnreferenced(orphans);
    }

    /// <summary>Drops the cached row of a bucket that storage removed by other means (<see cref="StorageEngine.Empty"/>).</summary>
    internal void Forget(string name) => _cache.Changed(name);

    /// <summary>A write to the bucket row of <paramref name="name"/>: the cached row goes with it, whether it commits or not.</summary>
    private T Change<T>(string name, Func<Metadata.Db, T> write) => Change(name, freeing: false, write);

    /// <summary>As above; a <paramref name="freeing"/> write (a bucket delete that aborts uploads) may use the spare space.</summary>
    private T Change<T>(string name, bool freeing, Func<Metadata.Db, T> write)
    {
        try
        {
            return freeing ? _db.WriteFreeing(write) : _db.Write(write);
        }
        finally
        {
            _cache.Changed(name);
        }
    }

    /// <summary>The owner's buckets of one kind in name order, after <paramref name="startAfter"/>, at most <paramref name="max"/>.</summary>
    public (IReadOnlyList<BucketInfo> Buckets, bool IsTruncated) List(string owner, string? prefix, string? startAfter, int max, BucketKind kind = BucketKind.General) => _db.Read(db =>
    {
        var list = BucketRows.List(db, owner, kind, prefix ?? "", startAfter ?? "", max + 1);
        return ((IReadOnlyList<BucketInfo>)list.Take(max).ToList(), list.Count > max);
    });
}
