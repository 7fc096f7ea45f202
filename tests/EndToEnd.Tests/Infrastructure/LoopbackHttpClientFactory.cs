using System.Net.Sockets;
using Amazon.Runtime;

namespace EndToEnd.Tests.Infrastructure;

/// <summary>
/// Lets the SDK address "bucket.localhost:port" (virtual-hosted style) while every connection goes to
/// 127.0.0.1:port, so the test does not depend on the resolver knowing *.localhost. The Host header is unchanged.
/// </summary>
internal sealed class LoopbackHttpClientFactory(int port) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync("127.0.0.1", port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
}
