namespace Gateway.Adapters;

/// <summary>The <c>Gateway:Adapters</c> section: one entry per upload protocol served beside S3.</summary>
internal sealed class AdaptersOptions
{
    public Box.BoxOptions Box { get; set; } = new();

    public Veza.VezaOptions Veza { get; set; } = new();

    public Kodexa.KodexaOptions Kodexa { get; set; } = new();

    public TwelveLabs.TwelveLabsOptions TwelveLabs { get; set; } = new();

    /// <summary>
    /// The S3 front end's address as clients of the adapters reach it, for the presigned URLs they hand out. Empty
    /// means: the host name the client used for the adapter, with the S3 listener's port.
    /// </summary>
    public string S3Url { get; set; } = "";
}

/// <summary>One API token of an adapter and the account (access key) it acts as.</summary>
internal sealed class AdapterToken
{
    public string Token { get; set; } = "";

    /// <summary>The account; empty means the gateway's default <c>AccessKey</c>.</summary>
    public string AccessKey { get; set; } = "";
}

/// <summary>What every adapter has: where it listens, its tokens and the bucket its files land in.</summary>
internal abstract class AdapterSettings
{
    /// <summary>The listener, e.g. http://127.0.0.1:9001; empty (the default) turns the adapter off.</summary>
    public string Url { get; set; } = "";

    /// <summary>API tokens; by default one development token, <c>test</c>, for the default account.</summary>
    public List<AdapterToken> Tokens { get; set; } = [new AdapterToken { Token = "test" }];

    /// <summary>The bucket files land in (created on first use in the token's account).</summary>
    public abstract string Bucket { get; set; }

    /// <summary>The adapter's name in settings, logs and metrics.</summary>
    public abstract string Name { get; }
}
