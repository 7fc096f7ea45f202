using Storage.Lifecycle;
using Storage.Metadata;
using Storage.Multipart;
using Storage.Objects;
using Storage.Segments;
using Storage.Usage;

namespace Storage;

/// <summary>What a consistency check of a data folder found: the meter against a recount, and the segment files against the rows.</summary>
/// <param name="Gauges">The meter's per-bucket totals.</param>
/// <param name="Recount">The same totals counted from the rows; equal to <paramref name="Gauges"/> but for the accrual times.</param>
/// <param name="ReferencedSegments">Segment ids some row references.</param>
/// <param name="SegmentFiles">Segment ids that have a file on disk.</param>
/// <param name="InlineSegments">Segment ids stored as inline rows.</param>
public sealed record IntegrityReport(IReadOnlyList<UsageGauges> Gauges, IReadOnlyList<UsageGauges> Recount, IReadOnlySet<string> ReferencedSegments,
    IReadOnlySet<string> SegmentFiles, IReadOnlySet<string> InlineSegments)
{
    /// <summary>What SQLite's integrity_check answered: one "ok" line when the database file is sound.</summary>
    public IReadOnlyList<string> Database { get; init; } = ["ok"];

    /// <summary>Files left in the temp folder by interrupted writes (garbage the start-up sweep removes, not an inconsistency).</summary>
    public IReadOnlyList<string> TempFiles { get; init; } = [];

    /// <summary>Segments some row references that are stored nowhere: data lost.</summary>
    public IReadOnlyList<string> MissingSegments => ReferencedSegments.Except(SegmentFiles).Except(InlineSegments).Order(StringComparer.Ordinal).ToList();

    /// <summary>Segment files no row references: space lost, no data.</summary>
    public IReadOnlyList<string> OrphanSegments => SegmentFiles.Except(ReferencedSegments).Order(StringComparer.Ordinal).ToList();

    /// <summary>Segments stored both as a file and as an inline row.</summary>
    public IReadOnlyList<string> DoubleStoredSegments => SegmentFiles.Intersect(InlineSegments).Order(StringComparer.Ordinal).ToList();

    /// <summary>Buckets whose meter differs from a recount of their rows (or that only one of the two has).</summary>
    public IReadOnlyList<string> MeterMismatches =>
        Gauges.Select(g => g.Bucket).Union(Recount.Select(g => g.Bucket))
            .Where(b => Gauges.FirstOrDefault(g => g.Bucket == b) is not { } meter || Recount.FirstOrDefault(g => g.Bucket == b) is not { } count
                || meter with { AccruedTo = default } != count with { AccruedTo = default })
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// True when the database is sound, the meter equals the recount and every referenced segment, and no other, is
    /// stored: as a file, or as an inline row (and never as both).
    /// </summary>
    public bool IsConsistent =>
        Database is ["ok"]
        && Gauges.Select(g => g with { AccruedTo = default }).SequenceEqual(Recount.Select(g => g with { AccruedTo = default }))
        && !SegmentFiles.Overlaps(InlineSegments)
        && ReferencedSegments.SetEquals(SegmentFiles.Concat(InlineSegments));
}

/// <summary>What a repair of a stopped gateway's data folder removed: what the start-up sweep removes.</summary>
/// <param name="OrphanSegments">Segment files no row referenced.</param>
/// <param name="TempFiles">Temp files of interrupted writes.</param>
/// <param name="InlineRows">Inline segment rows no object or part referenced.</param>
public sealed record RepairResult(IReadOnlyList<string> OrphanSegments, IReadOnlyList<string> TempFiles, int InlineRows);

/// <summary>What <see cref="StorageEngine.Empty"/> removed.</summary>
/// <param name="Buckets">The buckets, by name.</param>
/// <param name="Versions">Object versions and delete markers.</param>
/// <param name="Uploads">Incomplete multipart uploads.</param>
/// <param name="Parts">Their parts.</param>
/// <param name="Bytes">Bytes of the versions and parts.</param>
/// <param name="SegmentFiles">Segment files deleted (inline segments go with their rows).</param>
public sealed record EmptyResult(IReadOnlyList<string> Buckets, long Versions, long Uploads, long Parts, long Bytes, int SegmentFiles);

/// <summary>
/// The storage engine: opens a data folder (metadata database, segment files, the start-up sweep) and offers
/// buckets, objects, multipart uploads, usage and lifecycle in its own terms. It knows no protocol: every front
/// end (S3, the upload adapters) drives it through these services.
/// </summary>
public sealed class StorageEngine : IDisposable
{
    public StorageEngine(StorageOptions options, IClock clock)
    {
        Options = options;
        Directory.CreateDirectory(options.DataDir);
        var spare = new SpareSpace(Path.Combine(options.DataDir, "spare"), options.SpareSpace);
        Metadata = new MetadataStore(Path.Combine(options.DataDir, "metadata.db"), options.MinFreeSpace) { Spare = spare };
        Segments = new SegmentStore(options.DataDir, options.SegmentSize, new DiskSpace(options.DataDir, options.MinFreeSpace, options.FreeSpace), options.InlineThreshold) { Spare = spare };
        // The virtual clock is stored in the metadata database, so it can only be made once that is open.
        VirtualClock = options.VirtualClock ? new VirtualClock(Metadata, clock.UtcNow) : null;
        Clock = VirtualClock ?? clock;
        var limits = options.Limits ?? StorageLimits.Default;
        Buckets = new BucketService(Metadata, Segments, Clock);
        Objects = new ObjectService(Metadata, Segments, Clock, limits);
        Multipart = new MultipartService(Metadata, Segments, Objects, Clock, limits);
        Traffic = new TrafficMeter(Metadata);
        Usage = new UsageService(Metadata, Traffic, Multipart, Clock);
        Lifecycle = new LifecycleService(Metadata, Objects, Multipart, Clock);
        SweptAtStart = Sweep();
        spare.TryHold();
    }

