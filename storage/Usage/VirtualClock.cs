using Storage.Metadata;

namespace Storage.Usage;

/// <summary>
/// A clock that moves only when told to (Gateway:Clock = virtual). Its time is kept in the metadata database, so
/// it never runs backwards across restarts; it starts at the real time the first time a data folder uses it.
/// </summary>
internal sealed class VirtualClock : IClock
{
    private static readonly long MaxMs = new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private readonly MetadataStore _db;
    private long _nowMs;

    public VirtualClock(MetadataStore db, DateTimeOffset start)
    {
        _db = db;
        _nowMs = db.Write((c, tx) =>
        {
            var stored = MetadataStore.Scalar<long?>(c, tx, "SELECT now FROM clock WHERE id = 1;");
            if (stored is { } ms)
            {
                return ms;
            }

            var initial = start.ToUnixTimeMilliseconds();
            MetadataStore.Execute(c, tx, "INSERT INTO clock(id, now) VALUES (1, $t);", ("$t", initial));
            return initial;
        });
    }

    public DateTimeOffset UtcNow => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _nowMs));

    /// <summary>Moves the clock forward and persists it; returns the new time.</summary>
    public DateTimeOffset Advance(TimeSpan by)
    {
        if (by <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), "The clock only moves forward.");
        }

        _db.Write((c, tx) =>
        {
            var current = MetadataStore.Scalar<long?>(c, tx, "SELECT now FROM clock WHERE id = 1;") ?? Interlocked.Read(ref _nowMs);
            // Refuse rather than store a time no date type can hold: that would stop the data folder from starting.
            if (by.TotalMilliseconds > MaxMs - current)
            {
                throw new ArgumentOutOfRangeException(nameof(by), "The clock cannot move past the year 9999.");
            }

            var ms = current + (long)by.TotalMilliseconds;
            MetadataStore.Execute(c, tx, "UPDATE clock SET now = $t WHERE id = 1;", ("$t", ms));
            // Set while the write lock is held, so concurrent advances cannot leave memory behind the database.
            Interlocked.Exchange(ref _nowMs, ms);
            return ms;
        });
        return UtcNow;
    }
}

/// <summary>A clock that can be swapped after the metadata database is open (the virtual clock lives in it).</summary>
internal sealed class ClockHolder(IClock inner) : IClock
{
    private IClock _inner = inner;

    public IClock Inner
    {
        get => _inner;
        set => _inner = value;
    }

    public DateTimeOffset UtcNow => _inner.UtcNow;
}
