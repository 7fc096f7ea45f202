using System.Collections.Concurrent;
using System.Security.Cryptography;
using Storage;

namespace EndToEnd.Tests;

/// <summary>
/// Small objects and parts kept inline in the metadata database: AWSSDK.S3 with its defaults sees them exactly as
/// it sees objects in segment files, and kill -9 during concurrent small writes (which share commits) loses no
/// acknowledged object.
/// </summary>
public sealed class InlineObjectTests
{
    private static string[] SegmentFiles(string dataDir) => Directory.GetFiles(Path.Combine(dataDir, "segments"), "*", SearchOption.AllDirectories);

    [Test]
    public async Task Small_objects_are_stored_inline_and_read_copied_and_completed_like_any_other()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        var bucket = Names.Bucket();
        await s3.PutBucketAsync(bucket);
        var small = ObjectTests.RandomBytes(4096, 1);
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "small", InputStream = new MemoryStream(small) });
        Assert.That(put.ETag, Is.EqualTo("\"" + Convert.ToHexStringLower(MD5.HashData(small)) + "\""));
        Assert.That(SegmentFiles(gw.DataDir), Is.Empty, "a 4 KiB object has no segment file");

        var head = await s3.GetObjectMetadataAsync(bucket, "small");
        Assert.That((head.ContentLength, head.ETag), Is.EqualTo((4096L, put.ETag)));
        using (var get = await s3.GetObjectAsync(bucket, "small"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(small));
        }

        using (var range = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "small", ByteRange = new ByteRange(100, 199) }))
        {
            Assert.That(await ObjectTests.ReadAll(range), Is.EqualTo(small[100..200]));
        }

        await s3.CopyObjectAsync(bucket, "small", bucket, "copy");
        using (var get = await s3.GetObjectAsync(bucket, "copy"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(small));
        }

        // A multipart object whose last part is small: a segment file and an inline segment, read as one.
        var big = ObjectTests.RandomBytes(5 << 20, 2);
        var tail = ObjectTests.RandomBytes(1000, 3);
        var create = await s3.InitiateMultipartUploadAsync(bucket, "mp");
        var p1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(big) });
        var p2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = create.UploadId, PartNumber = 2, InputStream = new MemoryStream(tail) });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "mp",
            UploadId = create.UploadId,
            PartETags = [new PartETag(1, p1.ETag), new PartETag(2, p2.ETag)],
        });
        Assert.That(SegmentFiles(gw.DataDir), Has.Length.EqualTo((5 << 20) / GatewayInstance.TestSegmentSize), "only the 5 MiB part has files");
        using (var get = await s3.GetObjectAsync(bucket, "mp"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(big.Concat(tail).ToArray()));
        }

        using (var across = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mp", ByteRange = new ByteRange(big.Length - 10, big.Length + 9) }))
        {
            Assert.That(await ObjectTests.ReadAll(across), Is.EqualTo(big[^10..].Concat(tail[..10]).ToArray()));
        }

        foreach (var key in new[] { "small", "copy", "mp" })
        {
            await s3.DeleteObjectAsync(bucket, key);
        }

        await gw.StopAsync();
        var check = StorageEngine.CheckFolder(gw.DataDir);
        Assert.That(check.IsConsistent, Is.True);
        Assert.That((check.SegmentFiles.Count, check.InlineSegments.Count), Is.EqualTo((0, 0)), "deletes removed the rows and the file");
    }

    [Test]
    public async Task Kill_9_during_concurrent_small_puts_loses_no_acknowledged_object()
    {
        var dir = TempDir.Create("inline-crash");
        var acknowledged = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        // Four writers in flight, as the benchmark's small-object workload runs; the process dies under them.
        await CrashDrill.RunAsync(dir, [], s3 => s3.PutBucketAsync("crash"), async (s3, w, i) =>
        {
            var key = $"w{w}/{i:D6}";
            var seed = (w * 1_000_000) + i;
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "crash", Key = key, InputStream = new MemoryStream(ObjectTests.RandomBytes(4096, seed)) });
            acknowledged[key] = seed;
        }, () => acknowledged.Count >= 300);

        var check = StorageEngine.CheckFolder(dir);
        Assert.That(check.IsConsistent, Is.True, "meter equals recount; stored segments are exactly the referenced ones");

        await using var again = await GatewayInstance.StartAsync(dataDir: dir);
        using var client = again.Client();
        foreach (var (key, seed) in acknowledged)
        {
            using var get = await client.GetObjectAsync("crash", key);
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(ObjectTests.RandomBytes(4096, seed)), key);
        }

        // Whatever else landed (a write the process died before acknowledging) is whole too.
        var listed = new List<S3Object>();
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "crash", ContinuationToken = token });
            listed.AddRange(page.S3Objects);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        Assert.That(listed.Select(o => o.Key), Is.SupersetOf(acknowledged.Keys));
        Assert.That(listed.All(o => o.Size == 4096), Is.True);
    }
}
