namespace EndToEnd.Tests;

/// <summary>
/// One gateway for the whole assembly; tests that need their own host start one. It lives in the root
/// namespace because NUnit runs a SetUpFixture only for the tests in its namespace and below.
/// </summary>
[SetUpFixture]
public sealed class SharedGateway
{
    internal static GatewayInstance Instance { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task Start() => Instance = await GatewayInstance.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await Instance.DisposeAsync();
}
