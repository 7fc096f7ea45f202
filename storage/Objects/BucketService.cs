using Microsoft.Data.Sqlite;
using Storage.Faults;
using Storage.Metadata;
using Storage.Usage;

namespace Storage.Objects;

/// <summary>Buckets: one namespace for the whole gateway; each bucket belongs to the account that created it.</summary>
internal sealed class BucketService(MetadataStore db, IClock clock)
{
    public BucketInfo Create(string name, string owner) => db.Write((c, tx) =>
    {
        var existing = Find(c, tx, name);
        if (existing is not null)
        {
            throw new StorageException(existing.Owner == owner ? StorageFault.BucketAlreadyOwnedByYou : StorageFault.BucketAlreadyExists);
        }

        var info = new BucketInfo(name, owner, Truncate(clock.UtcNow));
        MetadataStore.Execute(c, tx, "INSERT INTO buckets(name, owner, created) VALUES ($n, $o, $t);",
            ("$n", name), ("$o", owner), ("$t", info.Created.ToUnixTimeMilliseconds()));
        UsageMeter.Open(c, tx, name, owner, info.Created);
        return info;
    });

    /// <summary>The bucket if it exists and <paramref name="account"/> owns it; NoSuchBucket or AccessDenied otherwise.</summary>
    public BucketInfo Require(string name, string account) => db.Read(c => Require(c, null, name, account));

    public static BucketInfo Require(SqliteConnection c, SqliteTransaction? tx, string name, string account)
    {
        var info = Find(c, tx, name) ?? throw new StorageException(StorageFault.NoSuchBucket);
        if (info.Owner != account)
        {
            throw new StorageException(StorageFault.AccessDenied);
        }

        return info;
    }

    /// <summary>The owner of a bucket, or null if there is no such bucket.</summary>
    public string? OwnerOf(string name) => db.Read(c => Find(c, null, name)?.Owner);

    public void Delete(string name, string account) => db.Write((c, tx) =>
    {
        Require(c, tx, name, account);
        if (MetadataStore.Scalar<long>(c, tx, "SELECT COUNT(*) FROM (SELECT 1 FROM objects WHERE bucket = $b LIMIT 1);", ("$b", name)) > 0)
        {
            throw new StorageException(StorageFault.BucketNotEmpty);
        }

        // Incomplete uploads hold data (and are billed) until aborted: the bucket is not empty while any remain.
        if (MetadataStore.Scalar<long>(c, tx, "SELECT EXISTS(SELECT 1 FROM uploads WHERE bucket = $b);", ("$b", name)) != 0)
        {
            throw new StorageException(StorageFault.BucketNotEmpty,
                "The bucket you tried to delete is not empty: it has incomplete multipart uploads. Abort them first.");
        }

        UsageMeter.Close(c, tx, name, clock.UtcNow);
        MetadataStore.Execute(c, tx, "DELETE FROM lifecycle WHERE bucket = $b;", ("$b", name));
        MetadataStore.Execute(c, tx, "DELETE FROM buckets WHERE name = $b;", ("$b", name));
        return 0;
    });

    /// <summary>The owner's buckets in name order, after <paramref name="startAfter"/>, at most <paramref name="max"/>.</summary>
    public (IReadOnlyList<BucketInfo> Buckets, bool IsTruncated) List(string owner, string? prefix, string? startAfter, int max) => db.Read(c =>
    {
        using var cmd = MetadataStore.Command(c, null,
            "SELECT name, owner, created FROM buckets WHERE owner = $o AND name > $after AND substr(name, 1, length($p)) = $p ORDER BY name LIMIT $n;",
            ("$o", owner), ("$after", startAfter ?? ""), ("$p", prefix ?? ""), ("$n", max + 1));
        using var r = cmd.ExecuteReader();
        var list = new List<BucketInfo>();
        while (r.Read())
        {
            list.Add(new BucketInfo(r.GetString(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2))));
        }

        var truncated = list.Count > max;
        return ((IReadOnlyList<BucketInfo>)list.Take(max).ToList(), truncated);
    });

    private static BucketInfo? Find(SqliteConnection c, SqliteTransaction? tx, string name)
    {
        using var cmd = MetadataStore.Command(c, tx, "SELECT owner, created FROM buckets WHERE name = $n;", ("$n", name));
        using var r = cmd.ExecuteReader();
        return r.Read() ? new BucketInfo(name, r.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1))) : null;
    }

    internal static DateTimeOffset Truncate(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());
}
