using Microsoft.Data.Sqlite;

namespace Storage.Metadata;

/// <summary>
/// The SQLite metadata database (WAL). Reads open a pooled connection each; writes are serialised in-process and
/// run in one IMMEDIATE transaction each, which is the commit point of every state change.
/// </summary>
internal sealed class MetadataStore
{
    private readonly string _connectionString;
    private readonly Lock _writeGate = new();
    private readonly long _reserve;

    public MetadataStore(string databasePath, long reserve = 0)
    {
        _reserve = reserve;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using var connection = Open();
        new Db(connection, null).Execute("PRAGMA journal_mode=WAL;");
        Migrations.Apply(connection);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // FULL: a committed transaction survives power loss, which the "row last" rule depends on.
        new Db(connection, null).Execute("PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;");
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="read"/> inside one read transaction, so every statement in it sees the same snapshot
    /// (WAL). Without it, an object row and its segment list read by two statements could straddle a commit that
    /// replaced the object, and a reader would get the old row with no segments.
    /// </summary>
    public T Read<T>(Func<Db, T> read)
    {
        using var connection = Open();
        var db = new Db(connection, null);
        // Raw BEGIN rather than BeginTransaction: the readers' commands carry no transaction object, and a
        // deferred read transaction never blocks writers.
        db.Execute("BEGIN DEFERRED;");
        try
        {
            return read(db);
        }
        finally
        {
            db.Execute("COMMIT;");
        }
    }

    /// <summary>Runs <paramref name="write"/> in one IMMEDIATE transaction, committed when it returns.</summary>
    public T Write<T>(Func<Db, T> write)
    {
        lock (_writeGate)
        {
            try
            {
                using var connection = Open();
                using var tx = connection.BeginTransaction(deferred: false);
                var result = write(new Db(connection, tx));
                tx.Commit();
                return result;
            }
            catch (SqliteException e) when (Segments.DiskSpace.IsDiskFull(e))
            {
                // SQLITE_FULL: the transaction rolled back; nothing changed.
                throw new Faults.StorageException(Faults.StorageFault.InsufficientStorage) { Limit = _reserve };
            }
        }
    }

    public void Write(Action<Db> write) => Write(db =>
    {
        write(db);
        return 0;
    });
}

/// <summary>One connection, inside a read snapshot or a write transaction: what every row class works on.</summary>
internal sealed class Db(SqliteConnection connection, SqliteTransaction? tx)
{
    public int Execute(string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql, args);
        return cmd.ExecuteNonQuery();
    }

    public T? Scalar<T>(string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql, args);
        var value = cmd.ExecuteScalar();
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
    }

    public SqliteCommand Command(string sql, params (string Name, object? Value)[] args)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    /// <summary>Every row of a query, mapped.</summary>
    public List<T> List<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql, args);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read())
        {
            list.Add(map(r));
        }

        return list;
    }

    /// <summary>
    /// The rows of a query, mapped as they are read: a caller that stops early (a listing that jumps past a
    /// common prefix) never makes SQLite produce the rest.
    /// </summary>
    public IEnumerable<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql, args);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return map(r);
        }
    }

    /// <summary>The first row of a query, mapped, or the default.</summary>
    public T? First<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql, args);
        using var r = cmd.ExecuteReader();
        return r.Read() ? map(r) : default;
    }

    /// <summary>Runs one statement once per item, with its parameters rebound each time (prepared once).</summary>
    public void ExecuteEach<T>(string sql, IEnumerable<T> items, Func<T, (string Name, object? Value)[]> bind)
    {
        SqliteCommand? cmd = null;
        try
        {
            foreach (var item in items)
            {
                var args = bind(item);
                if (cmd is null)
                {
                    cmd = Command(sql, args);
                }
                else
                {
                    foreach (var (name, value) in args)
                    {
                        cmd.Parameters[name].Value = value ?? DBNull.Value;
                    }
                }

                cmd.ExecuteNonQuery();
            }
        }
        finally
        {
            cmd?.Dispose();
        }
    }
}
