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

    /// <summary>Smallest part of a multipart upload other than the last (S3: 5 MiB), checked at Complete.</summary>
    public long MinPartSize { get; set; } = 5L * 1024 * 1024;

    /// <summary>Largest part (S3: 5 GiB).</summary>
    public long MaxPartSize { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>Highest part number, and most parts in one object (S3: 10000).</summary>
    public int MaxPartNumber { get; set; } = 10000;

    /// <summary>Largest object a multipart upload may complete into (S3: 5 TiB).</summary>
    public long MaxObjectSize { get; set; } = 5L * 1024 * 1024 * 1024 * 1024;

    /// <summary>Cross-origin access for browsers (presigned part uploads); see the README.</summary>
    public CorsOptions Cors { get; set; } = new();

    public Storage.Multipart.MultipartLimits Limits() => new(MinPartSize, MaxPartSize, MaxPartNumber, MaxPartNumber, MaxObjectSize);
}

/// <summary>
/// Origins allowed to call the gateway from a browser. Empty (the default) answers no preflight; ["*"] allows any
/// origin, which suits local development.
/// </summary>
internal sealed class CorsOptions
{
    public List<string> AllowedOrigins { get; set; } = [];

    public List<string> AllowedMethods { get; set; } = ["GET", "PUT", "POST", "DELETE", "HEAD"];

    public List<string> ExposeHeaders { get; set; } = ["ETag", "x-amz-request-id", "x-amz-version-id", "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256"];

    public int MaxAgeSeconds { get; set; } = 3600;
}

internal sealed class CredentialOptions
{
    public string AccessKey { get; set; } = "";

    public string SecretKey { get; set; } = "";
}
