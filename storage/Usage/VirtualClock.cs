using Storage.Metadata;

namespace Storage.Usage;

/// <summary>
/// A clock that moves only when told to. Its time is kept in the metadata database, so it never runs backwards
/// across restarts; it starts at the real time the first time a data folder uses it.
/// </summary>
public sealed class VirtualClock : IClock
{
    private static readonly long MaxMs = new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private readonly MetadataStore _db;
    private long _nowMs;

    internal VirtualClock(MetadataStore db, DateTimeOffset start)
    {
        _db = db;
        _nowMs = db.Write(d =>
        {
            if (ClockRows.Get(d) is { } ms)
            {
                return ms;
            }

            var initial = Codes.Ms(start);
            ClockRows.Insert(d, initial);
            return initial;
        });
    }

    public DateTimeOffset UtcNow => Codes.Time(Interlocked.Read(ref _nowMs));

    /// <summary>Moves the clock forward and persists it; returns the new time.</summary>
    public DateTimeOffset Advance(TimeSpan by)
    {
        if (by <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), "The clock only moves forward.");
        }

        _db.Write(d =>
        {
            var current = ClockRows.Get(d) ?? Interlocked.Read(ref _nowMs);
            // Refuse rather than store a time no date type can hold: that would stop the data folder from starting.
            if (by.TotalMilliseconds > MaxMs - current)
            {
                throw new ArgumentOutOfRangeException(nameof(by), "The clock cannot move past the year 9999.");
            }

            var ms = current + (long)by.TotalMilliseconds;
            ClockRows.Set(d, ms);
            // Set while the write lock is held, so concurrent advances cannot leave memory behind the database.
            Interlocked.Exchange(ref _nowMs, ms);
        });
        return UtcNow;
    }
}
