namespace Storage;

/// <summary>Where and how the storage engine keeps its data.</summary>
/// <param name="VirtualClock">Use a clock kept in the metadata database that moves only when advanced.</param>
internal sealed record StorageOptions(string DataDir, long SegmentSize, Multipart.MultipartLimits? Limits = null, bool VirtualClock = false)
{
    public const long DefaultSegmentSize = 64L * 1024 * 1024;
}

/// <summary>
/// The one source of "now" for storage: timestamps, ages and (later) metering all read it, so a virtual
/// clock can move them together in tests.
/// </summary>
internal interface IClock
{
    DateTimeOffset UtcNow { get; }
}

internal sealed class SystemClock : IClock
{
    public static readonly SystemClock Instance = new();

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
}
