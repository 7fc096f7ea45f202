using System.Text.Json;
using Microsoft.Data.Sqlite;
using Storage.Checksums;
using Storage.Objects;
using Storage.Segments;

namespace Storage.Metadata;

/// <summary>The objects table with its segment lists (object_segments) and, for multipart objects, its parts (object_parts).</summary>
internal static class ObjectRows
{
    // The last column says whether the bucket's versioning is (or was) on, for answers that carry version ids.
    private const string Columns = "id, bucket, key, size, etag, last_modified, headers, checksum_algorithm, checksum_value, checksum_type, parts_count, owner, tags, " +
        "version_id, latest, delete_marker, (SELECT b.versioning IS NOT NULL FROM buckets b WHERE b.name = objects.bucket), noncurrent_since, " +
        "lock_mode, lock_until, legal_hold, acl, encryption, appends";

    /// <summary>The key's current object: its latest version, unless that is a delete marker (then null, as for no object).</summary>
    public static ObjectInfo? Find(Db db, string bucket, string key) =>
        db.First($"SELECT {Columns} FROM objects WHERE bucket = $b AND key = $k AND latest = 1 AND delete_marker = 0;", Map, ("$b", bucket), ("$k", key));

    /// <summary>The key's latest version, delete marker or not.</summary>
    public static ObjectInfo? FindLatest(Db db, string bucket, string key) =>
        db.First($"SELECT {Columns} FROM objects WHERE bucket = $b AND key = $k AND latest = 1;", Map, ("$b", bucket), ("$k", key));

    public static ObjectInfo? FindVersion(Db db, string bucket, string key, string versionId) =>
        db.First($"SELECT {Columns} FROM objects WHERE bucket = $b AND key = $k AND version_id = $v;", Map, ("$b", bucket), ("$k", key), ("$v", versionId));

    /// <summary>The key's newest version (the one inserted last), whatever it is.</summary>
    public static ObjectInfo? Newest(Db db, string bucket, string key) =>
        db.First($"SELECT {Columns} FROM objects WHERE bucket = $b AND key = $k ORDER BY id DESC LIMIT 1;", Map, ("$b", bucket), ("$k", key));

    /// <summary>Makes the row the latest version, or (with the time it happened) a noncurrent one.</summary>
    public static void SetLatest(Db db, long objectId, bool latest, DateTimeOffset now) =>
        db.Execute("UPDATE objects SET latest = $l, noncurrent_since = $t WHERE id = $id;",
            ("$l", latest ? 1 : 0), ("$t", latest ? null : Codes.Ms(now)), ("$id", objectId));

