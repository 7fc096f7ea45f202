using Microsoft.Data.Sqlite;

namespace Storage.Metadata;

/// <summary>
/// The SQLite metadata database (WAL). Reads and writes take a session (an open connection with its prepared
/// statements) from a small pool of the store's own; writes are serialised in-process and
/// run in IMMEDIATE transactions, whose commit is the commit point of every state change (several concurrent
/// writes may share one commit: see <see cref="Write{T}"/>).
/// </summary>
internal sealed class MetadataStore : IDisposable
{
    private readonly string _connectionString;
    private const int IdleSessions = 8;
    private readonly System.Collections.Concurrent.ConcurrentBag<Session> _sessions = [];
    private readonly Lock _writeGate = new();
    private readonly Lock _queueGate = new();
    private readonly List<PendingWrite> _queue = [];
    private long _commits;
    private readonly long _reserve;

    public MetadataStore(string databasePath, long reserve = 0)
    {
        _reserve = reserve;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // The store keeps its own sessions open (below), so their prepared statements live with them.
            Pooling = false,
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

    private Session Rent() => _sessions.TryTake(out var s) ? s : new Session(Open());

    private volatile bool _disposed;

    /// <summary>Shrinks the page cache of each idle connection (PRAGMA shrink_memory); one in use keeps its cache.</summary>
    public void ShrinkIdle()
    {
        var idle = new List<Session>();
        while (_sessions.TryTake(out var s))
        {
            idle.Add(s);
        }

        foreach (var s in idle)
        {
            new Db(s.Connection, null).Execute("PRAGMA shrink_memory;");
            Return(s, healthy: true);
        }
    }

    /// <summary>Closes the idle connections; one still in use is closed when it comes back.</summary>
    public void Dispose()
    {
        _disposed = true;
        while (_sessions.TryTake(out var s))
        {
            s.Dispose();
        }
    }

    /// <summary>A session goes back to the pool unless its connection may be in doubt (a SQLite error), the pool is full or closed.</summary>
    private void Return(Session session, bool healthy)
    {
        if (healthy && !_disposed && _sessions.Count < IdleSessions)
        {
            _sessions.Add(session);
        }
        else
        {
            session.Dispose();
        }
    }

    /// <summary>
    /// An open connection and the commands prepared on it. Reusing them is the point: SQLite compiling the same
    /// dozen statements again for every request cost more CPU than all of a small PutObject's own code.
    /// </summary>
    private sealed class Session(SqliteConnection connection) : IDisposable
    {
        public SqliteConnection Connection { get; } = connection;

        public CommandCache Cache { get; } = new();

        public void Dispose()
        {
            foreach (var c in Cache.Commands.Values)
            {
                c.Dispose();
            }

            Connection.Dispose();
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> inside one read transaction, so every statement in it sees the same snapshot
    /// (WAL). Without it, an object row and its segment list read by two statements could straddle a commit that
    /// replaced the object, and a reader would get the old row with no segments.
    /// </summary>
    public T Read<T>(Func<Db, T> read)
    {
        var session = Rent();
        // Only a SQLite error leaves the connection in doubt; a read that refuses (not found, not owner) does not.
        var healthy = true;
        try
        {
            var db = new Db(session.Connection, null, session.Cache);
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
        catch (SqliteException)
        {
            healthy = false;
            throw;
        }
        finally
        {
            Return(session, healthy);
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> in an IMMEDIATE transaction and returns once that has committed durably.
    /// Group commit: writes that arrive while another commit is in progress wait for it, and the first of them
    /// to get the gate then runs all of them in one transaction, each under a savepoint of its own, and commits
    /// once, so concurrent small writes share one WAL fsync. A write that throws is rolled back to its savepoint
    /// alone and gets its exception; nobody's result is returned before the shared commit is on disk, and when
    /// that commit fails every write in it gets the failure.
    /// </summary>
    public T Write<T>(Func<Db, T> write)
    {
        var pending = new PendingWrite(db => write(db));
        lock (_queueGate)
        {
            _queue.Add(pending);
        }

        lock (_writeGate)
        {
            if (!pending.Done)
            {
                List<PendingWrite> batch;
                lock (_queueGate)
                {
                    batch = [.. _queue];
                    _queue.Clear();
                }

                CommitBatch(batch);
            }
        }

        if (pending.Error is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return (T)pending.Result!;
    }

    /// <summary>How many transactions have been committed or attempted (tests see writes sharing them).</summary>
    internal long Commits => Interlocked.Read(ref _commits);

    /// <summary>Writes waiting for the gate.</summary>
    internal int Queued
    {
        get
        {
            lock (_queueGate)
            {
                return _queue.Count;
            }
        }
    }

    private void CommitBatch(List<PendingWrite> batch)
    {
        Interlocked.Increment(ref _commits);
        var session = Rent();
        var healthy = true;
        try
        {
            using var tx = session.Connection.BeginTransaction(deferred: false);
            var db = new Db(session.Connection, tx, session.Cache);
            if (batch.Count == 1)
            {
                // Alone: no savepoint needed, a throw rolls the whole transaction back.
                batch[0].Result = batch[0].Work(db);
            }
            else
            {
                foreach (var p in batch)
                {
                    db.Execute("SAVEPOINT w;");
                    try
                    {
                        p.Result = p.Work(db);
                        db.Execute("RELEASE w;");
                    }
                    catch (Exception e) when (e is not SqliteException { SqliteErrorCode: 13 })
                    {
                        db.Execute("ROLLBACK TO w; RELEASE w;");
                        p.Error = e;
                    }
                }
            }

            tx.Commit();
        }
        catch (SqliteException e) when (Segments.DiskSpace.IsDiskFull(e))
        {
            // SQLITE_FULL: the transaction rolled back; nothing changed.
            healthy = false;
            Fail(batch, new Faults.StorageException(Faults.StorageFault.InsufficientStorage) { Limit = _reserve });
        }
        catch (Exception e)
        {
            healthy = e is not SqliteException;
            Fail(batch, e);
        }
        finally
        {
            Return(session, healthy);
        }

        foreach (var p in batch)
        {
            p.Done = true;
        }
    }

    private static void Fail(List<PendingWrite> batch, Exception e)
    {
        foreach (var p in batch)
        {
            // The transaction did not commit: whatever a write returned is void, and its own error (if it had
            // one) still stands.
            p.Result = null;
            p.Error ??= e;
        }
    }

    private sealed class PendingWrite(Func<Db, object?> work)
    {
        public Func<Db, object?> Work { get; } = work;

        public object? Result { get; set; }

        public Exception? Error { get; set; }

        public bool Done { get; set; }
    }

    public void Write(Action<Db> write) => Write(db =>
    {
        write(db);
        return 0;
    });

    /// <summary>
    /// The spare space a write that frees space may use (<see cref="WriteFreeing{T}"/>); none by default.
    /// </summary>
    public Segments.SpareSpace? Spare { get; init; }

    /// <summary>
    /// A write that frees space (a delete, an abort): when it meets a full disk, the spare space is given back and the
    /// write tried once more, so space can always be freed through the API, however full something else made the disk.
    /// </summary>
    public T WriteFreeing<T>(Func<Db, T> write)
    {
        try
        {
            return Write(write);
        }
        catch (Exception e) when (Segments.SpareSpace.IsFull(e) && Spare?.Release() == true)
        {
            return Write(write);
        }
    }
}

/// <summary>
/// The commands prepared on one connection, by statement text, and those in use right now (a query can run the
/// same text again while it iterates its own rows, and then gets a command of its own).
/// </summary>
internal sealed class CommandCache
{
    public Dictionary<string, SqliteCommand> Commands { get; } = new(StringComparer.Ordinal);

    public HashSet<SqliteCommand> Busy { get; } = [];
}

/// <summary>
/// One connection, inside a read snapshot or a write transaction: what every row class works on. With a command
/// cache (a store session's), each statement text is prepared once per connection and rebound on every use.
/// </summary>
internal sealed class Db(SqliteConnection connection, SqliteTransaction? tx, CommandCache? cache = null)
{
    private const int MaxCachedCommands = 256;

    public int Execute(string sql, params (string Name, object? Value)[] args)
    {
        using var lease = Rent(sql, args);
        return lease.Command.ExecuteNonQuery();
    }

    public T? Scalar<T>(string sql, params (string Name, object? Value)[] args)
    {
        using var lease = Rent(sql, args);
        var value = lease.Command.ExecuteScalar();
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The command for <paramref name="sql"/> with <paramref name="args"/> bound: the cached one when it is not in
    /// use already (a query can run the same text while iterating its own rows), else one of its own.
    /// </summary>
    private Lease Rent(string sql, (string Name, object? Value)[] args)
    {
        SqliteCommand? cmd = null;
        var cached = false;
        if (cache is not null)
        {
            if (cache.Commands.TryGetValue(sql, out var c))
            {
                if (cache.Busy.Add(c))
                {
                    (cmd, cached) = (c, true);
                }
            }
            else if (cache.Commands.Count < MaxCachedCommands)
            {
                cmd = connection.CreateCommand();
                cmd.CommandText = sql;
                cache.Commands[sql] = cmd;
                cache.Busy.Add(cmd);
                cached = true;
            }
        }

        if (cmd is null)
        {
            cmd = connection.CreateCommand();
            cmd.CommandText = sql;
        }

        cmd.Transaction = tx;
        cmd.Parameters.Clear();
        foreach (var (name, value) in args)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return new Lease(cached ? cache : null, cmd);
    }

    /// <summary>A command in use; disposing gives a cached one back to its cache and disposes any other.</summary>
    private readonly struct Lease(CommandCache? owner, SqliteCommand command) : IDisposable
    {
        public SqliteCommand Command => command;

        public void Dispose()
        {
            if (owner is not null)
            {
                owner.Busy.Remove(command);
            }
            else
            {
                command.Dispose();
            }
        }
    }

    /// <summary>Every row of a query, mapped.</summary>
    public List<T> List<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        using var lease = Rent(sql, args);
        using var r = lease.Command.ExecuteReader();
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
        using var lease = Rent(sql, args);
        using var r = lease.Command.ExecuteReader();
        while (r.Read())
        {
            yield return map(r);
        }
    }

    /// <summary>The first row of a query, mapped, or the default.</summary>
    public T? First<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        using var lease = Rent(sql, args);
        using var r = lease.Command.ExecuteReader();
        return r.Read() ? map(r) : default;
    }

    /// <summary>Runs one statement once per item, with its parameters rebound each time (prepared once).</summary>
    public void ExecuteEach<T>(string sql, IEnumerable<T> items, Func<T, (string Name, object? Value)[]> bind)
    {
        foreach (var item in items)
        {
            using var lease = Rent(sql, bind(item));
            lease.Command.ExecuteNonQuery();
        }
    }
}
