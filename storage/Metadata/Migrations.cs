using Microsoft.Data.Sqlite;

namespace Storage.Metadata;

/// <summary>
/// Schema versions, applied in order inside one transaction each. A database written by a newer gateway is
/// refused rather than guessed at.
/// </summary>
internal static class Migrations
{
    private static readonly string[] Steps =
    [
        // 1: buckets, objects and the segment ranges each object is made of.
        """
        CREATE TABLE buckets(
            name TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            created INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX buckets_by_owner ON buckets(owner, name);
        CREATE TABLE objects(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            bucket TEXT NOT NULL REFERENCES buckets(name),
            key TEXT NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            last_modified INTEGER NOT NULL,
            headers TEXT NOT NULL,
            checksum_algorithm TEXT,
            checksum_value TEXT,
            checksum_type TEXT,
            parts_count INTEGER NOT NULL DEFAULT 0,
            owner TEXT NOT NULL,
            UNIQUE(bucket, key)
        );
        CREATE TABLE object_segments(
            object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            segment_id TEXT NOT NULL,
            seg_offset INTEGER NOT NULL,
            length INTEGER NOT NULL,
            part_number INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY(object_id, seq)
        ) WITHOUT ROWID;
        CREATE INDEX object_segments_by_segment ON object_segments(segment_id);
        """,

        // 2: multipart uploads. Upload ids sort by initiation time, so (bucket, key, upload_id) is S3's listing
        // order. Parts own their segment ranges until Complete moves them into object_segments; object_parts
        // keeps each part's size and checksum for partNumber reads and GetObjectAttributes; completed_uploads
        // lets a retried Complete return the result it already returned.
        """
        CREATE TABLE uploads(
            upload_id TEXT PRIMARY KEY,
            bucket TEXT NOT NULL REFERENCES buckets(name),
            key TEXT NOT NULL,
            initiated INTEGER NOT NULL,
            headers TEXT NOT NULL,
            checksum_algorithm TEXT,
            checksum_type TEXT,
            owner TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX uploads_by_key ON uploads(bucket, key, upload_id);
        CREATE TABLE parts(
            upload_id TEXT NOT NULL REFERENCES uploads(upload_id) ON DELETE CASCADE,
            part_number INTEGER NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            checksum_value TEXT,
            last_modified INTEGER NOT NULL,
            PRIMARY KEY(upload_id, part_number)
        ) WITHOUT ROWID;
        CREATE TABLE part_segments(
            upload_id TEXT NOT NULL,
            part_number INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            segment_id TEXT NOT NULL,
            seg_offset INTEGER NOT NULL,
            length INTEGER NOT NULL,
            PRIMARY KEY(upload_id, part_number, seq),
            FOREIGN KEY(upload_id, part_number) REFERENCES parts(upload_id, part_number) ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE INDEX part_segments_by_segment ON part_segments(segment_id);
        CREATE TABLE object_parts(
            object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
            part_number INTEGER NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            checksum_value TEXT,
            PRIMARY KEY(object_id, part_number)
        ) WITHOUT ROWID;
        CREATE TABLE completed_uploads(
            upload_id TEXT PRIMARY KEY,
            bucket TEXT NOT NULL,
            key TEXT NOT NULL,
            etag TEXT NOT NULL,
            completed INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,

        // 3: the usage meter. usage_gauges holds each bucket's current totals and the time they were last
        // integrated to; usage_periods holds, per calendar month, the time integrals (byte-milliseconds and
        // segment-milliseconds), the traffic, and the totals last seen in that month. Uploads carry their own
        // integral so each incomplete upload's cost can be shown. Existing rows are counted in.
        """
        CREATE TABLE usage_gauges(
            bucket TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            objects INTEGER NOT NULL DEFAULT 0,
            object_bytes INTEGER NOT NULL DEFAULT 0,
            object_segments INTEGER NOT NULL DEFAULT 0,
            uploads INTEGER NOT NULL DEFAULT 0,
            parts INTEGER NOT NULL DEFAULT 0,
            part_bytes INTEGER NOT NULL DEFAULT 0,
            part_segments INTEGER NOT NULL DEFAULT 0,
            accrued_to INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE usage_periods(
            period TEXT NOT NULL,
            bucket TEXT NOT NULL,
            account TEXT NOT NULL,
            objects INTEGER NOT NULL DEFAULT 0,
            object_bytes INTEGER NOT NULL DEFAULT 0,
            object_segments INTEGER NOT NULL DEFAULT 0,
            uploads INTEGER NOT NULL DEFAULT 0,
            parts INTEGER NOT NULL DEFAULT 0,
            part_bytes INTEGER NOT NULL DEFAULT 0,
            part_segments INTEGER NOT NULL DEFAULT 0,
            object_byte_ms REAL NOT NULL DEFAULT 0,
            object_segment_ms REAL NOT NULL DEFAULT 0,
            part_byte_ms REAL NOT NULL DEFAULT 0,
            part_segment_ms REAL NOT NULL DEFAULT 0,
            bytes_in INTEGER NOT NULL DEFAULT 0,
            bytes_out INTEGER NOT NULL DEFAULT 0,
            write_requests INTEGER NOT NULL DEFAULT 0,
            read_requests INTEGER NOT NULL DEFAULT 0,
            other_requests INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY(period, bucket, account)
        ) WITHOUT ROWID;
        ALTER TABLE uploads ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE uploads ADD COLUMN segments INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE uploads ADD COLUMN byte_ms REAL NOT NULL DEFAULT 0;
        ALTER TABLE uploads ADD COLUMN segment_ms REAL NOT NULL DEFAULT 0;
        ALTER TABLE uploads ADD COLUMN accrued_to INTEGER NOT NULL DEFAULT 0;
        UPDATE uploads SET
            bytes = (SELECT COALESCE(SUM(size), 0) FROM parts WHERE parts.upload_id = uploads.upload_id),
            segments = (SELECT COUNT(*) FROM part_segments WHERE part_segments.upload_id = uploads.upload_id),
            accrued_to = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
        INSERT INTO usage_gauges(bucket, account, objects, object_bytes, object_segments, uploads, parts, part_bytes, part_segments, accrued_to)
        SELECT b.name, b.owner,
            (SELECT COUNT(*) FROM objects o WHERE o.bucket = b.name),
            (SELECT COALESCE(SUM(size), 0) FROM objects o WHERE o.bucket = b.name),
            (SELECT COUNT(*) FROM object_segments s JOIN objects o ON o.id = s.object_id WHERE o.bucket = b.name),
            (SELECT COUNT(*) FROM uploads u WHERE u.bucket = b.name),
            (SELECT COUNT(*) FROM parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE u.bucket = b.name),
            (SELECT COALESCE(SUM(p.size), 0) FROM parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE u.bucket = b.name),
            (SELECT COUNT(*) FROM part_segments s JOIN uploads u ON u.upload_id = s.upload_id WHERE u.bucket = b.name),
            CAST(strftime('%s', 'now') AS INTEGER) * 1000
        FROM buckets b;
        CREATE TABLE clock(id INTEGER PRIMARY KEY CHECK (id = 1), now INTEGER NOT NULL);
        CREATE TABLE lifecycle(bucket TEXT PRIMARY KEY REFERENCES buckets(name), rules TEXT NOT NULL) WITHOUT ROWID;
        """,

        // 4: a front end's own notes on an upload (the adapters' session fields, as JSON) and an expiry time the
        // lifecycle sweep aborts it at.
        """
        ALTER TABLE uploads ADD COLUMN annotations TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE uploads ADD COLUMN expires INTEGER;
        CREATE INDEX uploads_by_expiry ON uploads(expires) WHERE expires IS NOT NULL;
        """,

        // 5: inline segments, the bytes of a small body kept in the database instead of a file of its own, so a
        // small write is one commit. Referenced like any segment (object_segments, part_segments, by id).
        """
        CREATE TABLE inline_segments(id TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
        """,

        // 6: tag sets (JSON arrays of {Key, Value}; NULL when there are none) on objects, on uploads (they become
        // the object's at Complete) and on buckets.
        """
        ALTER TABLE objects ADD COLUMN tags TEXT;
        ALTER TABLE uploads ADD COLUMN tags TEXT;
        ALTER TABLE buckets ADD COLUMN tags TEXT;
        """,

        // 7: versions. A key may have many object rows now: each is a version with its id ('null' for the null
        // version), at most one of them the latest, and some of them delete markers. SQLite cannot drop the old
        // UNIQUE(bucket, key), so the table is rebuilt (with foreign keys off, as SQLite's procedure for table
        // changes says) under the same row ids, which the segment lists and parts reference. A version that stops
        // being the latest records when (noncurrent_since), which noncurrent lifecycle rules count from. Versions
        // (and the uploads that become them) carry object lock retention and legal hold. Buckets get their object
        // lock switch and default retention, and their
        // versioning state, and the meter noncurrent versions and delete markers, counted and integrated apart.
        """
        CREATE TABLE objects_v(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            bucket TEXT NOT NULL REFERENCES buckets(name),
            key TEXT NOT NULL,
            version_id TEXT NOT NULL DEFAULT 'null',
            latest INTEGER NOT NULL DEFAULT 1,
            delete_marker INTEGER NOT NULL DEFAULT 0,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            last_modified INTEGER NOT NULL,
            headers TEXT NOT NULL,
            checksum_algorithm TEXT,
            checksum_value TEXT,
            checksum_type TEXT,
            parts_count INTEGER NOT NULL DEFAULT 0,
            owner TEXT NOT NULL,
            tags TEXT,
            noncurrent_since INTEGER,
            lock_mode TEXT,
            lock_until INTEGER,
            legal_hold INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO objects_v(id, bucket, key, size, etag, last_modified, headers, checksum_algorithm, checksum_value, checksum_type, parts_count, owner, tags)
            SELECT id, bucket, key, size, etag, last_modified, headers, checksum_algorithm, checksum_value, checksum_type, parts_count, owner, tags FROM objects;
        DROP TABLE objects;
        ALTER TABLE objects_v RENAME TO objects;
        CREATE UNIQUE INDEX objects_by_version ON objects(bucket, key, version_id);
        CREATE UNIQUE INDEX objects_latest ON objects(bucket, key) WHERE latest = 1;
        CREATE INDEX objects_versions ON objects(bucket, key, id);
        ALTER TABLE buckets ADD COLUMN versioning TEXT;
        ALTER TABLE buckets ADD COLUMN object_lock INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE buckets ADD COLUMN lock_rule TEXT;
        ALTER TABLE uploads ADD COLUMN lock_mode TEXT;
        ALTER TABLE uploads ADD COLUMN lock_until INTEGER;
        ALTER TABLE uploads ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE usage_gauges ADD COLUMN noncurrent_objects INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE usage_gauges ADD COLUMN noncurrent_bytes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE usage_gauges ADD COLUMN noncurrent_segments INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE usage_gauges ADD COLUMN delete_markers INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE usage_periods ADD COLUMN noncurrent_objects INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE usage_periods ADD COLUMN noncurrent_bytes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE usage_periods ADD COLUMN noncurrent_segments INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE usage_periods ADD COLUMN delete_markers INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE usage_periods ADD COLUMN noncurrent_byte_ms REAL NOT NULL DEFAULT 0;
        ALTER TABLE usage_periods ADD COLUMN noncurrent_segment_ms REAL NOT NULL DEFAULT 0;
        """,

        // 8: a bucket's cross-origin rules, a front end's document kept as it gave it (NULL for none).
        """
        ALTER TABLE buckets ADD COLUMN cors TEXT;
        """,

        // 9: who may do what: a front end's access documents for buckets (grants, policy, ownership rule, public
        // access block) and grants for versions and for uploads (which give them to the object at Complete).
        // NULL is the front end's default (for S3: private to the owner, no policy).
        """
        ALTER TABLE buckets ADD COLUMN acl TEXT;
        ALTER TABLE buckets ADD COLUMN policy TEXT;
        ALTER TABLE buckets ADD COLUMN ownership TEXT;
        ALTER TABLE buckets ADD COLUMN public_access_block TEXT;
        ALTER TABLE objects ADD COLUMN acl TEXT;
        ALTER TABLE uploads ADD COLUMN acl TEXT;
        """,

        // 10: encryption at rest. A version's (and an upload's) encryption document is the front end's description of
        // the key its segments are encrypted under (NULL: plaintext); a bucket's is its default encryption.
        """
        ALTER TABLE objects ADD COLUMN encryption TEXT;
        ALTER TABLE uploads ADD COLUMN encryption TEXT;
        ALTER TABLE buckets ADD COLUMN encryption TEXT;
        """,

        // 11: a bucket's kind (NULL: general purpose; 'directory': one zone's directory bucket, whose objects can be
        // appended to and renamed, metered as a class of its own), the zone a directory bucket lives in, and how many
        // appends an object has had (they count toward its parts). A month's usage row keeps its bucket's kind, so a
        // deleted directory bucket's month is still priced as one.
        """
        ALTER TABLE buckets ADD COLUMN kind TEXT;
        ALTER TABLE buckets ADD COLUMN zone TEXT;
        ALTER TABLE objects ADD COLUMN appends INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE usage_periods ADD COLUMN kind TEXT;
        """,
    ];

    public static int Latest => Steps.Length;

    /// <summary>How many steps have been applied to the database.</summary>
    public static long Applied(Db db) => db.Scalar<long>("SELECT COUNT(*) FROM schema_version;");

    public static void Apply(SqliteConnection connection)
    {
        new Db(connection, null).Execute("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);");
        var current = new Db(connection, null).Scalar<long?>("SELECT MAX(version) FROM schema_version;") ?? 0;
        if (current > Steps.Length)
        {
            throw new InvalidOperationException($"The metadata database has schema version {current}; this gateway knows up to {Steps.Length}.");
        }

        // A step may rebuild a table other tables reference: with foreign keys on, dropping the old table would
        // cascade into its dependants. They are checked once every step has been applied.
        new Db(connection, null).Execute("PRAGMA foreign_keys=OFF;");
        try
        {
            // Every pending step in one transaction: the database moves to the newest schema whole or not at all, and a
            // new data folder costs one commit (one fsync) instead of one per step (20 of them were most of a Native
            // AOT gateway's start-up on a fresh folder).
            if (current < Steps.Length)
            {
                using var tx = connection.BeginTransaction(deferred: false);
                for (var v = (int)current; v < Steps.Length; v++)
                {
                    new Db(connection, tx).Execute(Steps[v]);
                    if (new Db(connection, tx).List("PRAGMA foreign_key_check;", r => r.GetString(0)) is { Count: > 0 } broken)
                    {
                        throw new InvalidOperationException($"Schema step {v + 1} left rows without their parent in {string.Join(", ", broken.Distinct())}.");
                    }

                    new Db(connection, tx).Execute("INSERT INTO schema_version(version) VALUES ($v);", ("$v", v + 1));
                }

                tx.Commit();
            }
        }
        finally
        {
            new Db(connection, null).Execute("PRAGMA foreign_keys=ON;");
        }
    }
}