    private static ObjectInfo Map(SqliteDataReader r)
    {
        var attributes = JsonSerializer.Deserialize(r.GetString(6), StorageJson.Default.DictionaryStringString) ?? [];
        ChecksumValue? checksum = r.IsDBNull(7) ? null : new ChecksumValue(Codes.Algorithm(r.GetString(7)), Codes.Type(r.GetString(9)), r.GetString(8));
        return new ObjectInfo(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4),
            Codes.Time(r.GetInt64(5)), attributes, checksum, r.GetInt32(10), r.GetString(11))
        {
            Tags = TagRows.Parse(r, 12),
            VersionId = r.GetString(13),
            IsLatest = r.GetInt64(14) != 0,
            IsDeleteMarker = r.GetInt64(15) != 0,
            Versioned = !r.IsDBNull(16) && r.GetInt64(16) != 0,
            NoncurrentSince = r.IsDBNull(17) ? null : Codes.Time(r.GetInt64(17)),
            Retention = LockColumns.Retention(r, 18),
            LegalHold = r.GetInt64(20) != 0,
            Acl = r.IsDBNull(21) ? null : r.GetString(21),
            Encryption = r.IsDBNull(22) ? null : r.GetString(22),
            Appends = r.GetInt32(23),
        };
    }

    /// <summary>The object's segment ranges in order, with the part number each came from (0 for objects written whole).</summary>
    public static (List<SegmentRef> Segments, List<int> PartNumbers) Segments(Db db, long objectId)
    {
        var rows = db.List("SELECT segment_id, seg_offset, length, part_number FROM object_segments WHERE object_id = $id ORDER BY seq;",
            r => (new SegmentRef(r.GetString(0), r.GetInt64(1), r.GetInt64(2)), r.GetInt32(3)), ("$id", objectId));
        return (rows.Select(x => x.Item1).ToList(), rows.Select(x => x.Item2).ToList());
    }

    public static long SegmentCount(Db db, long objectId) =>
        db.Scalar<long>("SELECT COUNT(*) FROM object_segments WHERE object_id = $id;", ("$id", objectId));

    /// <summary>The parts a multipart object was completed from, in part-number order (empty for other objects).</summary>
    public static List<ObjectPart> Parts(Db db, long objectId) =>
        db.List("SELECT part_number, size, etag, checksum_value FROM object_parts WHERE object_id = $id ORDER BY part_number;",
            r => new ObjectPart(r.GetInt32(0), r.GetInt64(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)), ("$id", objectId));

    /// <summary>Inserts the object row, its segment list and its parts; returns the new row id.</summary>
    public static long Insert(Db db, ObjectInfo info, IReadOnlyList<SegmentRef> segments, IReadOnlyList<int>? partNumbers, IReadOnlyList<ObjectPart>? parts)
    {
        var id = db.Scalar<long>(
            "INSERT INTO objects(bucket, key, size, etag, last_modified, headers, checksum_algorithm, checksum_value, checksum_type, parts_count, owner, tags, " +
            "version_id, latest, delete_marker, lock_mode, lock_until, legal_hold, acl, encryption, appends) " +
            "VALUES ($b, $k, $s, $e, $t, $h, $ca, $cv, $ct, $pc, $o, $tags, $v, $l, $dm, $lm, $lu, $lh, $acl, $enc, $app) RETURNING id;",
            ("$b", info.Bucket), ("$k", info.Key), ("$s", info.Size), ("$e", info.ETag), ("$t", Codes.Ms(info.LastModified)),
            ("$h", JsonSerializer.Serialize(info.Attributes, StorageJson.Default.IReadOnlyDictionaryStringString)), ("$ca", info.Checksum is { } c ? Codes.Of(c.Algorithm) : null), ("$cv", info.Checksum?.Value),
            ("$ct", info.Checksum is { } t ? Codes.Of(t.Type) : null), ("$pc", info.PartsCount), ("$o", info.Owner),
            ("$tags", TagRows.Json(info.Tags)), ("$v", info.VersionId), ("$l", info.IsLatest ? 1 : 0), ("$dm", info.IsDeleteMarker ? 1 : 0),
            ("$lm", LockColumns.Mode(info.Retention)), ("$lu", info.Retention is { } ret ? Codes.Ms(ret.Until) : null), ("$lh", info.LegalHold ? 1 : 0), ("$acl", info.Acl), ("$enc", info.Encryption),
            ("$app", info.Appends));
        db.ExecuteEach("INSERT INTO object_segments(object_id, seq, segment_id, seg_offset, length, part_number) VALUES ($id, $seq, $sid, $off, $len, $pn);",
            Enumerable.Range(0, segments.Count),
            i => [("$id", id), ("$seq", i), ("$sid", segments[i].SegmentId), ("$off", segments[i].Offset), ("$len", segments[i].Length), ("$pn", partNumbers?[i] ?? 0)]);
        if (parts is not null)
        {
            db.ExecuteEach("INSERT INTO object_parts(object_id, part_number, size, etag, checksum_value) VALUES ($id, $pn, $size, $etag, $cv);", parts,
                p => [("$id", id), ("$pn", p.PartNumber), ("$size", p.Size), ("$etag", p.ETag), ("$cv", p.Checksum)]);
        }

        return id;
    }

    /// <summary>Replaces the object lock settings of the object row <paramref name="objectId"/>.</summary>
    public static void SetLock(Db db, long objectId, Retention? retention, bool legalHold) =>
        db.Execute("UPDATE objects SET lock_mode = $lm, lock_until = $lu, legal_hold = $lh WHERE id = $id;",
            ("$lm", LockColumns.Mode(retention)), ("$lu", retention is { } r ? Codes.Ms(r.Until) : null), ("$lh", legalHold ? 1 : 0), ("$id", objectId));

    /// <summary>Replaces the grants (a front end's document; null for its default) of the object row <paramref name="objectId"/>.</summary>
    public static void SetAcl(Db db, long objectId, string? acl) =>
        db.Execute("UPDATE objects SET acl = $acl WHERE id = $id;", ("$acl", acl), ("$id", objectId));

    /// <summary>Replaces the tag set of the object row <paramref name="objectId"/>; nothing else about it changes.</summary>
    public static void SetTags(Db db, long objectId, IReadOnlyList<Tag> tags) =>
        db.Execute("UPDATE objects SET tags = $tags WHERE id = $id;", ("$tags", TagRows.Json(tags)), ("$id", objectId));

    /// <summary>Deletes the object row; its segment list and parts go with it (ON DELETE CASCADE).</summary>
    public static void Delete(Db db, long objectId) => db.Execute("DELETE FROM objects WHERE id = $id;", ("$id", objectId));

    /// <summary>
    /// Up to <paramref name="limit"/> objects of a bucket in key order with key &gt;= <paramref name="from"/>, key &gt;
    /// <paramref name="after"/> and, when given, key &lt; <paramref name="upper"/>.
    /// </summary>
    public static IEnumerable<ObjectInfo> Page(Db db, string bucket, string from, string after, string? upper, int limit) =>
        db.Query($"SELECT {Columns} FROM objects WHERE bucket = $b AND latest = 1 AND delete_marker = 0 AND key >= $from AND key > $after" +
                (upper is null ? "" : " AND key < $upper") + " ORDER BY key LIMIT $n;",
            Map, ("$b", bucket), ("$from", from), ("$after", after), ("$upper", upper), ("$n", limit));

    /// <summary>
    /// Up to <paramref name="limit"/> versions of a bucket in (key, newest first) order: key &gt;= <paramref name="from"/>,
    /// strictly after the version (<paramref name="afterKey"/>, row id <paramref name="afterId"/>; a key with
    /// <see cref="long.MaxValue"/> means after none of its versions, 0 after all of them) and, when given, key &lt;
    /// <paramref name="upper"/>.
    /// </summary>
    public static IEnumerable<ObjectInfo> VersionPage(Db db, string bucket, string from, string afterKey, long afterId, string? upper, int limit) =>
        db.Query($"SELECT {Columns} FROM objects WHERE bucket = $b AND key >= $from AND (key > $ak OR (key = $ak AND id < $ai))" +
                (upper is null ? "" : " AND key < $upper") + " ORDER BY key, id DESC LIMIT $n;",
            Map, ("$b", bucket), ("$from", from), ("$ak", afterKey), ("$ai", afterId), ("$upper", upper), ("$n", limit));

    /// <summary>The current objects under a prefix last modified at or before <paramref name="cutoffMs"/>.</summary>
    public static List<ObjectInfo> ModifiedBefore(Db db, string bucket, string prefix, long cutoffMs) =>
        db.List($"SELECT {Columns} FROM objects WHERE bucket = $b AND latest = 1 AND delete_marker = 0 AND substr(key, 1, length($p)) = $p AND last_modified <= $cut;",
            Map, ("$b", bucket), ("$p", prefix), ("$cut", cutoffMs));

    /// <summary>The noncurrent versions (delete markers too) under a prefix, by key and newest first.</summary>
    public static List<ObjectInfo> Noncurrent(Db db, string bucket, string prefix) =>
        db.List($"SELECT {Columns} FROM objects WHERE bucket = $b AND latest = 0 AND substr(key, 1, length($p)) = $p ORDER BY key, id DESC;",
            Map, ("$b", bucket), ("$p", prefix));

    /// <summary>Delete markers under a prefix that are the latest and only version of their key (S3's "expired object delete markers").</summary>
    public static List<ObjectInfo> LoneDeleteMarkers(Db db, string bucket, string prefix) =>
        db.List($"SELECT {Columns} FROM objects WHERE bucket = $b AND latest = 1 AND delete_marker = 1 AND substr(key, 1, length($p)) = $p " +
                "AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.bucket = objects.bucket AND o.key = objects.key AND o.id <> objects.id);",
            Map, ("$b", bucket), ("$p", prefix));
}

