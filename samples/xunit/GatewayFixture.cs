using S3Gateway.Testing;
using Xunit;

namespace XunitSample;

/// <summary>One gateway for a test class (xUnit's class fixture), started once and stopped after the class.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public S3GatewayServer Gateway { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Gateway = await S3GatewayServer.StartAsync(new S3GatewayOptions { Buckets = { "uploads" } });

    public async Task DisposeAsync() => await Gateway.DisposeAsync();
}
