using System.Net.Sockets;
using System.Text;

namespace EndToEnd.Tests;

/// <summary>
/// What an operator reads in the log: each access decision at Debug with the statement that made it, a client that
/// stalls mid-upload as one Information line (never an error with a stack trace), and a malformed body framing as a
/// 400 without an error entry.
/// </summary>
public sealed class LogTests
{
    private static string[] Errors(CapturedLogs logs) => logs.Lines.Where(l => l.StartsWith("Error ", StringComparison.Ordinal) || l.StartsWith("Critical ", StringComparison.Ordinal)).ToArray();

    private static async Task<(int Status, string Text)> SendRaw(GatewayInstance gw, byte[] request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", gw.BaseAddress.Port);
        await socket.SendAsync(request);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var received = new List<byte>();
        var buffer = new byte[8192];
        while (!Encoding.ASCII.GetString([.. received]).Contains("</Error>", StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        var text = Encoding.ASCII.GetString([.. received]);
        return (int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), text);
    }

    private static string Presigned(GatewayInstance gw, string pathAndQuery)
    {
        using var http = gw.Http();
        return new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey).Presign(HttpMethod.Put, pathAndQuery, TimeSpan.FromMinutes(5));
    }

    [Test]
    public async Task Each_access_decision_is_logged_at_debug_with_the_statement_that_made_it()
    {
        var logs = new CapturedLogs();
        await using var gw = await GatewayInstance.StartAsync(logs: logs, args: ["--Logging:LogLevel:Gateway=Debug"]);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("access-log");
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "open", ContentBody = "x" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "shut", ContentBody = "x" });
        await s3.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[{"Sid":"no-shut","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/shut"}]}
            """);

        using (var open = await s3.GetObjectAsync(bucket, "open"))
        {
            Assert.That(open.HttpStatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
        }

        var e = Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "shut"))!;
        Assert.That(e.ErrorCode, Is.EqualTo("AccessDenied"));

        var lines = logs.Lines.Where(l => l.StartsWith("Debug Gateway.Access: Access ", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Some.Contains($"Access allowed: s3:GetObject on arn:aws:s3:::{bucket}/open by {GatewayInstance.AccessKey}"), string.Join("\n", lines));
        Assert.That(lines, Has.Some.Contains($"Access denied: s3:GetObject on arn:aws:s3:::{bucket}/shut by {GatewayInstance.AccessKey}").And.Contains("(statement no-shut)"), string.Join("\n", lines));
    }

    [Test]
    public async Task A_stalled_upload_is_one_information_line_and_no_error_entry()
    {
        var logs = new CapturedLogs();
        await using var gw = await GatewayInstance.StartAsync(o => o.RequestBodyIdleTimeout = TimeSpan.FromSeconds(1), logs: logs, args: ["--Logging:LogLevel:Gateway=Information"]);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("stall-log");
        await s3.PutBucketAsync(bucket);

        for (var i = 0; i < 3; i++)
        {
            var target = Presigned(gw, $"/{bucket}/stalled-{i}");
            var (status, text) = await SendRaw(gw, [.. Encoding.ASCII.GetBytes($"PUT {target} HTTP/1.1\r\nHost: 127.0.0.1:{gw.BaseAddress.Port}\r\nContent-Length: 100000\r\n\r\n"), .. new byte[1000]]);
            Assert.That(status, Is.EqualTo(400), text);
            Assert.That(text, Does.Contain("<Code>RequestTimeout</Code>"));
        }

        // Kestrel drains (or gives up on) each cut body right after the answer; give it a bounded moment.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var dropped = logs.Lines.Where(l => l.StartsWith("Information Gateway.Http.Dispatcher: Request ", StringComparison.Ordinal) && l.Contains(" dropped: ", StringComparison.Ordinal)).ToList();
        Assert.That(dropped, Has.Count.EqualTo(3), string.Join("\n", logs.Lines));
        Assert.That(dropped, Has.All.Contains("sent nothing for 1 s after 1000 bytes; nothing was stored"));
        Assert.That(Errors(logs), Is.Empty, "no error entry, no stack trace");
        Assert.That((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [], Is.Empty);
    }

    [TestCase("10000000000000005")]
    [TestCase("ffffffffffffffffff")]
    [TestCase("100000000000000000000000000000000")]
    public async Task A_chunk_size_that_overflows_is_a_400_not_an_error(string size)
    {
        var logs = new CapturedLogs();
        await using var gw = await GatewayInstance.StartAsync(logs: logs);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("overflow");
        await s3.PutBucketAsync(bucket);
        var target = Presigned(gw, $"/{bucket}/k");
        var (status, text) = await SendRaw(gw, Encoding.ASCII.GetBytes(
            $"PUT {target} HTTP/1.1\r\nHost: 127.0.0.1:{gw.BaseAddress.Port}\r\nTransfer-Encoding: chunked\r\n\r\n{size}\r\nhello\r\n0\r\n\r\n"));
        Assert.That(status, Is.EqualTo(400), text);
        Assert.That(text, Does.Contain("Connection: close"), "the rest of the body is never read as a next request");
        Assert.That(Errors(logs), Is.Empty);
        Assert.That((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [], Is.Empty);
    }
}