/// <summary>Which rows reference a segment file: object segment lists and parts of incomplete uploads.</summary>
internal static class SegmentRows
{
    public static bool IsReferenced(Db db, string segmentId) =>
        db.Scalar<long>("SELECT EXISTS(SELECT 1 FROM object_segments WHERE segment_id = $s) OR EXISTS(SELECT 1 FROM part_segments WHERE segment_id = $s);",
            ("$s", segmentId)) != 0;

    /// <summary>
    /// Of <paramref name="ids"/>, the segment files no row references any more (checked inside the transaction
    /// that stopped referencing them), for the caller to delete once it has committed. Unreferenced inline
    /// segments are deleted here, in that same transaction, since their bytes are rows.
    /// </summary>
    public static List<string> Unreferenced(Db db, IEnumerable<string> ids)
    {
        var files = new List<string>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal).Where(id => !IsReferenced(db, id)))
        {
            if (InlineRows.IsInline(id))
            {
                InlineRows.Delete(db, id);
            }
            else
            {
                files.Add(id);
            }
        }

        return files;
    }

    /// <summary>Every segment id some row references.</summary>
    public static HashSet<string> AllReferenced(Db db) =>
        db.List("SELECT segment_id FROM object_segments UNION SELECT segment_id FROM part_segments;", r => r.GetString(0)).ToHashSet(StringComparer.Ordinal);
}

