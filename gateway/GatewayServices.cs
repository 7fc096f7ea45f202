using Gateway.Auth;
using Storage;

namespace Gateway;

/// <summary>The long-lived services of one running gateway (nothing here is shared with another gateway in the process).</summary>
internal sealed class GatewayServices(GatewayOptions options, StorageEngine storage, SignatureVerifier verifier)
{
    /// <summary>
    /// The composition every gateway is made of, whether it then serves requests (the host) or runs handlers as
    /// values (the handler tests): the options validated, the storage engine on the data folder, the signature verifier.
    /// </summary>
    public static GatewayServices Create(GatewayOptions options, IClock? clock = null)
    {
        GatewayHost.Validate(options);
        var realClock = clock ?? SystemClock.Instance;
        var storage = new StorageEngine(new StorageOptions(options.DataDir, options.SegmentSize, options.Limits(), options.Clock == "virtual", options.MinFreeSpace, options.InlineThreshold) { SpareSpace = options.SpareSpace }, realClock);
        // Header signatures are checked against real time (clients sign with it); presigned expiry, upload ages,
        // lifecycle and the meter all read the gateway's clock, which may be virtual.
        // Session tokens are keyed from the data folder's master key, read when the first session is made or checked.
        GatewayServices? created = null;
        var sessions = new ExpressSessions(() => created!.Keys.Derive("s3express-sessions"));
        var verifier = new SignatureVerifier(new ConfiguredCredentials(options), options.Region, options.MaxClockSkew, () => realClock.UtcNow, () => storage.Clock.UtcNow, options.SigV2,
            sessions);
        var services = created = new GatewayServices(options, storage, verifier) { Sessions = sessions };
        try
        {
            // Rules from settings apply from the first request (a container started with faults).
            services.Faults.Add(options.Faults);
        }
        catch (Faults.FaultRuleException e)
        {
            storage.Dispose();
            throw new GatewaySettingsException("Gateway:Faults holds a rule the gateway cannot use: " + e.Message, e);
        }

        services.Hooks.Add(services.Faults);
        // Last, so it records the answer a fault gave in the handler's place.
        services.Hooks.Add(services.Requests);
        services.Seed();
        return services;
    }

    /// <summary>Creates the Gateway:InitialBuckets that are missing, for the default account; returns the ones it created.</summary>
    public List<string> Seed()
    {
        var created = new List<string>();
        foreach (var name in Options.InitialBuckets)
        {
            if (Storage.Buckets.Find(name) is null)
            {
                Storage.Buckets.Create(name, Options.AccessKey);
                created.Add(name);
            }
        }

        return created;
    }

    /// <summary>
    /// Empties storage through the engine's own operation (everything, or what one account owns) and re-creates the
    /// initial buckets when the default account was emptied: POST /_gateway/reset and the test package's ResetAsync.
    /// </summary>
    public Contract.ResetResult Reset(string? owner)
    {
        var removed = Storage.Empty(owner);
        var seeded = owner is null || owner == Options.AccessKey ? Seed() : [];
        return new Contract.ResetResult
        {
            Buckets = [.. removed.Buckets],
            Versions = removed.Versions,
            Uploads = removed.Uploads,
            Parts = removed.Parts,
            Bytes = removed.Bytes,
            SegmentFiles = removed.SegmentFiles,
            Seeded = seeded,
        };
    }

    /// <summary>
    /// Moves the virtual clock and runs the lifecycle rules that came due, under the sweep's lock, before returning:
    /// a caller sees the whole effect as soon as the call returns, whatever the background sweep was doing.
    /// </summary>
    public Contract.LifecycleRun AdvanceClock(Storage.Usage.VirtualClock clock, TimeSpan by)
    {
        // The console's charts show a jump of the clock as the step it is: a sample on each side of it.
        UsageHistory.Record(this);
        var swept = Storage.Lifecycle.AdvanceAndSweep(clock, by);
        UsageHistory.Record(this);
        return new Contract.LifecycleRun
        {
            AbortedUploads = swept.AbortedUploads,
            ExpiredObjects = swept.ExpiredObjects,
            ExpiredVersions = swept.ExpiredVersions,
            RemovedDeleteMarkers = swept.RemovedDeleteMarkers,
        };
    }

    public GatewayOptions Options { get; } = options;

    public StorageEngine Storage { get; } = storage;

    public SignatureVerifier Verifier { get; } = verifier;

    /// <summary>The web console's signed-in browsers.</summary>
    public WebConsole.ConsoleSessions ConsoleSessions { get; } = new(options.Console.SessionLifetime);

    /// <summary>Usage samples over time, for the console's charts (in memory, bounded: a day of one a minute and more).</summary>
    public WebConsole.UsageHistory UsageHistory { get; } = new(2000);

    /// <summary>Client tokens of recent RenameObject requests, so a retried rename succeeds again.</summary>
    public Handlers.RenameTokens RenameTokens { get; } = new();

    /// <summary>Directory-bucket sessions (CreateSession), verified by <see cref="Verifier"/>.</summary>
    public required ExpressSessions Sessions { get; init; }

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

    /// <summary>The fault rules and what fired (a hook of <see cref="Hooks"/>).</summary>
    public Faults.FaultInjector Faults => _faults ??= new Faults.FaultInjector(this);

    private Faults.FaultInjector? _faults;

    /// <summary>The last requests of every front end (a bounded ring in memory, Gateway:RequestLogSize entries).</summary>
    public Pipeline.RequestLog Requests { get; } = new(options.RequestLogSize);

    /// <summary>What every request passes through before its handler and after its answer, in order (request log, faults, ...).</summary>
    public Pipeline.RequestHooks Hooks { get; } = new();

    /// <summary>The access state built from each bucket row storage hands out (parsed once per change of the row, not per request).</summary>
    public System.Runtime.CompilerServices.ConditionalWeakTable<Storage.Objects.BucketInfo, Access.BucketGate> Gates { get; } = new();

    /// <summary>The S3 listener's bound address, once it is listening (the adapters' presigned URLs point at it).</summary>
    public Uri? S3Address { get; set; }
}
