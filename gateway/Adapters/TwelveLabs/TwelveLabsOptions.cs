namespace Gateway.Adapters.TwelveLabs;

/// <summary><c>Gateway:Adapters:TwelveLabs</c>: Twelve Labs multipart asset uploads.</summary>
internal sealed class TwelveLabsOptions : AdapterSettings
{
    public override string Name => "TwelveLabs";

    public override string Bucket { get; set; } = "twelvelabs";

    /// <summary>The chunk size uploads are cut into.</summary>
    public long ChunkSize { get; set; } = 8L * 1024 * 1024;

    /// <summary>The largest file (Twelve Labs: 4 GB).</summary>
    public long MaxTotalSize { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>How many presigned URLs a create returns.</summary>
    public int FirstBatch { get; set; } = 10;

    /// <summary>How long chunk URLs are valid (Twelve Labs: one hour).</summary>
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromHours(1);
}
