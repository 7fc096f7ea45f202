using Storage.Metadata;

namespace Storage.Usage;

/// <summary>
/// A clock that moves only when told to (Gateway:Clock = virtual). Its time is kept in the metadata database, so
/// it never runs backwards across restarts; it starts at the real time the first time a data folder uses it.
/// </summary>
internal sealed class VirtualClock : IClock
{
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

        var next = _db.Write((c, tx) =>
        {
            var ms = (MetadataStore.Scalar<long?>(c, tx, "SELECT now FROM clock WHERE id = 1;") ?? Interlocked.Read(ref _nowMs)) + (long)by.TotalMilliseconds;
            MetadataStore.Execute(c, tx, "UPDATE clock SET now = $t WHERE id = 1;", ("$t", ms));
            return ms;
        });
        Interlocked.Exchange(ref _nowMs, next);
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
