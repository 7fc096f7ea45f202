using System.Net.Sockets;
using System.Text;

namespace EndToEnd.Tests;

/// <summary>
/// HTTP/1.1 connection semantics: an answer given before the request body was read closes the connection (so the
/// unread body is never taken for the next request), so does a final answer to Expect: 100-continue that came
/// without 100 Continue, and a body that stops arriving is answered RequestTimeout. Raw sockets show the bytes; a
/// boto3 client with one pooled connection shows that real clients get every next request through.
/// </summary>
public sealed class ConnectionTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    private static async Task<Socket> Connect(GatewayInstance gw)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", gw.BaseAddress.Port);
        return socket;
    }

    /// <summary>Reads one response (status line, headers, a Content-Length body) and returns it with the header block.</summary>
    private static async Task<(int Status, string Head, string Body)> ReadResponse(Socket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var data = new List<byte>();
        var buffer = new byte[8192];
        int headEnd;
        while ((headEnd = IndexOf(data, "\r\n\r\n"u8.ToArray())) < 0)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0)
            {
                throw new IOException("connection closed before a response: " + Encoding.ASCII.GetString([.. data]));
            }

            data.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        var head = Encoding.ASCII.GetString(data.GetRange(0, headEnd).ToArray());
        var length = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        while (data.Count < headEnd + 4 + length)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0)
            {
                break;
            }

            data.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, head, Encoding.UTF8.GetString(data.GetRange(headEnd + 4, Math.Min(length, data.Count - headEnd - 4)).ToArray()));
    }

    private static int IndexOf(List<byte> data, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= data.Count; i++)
        {
            if (data.Skip(i).Take(pattern.Length).SequenceEqual(pattern))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True once the server has closed its side: a read returns 0 (waits up to a few seconds).</summary>
    private static async Task<bool> ClosedByServer(Socket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            return await socket.ReceiveAsync(new byte[1], SocketFlags.None, cts.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static string Presigned(GatewayInstance gw, string method, string pathAndQuery)
    {
        using var http = gw.Http();
        return new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey).Presign(new HttpMethod(method), pathAndQuery, TimeSpan.FromMinutes(5));
    }

    [Test]
    public async Task An_error_answered_before_the_body_closes_the_connection()
    {
        using var socket = await Connect(Gw);
        var target = Presigned(Gw, "PUT", "/no-such-bucket-for-this/k");
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"PUT {target} HTTP/1.1\r\nHost: 127.0.0.1:{Gw.BaseAddress.Port}\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n"));
        var (status, head, body) = await ReadResponse(socket);
        Assert.That(status, Is.EqualTo(404), head);
        Assert.That(body, Does.Contain("<Code>NoSuchBucket</Code>"));
        Assert.That(head, Does.Contain("Connection: close"));
        Assert.That(head, Does.Not.Contain("100 Continue"), "the doomed body was never asked for");
        // The client sends what would have been the body and a next request: the server must not read either.
        await socket.SendAsync(Encoding.ASCII.GetBytes(new string('x', 100) + $"GET /_gateway/health HTTP/1.1\r\nHost: h\r\n\r\n"));
        Assert.That(await ClosedByServer(socket), Is.True, "the connection is closed, not reused");
    }

    [Test]
    public async Task A_zero_length_body_with_expect_100_continue_gets_a_closing_final_answer()
    {
        var bucket = Names.Bucket("conn");
        using (var s3 = Gw.Client())
        {
            await s3.PutBucketAsync(bucket);
        }

        using var socket = await Connect(Gw);
        var target = Presigned(Gw, "PUT", $"/{bucket}/empty");
        await socket.SendAsync(Encoding.ASCII.GetBytes($"PUT {target} HTTP/1.1\r\nHost: 127.0.0.1:{Gw.BaseAddress.Port}\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n"));
        var (status, head, _) = await ReadResponse(socket);
        Assert.That(status, Is.EqualTo(200), head);
        Assert.That(head, Does.Contain("Connection: close"), "botocore would misread the next response on this connection");
    }

    [Test]
    public async Task A_body_read_to_its_end_keeps_the_connection_for_the_next_request()
    {
        var bucket = Names.Bucket("conn");
        using (var s3 = Gw.Client())
        {
            await s3.PutBucketAsync(bucket);
        }

        using var socket = await Connect(Gw);
        var host = $"Host: 127.0.0.1:{Gw.BaseAddress.Port}\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes($"PUT {Presigned(Gw, "PUT", $"/{bucket}/k")} HTTP/1.1\r\n{host}Content-Length: 5\r\n\r\nhello"));
        var (status, head, _) = await ReadResponse(socket);
        Assert.That((status, head.Contains("Connection: close", StringComparison.Ordinal)), Is.EqualTo((200, false)), head);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {Presigned(Gw, "GET", $"/{bucket}/k")} HTTP/1.1\r\n{host}\r\n"));
        var (getStatus, _, getBody) = await ReadResponse(socket);
        Assert.That((getStatus, getBody), Is.EqualTo((200, "hello")), "the same connection served the next request");
    }

    [Test]
    public async Task A_body_that_stops_arriving_is_a_request_timeout_and_leaves_nothing()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.RequestBodyIdleTimeout = TimeSpan.FromSeconds(1));
        var bucket = Names.Bucket("idle");
        using (var s3 = gw.Client())
        {
            await s3.PutBucketAsync(bucket);
        }

        using var socket = await Connect(gw);
        var target = Presigned(gw, "PUT", $"/{bucket}/stalled");
        await socket.SendAsync(Encoding.ASCII.GetBytes($"PUT {target} HTTP/1.1\r\nHost: 127.0.0.1:{gw.BaseAddress.Port}\r\nContent-Length: 1000\r\n\r\n0123456789"));
        var (status, head, body) = await ReadResponse(socket, TimeSpan.FromSeconds(15));
        Assert.That(status, Is.EqualTo(400), head);
        Assert.That(body, Does.Contain("<Code>RequestTimeout</Code>"));
        Assert.That(head, Does.Contain("Connection: close"));
        Assert.That(Directory.GetFiles(Path.Combine(gw.DataDir, "tmp")), Is.Empty, "the staged part of the body is gone");
        using var check = gw.Client();
        Assert.That((await check.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [], Is.Empty);
    }

    [Test]
    public async Task Boto3_reusing_one_connection_gets_every_request_after_an_early_error_through()
    {
        await using var gw = await GatewayInstance.StartAsync(o =>
        {
            o.MaxPutObjectSize = 1_000_000;
            o.MaxPartSize = 1_000_000;
        });
        var home = TempDir.Create("conn-home");
        try
        {
            const string Script = """
                import base64, boto3, botocore.config, sys, time
                from botocore.exceptions import ClientError
                cfg = botocore.config.Config(max_pool_connections=1, retries={"max_attempts": 1}, read_timeout=20)
                s3 = boto3.client("s3", config=cfg)
                b = sys.argv[1]
                s3.create_bucket(Bucket=b)
                s3.put_object(Bucket=b, Key="exists", Body=b"x")
                up = s3.create_multipart_upload(Bucket=b, Key="mp")["UploadId"]

                tamper = []

                def unsigned_header(request, **kwargs):
                    if tamper:
                        tamper.clear()
                        request.headers["x-amz-meta-added-after-signing"] = "1"

                s3.meta.events.register("before-send.s3.PutObject", unsigned_header)

                def tampered_put():
                    tamper.append(1)
                    s3.put_object(Bucket=b, Key="k", Body=b"k" * 1000)

                def early_errors():
                    yield "part number 10001", "InvalidArgument", lambda: s3.upload_part(Bucket=b, Key="mp", UploadId=up, PartNumber=10001, Body=b"p" * 1000)
                    yield "no such upload", "NoSuchUpload", lambda: s3.upload_part(Bucket=b, Key="mp", UploadId="0" * 40, PartNumber=1, Body=b"p" * 1000)
                    yield "entity too large", "EntityTooLarge", lambda: s3.put_object(Bucket=b, Key="big", Body=b"b" * 1_000_001)
                    yield "no such bucket", "NoSuchBucket", lambda: s3.put_object(Bucket="no-such-bucket-" + b, Key="k", Body=b"k" * 1000)
                    yield "precondition", "PreconditionFailed", lambda: s3.put_object(Bucket=b, Key="exists", Body=b"k" * 1000, IfNoneMatch="*")
                    yield "invalid digest", "InvalidDigest", lambda: s3.put_object(Bucket=b, Key="k", Body=b"k" * 1000, ContentMD5="not-md5")
                    yield "key too long", "KeyTooLongError", lambda: s3.put_object(Bucket=b, Key="k" * 1025, Body=b"k" * 1000)
                    yield "not implemented", "NotImplemented", lambda: s3.put_object(Bucket=b, Key="k", Body=b"k" * 1000, WebsiteRedirectLocation="/x")
                    yield "auth failure", "AccessDenied", tampered_put
                    yield "zero-length body", None, lambda: s3.put_object(Bucket=b, Key="empty", Body=b"")

                for name, code, call in early_errors():
                    try:
                        call()
                        assert code is None, name + ": succeeded"
                    except ClientError as e:
                        got = e.response["Error"]["Code"]
                        assert got == code, "%s: got %s" % (name, got)
                    t = time.time()
                    s3.put_object(Bucket=b, Key="after", Body=name.encode() * 500)
                    elapsed = time.time() - t
                    assert elapsed < 5, "%s: the next request took %.1f s" % (name, elapsed)
                    got = s3.get_object(Bucket=b, Key="after")["Body"].read()
                    assert got == name.encode() * 500, name
                print("boto3-connection-ok")
                """;
            await Boto3.AssertPassesAsync(Script, "boto3-connection-ok", gw, home, Names.Bucket("conn"));
        }
        finally
        {
            TempDir.TryDelete(home);
        }
    }

    [Test]
    public async Task Presigned_signatures_and_credentials_never_reach_a_log()
    {
        var logs = new CapturedLogs();
        // Every level a user could turn on, ASP.NET Core's request lines included.
        await using var gw = await GatewayInstance.StartAsync(logs: logs, args: ["--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft.AspNetCore.Hosting=Trace"]);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("logs");
        await s3.PutBucketAsync(bucket);
        var v4 = new Uri(await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "k", Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP }));
        var v4Signature = System.Web.HttpUtility.ParseQueryString(v4.Query)["X-Amz-Signature"]!;
        const string V2Signature = "c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw%3D%3D";
        foreach (var target in new[] { v4.PathAndQuery, $"/{bucket}/k?AWSAccessKeyId={GatewayInstance.AccessKey}&Expires=4102444800&Signature={V2Signature}" })
        {
            // A malformed chunked body makes the gateway log the request as a bad one.
            using var socket = await Connect(gw);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"PUT {target} HTTP/1.1\r\nHost: 127.0.0.1:{gw.BaseAddress.Port}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n"));
            var (status, _, _) = await ReadResponse(socket);
            Assert.That(status, Is.EqualTo(400).Or.EqualTo(403), target);
        }

        var text = string.Join("\n", logs.Lines);
        Assert.That(text, Does.Contain("Bad request body for /" + bucket + "/k?").And.Contain("X-Amz-Signature=REDACTED"), "the bad request was logged, redacted");
        Assert.That(text, Does.Not.Contain(v4Signature).And.Not.Contain(V2Signature).And.Not.Contain("AWSAccessKeyId=" + GatewayInstance.AccessKey));
        Assert.That(text, Does.Not.Contain(Uri.EscapeDataString(GatewayInstance.AccessKey + "/")), "no credential scope (access key) either");
    }
}
