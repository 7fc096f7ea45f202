using System.Text.Json;
using Microsoft.Data.Sqlite;
using Storage.Multipart;
using Storage.Objects;
using Storage.Segments;

namespace Storage.Metadata;

/// <summary>
/// Incomplete multipart uploads: the uploads table, their parts with the segment ranges each part owns
/// (part_segments), and completed_uploads, which remembers what each finished upload became so a retried
/// Complete can be answered.
/// </summary>
internal static class UploadRows
{
    private const string Columns = "upload_id, bucket, key, initiated, headers, checksum_algorithm, checksum_type, owner, annotations, expires, tags, lock_mode, lock_until, legal_hold, acl, encryption";

    public static UploadInfo? Find(Db db, string uploadId) =>
        db.First($"SELECT {Columns} FROM uploads WHERE upload_id = $u;", Map, ("$u", uploadId));

    private static UploadInfo Map(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), Codes.Time(r.GetInt64(3)),
        JsonSerializer.Deserialize(r.GetString(4), StorageJson.Default.DictionaryStringString) ?? [],
        r.IsDBNull(5) ? null : Codes.Algorithm(r.GetString(5)), r.IsDBNull(6) ? null : Codes.Type(r.GetString(6)), r.GetString(7))
    {
        Annotations = JsonSerializer.Deserialize(r.GetString(8), StorageJson.Default.DictionaryStringString) ?? [],
        ExpiresAt = r.IsDBNull(9) ? null : Codes.Time(r.GetInt64(9)),
        Tags = TagRows.Parse(r, 10),
        Lock = r.IsDBNull(11) && r.GetInt64(13) == 0 ? null : new LockSettings(LockColumns.Retention(r, 11), r.GetInt64(13) != 0),
        Acl = r.IsDBNull(14) ? null : r.GetString(14),
        Encryption = r.IsDBNull(15) ? null : r.GetString(15),
    };

    public static void Insert(Db db, UploadInfo u) =>
        db.Execute("INSERT INTO uploads(upload_id, bucket, key, initiated, headers, checksum_algorithm, checksum_type, owner, accrued_to, annotations, expires, tags, lock_mode, lock_until, legal_hold, acl, encryption) " +
                "VALUES ($u, $b, $k, $t, $h, $ca, $ct, $o, $t, $an, $ex, $tags, $lm, $lu, $lh, $acl, $enc);",
            ("$u", u.UploadId), ("$b", u.Bucket), ("$k", u.Key), ("$t", Codes.Ms(u.Initiated)), ("$h", JsonSerializer.Serialize(u.Attributes, StorageJson.Default.IReadOnlyDictionaryStringString)),
            ("$ca", u.ChecksumAlgorithm is { } a ? Codes.Of(a) : null), ("$ct", u.ChecksumType is { } t ? Codes.Of(t) : null), ("$o", u.Owner),
            ("$an", JsonSerializer.Serialize(u.Annotations, StorageJson.Default.IReadOnlyDictionaryStringString)), ("$ex", u.ExpiresAt is { } e ? Codes.Ms(e) : null),
            ("$tags", TagRows.Json(u.Tags)), ("$lm", LockColumns.Mode(u.Lock?.Retention)),
            ("$lu", u.Lock?.Retention is { } ret ? Codes.Ms(ret.Until) : null), ("$lh", u.Lock?.LegalHold == true ? 1 : 0), ("$acl", u.Acl), ("$enc", u.Encryption));

    /// <summary>Replaces an upload's annotations.</summary>
    public static void SetAnnotations(Db db, string uploadId, IReadOnlyDictionary<string, string> annotations) =>
        db.Execute("UPDATE uploads SET annotations = $an WHERE upload_id = $u;", ("$an", JsonSerializer.Serialize(annotations, StorageJson.Default.IReadOnlyDictionaryStringString)), ("$u", uploadId));

    /// <summary>Uploads whose expiry time is at or before <paramref name="nowMs"/>, oldest expiry first.</summary>
    public static List<UploadInfo> Expired(Db db, long nowMs, int limit) =>
        db.List($"SELECT {Columns} FROM uploads WHERE expires IS NOT NULL AND expires <= $t ORDER BY expires LIMIT $n;", Map, ("$t", nowMs), ("$n", limit));

    /// <summary>Deletes the upload with its parts and their segment ranges (ON DELETE CASCADE).</summary>
    public static void Delete(Db db, string uploadId) => db.Execute("DELETE FROM uploads WHERE upload_id = $u;", ("$u", uploadId));

    /// <summary>Up to <paramref name="limit"/> uploads of a bucket in (key, upload id) order, strictly after (afterKey, afterId), with key &gt;= from and &lt; upper.</summary>
    public static IEnumerable<UploadInfo> Page(Db db, string bucket, string from, string afterKey, string afterId, string? upper, int limit) =>
        db.Query($"SELECT {Columns} FROM uploads WHERE bucket = $b AND key >= $from AND (key > $ak OR (key = $ak AND upload_id > $ai))" +
                (upper is null ? "" : " AND key < $upper") + " ORDER BY key, upload_id LIMIT $n;",
            Map, ("$b", bucket), ("$from", from), ("$ak", afterKey), ("$ai", afterId), ("$upper", upper), ("$n", limit));

    /// <summary>A bucket's incomplete uploads in (key, upload id) order.</summary>
    public static List<UploadInfo> InBucket(Db db, string bucket) =>
        db.List($"SELECT {Columns} FROM uploads WHERE bucket = $b ORDER BY key, upload_id;", Map, ("$b", bucket));

    // ---- parts ----

    private static PartInfo MapPart(SqliteDataReader r) =>
        new(r.GetInt32(0), r.GetInt64(1), r.GetString(2), Codes.Time(r.GetInt64(3)), r.IsDBNull(4) ? null : r.GetString(4));

    public static List<PartInfo> Parts(Db db, string uploadId) =>
        db.List("SELECT part_number, size, etag, last_modified, checksum_value FROM parts WHERE upload_id = $u ORDER BY part_number;", MapPart, ("$u", uploadId));

    /// <summary>Up to <paramref name="limit"/> parts numbered above <paramref name="marker"/>.</summary>
    public static List<PartInfo> PartsAfter(Db db, string uploadId, int marker, int limit) =>
        db.List("SELECT part_number, size, etag, last_modified, checksum_value FROM parts WHERE upload_id = $u AND part_number > $m ORDER BY part_number LIMIT $n;",
            MapPart, ("$u", uploadId), ("$m", marker), ("$n", limit));

    public static PartInfo? Part(Db db, string uploadId, int partNumber) =>
        db.First("SELECT part_number, size, etag, last_modified, checksum_value FROM parts WHERE upload_id = $u AND part_number = $p;", MapPart,
            ("$u", uploadId), ("$p", partNumber));

    /// <summary>Whether upload <paramref name="uploadId"/> is still open for (bucket, key): the check a part's commit makes.</summary>
    public static bool IsOpen(Db db, string uploadId, string bucket, string key) =>
        db.Scalar<long?>("SELECT 1 FROM uploads WHERE upload_id = $u AND bucket = $b AND key = $k;", ("$u", uploadId), ("$b", bucket), ("$k", key)) is not null;

    public static long? PartSize(Db db, string uploadId, int partNumber) =>
        db.Scalar<long?>("SELECT size FROM parts WHERE upload_id = $u AND part_number = $p;", ("$u", uploadId), ("$p", partNumber));

    public static List<SegmentRef> PartSegments(Db db, string uploadId, int partNumber) =>
        db.List("SELECT segment_id, seg_offset, length FROM part_segments WHERE upload_id = $u AND part_number = $p ORDER BY seq;",
            r => new SegmentRef(r.GetString(0), r.GetInt64(1), r.GetInt64(2)), ("$u", uploadId), ("$p", partNumber));

    /// <summary>Every segment id the upload's parts reference.</summary>
    public static List<string> SegmentIds(Db db, string uploadId) =>
        db.List("SELECT segment_id FROM part_segments WHERE upload_id = $u;", r => r.GetString(0), ("$u", uploadId));

    /// <summary>The upload's parts: how many, their bytes, their segment ranges.</summary>
    public static (long Parts, long Bytes, long Segments) Totals(Db db, string uploadId) =>
        db.First("SELECT (SELECT COUNT(*) FROM parts WHERE upload_id = $u), (SELECT COALESCE(SUM(size), 0) FROM parts WHERE upload_id = $u), " +
                 "(SELECT COUNT(*) FROM part_segments WHERE upload_id = $u);",
            r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)), ("$u", uploadId));

    /// <summary>Replaces part <paramref name="part"/>.PartNumber (if any) with the new row and its segment ranges.</summary>
    public static void PutPart(Db db, string uploadId, PartInfo part, IReadOnlyList<SegmentRef> segments)
    {
        db.Execute("DELETE FROM parts WHERE upload_id = $u AND part_number = $p;", ("$u", uploadId), ("$p", part.PartNumber));
        db.Execute("INSERT INTO parts(upload_id, part_number, size, etag, checksum_value, last_modified) VALUES ($u, $p, $s, $e, $cv, $t);",
            ("$u", uploadId), ("$p", part.PartNumber), ("$s", part.Size), ("$e", part.ETag), ("$cv", part.Checksum), ("$t", Codes.Ms(part.LastModified)));
        db.ExecuteEach("INSERT INTO part_segments(upload_id, part_number, seq, segment_id, seg_offset, length) VALUES ($u, $p, $seq, $sid, $off, $len);",
            Enumerable.Range(0, segments.Count),
            i => [("$u", uploadId), ("$p", part.PartNumber), ("$seq", i), ("$sid", segments[i].SegmentId), ("$off", segments[i].Offset), ("$len", segments[i].Length)]);
    }

    /// <summary>
    /// Integrates an upload's bytes and segments over time up to <paramref name="nowMs"/>, then changes them: the
    /// per-upload figure behind each incomplete upload's accrued byte-hours and cost.
    /// </summary>
    public static void Accrue(Db db, string uploadId, long nowMs, long bytes, long segments) =>
        db.Execute(
            "UPDATE uploads SET byte_ms = byte_ms + bytes * MAX(0, $t - accrued_to), segment_ms = segment_ms + segments * MAX(0, $t - accrued_to), " +
            "accrued_to = MAX(accrued_to, $t), bytes = bytes + $db, segments = segments + $ds WHERE upload_id = $u;",
            ("$t", nowMs), ("$db", bytes), ("$ds", segments), ("$u", uploadId));

    /// <summary>When the upload's bytes last changed (its last part), null for an unknown upload.</summary>
    public static DateTimeOffset? LastChange(Db db, string uploadId) =>
        db.Scalar<long?>("SELECT accrued_to FROM uploads WHERE upload_id = $u;", ("$u", uploadId)) is { } ms ? Codes.Time(ms) : null;

    // ---- completed uploads ----

    public static void RecordCompleted(Db db, string uploadId, string bucket, string key, string etag, DateTimeOffset completed) =>
        db.Execute("INSERT OR REPLACE INTO completed_uploads(upload_id, bucket, key, etag, completed) VALUES ($u, $b, $k, $e, $t);",
            ("$u", uploadId), ("$b", bucket), ("$k", key), ("$e", etag), ("$t", Codes.Ms(completed)));

    /// <summary>Forgets the completed uploads of a bucket that is being deleted (a new bucket of that name starts clean).</summary>
    public static void ForgetCompleted(Db db, string bucket) => db.Execute("DELETE FROM completed_uploads WHERE bucket = $b;", ("$b", bucket));

    /// <summary>The ETag of the object the upload was completed into, if it was completed into (bucket, key).</summary>
    public static string? CompletedETag(Db db, string uploadId, string bucket, string key) =>
        db.Scalar<string>("SELECT etag FROM completed_uploads WHERE upload_id = $u AND bucket = $b AND key = $k;", ("$u", uploadId), ("$b", bucket), ("$k", key));
}
