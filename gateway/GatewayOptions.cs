namespace Gateway;

/// <summary>The <c>Gateway</c> configuration section. Defaults here are the embedded defaults the README documents.</summary>
internal sealed class GatewayOptions
{
    public const string Section = "Gateway";

    public string DataDir { get; set; } = "./data";

    public long SegmentSize { get; set; } = Storage.StorageOptions.DefaultSegmentSize;

    public string Region { get; set; } = "us-east-1";

    public string AccessKey { get; set; } = "test";

    public string SecretKey { get; set; } = "test";

    /// <summary>Further credential pairs; each access key is one account that owns its own buckets.</summary>
    public List<CredentialOptions> Credentials { get; set; } = [];

    /// <summary>How far a header-signed request's time may be from the server's clock.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Host suffixes under which "bucket.suffix" addresses a bucket (virtual-hosted style).</summary>
    public List<string> VirtualHostDomains { get; set; } = ["localhost"];

    /// <summary>Largest single PutObject body, S3's 5 GiB.</summary>
    public long MaxPutObjectSize { get; set; } = 5L * 1024 * 1024 * 1024;
}

internal sealed class CredentialOptions
{
    public string AccessKey { get; set; } = "";

    public string SecretKey { get; set; } = "";
}
