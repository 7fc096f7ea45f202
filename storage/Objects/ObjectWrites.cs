using System.Security.Cryptography;
using Storage.Faults;
using Storage.Metadata;
using Storage.Segments;
using Storage.Usage;

namespace Storage.Objects;

/// <summary>Version ids: the null version's, and new opaque ones.</summary>
public static class ObjectVersions
{
    /// <summary>The id of the null version: the one version of a key in an unversioned bucket, and what a suspended bucket writes.</summary>
    public const string NullId = "null";

    /// <summary>A new version id: 128 random bits in hex, never "null". Order between versions is the rows', not the ids'.</summary>
    internal static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

/// <summary>
/// Object row changes under the bucket's versioning state, with their meter deltas in the same transaction; shared
/// by plain writes, copies, multipart and lifecycle. Each returns the ids of segments no row references any more,
/// for the caller to delete once the transaction has committed.
/// </summary>
internal static class ObjectWrites
{
    /// <summary>
    /// Makes <paramref name="info"/> the key's new latest version (a new object when its <see cref="ObjectInfo.Id"/> is
    /// 0; else an existing one moved or grown, which keeps its ETag). Unversioned and suspended buckets replace the
    /// key's null version (wherever it is in the key's history) and write the new one as the null version; an
    /// enabled bucket gives it a new id. Whatever was latest before and is still there becomes noncurrent.
    /// </summary>
    public static (ObjectInfo Info, List<string> Orphans) Replace(
        Db db, ObjectInfo info, IReadOnlyList<SegmentRef> segments, IReadOnlyList<int>? partNumbers, IReadOnlyList<ObjectPart>? parts = null)
    {
        var bucket = BucketRows.Find(db, info.Bucket) ?? throw new StorageException(StorageFault.BucketNotFound) { Bucket = info.Bucket };
        var state = bucket.Versioning;
        if ((info.Retention is not null || info.LegalHold) && !bucket.ObjectLock)
        {
            throw new StorageException(StorageFault.ObjectLockNotEnabled) { Bucket = info.Bucket };
        }

        var freed = new List<SegmentRef>();
        var delta = MakeRoom(db, info.Bucket, info.Key, state, freed, info.LastModified);
        var version = info with
        {
            // A new object of a directory bucket (not one moved or grown in place) gets S3 Express's kind of ETag: a
            // random string unique to the object, not a digest.
            ETag = info.Id == 0 && bucket.Kind == BucketKind.Directory ? ETags.Random() : info.ETag,
            VersionId = state == VersioningState.Enabled ? ObjectVersions.NewId() : ObjectVersions.NullId,
            IsLatest = true,
            IsDeleteMarker = false,
            Versioned = state != VersioningState.Unversioned,
            // A new version without retention of its own gets the bucket's default, counted from its creation.
            Retention = info.Retention ?? bucket.DefaultRetention?.From(info.LastModified),
        };
        var id = ObjectRows.Insert(db, version, segments, partNumbers, parts);
        delta += UsageDelta.Version(1, version, segments.Count);
        UsageMeter.Apply(db, info.Bucket, info.LastModified, delta);

        // Orphans are judged after the new rows exist: a copy onto itself (or any replace that reuses a segment)
        // references the old segments again, and they must not be deleted.
        return (version with { Id = id }, SegmentRows.Unreferenced(db, freed.Select(s => s.SegmentId)));
    }

    /// <summary>
    /// A delete without a version id. Unversioned: the null version goes (if there is one). Enabled: a new delete
    /// marker becomes the latest version and nothing is removed. Suspended: the null version goes and a null delete
    /// marker becomes the latest.
    /// </summary>
    /// <param name="since">For a lifecycle expiration carried out late: when it was due, from which the meter counts the change.</param>
    public static (DeleteResult Result, List<string> Orphans) DeleteCurrent(Db db, string bucket, string key, string account, DateTimeOffset now, DateTimeOffset? since = null)
    {
        var state = BucketRows.VersioningOf(db, bucket);
        var freed = new List<SegmentRef>();
        if (state == VersioningState.Unversioned)
        {
            if (ObjectRows.FindLatest(db, bucket, key) is not { } current)
            {
                return (new DeleteResult(null, false), []);
            }

            UsageMeter.Apply(db, bucket, now, Remove(db, current, freed), since);
            return (new DeleteResult(null, false), SegmentRows.Unreferenced(db, freed.Select(s => s.SegmentId)));
        }

        var delta = MakeRoom(db, bucket, key, state, freed, now);
        var marker = new ObjectInfo(0, bucket, key, 0, "", Truncate(now), new Dictionary<string, string>(), null, 0, account)
        {
            VersionId = state == VersioningState.Enabled ? ObjectVersions.NewId() : ObjectVersions.NullId,
            IsDeleteMarker = true,
            Versioned = true,
        };
        ObjectRows.Insert(db, marker, [], null, null);
        UsageMeter.Apply(db, bucket, now, delta + UsageDelta.Marker(1), since);
        return (new DeleteResult(marker.VersionId, true), SegmentRows.Unreferenced(db, freed.Select(s => s.SegmentId)));
    }

