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

    public MetadataStore(string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using var connection = Open();
        Execute(connection, null, "PRAGMA journal_mode=WAL;");
        Migrations.Apply(connection);
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // FULL: a committed transaction survives power loss, which the "row last" rule depends on.
        Execute(connection, null, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;");
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="read"/> inside one read transaction, so every statement in it sees the same snapshot
    /// (WAL). Without it, an object row and its segment list read by two statements could straddle a commit that
    /// replaced the object, and a reader would get the old row with no segments.
    /// </summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        using var connection = Open();
        // Raw BEGIN rather than BeginTransaction: the readers' commands carry no transaction object, and a
        // deferred read transaction never blocks writers.
        Execute(connection, null, "BEGIN DEFERRED;");
        try
        {
            return read(connection);
        }
        finally
        {
            Execute(connection, null, "COMMIT;");
        }
    }

    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> write)
    {
        lock (_writeGate)
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction(deferred: false);
            var result = write(connection, tx);
            tx.Commit();
            return result;
        }
    }

    public static int Execute(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(connection, tx, sql, args);
        return cmd.ExecuteNonQuery();
    }

    public static T? Scalar<T>(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(connection, tx, sql, args);
        var value = cmd.ExecuteScalar();
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
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
}
