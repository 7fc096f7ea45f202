using Storage.Lifecycle;
using Storage.Metadata;
using Storage.Multipart;
using Storage.Objects;
using Storage.Segments;
using Storage.Usage;

namespace Storage;

/// <summary>Opens the data folder: metadata database, segment store, the services, and the start-up sweep.</summary>
internal sealed class StorageEngine
{
    public StorageEngine(StorageOptions options, IClock clock)
    {
        Options = options;
        Directory.CreateDirectory(options.DataDir);
        Metadata = new MetadataStore(Path.Combine(options.DataDir, "metadata.db"));
        Segments = new SegmentStore(options.DataDir, options.SegmentSize);
        // The virtual clock is stored in the metadata database, so it can only be made once that is open.
        Clock = options.VirtualClock ? new VirtualClock(Metadata, clock.UtcNow) : clock;
        clock = Clock;
        Buckets = new BucketService(Metadata, clock);
        Objects = new ObjectService(Metadata, Segments, clock);
        Multipart = new MultipartService(Metadata, Segments, Objects, clock, options.Limits ?? MultipartLimits.S3);
        Traffic = new TrafficMeter(Metadata);
        Usage = new UsageService(Metadata, Traffic, clock);
        Lifecycle = new LifecycleService(Metadata, Objects, Multipart, clock);
        SweptAtStart = Sweep();
    }

    public StorageOptions Options { get; }

    public MetadataStore Metadata { get; }

    public SegmentStore Segments { get; }

    public BucketService Buckets { get; }

    public ObjectService Objects { get; }

    public MultipartService Multipart { get; }

    public TrafficMeter Traffic { get; }

    public UsageService Usage { get; }

    public LifecycleService Lifecycle { get; }

    /// <summary>The clock every service reads: the system clock, or the virtual one.</summary>
    public IClock Clock { get; }

    public int SweptAtStart { get; }

    /// <summary>Removes temp files and unreferenced segments. Run when no request is in flight (start-up).</summary>
    public int Sweep() => Metadata.Read(c => Segments.Sweep(id => ObjectRows.IsReferenced(c, null, id)));
}
