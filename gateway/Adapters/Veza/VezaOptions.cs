namespace Gateway.Adapters.Veza;

/// <summary><c>Gateway:Adapters:Veza</c>: Veza OAA <c>:parts</c> multipart payload uploads.</summary>
internal sealed class VezaOptions : AdapterSettings
{
    public override string Name => "Veza";

    public override string Bucket { get; set; } = "veza";

    /// <summary>The most chunks one upload may have (Veza: 99).</summary>
    public int MaxChunks { get; set; } = 99;

    /// <summary>The largest decoded chunk accepted.</summary>
    public long MaxChunkSize { get; set; } = 100L * 1024 * 1024;
}
