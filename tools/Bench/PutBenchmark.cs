using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Bench;

/// <summary>One large PutObject through AWSSDK.S3, read back and verified, with the gateway's peak RSS.</summary>
internal static class PutBenchmark
{
    public static async Task<int> RunAsync(Options options)
    {
        var size = options.Size("size", 1L << 30);
        var chunked = options.Flag("chunked", true);
        var segmentSize = options.Size("segment-size", 64L << 20);
        await using var gw = await GatewayProcess.StartAsync(segmentSize);
        var idleRss = gw.RssBytes;
        using var s3 = new AmazonS3Client(new BasicAWSCredentials("test", "test"), new AmazonS3Config
        {
            ServiceURL = gw.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            Timeout = TimeSpan.FromMinutes(30),
        });
        await s3.PutBucketAsync("bench");

        var sw = Stopwatch.StartNew();
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "bench",
            Key = "big",
            InputStream = new GeneratedStream(size, 42),
            UseChunkEncoding = chunked,
            AutoCloseStream = true,
        });
        var putSeconds = sw.Elapsed.TotalSeconds;
        var peakAfterPut = gw.PeakRssBytes;

        sw.Restart();
        using var get = await s3.GetObjectAsync("bench", "big");
        var total = await ReadBack.VerifyAsync(get.ResponseStream, new GeneratedStream(size, 42));
        if (total < 0)
        {
            return 1;
        }

        var getSeconds = sw.Elapsed.TotalSeconds;
        if (total != size)
        {
            Console.Error.WriteLine($"Read back {total} bytes, expected {size}");
            return 1;
        }

        var segments = Directory.GetFiles(Path.Combine(gw.DataDir, "segments"), "*", SearchOption.AllDirectories).Length;
        Console.WriteLine($"PutObject {size / (1 << 20)} MiB (aws-chunked: {chunked}, segment size {segmentSize / (1 << 20)} MiB, {segments} segment files)");
        Console.WriteLine($"  upload   {size / putSeconds / 1e6,8:F1} MB/s  ({putSeconds:F1} s)");
        Console.WriteLine($"  download {size / getSeconds / 1e6,8:F1} MB/s  ({getSeconds:F1} s), verified byte for byte");
        Console.WriteLine($"  gateway RSS: idle {idleRss / 1e6:F0} MB, peak during upload {peakAfterPut / 1e6:F0} MB, peak overall {gw.PeakRssBytes / 1e6:F0} MB");
        return 0;
    }
}
