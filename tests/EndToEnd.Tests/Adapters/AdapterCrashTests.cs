using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Storage;

namespace EndToEnd.Tests.Adapters;

/// <summary>
/// kill -9 of the gateway process while an adapter is writing a part: nothing half-written is referenced, the meter
/// equals a recount, and after a restart the session carries on as if the part had never been sent.
/// </summary>
public sealed class AdapterCrashTests
{
    private static HttpClient Client(Uri baseAddress, params (string, string)[] headers)
    {
        var http = new HttpClient { BaseAddress = baseAddress };
        foreach (var (name, value) in headers)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }

        return http;
    }

    /// <summary>Sends the headers (which declare the whole body) and only <paramref name="sent"/> of it, and leaves the request hanging.</summary>
    private static async Task<Socket> SendPartOf(Uri address, string head, byte[] sent)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", address.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(head));
        await socket.SendAsync(sent);
        return socket;
    }

    [Test]
    public async Task Killing_the_gateway_mid_part_leaves_nothing_half_written_and_the_session_carries_on()
    {
        var dir = TempDir.Create("crash-data");
        var data = ObjectTests.RandomBytes(20_000_000, 97);
        string sessionId;
        long partSize;
        string vezaId;
        await using (var gw = new GatewayProcess(dir, "--Gateway:SegmentSize=262144", "--Gateway:Adapters:Box:Url=http://127.0.0.1:0", "--Gateway:Adapters:Veza:Url=http://127.0.0.1:0"))
        {
            var box = await gw.Address("Box");
            using var http = Client(box, ("Authorization", "Bearer test"));
            var created = await http.PostAsJsonAsync("/api/2.0/files/upload_sessions", new { folder_id = "0", file_size = data.Length, file_name = "crash.bin" });
            Assert.That((int)created.StatusCode, Is.EqualTo(201), await created.Content.ReadAsStringAsync());
            var session = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
            sessionId = session.GetProperty("id").GetString()!;
            partSize = session.GetProperty("part_size").GetInt64();
            var part = data[..(int)partSize];
            var digest = "sha=" + Convert.ToBase64String(SHA1.HashData(part));
            var head = $"PUT /api/2.0/files/upload_sessions/{sessionId} HTTP/1.1\r\nHost: {box.Authority}\r\nAuthorization: Bearer test\r\nDigest: {digest}\r\n"
                + $"Content-Range: bytes 0-{partSize - 1}/{data.Length}\r\nContent-Length: {partSize}\r\n\r\n";
            using var boxSocket = await SendPartOf(box, head, part[..(int)(partSize / 2)]);

            var veza = await gw.Address("Veza");
            using var vhttp = Client(veza, ("authorization", "Bearer test"));
            var start = await vhttp.PostAsync("/api/v1/providers/custom/p/datasources/d:parts", new StringContent("{\"operation\":\"start\"}", Encoding.UTF8, "application/json"));
            vezaId = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement.GetProperty("upload_id").GetString()!;
            var chunk = "{\"operation\":\"upload\",\"upload_id\":\"" + vezaId + "\",\"sequence_number\":1,\"data\":\"" + Convert.ToBase64String(data[..3_000_000]) + "\"}";
            var vhead = $"POST /api/v1/providers/custom/p/datasources/d:parts HTTP/1.1\r\nHost: {veza.Authority}\r\nauthorization: Bearer test\r\nContent-Type: application/json\r\nContent-Length: {chunk.Length}\r\n\r\n";
            using var vezaSocket = await SendPartOf(veza, vhead, Encoding.ASCII.GetBytes(chunk[..(chunk.Length / 2)]));

            // Both parts are being written (a segment file or more each, still under tmp/) when the process dies.
            await WaitUntil(() => Directory.GetFiles(Path.Combine(dir, "tmp")).Length >= 2, TimeSpan.FromSeconds(10));
            gw.KillHard();
        }

        var check = StorageEngine.CheckFolder(dir);
        Assert.That(check.Gauges.Select(g => g with { AccruedTo = default }), Is.EqualTo(check.Recount.Select(g => g with { AccruedTo = default })), "the meter equals a recount");
        Assert.That(check.ReferencedSegments, Is.Empty, "no part was committed, so no row references a segment");
        Assert.That(check.SegmentFiles, Is.Empty, "a half-written part never reached segments/ (it stayed a temp file)");

        // After a restart the temp files are swept, the sessions are as they were, and they carry on.
        await using var again = await GatewayInstance.StartAsync(o =>
        {
            o.Adapters.Box.Url = "http://127.0.0.1:0";
            o.Adapters.Veza.Url = "http://127.0.0.1:0";
        }, dataDir: dir);
        Assert.That(Directory.GetFiles(Path.Combine(dir, "tmp")), Is.Empty, "the start-up sweep removed the half-written files");
        using var boxHttp = Client(again.Adapter("Box"), ("Authorization", "Bearer test"));
        var parts = JsonDocument.Parse(await boxHttp.GetStringAsync($"/api/2.0/files/upload_sessions/{sessionId}/parts")).RootElement;
        Assert.That(parts.GetProperty("total_count").GetInt32(), Is.Zero);
        var listed = new List<object>();
        for (long offset = 0; offset < data.Length; offset += partSize)
        {
            var slice = data[(int)offset..(int)Math.Min(data.Length, offset + partSize)];
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/2.0/files/upload_sessions/{sessionId}") { Content = new ByteArrayContent(slice) };
            put.Headers.TryAddWithoutValidation("Digest", "sha=" + Convert.ToBase64String(SHA1.HashData(slice)));
            put.Content.Headers.TryAddWithoutValidation("Content-Range", $"bytes {offset}-{offset + slice.Length - 1}/{data.Length}");
            var r = await boxHttp.SendAsync(put);
            Assert.That((int)r.StatusCode, Is.EqualTo(200), await r.Content.ReadAsStringAsync());
            listed.Add(JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("part").Clone());
        }

        using var commit = new HttpRequestMessage(HttpMethod.Post, $"/api/2.0/files/upload_sessions/{sessionId}/commit") { Content = JsonContent.Create(new { parts = listed }) };
        commit.Headers.TryAddWithoutValidation("Digest", "sha=" + Convert.ToBase64String(SHA1.HashData(data)));
        var committed = await boxHttp.SendAsync(commit);
        Assert.That((int)committed.StatusCode, Is.EqualTo(201), await committed.Content.ReadAsStringAsync());

        using var vezaHttp = Client(again.Adapter("Veza"), ("authorization", "Bearer test"));
        async Task<HttpResponseMessage> Parts(string json) =>
            await vezaHttp.PostAsync("/api/v1/providers/custom/p/datasources/d:parts", new StringContent(json, Encoding.UTF8, "application/json"));
        var incomplete = await Parts("{\"operation\":\"complete\",\"upload_id\":\"" + vezaId + "\",\"sequence_count\":1}");
        Assert.That((int)incomplete.StatusCode, Is.EqualTo(400), "the cut-off chunk was never stored");
        Assert.That((int)(await Parts("{\"operation\":\"upload\",\"upload_id\":\"" + vezaId + "\",\"sequence_number\":1,\"data\":\"" + Convert.ToBase64String(data[..3_000_000]) + "\"}")).StatusCode, Is.EqualTo(200));
        Assert.That((int)(await Parts("{\"operation\":\"complete\",\"upload_id\":\"" + vezaId + "\",\"sequence_count\":1}")).StatusCode, Is.EqualTo(200));

        using var s3 = again.Client();
        using (var get = await s3.GetObjectAsync("box", "0/crash.bin"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(data));
        }

        using (var get = await s3.GetObjectAsync("veza", $"p/d/{vezaId}.json"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(data[..3_000_000]));
        }

        await again.StopAsync();
        Assert.That(StorageEngine.CheckFolder(dir).IsConsistent, Is.True);
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out waiting");
            await Task.Delay(20);
        }
    }
}
