namespace Storage.Metadata;

/// <summary>
/// What emptying storage removes, bucket by bucket: every version and delete marker, every incomplete upload with
/// its parts, the bucket's lifecycle rules, remembered completions and usage rows, and the bucket itself.
/// </summary>
internal static class EmptyRows
{
    /// <summary>The buckets to empty: every bucket, or those <paramref name="owner"/> owns.</summary>
    public static List<string> Buckets(Db db, string? owner) => owner is null
        ? db.List("SELECT name FROM buckets ORDER BY name;", r => r.GetString(0))
        : db.List("SELECT name FROM buckets WHERE owner = $o ORDER BY name;", r => r.GetString(0), ("$o", owner));

    /// <summary>Deletes every row of <paramref name="bucket"/>; returns what it held and the segment ids its rows referenced.</summary>
    public static (long Versions, long Uploads, long Parts, long Bytes, List<string> Segments) Drop(Db db, string bucket)
    {
        var (versions, uploads, parts, bytes) = db.First(
            "SELECT (SELECT COUNT(*) FROM objects WHERE bucket = $b), (SELECT COUNT(*) FROM uploads WHERE bucket = $b), " +
            "(SELECT COUNT(*) FROM parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE u.bucket = $b), " +
            "(SELECT COALESCE(SUM(size), 0) FROM objects WHERE bucket = $b) + " +
            "(SELECT COALESCE(SUM(p.size), 0) FROM parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE u.bucket = $b);",
            r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), ("$b", bucket));
        var segments = db.List(
            "SELECT s.segment_id FROM object_segments s JOIN objects o ON o.id = s.object_id WHERE o.bucket = $b " +
            "UNION SELECT s.segment_id FROM part_segments s JOIN uploads u ON u.upload_id = s.upload_id WHERE u.bucket = $b;",
            r => r.GetString(0), ("$b", bucket));
        db.Execute("DELETE FROM object_segments WHERE object_id IN (SELECT id FROM objects WHERE bucket = $b);", ("$b", bucket));
        db.Execute("DELETE FROM object_parts WHERE object_id IN (SELECT id FROM objects WHERE bucket = $b);", ("$b", bucket));
        db.Execute("DELETE FROM objects WHERE bucket = $b;", ("$b", bucket));
        db.Execute("DELETE FROM part_segments WHERE upload_id IN (SELECT upload_id FROM uploads WHERE bucket = $b);", ("$b", bucket));
        db.Execute("DELETE FROM parts WHERE upload_id IN (SELECT upload_id FROM uploads WHERE bucket = $b);", ("$b", bucket));
        db.Execute("DELETE FROM uploads WHERE bucket = $b;", ("$b", bucket));
        db.Execute("DELETE FROM completed_uploads WHERE bucket = $b;", ("$b", bucket));
        db.Execute("DELETE FROM lifecycle WHERE bucket = $b;", ("$b", bucket));
        db.Execute("DELETE FROM usage_gauges WHERE bucket = $b;", ("$b", bucket));
        db.Execute("DELETE FROM usage_periods WHERE bucket = $b;", ("$b", bucket));
        db.Execute("DELETE FROM buckets WHERE name = $b;", ("$b", bucket));
        return (versions, uploads, parts, bytes, segments);
    }

    /// <summary>
    /// What is left once every bucket is gone: the usage history of buckets deleted earlier, or of
    /// <paramref name="owner"/>'s, and completions remembered for buckets that no longer exist.
    /// </summary>
    public static void DropHistory(Db db, string? owner)
    {
        if (owner is null)
        {
            db.Execute("DELETE FROM usage_periods;");
            db.Execute("DELETE FROM completed_uploads;");
        }
        else
        {
            db.Execute("DELETE FROM usage_periods WHERE account = $o;", ("$o", owner));
        }
    }
}
