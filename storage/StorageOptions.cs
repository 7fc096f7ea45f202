namespace Storage;

/// <summary>Where and how the storage engine keeps its data.</summary>
/// <param name="VirtualClock">Use a clock kept in the metadata database that moves only when advanced.</param>
/// <param name="MinFreeSpace">Free space new object data may not eat into (0: none), kept so deletes and aborts can still commit on a full disk.</param>
/// <param name="InlineThreshold">Objects and parts of at most this many bytes are kept in the metadata database (0: never).</param>
public sealed record StorageOptions(string DataDir, long SegmentSize, StorageLimits? Limits = null, bool VirtualClock = false,
    long MinFreeSpace = StorageOptions.DefaultMinFreeSpace, long InlineThreshold = StorageOptions.DefaultInlineThreshold)
{
    /// <summary>128 KiB, as MinIO inlines small objects into their metadata: a small write is one commit.</summary>
    public const long DefaultInlineThreshold = 128 * 1024;

    /// <summary>The largest inline threshold (a small body is held in memory while it is read).</summary>
    public const long MaxInlineThreshold = Segments.SegmentStore.MaxInlineThreshold;

    public const long DefaultSegmentSize = 64L * 1024 * 1024;

    public const long DefaultMinFreeSpace = 64L * 1024 * 1024;

    /// <summary>
    /// Bytes held in a file in the data folder (<c>spare</c>) and given back when a delete or an abort meets a disk
    /// something else filled to the last byte, so space can always be freed (0, the default here: none; the gateway
    /// sets 4 MiB).
    /// </summary>
    public long SpareSpace { get; init; }

    /// <summary>Where free space is read from (tests give a fake; null: the data folder's file system).</summary>
    internal Func<long>? FreeSpace { get; init; }
}

/// <summary>
/// The sizes and counts storage enforces: the largest single write, part sizes (every part but the last at least
/// <see cref="MinPartSize"/>), part numbers, parts per object and the largest completed object. The defaults are the ones S3 publishes.
/// </summary>
public sealed record StorageLimits(long MaxWriteSize, long MinPartSize, long MaxPartSize, int MaxPartNumber, int MaxParts, long MaxObjectSize)
{
    public static readonly StorageLimits Default = new(5L << 30, 5L << 20, 5L << 30, 10000, 10000, 5L << 40);
}

/// <summary>
/// The one source of "now" for storage: timestamps, ages, lifecycle and the meter all read it, so a virtual
/// clock can move them together in tests.
/// </summary>
public interface IClock
{
    DateTimeOffset UtcNow { get; }
}

public sealed class SystemClock : IClock
{
    public static readonly SystemClock Instance = new();

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
}
