namespace Gateway.Adapters.Kodexa;

/// <summary><c>Gateway:Adapters:Kodexa</c>: Kodexa intake large-file uploads (presigned PUT and presigned multipart).</summary>
internal sealed class KodexaOptions : AdapterSettings
{
    public override string Name => "Kodexa";

    public override string Bucket { get; set; } = "kodexa";

    /// <summary>Whether intakes have "Enable large uploads" on unless listed in <see cref="Intakes"/>; Kodexa's default is off, the emulator's on.</summary>
    public bool LargeUploads { get; set; } = true;

    /// <summary>Per-intake settings, as "org/slug" with its own LargeUploads.</summary>
    public List<KodexaIntake> Intakes { get; set; } = [];

    /// <summary>The direct-upload limit of Kodexa's API gateway (256 MB).</summary>
    public long DirectUploadLimit { get; set; } = 256L * 1024 * 1024;

    /// <summary>How long presigned URLs are valid (Kodexa: 15 minutes).</summary>
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The most part URLs one call may ask for (Kodexa: 500).</summary>
    public int MaxPartUrls { get; set; } = 500;
}

/// <summary>One intake's settings.</summary>
internal sealed class KodexaIntake
{
    public string Org { get; set; } = "";

    public string Slug { get; set; } = "";

    public bool LargeUploads { get; set; }
}
