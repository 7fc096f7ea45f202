using Storage.Objects;

namespace Storage.Metadata;

/// <summary>The buckets table.</summary>
internal static class BucketRows
{
    public static BucketInfo? Find(Db db, string name) =>
        db.First("SELECT owner, created, versioning, object_lock, lock_rule, acl, policy, ownership, public_access_block, encryption, kind, zone FROM buckets WHERE name = $n;",
            r => new BucketInfo(name, r.GetString(0), Codes.Time(r.GetInt64(1)))
            {
                Versioning = Versioning(r, 2),
                ObjectLock = r.GetInt64(3) != 0,
                DefaultRetention = r.IsDBNull(4) ? null : System.Text.Json.JsonSerializer.Deserialize(r.GetString(4), StorageJson.Default.DefaultRetention),
                Access = new BucketAccess(Text(r, 5), Text(r, 6), Text(r, 7), Text(r, 8)) { Encryption = Text(r, 9) },
                Kind = Kind(r, 10),
                Zone = Text(r, 11),
            }, ("$n", name));

    private static BucketKind Kind(Microsoft.Data.Sqlite.SqliteDataReader r, int column) =>
        !r.IsDBNull(column) && r.GetString(column) == DirectoryKind ? BucketKind.Directory : BucketKind.General;

    private const string DirectoryKind = "directory";

    private static string? Text(Microsoft.Data.Sqlite.SqliteDataReader r, int column) => r.IsDBNull(column) ? null : r.GetString(column);

    /// <summary>Turns object lock on (for good) with a default retention (null: none).</summary>
    public static void SetObjectLock(Db db, string name, DefaultRetention? rule) =>
        db.Execute("UPDATE buckets SET object_lock = 1, lock_rule = $r WHERE name = $n;",
            ("$r", rule is null ? null : System.Text.Json.JsonSerializer.Serialize(rule, StorageJson.Default.DefaultRetention)), ("$n", name));

    private static VersioningState Versioning(Microsoft.Data.Sqlite.SqliteDataReader r, int column) => r.IsDBNull(column) ? VersioningState.Unversioned
        : r.GetString(column) == "Enabled" ? VersioningState.Enabled : VersioningState.Suspended;

    /// <summary>The bucket's versioning state (Unversioned for no bucket).</summary>
    public static VersioningState VersioningOf(Db db, string name) =>
        db.First("SELECT versioning FROM buckets WHERE name = $n;", r => (VersioningState?)Versioning(r, 0), ("$n", name)) ?? VersioningState.Unversioned;

    public static void SetVersioning(Db db, string name, VersioningState state) =>
        db.Execute("UPDATE buckets SET versioning = $v WHERE name = $n;", ("$v", state.ToString()), ("$n", name));

    public static void Insert(Db db, BucketInfo b) =>
        db.Execute("INSERT INTO buckets(name, owner, created, kind, zone) VALUES ($n, $o, $t, $k, $z);", ("$n", b.Name), ("$o", b.Owner), ("$t", Codes.Ms(b.Created)),
            ("$k", b.Kind == BucketKind.Directory ? DirectoryKind : null), ("$z", b.Zone));

    /// <summary>One of the bucket's front-end documents, or null (also for no such bucket).</summary>
    public static string? Document(Db db, string name, BucketDocument kind) =>
        db.Scalar<string>($"SELECT {Column(kind)} FROM buckets WHERE name = $n;", ("$n", name));

    public static void SetDocument(Db db, string name, BucketDocument kind, string? document) =>
        db.Execute($"UPDATE buckets SET {Column(kind)} = $c WHERE name = $n;", ("$c", document), ("$n", name));

    // The column names come from this closed switch only, never from a caller's text.
    private static string Column(BucketDocument kind) => kind switch
    {
        BucketDocument.Cors => "cors",
        BucketDocument.Acl => "acl",
        BucketDocument.Policy => "policy",
        BucketDocument.Ownership => "ownership",
        BucketDocument.PublicAccessBlock => "public_access_block",
        BucketDocument.Encryption => "encryption",
    };

    /// <summary>The bucket's tag set, or null when it has none.</summary>
    public static IReadOnlyList<Tag>? Tags(Db db, string name) =>
        db.First("SELECT tags FROM buckets WHERE name = $n AND tags IS NOT NULL;", r => TagRows.Parse(r, 0), ("$n", name));

    public static void SetTags(Db db, string name, IReadOnlyList<Tag> tags) =>
        db.Execute("UPDATE buckets SET tags = $t WHERE name = $n;", ("$t", TagRows.Json(tags)), ("$n", name));

    /// <summary>Deletes the bucket row and the rows hanging off it that are not data (its lifecycle rules).</summary>
    public static void Delete(Db db, string name)
    {
        db.Execute("DELETE FROM lifecycle WHERE bucket = $b;", ("$b", name));
        db.Execute("DELETE FROM buckets WHERE name = $b;", ("$b", name));
    }

    /// <summary>
    /// The owner's buckets of one kind in name order after <paramref name="after"/> that start with
    /// <paramref name="prefix"/>; at most <paramref name="limit"/>.
    /// </summary>
    public static List<BucketInfo> List(Db db, string owner, BucketKind kind, string prefix, string after, int limit) =>
        db.List("SELECT name, owner, created, kind, zone FROM buckets WHERE owner = $o AND (kind IS $k) AND name > $after AND substr(name, 1, length($p)) = $p ORDER BY name LIMIT $n;",
            r => new BucketInfo(r.GetString(0), r.GetString(1), Codes.Time(r.GetInt64(2))) { Kind = Kind(r, 3), Zone = Text(r, 4) },
            ("$o", owner), ("$k", kind == BucketKind.Directory ? DirectoryKind : null), ("$after", after), ("$p", prefix), ("$n", limit));

    public static bool HasObjects(Db db, string bucket) =>
        db.Scalar<long>("SELECT EXISTS(SELECT 1 FROM objects WHERE bucket = $b);", ("$b", bucket)) != 0;
}
