using System.Collections.Concurrent;
using Storage.Metadata;

namespace Storage.Usage;

/// <summary>How a request is counted for billing: writes and lists, reads, or neither (DELETE, abort: free in S3).</summary>
public enum RequestClass
{
    WriteOrList,
    Read,
    Other,
}

/// <summary>
/// Request traffic per bucket and month. Requests change no rows, so their counts are gathered in memory and
/// written in one transaction per flush (every few seconds, before every usage report, and at shutdown) rather
/// than costing every GET a database write. At most one flush interval of counts is lost on a crash.
/// </summary>
public sealed class TrafficMeter
{
    private readonly MetadataStore _db;

    internal TrafficMeter(MetadataStore db) => _db = db;

    private sealed class Counters
    {
        public long BytesIn;
        public long BytesOut;
        public long Writes;
        public long Reads;
        public long Others;
    }

    private ConcurrentDictionary<(string Period, string Bucket, string Account), Counters> _pending = new();
    private readonly Lock _flushGate = new();

    // Recorders share the lock; a flush takes it exclusively only to swap the batch, so no count can land in a
    // batch that is already being written.
    private readonly ReaderWriterLockSlim _swap = new();

    public void Record(string bucket, string account, DateTimeOffset at, RequestClass kind, long bytesIn, long bytesOut)
    {
        _swap.EnterReadLock();
        try
        {
            var c = _pending.GetOrAdd((UsageMeter.Period(at), bucket, account), _ => new Counters());
            Interlocked.Add(ref c.BytesIn, bytesIn);
            Interlocked.Add(ref c.BytesOut, bytesOut);
            switch (kind)
            {
                case RequestClass.WriteOrList: Interlocked.Increment(ref c.Writes); break;
                case RequestClass.Read: Interlocked.Increment(ref c.Reads); break;
                case RequestClass.Other: Interlocked.Increment(ref c.Others); break;
            }
        }
        finally
        {
            _swap.ExitReadLock();
        }
    }

    public void Flush()
    {
        lock (_flushGate)
        {
            ConcurrentDictionary<(string Period, string Bucket, string Account), Counters> batch;
            _swap.EnterWriteLock();
            try
            {
                batch = _pending;
                _pending = new();
            }
            finally
            {
                _swap.ExitWriteLock();
            }

            if (batch.IsEmpty)
            {
                return;
            }

            _db.Write(db =>
            {
                foreach (var ((period, bucket, account), v) in batch)
                {
                    UsageRows.AddTraffic(db, period, bucket, account,
                        new TrafficCounters(Interlocked.Read(ref v.BytesIn), Interlocked.Read(ref v.BytesOut), Interlocked.Read(ref v.Writes), Interlocked.Read(ref v.Reads), Interlocked.Read(ref v.Others)));
                }
            });
        }
    }
}