/// <summary>
/// Inline segments: a small body's bytes in the database (see <see cref="Segments.Segmenter"/>). Their ids start
/// with 'i', which a segment file's hex id never does.
/// </summary>
internal static class InlineRows
{
    public static bool IsInline(string segmentId) => segmentId.StartsWith('i');

    public static string NewId() => "i" + SegmentStore.NewId();

    public static void Insert(Db db, string id, byte[] data) =>
        db.Execute("INSERT INTO inline_segments(id, data) VALUES ($id, $d);", ("$id", id), ("$d", data));

    public static void Delete(Db db, string id) => db.Execute("DELETE FROM inline_segments WHERE id = $id;", ("$id", id));

    /// <summary>The bytes of the inline segments among <paramref name="segments"/>, by id (null when there are none).</summary>
    public static Dictionary<string, byte[]>? Load(Db db, IEnumerable<SegmentRef> segments)
    {
        Dictionary<string, byte[]>? data = null;
        foreach (var id in segments.Select(s => s.SegmentId).Where(IsInline).Distinct(StringComparer.Ordinal))
        {
            data ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
            data[id] = db.First("SELECT data FROM inline_segments WHERE id = $id;", r => (byte[])r.GetValue(0), ("$id", id))
                ?? throw new InvalidOperationException($"Inline segment {id} is referenced but has no row.");
        }

        return data;
    }

    public static HashSet<string> All(Db db) =>
        db.List("SELECT id FROM inline_segments;", r => r.GetString(0)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Start-up sweep: inline rows no segment list references (none should exist: both change in one transaction).</summary>
    public static int DeleteUnreferenced(Db db) =>
        db.Execute("DELETE FROM inline_segments WHERE id NOT IN (SELECT segment_id FROM object_segments UNION SELECT segment_id FROM part_segments);");
}

/// <summary>Tag sets as stored: a JSON array of {Key, Value}, or NULL for none.</summary>
internal static class TagRows
{
    public static string? Json(IReadOnlyList<Tag> tags) => tags.Count == 0 ? null : JsonSerializer.Serialize(tags, StorageJson.Default.IReadOnlyListTag);

    public static IReadOnlyList<Tag> Parse(SqliteDataReader r, int column) =>
        r.IsDBNull(column) ? [] : JsonSerializer.Deserialize(r.GetString(column), StorageJson.Default.ListTag) ?? [];
}

/// <summary>Object lock columns (lock_mode, lock_until) as stored on objects and uploads.</summary>
internal static class LockColumns
{
    public static string? Mode(Retention? r) => r?.Mode.ToString();

    public static Retention? Retention(SqliteDataReader r, int modeColumn) => r.IsDBNull(modeColumn)
        ? null
        : new Retention(Enum.Parse<RetentionMode>(r.GetString(modeColumn)), Codes.Time(r.GetInt64(modeColumn + 1)));
}