    public StorageOptions Options { get; }

    internal MetadataStore Metadata { get; }

    internal SegmentStore Segments { get; }

    public BucketService Buckets { get; }

    public ObjectService Objects { get; }

    public MultipartService Multipart { get; }

    public TrafficMeter Traffic { get; }

    public UsageService Usage { get; }

    public LifecycleService Lifecycle { get; }

    /// <summary>The clock every service reads: the system clock, or the virtual one.</summary>
    public IClock Clock { get; }

    /// <summary>The virtual clock, when the engine runs on one (null on the system clock).</summary>
    public VirtualClock? VirtualClock { get; }

    /// <summary>How many leftover files the start-up sweep removed.</summary>
    public int SweptAtStart { get; }

    /// <summary>
    /// Empties storage: every bucket (or every bucket <paramref name="owner"/> owns) with every object, version,
    /// upload, part and usage row, in one transaction, then the segment files nothing references any more. Requests
    /// in flight meet a bucket that is gone (their commit fails and keeps nothing); a read in progress keeps its
    /// leased files until it ends. The clock and the accounts are not touched.
    /// </summary>
    public EmptyResult Empty(string? owner = null)
    {
        // Traffic counted in memory for these buckets would otherwise be written back after they are gone.
        Traffic.Flush();
        var (result, files) = Metadata.Write(db =>
        {
            var names = EmptyRows.Buckets(db, owner);
            long versions = 0, uploads = 0, parts = 0, bytes = 0;
            var segments = new List<string>();
            foreach (var name in names)
            {
                var dropped = EmptyRows.Drop(db, name);
                (versions, uploads, parts, bytes) = (versions + dropped.Versions, uploads + dropped.Uploads, parts + dropped.Parts, bytes + dropped.Bytes);
                segments.AddRange(dropped.Segments);
            }

            EmptyRows.DropHistory(db, owner);
            var unreferenced = SegmentRows.Unreferenced(db, segments);
            return (new EmptyResult(names, versions, uploads, parts, bytes, unreferenced.Count), unreferenced);
        });
        foreach (var name in result.Buckets)
        {
            Buckets.Forget(name);
        }

        Segments.DeleteUnreferenced(files);
        return result;
    }

    /// <summary>After a burst of load: SQLite's idle connections give back their page caches (the busy ones keep theirs).</summary>
    public void TrimMemory() => Metadata.ShrinkIdle();

    /// <summary>Writes the traffic still counted in memory and closes the metadata database's connections.</summary>
    public void Dispose()
    {
        Traffic.Flush();
        Metadata.Dispose();
    }

    /// <summary>Removes temp files and unreferenced segments. Run when no request is in flight (start-up).</summary>
    public int Sweep()
    {
        var removed = Sweep(Metadata, Segments);
        return removed.InlineRows + removed.OrphanSegments.Count + removed.TempFiles.Count;
    }

    private static RepairResult Sweep(MetadataStore metadata, SegmentStore segments)
    {
        var inline = metadata.Write(InlineRows.DeleteUnreferenced);
        var (orphans, temps) = metadata.Read(db => segments.Sweep(id => SegmentRows.IsReferenced(db, id)));
        return new RepairResult(orphans, temps, inline);
    }

    /// <summary>
    /// Repairs a data folder no gateway has open: removes what the start-up sweep removes (orphan segment files,
    /// temp files, unreferenced inline rows) and says what. Never run it beside a gateway using the folder: a write
    /// in flight has segment files its row does not reference yet.
    /// </summary>
    public static RepairResult RepairFolder(string dataDir)
    {
        using var metadata = new MetadataStore(Path.Combine(dataDir, "metadata.db"));
        return Sweep(metadata, new SegmentStore(dataDir, DefaultSegmentSizeForReading));
    }

    /// <summary>Checks the meter against the rows and the segment files against the references (run while idle for exact figures).</summary>
    public IntegrityReport Check() => Check(Metadata, Segments);

    /// <summary>
    /// Checks a data folder no engine has open (a stopped gateway's), without the start-up sweep, so leftover
    /// files show as they are.
    /// </summary>
    public static IntegrityReport CheckFolder(string dataDir)
    {
        if (!File.Exists(Path.Combine(dataDir, "metadata.db")))
        {
            throw new DirectoryNotFoundException($"{dataDir} holds no gateway data (no metadata.db).");
        }

        using var metadata = new MetadataStore(Path.Combine(dataDir, "metadata.db"));
        return Check(metadata, new SegmentStore(dataDir, DefaultSegmentSizeForReading));
    }

    // Reading and listing segment files does not depend on the size new segments are cut at.
    private const long DefaultSegmentSizeForReading = StorageOptions.DefaultSegmentSize;

    private static IntegrityReport Check(MetadataStore metadata, SegmentStore segments)
    {
        var (gauges, recount, referenced, inline, database) = metadata.Read(db =>
            (UsageRows.AllGauges(db), UsageRows.Recount(db), SegmentRows.AllReferenced(db), InlineRows.All(db), db.List("PRAGMA integrity_check;", r => r.GetString(0))));
        return new IntegrityReport(gauges, recount, referenced, segments.EnumerateSegmentIds().ToHashSet(StringComparer.Ordinal), inline)
        {
            Database = database,
            TempFiles = segments.EnumerateTempFiles().ToList(),
        };
    }
}
