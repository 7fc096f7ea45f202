using Microsoft.Data.Sqlite;
using Storage.Faults;

namespace Storage.Segments;

/// <summary>
/// The data folder's free space, and the reserve new data may not eat into. Writes of object data are refused
/// (InsufficientStorage) when they would leave less than the reserve free, so a full disk still has room for what
/// frees space: SQLite needs a few pages of WAL to commit a DeleteObject or an AbortMultipartUpload.
/// </summary>
internal sealed class DiskSpace(string dataDir, long reserve, Func<long>? freeBytes = null)
{
    private readonly Func<long> _free = freeBytes ?? (() => new DriveInfo(Path.GetFullPath(dataDir)).AvailableFreeSpace);

    public long Reserve { get; } = reserve;

    /// <summary>Refuses a write of <paramref name="bytes"/> that would leave less than the reserve free.</summary>
    public void Require(long bytes)
    {
        if (Reserve <= 0)
        {
            return;
        }

        var free = _free();
        if (free - bytes < Reserve)
        {
            throw Full(free);
        }
    }

    public StorageException Full(long? free = null) => new(StorageFault.InsufficientStorage) { Size = free ?? SafeFree(), Limit = Reserve };

    private long? SafeFree()
    {
        try
        {
            return _free();
        }
        catch (IOException)
        {
            return null;
        }
    }

    // errno ENOSPC (Linux 28) and EDQUOT (122, a quota), and Windows' ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL.
    private static readonly int[] DiskFullCodes = [28, 122, unchecked((int)0x80070070), unchecked((int)0x80070027), 0x70, 0x27];

    /// <summary>Whether an exception says the disk (or the quota) is full: a file write's ENOSPC, or SQLite's SQLITE_FULL.</summary>
    public static bool IsDiskFull(Exception e) => e switch
    {
        SqliteException s => (s.SqliteErrorCode & 0xFF) == 13,
        IOException io => DiskFullCodes.Contains(io.HResult),
        _ => false,
    };
}
