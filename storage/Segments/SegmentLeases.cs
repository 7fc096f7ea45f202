namespace Storage.Segments;

/// <summary>
/// Read leases on segment files. A reader takes its lease in the same critical section in which it reads the
/// segment list (see <see cref="Objects.ObjectService"/>); a writer that has committed a replacement hands the
/// old ids to <see cref="DeferIfLeased"/>, so a file being read is deleted only when its last reader is done.
/// </summary>
internal sealed class SegmentLeases
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Action<string>> _pendingDeletes = new(StringComparer.Ordinal);

    public Lock Gate => _gate;

    public Lease Acquire(IEnumerable<string> ids)
    {
        var list = ids.Distinct(StringComparer.Ordinal).ToArray();
        lock (_gate)
        {
            foreach (var id in list)
            {
                _counts[id] = _counts.GetValueOrDefault(id) + 1;
            }
        }

        return new Lease(this, list);
    }

    public bool DeferIfLeased(string id, Action<string> delete)
    {
        lock (_gate)
        {
            if (_counts.ContainsKey(id))
            {
                _pendingDeletes[id] = delete;
                return true;
            }

            return false;
        }
    }

    private void Release(string[] ids)
    {
        List<(string Id, Action<string> Delete)>? due = null;
        lock (_gate)
        {
            foreach (var id in ids)
            {
                var n = _counts[id] - 1;
                if (n > 0)
                {
                    _counts[id] = n;
                    continue;
                }

                _counts.Remove(id);
                if (_pendingDeletes.Remove(id, out var delete))
                {
                    (due ??= []).Add((id, delete));
                }
            }
        }

        if (due is not null)
        {
            foreach (var (id, delete) in due)
            {
                delete(id);
            }
        }
    }

    internal sealed class Lease(SegmentLeases owner, string[] ids) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(ids);
            }
        }
    }
}