    /// <summary>
    /// Deletes one version for good (no marker). When it was the latest, the newest remaining version becomes the
    /// latest: the key reads as that version again (or as deleted, if it is a marker). No such version: nothing.
    /// </summary>
    public static (DeleteResult Result, List<string> Orphans) DeleteVersion(Db db, string bucket, string key, string versionId, DateTimeOffset now, bool bypassGovernance = false, DateTimeOffset? since = null)
    {
        if (ObjectRows.FindVersion(db, bucket, key, versionId) is not { } v)
        {
            return (new DeleteResult(versionId, false), []);
        }

        ObjectLockRules.CheckDeletable(v, now, bypassGovernance);

        var freed = new List<SegmentRef>();
        var delta = Remove(db, v, freed);
        if (v.IsLatest && ObjectRows.Newest(db, bucket, key) is { } next)
        {
            delta += SetLatest(db, next, true, now);
        }

        UsageMeter.Apply(db, bucket, now, delta, since);
        return (new DeleteResult(versionId, v.IsDeleteMarker), SegmentRows.Unreferenced(db, freed.Select(s => s.SegmentId)));
    }

    /// <summary>The bucket has object lock; ObjectLockNotEnabled otherwise.</summary>
    public static BucketInfo RequireObjectLock(Db db, string bucket) =>
        BucketRows.Find(db, bucket) is { ObjectLock: true } b ? b : throw new StorageException(StorageFault.ObjectLockNotEnabled) { Bucket = bucket };

    /// <summary>Whether the version is protected from deletion without bypassing anything (lifecycle never bypasses).</summary>
    public static bool IsLocked(ObjectInfo v, DateTimeOffset now) => v.LegalHold || v.Retention is { } r && r.InEffect(now);

    /// <summary>Lifecycle expiration of the current version <paramref name="current"/>: a delete without a version id, as S3's rule does it.</summary>
    /// <summary>A lifecycle expiration of the current version, metered from <paramref name="due"/> (never before the version was written).</summary>
    public static List<string> Expire(Db db, ObjectInfo current, DateTimeOffset now, DateTimeOffset due) =>
        DeleteCurrent(db, current.Bucket, current.Key, current.Owner, now, due > current.LastModified ? due : current.LastModified).Orphans;

    /// <summary>
    /// Before a new latest version is written: outside an enabled bucket the null version is removed (it is being
    /// replaced), and the latest version, if any is left, becomes noncurrent.
    /// </summary>
    private static UsageDelta MakeRoom(Db db, string bucket, string key, VersioningState state, List<SegmentRef> freed, DateTimeOffset now)
    {
        var delta = default(UsageDelta);
        var latest = ObjectRows.FindLatest(db, bucket, key);
        // In an unversioned bucket the latest version is the null version: no second lookup for it on every write.
        if (state != VersioningState.Enabled
            && (latest?.VersionId == ObjectVersions.NullId ? latest : ObjectRows.FindVersion(db, bucket, key, ObjectVersions.NullId)) is { } nullVersion)
        {
            delta += Remove(db, nullVersion, freed);
            if (latest?.Id == nullVersion.Id)
            {
                latest = null;
            }
        }

        if (latest is not null)
        {
            delta += SetLatest(db, latest, false, now);
        }

        return delta;
    }

    private static UsageDelta Remove(Db db, ObjectInfo v, List<SegmentRef> freed)
    {
        var segs = ObjectRows.Segments(db, v.Id).Segments;
        ObjectRows.Delete(db, v.Id);
        freed.AddRange(segs);
        return UsageDelta.Version(-1, v, segs.Count);
    }

    /// <summary>Makes <paramref name="v"/> the latest version or a noncurrent one; the meter moves it between the two.</summary>
    private static UsageDelta SetLatest(Db db, ObjectInfo v, bool latest, DateTimeOffset now)
    {
        ObjectRows.SetLatest(db, v.Id, latest, now);
        var segs = ObjectRows.SegmentCount(db, v.Id);
        return UsageDelta.Version(-1, v, segs) + UsageDelta.Version(1, v with { IsLatest = latest }, segs);
    }

    internal static DateTimeOffset Truncate(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());
}
