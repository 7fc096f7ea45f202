using Gateway.Auth;
using Storage;

namespace Gateway;

/// <summary>The long-lived services of one running gateway.</summary>
internal sealed class GatewayServices(GatewayOptions options, StorageEngine storage, SignatureVerifier verifier)
{
    public GatewayOptions Options { get; } = options;

    public StorageEngine Storage { get; } = storage;

    public SignatureVerifier Verifier { get; } = verifier;

    /// <summary>Where access decisions are explained (at Debug level: which rule or policy statement decided).</summary>
    public ILogger AccessLog { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    private readonly Lazy<Encryption.KeyRing> _keys = new(() => new Encryption.KeyRing(options.DataDir, options.Kms.KeyIds));

    /// <summary>The master key and the local KMS registry (created in the data folder on first use).</summary>
    public Encryption.KeyRing Keys => _keys.Value;

    /// <summary>The configured accounts by access key, canonical id and email.</summary>
    public Access.Accounts Accounts { get; } = new(options);

    /// <summary>The gateway's clock (the storage engine's: system or virtual).</summary>
    public IClock Clock => Storage.Clock;

    /// <summary>Real start time, for uptime (the gateway clock may be virtual).</summary>
    public DateTimeOffset StartedAtReal { get; } = DateTimeOffset.UtcNow;

    public GatewayMetrics Metrics { get; } = new();

    /// <summary>The S3 listener's bound address, once it is listening (the adapters' presigned URLs point at it).</summary>
    public Uri? S3Address { get; set; }
}
