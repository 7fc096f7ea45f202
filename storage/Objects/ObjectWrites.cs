using Storage.Metadata;
using Storage.Segments;
using Storage.Usage;

namespace Storage.Objects;

/// <summary>Object row changes with their meter deltas, shared by plain writes, copies, multipart and lifecycle.</summary>
internal static class ObjectWrites
{
    /// <summary>
    /// Replaces whatever object is at (bucket, key) with a new row. Returns the ids of segments the old object
    /// used that no row references any more: the caller deletes those files after the transaction commits.
    /// </summary>
    public static (ObjectInfo Info, List<string> Orphans) Replace(
        Db db, ObjectInfo info, IReadOnlyList<SegmentRef> segments, IReadOnlyList<int>? partNumbers, IReadOnlyList<ObjectPart>? parts = null)
    {
        IReadOnlyList<SegmentRef> oldSegs = [];
        var old = ObjectRows.Find(db, info.Bucket, info.Key);
        if (old is not null)
        {
            oldSegs = ObjectRows.Segments(db, old.Id).Segments;
            ObjectRows.Delete(db, old.Id);
        }

        var id = ObjectRows.Insert(db, info, segments, partNumbers, parts);

        // The meter changes in this same transaction: the old object leaves the bucket's totals, the new one enters.
        var delta = UsageDelta.Object(1, info.Size, segments.Count);
        if (old is not null)
        {
            delta += UsageDelta.Object(-1, old.Size, oldSegs.Count);
        }

        UsageMeter.Apply(db, info.Bucket, info.LastModified, delta);

        // Orphans are judged after the new rows exist: a copy onto itself (or any replace that reuses a segment)
        // references the old segments again, and they must not be deleted.
        var orphans = SegmentRows.Unreferenced(db, oldSegs.Select(s => s.SegmentId));
        return (info with { Id = id }, orphans);
    }

    /// <summary>Deletes the object row; returns the segment ids no row references any more.</summary>
    public static List<string> Delete(Db db, ObjectInfo old, DateTimeOffset now)
    {
        var (oldSegs, _) = ObjectRows.Segments(db, old.Id);
        ObjectRows.Delete(db, old.Id);
        UsageMeter.Apply(db, old.Bucket, now, UsageDelta.Object(-1, old.Size, oldSegs.Count));
        return SegmentRows.Unreferenced(db, oldSegs.Select(s => s.SegmentId));
    }

    internal static DateTimeOffset Truncate(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());
}
