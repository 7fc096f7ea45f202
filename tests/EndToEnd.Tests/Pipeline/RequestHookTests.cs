using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Adapters.Box;
using Gateway.Pipeline;
using Gateway.Routing;

namespace EndToEnd.Tests.Pipeline;

/// <summary>
/// The request pipeline's hooks, as fault injection and the request log will use them: a hook registered on a running
/// gateway sees each request's context (front end, operation, account, bucket, key, upload, part) before its handler,
/// answers in the handler's place in the front end's own error format, and sees the final context afterwards.
/// </summary>
public sealed class RequestHookTests
{
    /// <summary>Records every context; answers 503 SlowDown in place of the requests <c>answer</c> picks.</summary>
    private sealed class RecordingHook(Func<RequestContext, bool> answer) : IRequestHook
    {
        public ConcurrentQueue<(FrontEnd FrontEnd, Enum? Operation, string? Account, string? Bucket, string? Key, string? UploadId, int? Part, bool HandlerRan)> Before { get; } = new();

        public ConcurrentQueue<(Enum? Operation, int Status, string? ErrorCode, long BytesIn)> After { get; } = new();

        public ValueTask<HookAnswer?> BeforeHandlerAsync(RequestContext c)
        {
            // BeforeHandler is set once the handler starts: here it must still be null.
            Before.Enqueue((c.FrontEnd, c.Operation, c.Account, c.Bucket, c.Key, c.UploadId, c.PartNumber, c.BeforeHandler is not null));
            return ValueTask.FromResult<HookAnswer?>(answer(c) ? new HookAnswer.Error(503, "SlowDown", "Please reduce your request rate.", [new("Retry-After", "1")]) : null);
        }

        public void Completed(RequestContext c) => After.Enqueue((c.Operation, c.Status, c.ErrorCode, c.BytesIn));
    }

    [Test]
    public async Task A_hook_sees_an_S3_UploadPart_before_its_handler_and_can_answer_in_its_place()
    {
        await using var gw = await GatewayInstance.StartAsync();
        var hook = new RecordingHook(c => c.Operation is S3Operation.UploadPart && c.PartNumber == 2);
        gw.Services.Hooks.Add(hook);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("hook");
        await s3.PutBucketAsync(bucket);
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "big/file.bin");
        var part = ObjectTests.RandomBytes(6 * 1024 * 1024, 11);
        var first = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "big/file.bin", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(part) });
        Assert.That(first.ETag, Is.Not.Empty);
        var refused = Assert.ThrowsAsync<AmazonS3Exception>(() => s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = "big/file.bin",
            UploadId = upload.UploadId,
            PartNumber = 2,
            InputStream = new MemoryStream(part),
        }))!;
        Assert.That(((int)refused.StatusCode, refused.ErrorCode, refused.Message), Is.EqualTo((503, "SlowDown", "Please reduce your request rate.")));

        var parts = await s3.ListPartsAsync(bucket, "big/file.bin", upload.UploadId);
        Assert.That(parts.Parts.Select(p => p.PartNumber), Is.EqualTo(new[] { 1 }), "the answered request wrote nothing");

        var seen = hook.Before.Where(b => b.Operation is S3Operation.UploadPart).ToList();
        Assert.That(seen, Has.Count.EqualTo(2));
        Assert.That(seen[0], Is.EqualTo((FrontEnd.S3, (Enum)S3Operation.UploadPart, "test", bucket, "big/file.bin", upload.UploadId, (int?)1, false)));
        Assert.That(seen[1].Part, Is.EqualTo(2));
        var after = hook.After.Where(a => a.Operation is S3Operation.UploadPart).ToList();
        Assert.That(after.Select(a => (a.Status, a.ErrorCode)), Is.EqualTo(new[] { (200, (string?)null), (503, "SlowDown") }));
        Assert.That(after[0].BytesIn, Is.GreaterThanOrEqualTo(part.Length), "the context counts the body's bytes");

        // The same client carries on over its connection: the refused request's body never reached the handler.
        gw.Services.Hooks.Remove(hook);
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "big/file.bin", UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream(part) });
        Assert.That((await s3.ListPartsAsync(bucket, "big/file.bin", upload.UploadId)).Parts, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_hook_sees_a_Box_part_upload_with_its_session_key_and_part_number_and_can_answer_in_Box_words()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Adapters.Box.Url = "http://127.0.0.1:0");
        var hook = new RecordingHook(c => c.Operation is BoxOperation.UploadPart && c.PartNumber == 2);
        gw.Services.Hooks.Add(hook);
        using var http = new HttpClient { BaseAddress = gw.Adapter("Box") };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer test");
        var data = ObjectTests.RandomBytes(20_000_000, 12);
        var created = await http.PostAsJsonAsync("/api/2.0/files/upload_sessions", new { folder_id = "0", file_size = data.Length, file_name = "hooked.bin" });
        var session = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var id = session.GetProperty("id").GetString()!;
        var partSize = (int)session.GetProperty("part_size").GetInt64();

        async Task<HttpResponseMessage> Put(int offset)
        {
            var slice = data[offset..Math.Min(data.Length, offset + partSize)];
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/2.0/files/upload_sessions/{id}") { Content = new ByteArrayContent(slice) };
            put.Headers.TryAddWithoutValidation("Digest", "sha=" + Convert.ToBase64String(SHA1.HashData(slice)));
            put.Content.Headers.TryAddWithoutValidation("Content-Range", $"bytes {offset}-{offset + slice.Length - 1}/{data.Length}");
            return await http.SendAsync(put);
        }

        Assert.That((int)(await Put(0)).StatusCode, Is.EqualTo(200));
        var refused = await Put(partSize);
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.That(((int)refused.StatusCode, error.GetProperty("type").GetString(), error.GetProperty("code").GetString(), error.GetProperty("status").GetInt32()),
            Is.EqualTo((503, "error", "SlowDown", 503)), "Box's own error document");
        Assert.That(refused.Headers.GetValues("Retry-After"), Is.EqualTo(new[] { "1" }));

        var parts = JsonDocument.Parse(await http.GetStringAsync($"/api/2.0/files/upload_sessions/{id}/parts")).RootElement;
        Assert.That(parts.GetProperty("total_count").GetInt32(), Is.EqualTo(1), "the answered part was not stored");

        var uploads = hook.Before.Where(b => b.Operation is BoxOperation.UploadPart).ToList();
        Assert.That(uploads, Has.Count.EqualTo(2));
        Assert.That(uploads[0], Is.EqualTo((FrontEnd.Box, (Enum)BoxOperation.UploadPart, "test", "box", "0/hooked.bin", id.ToLowerInvariant(), (int?)1, false)));
        Assert.That(uploads[1].Part, Is.EqualTo(2));
        Assert.That(hook.After.Where(a => a.Operation is BoxOperation.UploadPart).Select(a => (a.Status, a.ErrorCode)), Is.EqualTo(new[] { (200, (string?)null), (503, "SlowDown") }));
    }
}
