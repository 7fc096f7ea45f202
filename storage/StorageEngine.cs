using Storage.Metadata;
using Storage.Multipart;
using Storage.Objects;
using Storage.Segments;

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
        Buckets = new BucketService(Metadata, clock);
        Objects = new ObjectService(Metadata, Segments, clock);
        Multipart = new MultipartService(Metadata, Segments, clock, options.Limits ?? MultipartLimits.S3);
        SweptAtStart = Sweep();
    }

    public StorageOptions Options { get; }

    public MetadataStore Metadata { get; }

    public SegmentStore Segments { get; }

    public BucketService Buckets { get; }

    public ObjectService Objects { get; }

    public MultipartService Multipart { get; }

    public int SweptAtStart { get; }

    /// <summary>Removes temp files and unreferenced segments. Run when no request is in flight (start-up).</summary>
    public int Sweep() => Metadata.Read(c => Segments.Sweep(id => ObjectRows.IsReferenced(c, null, id)));
}
