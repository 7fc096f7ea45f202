namespace Gateway.Adapters.Box;

/// <summary><c>Gateway:Adapters:Box</c>: Box upload sessions.</summary>
internal sealed class BoxOptions : AdapterSettings
{
    public override string Name => "Box";

    public override string Bucket { get; set; } = "box";

    /// <summary>The part size sessions are created with (Box's is 8 MiB for the files most people upload).</summary>
    public long PartSize { get; set; } = 8L * 1024 * 1024;

    /// <summary>The smallest file an upload session may be created for (Box: 20,000,000 bytes).</summary>
    public long MinFileSize { get; set; } = 20_000_000;

    /// <summary>The largest file (Box's 50 GB for the biggest plans).</summary>
    public long MaxFileSize { get; set; } = 50_000_000_000;

    /// <summary>How long a session lives before the sweeper aborts it (Box: 7 days).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(7);
}
