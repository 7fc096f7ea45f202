namespace Gateway;

/// <summary>The <c>Gateway</c> configuration section. Defaults here are the embedded defaults the README documents.</summary>
internal sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>
    /// Binds the <c>Gateway</c> section over the defaults. A list setting is taken whole from the highest-priority
    /// source that sets it (command line over environment over appsettings.json) and replaces its default. The
    /// binder on its own appends configured items to a list that already has some, and merges sources index by
    /// index, so <c>--Gateway:Cors:AllowedMethods:0=GET</c> would still allow every method appsettings.json lists.
    /// </summary>
    public static GatewayOptions Load(IConfigurationRoot configuration)
    {
        // The section's settings as configuration merges them (a later source wins, key by key) ...
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.GetSection(Section).AsEnumerable())
        {
            settings[key] = value;
        }

        var options = new GatewayOptions();
        foreach (var (path, clear) in ListSettings)
        {
            // ... except that a list comes whole from the last source that sets any item of it, replacing its default.
            var key = ConfigurationPath.Combine(Section, path);
            if (configuration.Providers.LastOrDefault(p => p.GetChildKeys([], key).Any()) is not { } source)
            {
                continue;
            }

            foreach (var stale in settings.Keys.Where(k => k.StartsWith(key + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                settings.Remove(stale);
            }

            CollectKeys(source, key, key, settings);
            clear(options);
        }

        // Bound by the configuration binding source generator (EnableConfigurationBindingGenerator): no reflection.
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(Section).Bind(options);
        return options;
    }

    /// <summary>
    /// Every list setting (path under the section) and how to empty its default before binding; a test checks that no
    /// list property of the options is missing here.
    /// </summary>
    internal static readonly (string Path, Action<GatewayOptions> Clear)[] ListSettings =
    [
        ("Credentials", o => o.Credentials = []),
        ("InitialBuckets", o => o.InitialBuckets = []),
        ("VirtualHostDomains", o => o.VirtualHostDomains = []),
        ("Admins", o => o.Admins = []),
        ("Faults", o => o.Faults = []),
        ("Kms:KeyIds", o => o.Kms.KeyIds = []),
        ("Cors:AllowedOrigins", o => o.Cors.AllowedOrigins = []),
        ("Cors:AllowedMethods", o => o.Cors.AllowedMethods = []),
        ("Cors:ExposeHeaders", o => o.Cors.ExposeHeaders = []),
        ("Adapters:Box:Tokens", o => o.Adapters.Box.Tokens = []),
        ("Adapters:Veza:Tokens", o => o.Adapters.Veza.Tokens = []),
        ("Adapters:Kodexa:Tokens", o => o.Adapters.Kodexa.Tokens = []),
        ("Adapters:TwelveLabs:Tokens", o => o.Adapters.TwelveLabs.Tokens = []),
        ("Adapters:Kodexa:Intakes", o => o.Adapters.Kodexa.Intakes = []),
    ];

    private static void CollectKeys(IConfigurationProvider source, string path, string relative, Dictionary<string, string?> into)
    {
        foreach (var child in source.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var full = ConfigurationPath.Combine(path, child);
            var rel = ConfigurationPath.Combine(relative, child);
            if (source.TryGet(full, out var value))
            {
                into[rel] = value;
            }

            CollectKeys(source, full, rel, into);
        }
    }

    public string DataDir { get; set; } = "./data";

    /// <summary>How many finished requests GET /_gateway/requests keeps in memory (0: none).</summary>
    public int RequestLogSize { get; set; } = 2000;

    public long SegmentSize { get; set; } = Storage.StorageOptions.DefaultSegmentSize;

    /// <summary>Objects and parts of at most this many bytes are stored in the metadata database, one commit each (0: never).</summary>
    public long InlineThreshold { get; set; } = Storage.StorageOptions.DefaultInlineThreshold;

    public string Region { get; set; } = "us-east-1";

    public string AccessKey { get; set; } = "test";

    public string SecretKey { get; set; } = "test";

    /// <summary>Further credential pairs; each access key is one account that owns its own buckets.</summary>
    public List<CredentialOptions> Credentials { get; set; } = [];

    /// <summary>Buckets created for the default account at start when missing, and again by POST /_gateway/reset.</summary>
    public List<string> InitialBuckets { get; set; } = [];

    /// <summary>The default account's display name (default: its access key).</summary>
    public string? DisplayName { get; set; }

    /// <summary>The default account's email, which grants by email resolve to (as a Credentials entry's Email does).</summary>
    public string? Email { get; set; }

    /// <summary>Whether Signature Version 2 is accepted (SDK defaults still presign with it); false refuses it with a message naming the client setting.</summary>
    public bool SigV2 { get; set; } = true;

    /// <summary>How far a header-signed request's time may be from the server's clock.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Host suffixes under which "bucket.suffix" addresses a bucket (virtual-hosted style).</summary>
    public List<string> VirtualHostDomains { get; set; } = ["localhost"];

    /// <summary>Largest single PutObject body, S3's 5 GiB.</summary>
    public long MaxPutObjectSize { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>Smallest part of a multipart upload other than the last (S3: 5 MiB), checked at Complete.</summary>
    public long MinPartSize { get; set; } = 5L * 1024 * 1024;

    /// <summary>Largest part (S3: 5 GiB).</summary>
    public long MaxPartSize { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>Highest part number, and most parts in one object (S3: 10000).</summary>
    public int MaxPartNumber { get; set; } = 10000;

    /// <summary>Largest object a multipart upload may complete into (S3: 5 TiB).</summary>
    public long MaxObjectSize { get; set; } = 5L * 1024 * 1024 * 1024 * 1024;

    /// <summary>Free space object data may not eat into, so deletes and aborts can still commit on a full disk (0: none).</summary>
    public long MinFreeSpace { get; set; } = Storage.StorageOptions.DefaultMinFreeSpace;

    /// <summary>
    /// Bytes held in the data folder's <c>spare</c> file and given back when a delete or abort meets a disk that
    /// something else filled to the last byte (0: none). 4 MiB is room for the WAL pages of many commits.
    /// </summary>
    public long SpareSpace { get; set; } = 4L * 1024 * 1024;

    /// <summary>"system" (real time) or "virtual" (moves only through POST /_gateway/clock/advance).</summary>
    public string Clock { get; set; } = "system";

    /// <summary>Access keys that see every account's usage and may advance the clock; empty means the default AccessKey.</summary>
    public List<string> Admins { get; set; } = [];

    /// <summary>The price table behind the usage report's cost estimates.</summary>
    public BillingOptions Billing { get; set; } = new();

    /// <summary>How often the lifecycle sweeper runs (it also runs right after every clock advance).</summary>
    public TimeSpan LifecycleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a request body may send nothing before it is answered RequestTimeout (S3 waits about 20 s).</summary>
    public TimeSpan RequestBodyIdleTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often request traffic gathered in memory is written to the meter.</summary>
    public TimeSpan TrafficFlushInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// After this long without a request (following some), memory held for the load is given back once: a full,
    /// compacting collection that returns free heap to the system, and SQLite's caches shrunk (0: never).
    /// </summary>
    public TimeSpan IdleTrimAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether <paramref name="accessKey"/> is a configured account: the default one or a Credentials entry.</summary>
    public bool HasAccount(string accessKey) => accessKey == AccessKey || Credentials.Any(c => c.AccessKey == accessKey);

    public bool IsAdmin(string accessKey) => Admins.Count == 0 ? accessKey == AccessKey : Admins.Contains(accessKey);

    /// <summary>The other upload protocols served on their own listeners (Box, Veza, Kodexa, Twelve Labs); all off by default.</summary>
    public Adapters.AdaptersOptions Adapters { get; set; } = new();

    /// <summary>The local KMS registry's keys for SSE-KMS.</summary>
    public KmsOptions Kms { get; set; } = new();

    /// <summary>What new buckets start with, when CreateBucket does not say.</summary>
    public BucketDefaultsOptions Defaults { get; set; } = new();

    /// <summary>Cross-origin access for browsers (presigned part uploads); see the README.</summary>
    public CorsOptions Cors { get; set; } = new();

    /// <summary>The web console at /_gateway/console/ (sign-in with an account's keys).</summary>
    public ConsoleOptions Console { get; set; } = new();

    /// <summary>Fault rules that apply from start-up (the same documents as POST /_gateway/faults takes).</summary>
    public List<Contract.FaultRuleDocument> Faults { get; set; } = [];

    public Storage.StorageLimits Limits() => new(MaxPutObjectSize, MinPartSize, MaxPartSize, MaxPartNumber, MaxPartNumber, MaxObjectSize);
}

/// <summary>The web console: on by default (it serves nothing without a session); Enabled=false answers 404 for all of it.</summary>
internal sealed class ConsoleOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How long a console session lasts, in real time.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>A browser upload larger than this is stored as a multipart upload of parts this size (at least MinPartSize).</summary>
    public long UploadPartSize { get; set; } = 64L * 1024 * 1024;
}

/// <summary>
/// Origins allowed to call the gateway from a browser. Empty (the default) answers no preflight; ["*"] allows any
/// origin, which suits local development.
/// </summary>
internal sealed class CorsOptions
{
    public List<string> AllowedOrigins { get; set; } = [];

    public List<string> AllowedMethods { get; set; } = ["GET", "PUT", "POST", "DELETE", "HEAD"];

    /// <summary>By default ETag, the request and version ids and every algorithm's checksum header (from the algorithm table).</summary>
    public List<string> ExposeHeaders { get; set; } = ["ETag", "x-amz-request-id", "x-amz-version-id", .. Protocol.ChecksumNames.HeaderNames];

    public int MaxAgeSeconds { get; set; } = 3600;
}

/// <summary>
/// New buckets' access settings. The embedded defaults let ACLs work (no ownership controls, which behave as
/// ObjectWriter, and no public access block), as test suites expect; ObjectOwnership "BucketOwnerEnforced" with
/// BlockPublicAccess true is what S3 gives new buckets since April 2023.
/// </summary>
internal sealed class BucketDefaultsOptions
{
    /// <summary>BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter stored with each new bucket; empty stores none.</summary>
    public string? ObjectOwnership { get; set; }

    /// <summary>Whether new buckets get a public access block with all four switches on.</summary>
    public bool BlockPublicAccess { get; set; }
}

/// <summary>
/// SSE-KMS keys: each id listed gets key material in the data folder's registry on start (kept across restarts);
/// a request naming any other id is KMS.NotFoundException. "aws/s3", S3's AWS managed key, is always there.
/// </summary>
internal sealed class KmsOptions
{
    public List<string> KeyIds { get; set; } = [];
}

internal sealed class CredentialOptions
{
    public string AccessKey { get; set; } = "";

    public string SecretKey { get; set; } = "";

    /// <summary>The name S3 answers beside the account's canonical id (default: the access key).</summary>
    public string? DisplayName { get; set; }

    /// <summary>An email address that grants by email resolve to this account (none: such grants are refused, as S3 refuses an unknown address).</summary>
    public string? Email { get; set; }
}

/// <summary>
/// Example prices for the usage report's estimates (shaped like a per-GB, per-segment, per-request price list;
/// they are examples, not any provider's prices). A month is 730 hours.
/// </summary>
internal sealed class BillingOptions
{
    public string Currency { get; set; } = "USD";

    public double StorageGbMonth { get; set; } = 0.004;

    public double SegmentMonth { get; set; } = 0.0000088;

    public double EgressGb { get; set; } = 0.007;

    public double WriteRequestsPer1000 { get; set; } = 0.005;

    public double ReadRequestsPer1000 { get; set; } = 0.0004;

    public double HoursPerMonth { get; set; } = 730;

    /// <summary>Directory buckets' class: its own storage and request prices (segments and egress as above).</summary>
    public DirectoryBillingOptions Directory { get; set; } = new();

    /// <summary>The price table storage's usage service computes estimates with.</summary>
    public Storage.Usage.PriceTable Prices() => new(Currency, StorageGbMonth, SegmentMonth, EgressGb, WriteRequestsPer1000, ReadRequestsPer1000, HoursPerMonth)
    {
        Directory = new(Currency, Directory.StorageGbMonth, SegmentMonth, EgressGb, Directory.WriteRequestsPer1000, Directory.ReadRequestsPer1000, HoursPerMonth),
    };
}

/// <summary>
/// Example prices of directory buckets (shaped like S3 Express One Zone's: storage dearer than a general purpose
/// bucket's, requests cheaper; examples, not any provider's prices).
/// </summary>
internal sealed class DirectoryBillingOptions
{
    public double StorageGbMonth { get; set; } = 0.08;

    public double WriteRequestsPer1000 { get; set; } = 0.0012;

    public double ReadRequestsPer1000 { get; set; } = 0.00004;
}

/// <summary>A setting the gateway cannot start with; the message names the setting and what it must be.</summary>
public sealed class GatewaySettingsException : InvalidOperationException
{
    public GatewaySettingsException(string message)
        : base(message)
    {
    }

    public GatewaySettingsException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
