using System.Net.Sockets;
using System.Text;

namespace EndToEnd.Tests;

/// <summary>
/// Seeded, bounded fuzzing of request body framing on the real server: Transfer-Encoding: chunked bodies with chunk
/// sizes that overflow, carry extensions, lack their CRLFs or end early, and aws-chunked bodies declared in the
/// same ways. Each is answered with success or a 4xx, the gateway logs no error, nothing half-written is stored,
/// and the gateway answers the next request.
/// </summary>
public sealed class FramingFuzzTests
{
    private static readonly string[] Sizes = ["5", "05", "5;ext=1", "5 ;x", "0x5", "-5", "+5", "ffffffffffffffff", "10000000000000005", "5\t", "", "g", "5;" + new string('e', 300), "0005", "FFFFFFFF"];

    private static string ChunkedBody(Random random)
    {
        var body = new StringBuilder();
        var chunks = random.Next(1, 4);
        for (var i = 0; i < chunks; i++)
        {
            var size = random.Next(3) == 0 ? Sizes[random.Next(Sizes.Length)] : "5";
            body.Append(size).Append(random.Next(8) == 0 ? "\n" : "\r\n").Append("hello").Append(random.Next(8) == 0 ? "" : "\r\n");
        }

        if (random.Next(4) != 0)
        {
            body.Append('0').Append(random.Next(6) == 0 ? ";last" : "").Append("\r\n");
            if (random.Next(3) == 0)
            {
                body.Append(random.Next(2) == 0 ? "x-amz-checksum-crc32: AAAAAA==\r\n" : "bad trailer line\r\n");
            }

            body.Append(random.Next(6) == 0 ? "" : "\r\n");
        }

        return body.ToString();
    }

    private static async Task<int?> Send(GatewayInstance gw, string head, string body)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", gw.BaseAddress.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(head + body));
        // The connection stays open (a client that half-closed would be a client gone): a body cut short ends at
        // the gateway's idle timeout, answered RequestTimeout.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var received = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            int n;
            while (!Answered(received) && (n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, n).ToArray());
            }
        }
        catch (SocketException)
        {
            // Reset after the answer was sent: the answer is what counts.
        }

        var text = Encoding.ASCII.GetString([.. received]);
        return text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(text[9..12], System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>A whole response head and its Content-Length body have arrived.</summary>
    private static bool Answered(List<byte> received)
    {
        var text = Encoding.ASCII.GetString([.. received]);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var length = text[..end].Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        return received.Count >= end + 4 + length;
    }

    [Test]
    public async Task Mangled_chunked_bodies_are_answered_4xx_or_stored_whole_and_never_log_an_error()
    {
        var logs = new CapturedLogs();
        await using var gw = await GatewayInstance.StartAsync(o => o.RequestBodyIdleTimeout = TimeSpan.FromMilliseconds(500), logs: logs);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("framing");
        await s3.PutBucketAsync(bucket);
        using var http = gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        var random = new Random(1206);
        var stored = new Dictionary<string, int>();
        int ok = 0, refused = 0, unanswered = 0;
        var cases = new List<(string Key, string Head, string Body)>();
        for (var i = 0; i < 400; i++)
        {
            var key = "k" + i;
            var target = raw.Presign(HttpMethod.Put, $"/{bucket}/{key}", TimeSpan.FromMinutes(10));
            var aws = i % 4 == 3;
            var head = $"PUT {target} HTTP/1.1\r\nHost: 127.0.0.1:{gw.BaseAddress.Port}\r\nTransfer-Encoding: chunked\r\n" +
                (aws ? "Content-Encoding: aws-chunked\r\nx-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\r\nx-amz-decoded-content-length: 5\r\nx-amz-trailer: x-amz-checksum-crc32\r\n" : "") + "\r\n";
            var inner = ChunkedBody(random);
            // aws-chunked travels inside HTTP chunking: the mangled aws-chunked body is itself sent as one good chunk.
            var body = aws ? $"{Encoding.ASCII.GetByteCount(inner):x}\r\n{inner}\r\n0\r\n\r\n" : inner;
            cases.Add((key, head, body));
        }

        // Sixteen at a time: a body cut short waits out the idle timeout.
        var answers = new int?[cases.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, cases.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            answers[i] = await Send(gw, cases[i].Head, cases[i].Body));
        for (var i = 0; i < cases.Count; i++)
        {
            var (key, head, body) = cases[i];
            var status = answers[i];
            switch (status)
            {
                case null:
                    unanswered++;
                    break;
                case < 300:
                    stored[key] = status.Value;
                    ok++;
                    break;
                default:
                    Assert.That(status, Is.InRange(400, 499), $"case {i}: {head}{body}");
                    refused++;
                    break;
            }
        }

        TestContext.Out.WriteLine($"framing: {ok} stored, {refused} refused (4xx), {unanswered} closed unanswered");
        Assert.That(unanswered, Is.Zero, "every request gets an answer");
        var keys = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1000 })).S3Objects?.Select(o => o.Key).ToHashSet() ?? [];
        Assert.That(keys, Is.EquivalentTo(stored.Keys), "exactly the answered-200 keys are stored");
        foreach (var key in keys)
        {
            using var get = await s3.GetObjectAsync(bucket, key);
            Assert.That(await new StreamReader(get.ResponseStream).ReadToEndAsync(), Does.Match("^(hello)*$"), "a stored body is whole chunks of what was sent");
        }

        Assert.That(refused, Is.GreaterThan(100), "most mangled framings are refused");
        Assert.That(logs.Lines.Where(l => l.StartsWith("Error ", StringComparison.Ordinal) || l.StartsWith("Critical ", StringComparison.Ordinal)), Is.Empty);
        Assert.That(gw.Services.Storage.Check().IsConsistent, Is.True);
        Assert.That((await s3.ListBucketsAsync()).Buckets.Select(b => b.BucketName), Does.Contain(bucket), "the gateway still answers");
    }
}
