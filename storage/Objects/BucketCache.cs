using System.Collections.Concurrent;

namespace Storage.Objects;

/// <summary>
/// Bucket rows as last read, for the read a front end makes on every request to decide access. Every change to a
/// bucket row goes through <see cref="BucketService"/>, which calls <see cref="Changed"/> after its transaction
/// (committed or not); a read that raced a change is not kept (the generation moved), so no stale row outlives the
/// change that made it stale. Only existing buckets are kept, so names asked for at random cost no memory.
/// </summary>
internal sealed class BucketCache
{
    /// <summary>Enough for every bucket of a development or test gateway; past it the cache starts over.</summary>
    private const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, BucketInfo> _rows = new(StringComparer.Ordinal);
    private long _generation;

    public BucketInfo? Get(string name, Func<BucketInfo?> load)
    {
        if (_rows.TryGetValue(name, out var hit))
        {
            return hit;
        }

        var generation = Interlocked.Read(ref _generation);
        var info = load();
        if (info is not null && Interlocked.Read(ref _generation) == generation)
        {
            if (_rows.Count >= Capacity)
            {
                _rows.Clear();
            }

            _rows[name] = info;
        }

        return info;
    }

    public void Changed(string name)
    {
        Interlocked.Increment(ref _generation);
        _rows.TryRemove(name, out _);
    }
}
