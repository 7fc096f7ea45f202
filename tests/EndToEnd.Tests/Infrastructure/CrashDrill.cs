using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;

namespace EndToEnd.Tests.Infrastructure;

/// <summary>
/// The kill -9 drill: a gateway in a process of its own on a data folder, writers running against it through
/// AWSSDK.S3 (no retries), and SIGKILL once enough writes were acknowledged, so no shutdown code runs.
/// </summary>
internal static class CrashDrill
{
    /// <summary>
    /// Starts the gateway on <paramref name="dir"/>, runs <paramref name="setup"/>, then <paramref name="writers"/>
    /// loops of <paramref name="write"/>(client, writer, iteration) until <paramref name="enough"/> holds; kills the
    /// process and returns once every writer has seen it go.
    /// </summary>
    public static async Task RunAsync(string dir, string[] extraArgs, Func<AmazonS3Client, Task> setup, Func<AmazonS3Client, int, int, Task> write, Func<bool> enough, int writers = 4)
    {
        var port = FreePort();
        var dll = typeof(Gateway.GatewayOptions).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[dll, "--urls", $"http://127.0.0.1:{port}", "--Gateway:DataDir=" + dir, "--Logging:LogLevel:Default=Warning", .. extraArgs])
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var endpoint = $"http://127.0.0.1:{port}";
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(GatewayInstance.AccessKey, GatewayInstance.SecretKey),
            new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        await WaitForHealth(endpoint);
        await setup(s3);

        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await write(s3, w, i);
                }
                catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or TaskCanceledException)
                {
                    return; // The gateway is gone.
                }
            }
        })).ToArray();
        while (!enough())
        {
            await Task.Delay(10);
        }

        process.Kill(entireProcessTree: true); // SIGKILL: no shutdown code runs.
        await process.WaitForExitAsync();
        await stop.CancelAsync();
        await Task.WhenAll(loops);
    }

    private static async Task WaitForHealth(string endpoint)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var r = await http.GetAsync(new Uri(endpoint + "/_gateway/health"));
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        Assert.Fail("The gateway did not start.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
