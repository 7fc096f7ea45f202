using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;

namespace S3Gateway.Testcontainers;

/// <summary>
/// Builds an S3 gateway container: the image (built from the repository's Dockerfile, e.g. <c>s3-gateway</c>) with
/// its S3 port published on a random host port, ready once <c>/_gateway/health</c> answers 200.
/// </summary>
public sealed class S3GatewayBuilder : ContainerBuilder<S3GatewayBuilder, S3GatewayContainer, S3GatewayConfiguration>
{
    public const ushort S3Port = 9000;

    public const string DefaultAccessKey = "test";

    public const string DefaultSecretKey = "test";

    /// <param name="image">The gateway's image, as built from the Dockerfile (<c>docker build -t s3-gateway .</c>).</param>
    public S3GatewayBuilder(string image)
        : this(new S3GatewayConfiguration())
    {
        DockerResourceConfiguration = Init().WithImage(image).DockerResourceConfiguration;
    }

    private S3GatewayBuilder(S3GatewayConfiguration configuration)
        : base(configuration)
    {
        DockerResourceConfiguration = configuration;
    }

    protected override S3GatewayConfiguration DockerResourceConfiguration { get; }

    /// <summary>Buckets created for the default account when the gateway starts (Gateway:InitialBuckets).</summary>
    public S3GatewayBuilder WithBuckets(params string[] buckets)
    {
        var builder = this;
        for (var i = 0; i < buckets.Length; i++)
        {
            builder = builder.WithEnvironment($"Gateway__InitialBuckets__{i}", buckets[i]);
        }

        return builder;
    }

    /// <summary>The default account's credentials (Gateway:AccessKey and Gateway:SecretKey).</summary>
    public S3GatewayBuilder WithCredentials(string accessKey, string secretKey) =>
        Merge(DockerResourceConfiguration, new S3GatewayConfiguration(accessKey, secretKey))
            .WithEnvironment("Gateway__AccessKey", accessKey)
            .WithEnvironment("Gateway__SecretKey", secretKey);

    /// <summary>Runs the gateway on a virtual clock (Gateway:Clock=virtual).</summary>
    public S3GatewayBuilder WithVirtualClock() => WithEnvironment("Gateway__Clock", "virtual");

    public override S3GatewayContainer Build()
    {
        Validate();
        return new S3GatewayContainer(DockerResourceConfiguration);
    }

    protected override S3GatewayBuilder Init() =>
        base.Init()
            .WithPortBinding(S3Port, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(S3Port).ForPath("/_gateway/health")));

    protected override S3GatewayBuilder Clone(IResourceConfiguration<CreateContainerParameters> resourceConfiguration) =>
        Merge(DockerResourceConfiguration, new S3GatewayConfiguration(resourceConfiguration));

    protected override S3GatewayBuilder Clone(IContainerConfiguration resourceConfiguration) =>
        Merge(DockerResourceConfiguration, new S3GatewayConfiguration(resourceConfiguration));

    protected override S3GatewayBuilder Merge(S3GatewayConfiguration oldValue, S3GatewayConfiguration newValue) =>
        new(new S3GatewayConfiguration(oldValue, newValue));
}

/// <summary>The builder's settings: the container's, and the credentials clients should sign with.</summary>
public sealed class S3GatewayConfiguration : ContainerConfiguration
{
    public S3GatewayConfiguration(string? accessKey = null, string? secretKey = null)
    {
        AccessKey = accessKey;
        SecretKey = secretKey;
    }

    public S3GatewayConfiguration(IResourceConfiguration<CreateContainerParameters> resourceConfiguration)
        : base(resourceConfiguration)
    {
    }

    public S3GatewayConfiguration(IContainerConfiguration resourceConfiguration)
        : base(resourceConfiguration)
    {
    }

    public S3GatewayConfiguration(S3GatewayConfiguration resourceConfiguration)
        : this(new S3GatewayConfiguration(), resourceConfiguration)
    {
    }

    public S3GatewayConfiguration(S3GatewayConfiguration oldValue, S3GatewayConfiguration newValue)
        : base(oldValue, newValue)
    {
        AccessKey = BuildConfiguration.Combine(oldValue.AccessKey, newValue.AccessKey);
        SecretKey = BuildConfiguration.Combine(oldValue.SecretKey, newValue.SecretKey);
    }

    public string? AccessKey { get; }

    public string? SecretKey { get; }
}

/// <summary>A started gateway container: where S3 clients reach it, and with which credentials.</summary>
public sealed class S3GatewayContainer(S3GatewayConfiguration configuration) : DockerContainer(configuration)
{
    /// <summary>The S3 endpoint on the host, e.g. <c>http://127.0.0.1:32768</c>: use it with path-style addressing.</summary>
    public Uri ServiceUrl => new UriBuilder(Uri.UriSchemeHttp, Hostname, GetMappedPublicPort(S3GatewayBuilder.S3Port)).Uri;

    public string AccessKey => configuration.AccessKey ?? S3GatewayBuilder.DefaultAccessKey;

    public string SecretKey => configuration.SecretKey ?? S3GatewayBuilder.DefaultSecretKey;
}
