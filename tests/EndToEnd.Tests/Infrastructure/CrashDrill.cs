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
    public static async Task RunAsync(string dir, string[] extraArgs, Func<AmazonS3Client, Task> setup, Func<AmazonS3Client, int, int, Task> write, Func<bool> enough, int writers = 4,
        Action<AmazonS3Config>? configure = null)
    {
        await using var process = new GatewayProcess(dir, extraArgs);
        var endpoint = (await process.Address("S3")).ToString().TrimEnd('/');
        var config = new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 };
        configure?.Invoke(config);
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(GatewayInstance.AccessKey, GatewayInstance.SecretKey), config);
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
        // The writers may stop early (a refused write ends a loop): the deadline keeps a stalled drill from hanging the run.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!enough())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the writers did not get enough writes acknowledged within 60 s");
            await Task.Delay(10);
        }

        process.KillHard();
        await stop.CancelAsync();
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(30));
    }
}
