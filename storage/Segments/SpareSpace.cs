using Storage.Faults;

namespace Storage.Segments;

/// <summary>
/// Disk space held back for what frees space. A file of <paramref name="size"/> real bytes (written, not sparse) in the
/// data folder; when a commit that frees space (a delete, an abort) meets a disk that something else filled to the
/// last byte, the file is given back so SQLite has room for the WAL pages that commit needs, and the commit is tried
/// again. Held again once the freed segments are gone and the space is there. MinFreeSpace alone cannot do this: it
/// only keeps the gateway's own writes out of the last bytes, not another process.
/// </summary>
internal sealed class SpareSpace(string path, long size)
{
    private readonly Lock _gate = new();
    private bool _released = true;

    public long Size { get; } = size;

    /// <summary>Whether the spare bytes are held now.</summary>
    public bool IsHeld
    {
        get
        {
            lock (_gate)
            {
                return !_released;
            }
        }
    }

    /// <summary>Takes the spare bytes if they are not held (at start-up, and after space was freed); quietly not when the disk has no room.</summary>
    public void TryHold()
    {
        if (Size <= 0)
        {
            return;
        }

        lock (_gate)
        {
            if (!_released)
            {
                return;
            }

            var partial = path + ".new";
            try
            {
                using (var f = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    var zeros = new byte[1 << 16];
                    for (long written = 0; written < Size; written += zeros.Length)
                    {
                        f.Write(zeros, 0, (int)Math.Min(zeros.Length, Size - written));
                    }

                    f.Flush(flushToDisk: true);
                }

                File.Move(partial, path, overwrite: true);
                _released = false;
            }
            catch (IOException e) when (DiskSpace.IsDiskFull(e))
            {
                TryDelete(partial);
            }
        }
    }

    /// <summary>Gives the spare bytes back to the disk; false when they were not held (nothing to give).</summary>
    public bool Release()
    {
        lock (_gate)
        {
            if (_released || Size <= 0)
            {
                return false;
            }

            TryDelete(path);
            _released = true;
            return true;
        }
    }

    /// <summary>After space was freed: hold the spare bytes again if they were given back.</summary>
    public void Replenish()
    {
        if (!IsHeld)
        {
            TryHold();
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next attempt; the file is not data.
        }
    }

    /// <summary>Whether <paramref name="e"/> is the full disk a released spare might cure.</summary>
    public static bool IsFull(Exception e) => e is StorageException { Fault: StorageFault.InsufficientStorage };
}
