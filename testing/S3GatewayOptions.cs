namespace S3Gateway.Testing;

/// <summary>How a test's gateway is started. Everything has a default: <c>new S3GatewayOptions()</c> is a strict S3 on a free port.</summary>
public sealed class S3GatewayOptions
{
    /// <summary>Run on the virtual clock, moved only by <see cref="S3GatewayServer.AdvanceClockAsync"/> (default: the system clock).</summary>
    public bool VirtualClock { get; set; }

    /// <summary>Buckets created for the default account at start, and created again by every reset.</summary>
    public IList<string> Buckets { get; } = new List<string>();

    /// <summary>Any gateway setting by its key (<c>Gateway:Kms:KeyIds:0</c>, <c>Gateway:Credentials:0:AccessKey</c>), as the README lists them.</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The data folder; default: a new temporary folder, deleted when the server is disposed. A folder given here is kept.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The default account's access key (default <c>test</c>).</summary>
    public string AccessKey { get; set; } = "test";

    /// <summary>The default account's secret key (default <c>test</c>).</summary>
    public string SecretKey { get; set; } = "test";

    /// <summary>The region requests are signed for (default <c>us-east-1</c>).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The lowest level the gateway logs to the console at (default Warning: a test's output stays quiet).</summary>
    public string LogLevel { get; set; } = "Warning";
}
