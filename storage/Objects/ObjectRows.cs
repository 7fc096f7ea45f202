using System.Text.Json;
using Microsoft.Data.Sqlite;
using Storage.Metadata;
using Storage.Segments;
using Storage.Usage;

namespace Storage.Objects;

/// <summary>Reads and writes object rows and their segment lists; shared by plain writes, copies and multipart.</summary>
internal static class ObjectRows
{
    private const string Columns = "id, bucket, key, size, etag, last_modified, headers, checksum_algorithm, checksum_value, checksum_type, parts_count, owner";

    public static ObjectInfo? Find(SqliteConnection c, SqliteTransaction? tx, string bucket, string key)
    {
        using var cmd = MetadataStore.Command(c, tx, $"SELECT {Columns} FROM objects WHERE bucket = $b AND key = $k;", ("$b", bucket), ("$k", key));
        using var r = cmd.ExecuteReader();
        return r.Read() ? Map(r) : null;
    }

    public static ObjectInfo Map(SqliteDataReader r)
    {
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(6)) ?? [];
        StoredChecksum? checksum = r.IsDBNull(7) ? null : new StoredChecksum(r.GetString(7), r.GetString(8), r.GetString(9));
        return new ObjectInfo(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), headers, checksum, r.GetInt32(10), r.GetString(11));
    }

    public static string SelectColumns(string alias) => string.Join(", ", Columns.Split(", ").Select(c => alias + "." + c));

    public static (IReadOnlyList<SegmentRef> Segments, IReadOnlyList<int> PartNumbers) Segments(SqliteConnection c, SqliteTransaction? tx, long objectId)
    {
        using var cmd = MetadataStore.Command(c, tx, "SELECT segment_id, seg_offset, length, part_number FROM object_segments WHERE object_id = $id ORDER BY seq;", ("$id", objectId));
        using var r = cmd.ExecuteReader();
        var segs = new List<SegmentRef>();
        var parts = new List<int>();
        while (r.Read())
        {
            segs.Add(new SegmentRef(r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
            parts.Add(r.GetInt32(3));
        }

        return (segs, parts);
    }

    /// <summary>
    /// Replaces whatever object is at (bucket, key) with a new row. Returns the ids of segments the old object
    /// used that no row references any more: the caller deletes those files after the transaction commits.
    /// </summary>
    public static (ObjectInfo Info, List<string> Orphans) Replace(
        SqliteConnection c, SqliteTransaction tx, ObjectInfo info, IReadOnlyList<SegmentRef> segments, IReadOnlyList<int>? partNumbers,
        IReadOnlyList<ObjectPart>? parts = null)
    {
        IReadOnlyList<SegmentRef> oldSegs = [];
        var old = Find(c, tx, info.Bucket, info.Key);
        if (old is not null)
        {
            oldSegs = Segments(c, tx, old.Id).Segments;
            MetadataStore.Execute(c, tx, "DELETE FROM objects WHERE id = $id;", ("$id", old.Id));
        }

        var id = MetadataStore.Scalar<long>(c, tx,
            "INSERT INTO objects(bucket, key, size, etag, last_modified, headers, checksum_algorithm, checksum_value, checksum_type, parts_count, owner) " +
            "VALUES ($b, $k, $s, $e, $t, $h, $ca, $cv, $ct, $pc, $o) RETURNING id;",
            ("$b", info.Bucket), ("$k", info.Key), ("$s", info.Size), ("$e", info.ETag), ("$t", info.LastModified.ToUnixTimeMilliseconds()),
            ("$h", JsonSerializer.Serialize(info.Headers)), ("$ca", info.Checksum?.Algorithm), ("$cv", info.Checksum?.Value),
            ("$ct", info.Checksum?.Type), ("$pc", info.PartsCount), ("$o", info.Owner));
        using var insert = MetadataStore.Command(c, tx,
            "INSERT INTO object_segments(object_id, seq, segment_id, seg_offset, length, part_number) VALUES ($id, $seq, $sid, $off, $len, $pn);",
            ("$id", id), ("$seq", 0), ("$sid", ""), ("$off", 0L), ("$len", 0L), ("$pn", 0));
        for (var i = 0; i < segments.Count; i++)
        {
            insert.Parameters["$seq"].Value = i;
            insert.Parameters["$sid"].Value = segments[i].SegmentId;
            insert.Parameters["$off"].Value = segments[i].Offset;
            insert.Parameters["$len"].Value = segments[i].Length;
            insert.Parameters["$pn"].Value = partNumbers?[i] ?? 0;
            insert.ExecuteNonQuery();
        }

        if (parts is not null)
        {
            using var insertPart = MetadataStore.Command(c, tx,
                "INSERT INTO object_parts(object_id, part_number, size, etag, checksum_value) VALUES ($id, $pn, $size, $etag, $cv);",
                ("$id", id), ("$pn", 0), ("$size", 0L), ("$etag", ""), ("$cv", null));
            foreach (var p in parts)
            {
                insertPart.Parameters["$pn"].Value = p.PartNumber;
                insertPart.Parameters["$size"].Value = p.Size;
                insertPart.Parameters["$etag"].Value = p.ETag;
                insertPart.Parameters["$cv"].Value = (object?)p.Checksum ?? DBNull.Value;
                insertPart.ExecuteNonQuery();
            }
        }

        // The meter changes in this same transaction: the old object leaves the bucket's totals, the new one enters.
        var delta = UsageDelta.Object(1, info.Size, segments.Count);
        if (old is not null)
        {
            delta += UsageDelta.Object(-1, old.Size, oldSegs.Count);
        }

        UsageMeter.Apply(c, tx, info.Bucket, info.LastModified, delta);

        // Orphans are judged after the new rows exist: a copy onto itself (or any replace that reuses a segment)
        // references the old segments again, and they must not be deleted.
        var orphans = Unreferenced(c, tx, oldSegs.Select(s => s.SegmentId));
        return (info with { Id = id }, orphans);
    }

    /// <summary>The parts a multipart object was completed from, in part-number order (empty for other objects).</summary>
    public static IReadOnlyList<ObjectPart> Parts(SqliteConnection c, SqliteTransaction? tx, long objectId)
    {
        using var cmd = MetadataStore.Command(c, tx, "SELECT part_number, size, etag, checksum_value FROM object_parts WHERE object_id = $id ORDER BY part_number;", ("$id", objectId));
        using var r = cmd.ExecuteReader();
        var list = new List<ObjectPart>();
        while (r.Read())
        {
            list.Add(new ObjectPart(r.GetInt32(0), r.GetInt64(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)));
        }

        return list;
    }

    /// <summary>Deletes the object row; returns the segment ids no row references any more.</summary>
    public static List<string> Delete(SqliteConnection c, SqliteTransaction tx, ObjectInfo old, DateTimeOffset now)
    {
        var (oldSegs, _) = Segments(c, tx, old.Id);
        MetadataStore.Execute(c, tx, "DELETE FROM objects WHERE id = $id;", ("$id", old.Id));
        UsageMeter.Apply(c, tx, old.Bucket, now, UsageDelta.Object(-1, old.Size, oldSegs.Count));
        return Unreferenced(c, tx, oldSegs.Select(s => s.SegmentId));
    }

    /// <summary>Of <paramref name="ids"/>, those no row references (checked inside the deleting transaction).</summary>
    public static List<string> Unreferenced(SqliteConnection c, SqliteTransaction tx, IEnumerable<string> ids)
    {
        var result = new List<string>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (!IsReferenced(c, tx, id))
            {
                result.Add(id);
            }
        }

        return result;
    }

    /// <summary>Whether any object or any part of an incomplete upload references the segment.</summary>
    public static bool IsReferenced(SqliteConnection c, SqliteTransaction? tx, string segmentId) =>
        MetadataStore.Scalar<long>(c, tx,
            "SELECT EXISTS(SELECT 1 FROM object_segments WHERE segment_id = $s) OR EXISTS(SELECT 1 FROM part_segments WHERE segment_id = $s);",
            ("$s", segmentId)) != 0;
}
