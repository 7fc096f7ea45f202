using System.Security.Cryptography;

namespace Storage.Segments;

/// <summary>
/// Segment files on local disk. A segment is immutable once promoted: it is written under tmp/, fsynced, and
/// renamed into a sharded folder. Names are random ids, never derived from object keys, so no key can escape
/// the data folder or collide with another.
/// </summary>
internal sealed class SegmentStore
{
    private readonly string _segmentsRoot;
    private readonly string _tempRoot;
    private readonly SegmentLeases _leases = new();

    public SegmentStore(string dataDir, long segmentSize, DiskSpace? space = null, long inlineThreshold = 0)
    {
        if (inlineThreshold is < 0 or > MaxInlineThreshold)
        {
            throw new ArgumentOutOfRangeException(nameof(inlineThreshold), $"InlineThreshold must be between 0 and {MaxInlineThreshold} bytes.");
        }

        // Never above the segment size: a body is cut into the same number of segments whether or not they are
        // inline, so the segment count the meter bills does not depend on where the bytes live.
        InlineLimit = (int)Math.Min(inlineThreshold, segmentSize);
        Space = space ?? new DiskSpace(dataDir, 0);
        if (segmentSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(segmentSize), "SegmentSize must be at least 1 byte.");
        }

        SegmentSize = segmentSize;
        _segmentsRoot = Path.Combine(dataDir, "segments");
        _tempRoot = Path.Combine(dataDir, "tmp");
        Directory.CreateDirectory(_segmentsRoot);
        Directory.CreateDirectory(_tempRoot);
    }

    public long SegmentSize { get; }

    /// <summary>The largest inline threshold: a small body is held in memory while it is read.</summary>
    internal const long MaxInlineThreshold = 1024 * 1024 - 1;

    /// <summary>Bodies of at most this many bytes are stored inline, in the database (0: never).</summary>
    public int InlineLimit { get; }

    public DiskSpace Space { get; }

    public SegmentLeases Leases => _leases;

    private int _staging;

    /// <summary>Bodies this store is staging right now (the segmenter offloads MD5 to another core only when it stages the only one).</summary>
    public int StagingCount => Volatile.Read(ref _staging);

    public void BeginStaging() => Interlocked.Increment(ref _staging);

    public void EndStaging() => Interlocked.Decrement(ref _staging);

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string PathOf(string segmentId) =>
        Path.Combine(_segmentsRoot, segmentId[..2], segmentId[2..4], segmentId);

    public string NewTempPath() => Path.Combine(_tempRoot, NewId() + ".tmp");

    /// <summary>Moves a fully written and fsynced temp file to its final place; returns the directory it went to.</summary>
    public string Promote(string tempPath, string segmentId)
    {
        var final = PathOf(segmentId);
        var dir = Path.GetDirectoryName(final)!;
        Directory.CreateDirectory(dir);
        File.Move(tempPath, final, overwrite: false);
        return dir;
    }

    /// <summary>
    /// Makes renames into <paramref name="directories"/> durable: each shard directory is flushed, and so are its
    /// parents up to the segments root, since the shard directories themselves may have just been created.
    /// </summary>
    public void MakeDurable(IEnumerable<string> directories)
    {
        var toFlush = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in directories)
        {
            for (var d = dir; d is not null && d.Length >= _segmentsRoot.Length; d = Path.GetDirectoryName(d))
            {
                toFlush.Add(d);
            }
        }

        // Deepest first: a new shard's own entries, then its entry in its parent.
        foreach (var d in toFlush.OrderByDescending(d => d.Length))
        {
            DirectorySync.Flush(d);
        }
    }

    /// <summary>
    /// Deletes segment files no row references any more. A file that a reader holds a lease on is deleted when
    /// the last lease goes, so a GET that started before a replace still reads the old object to the end.
    /// </summary>
    public void DeleteUnreferenced(IEnumerable<string> segmentIds)
    {
        var deleted = false;
        foreach (var id in segmentIds)
        {
            deleted = true;
            if (_leases.DeferIfLeased(id, DeleteFile))
            {
                continue;
            }

            DeleteFile(id);
        }

        if (deleted)
        {
            // Space was freed: if a full disk made the spare space go, take it back now that there is room.
            Spare?.Replenish();
        }
    }

    /// <summary>The spare space given back when a delete meets a full disk (held again here once space is freed).</summary>
    public SpareSpace? Spare { get; init; }

    private void DeleteFile(string id)
    {
        try
        {
            File.Delete(PathOf(id));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the start-up sweep: an unreferenced segment is garbage, never data loss, and the write
            // that freed it has committed already.
        }
    }

    /// <summary>
    /// Start-up sweep: removes every temp file (an interrupted write) and every segment file that no row
    /// references. Returns the segment ids and temp file names removed.
    /// </summary>
    public (List<string> Segments, List<string> TempFiles) Sweep(Func<string, bool> isReferenced)
    {
        var temps = new List<string>();
        foreach (var tmp in Directory.EnumerateFiles(_tempRoot))
        {
            File.Delete(tmp);
            temps.Add(Path.GetFileName(tmp));
        }

        var segments = new List<string>();
        foreach (var file in Directory.EnumerateFiles(_segmentsRoot, "*", SearchOption.AllDirectories))
        {
            var id = Path.GetFileName(file);
            if (!isReferenced(id))
            {
                File.Delete(file);
                segments.Add(id);
            }
        }

        return (segments, temps);
    }

    /// <summary>The names of the files in the temp folder.</summary>
    public IEnumerable<string> EnumerateTempFiles() => Directory.EnumerateFiles(_tempRoot).Select(Path.GetFileName)!;

    public IEnumerable<string> EnumerateSegmentIds() =>
        Directory.EnumerateFiles(_segmentsRoot, "*", SearchOption.AllDirectories).Select(Path.GetFileName)!;
}
