using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;

namespace EndToEnd.Tests;

/// <summary>Object operations through AWSSDK.S3: default settings (aws-chunked with a CRC32 trailer) and UseChunkEncoding=false.</summary>
public sealed class ObjectTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    private static async Task<(AmazonS3Client S3, string Bucket)> NewBucket(Action<AmazonS3Config>? configure = null)
    {
        var s3 = Gw.Client(configure: configure);
        var bucket = Names.Bucket();
        await s3.PutBucketAsync(bucket);
        return (s3, bucket);
    }

    internal static byte[] RandomBytes(int n, int seed)
    {
        var data = new byte[n];
        new Random(seed).NextBytes(data);
        return data;
    }

    internal static async Task<byte[]> ReadAll(GetObjectResponse response)
    {
        using var ms = new MemoryStream();
        await response.ResponseStream.CopyToAsync(ms);
        return ms.ToArray();
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Put_and_get_round_trip_across_segments_with_metadata(bool chunkEncoding)
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        // Three and a bit test segments (256 KiB each): reads cross segment boundaries.
        var data = RandomBytes((int)(GatewayInstance.TestSegmentSize * 3 + 12345), 1);
        var put = new PutObjectRequest
        {
            BucketName = bucket,
            Key = "dir/file name+1.bin",
            InputStream = new MemoryStream(data),
            ContentType = "application/x-test",
            UseChunkEncoding = chunkEncoding,
        };
        put.Metadata["color"] = "blue";
        put.Headers.CacheControl = "max-age=60";
        put.Headers.ContentDisposition = "attachment; filename=\"x.bin\"";
        put.Headers.ContentEncoding = "identity";
        put.Headers.Expires = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var putResponse = await s3.PutObjectAsync(put);
        var md5 = Convert.ToHexStringLower(MD5.HashData(data));
        Assert.That(putResponse.ETag, Is.EqualTo($"\"{md5}\""));
        Assert.That(putResponse.ChecksumCRC32, Is.Not.Null.And.Not.Empty);

        using var get = await s3.GetObjectAsync(bucket, "dir/file name+1.bin");
        Assert.That(await ReadAll(get), Is.EqualTo(data));
        Assert.That(get.ETag, Is.EqualTo($"\"{md5}\""));
        Assert.That(get.Headers.ContentType, Is.EqualTo("application/x-test"));
        Assert.That(get.Metadata["x-amz-meta-color"], Is.EqualTo("blue"));
        Assert.That(get.Headers.CacheControl, Is.EqualTo("max-age=60"));
        Assert.That(get.Headers.ContentDisposition, Is.EqualTo("attachment; filename=\"x.bin\""));
        Assert.That(get.Headers.ContentEncoding, Is.EqualTo("identity"));
        Assert.That(get.ExpiresString, Does.Contain("2030"));
        Assert.That(get.ContentLength, Is.EqualTo(data.Length));
    }

    [Test]
    public async Task Sdk_checksums_are_verified_stored_and_returned_with_checksum_mode()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var data = RandomBytes(300_000, 2);
        // CRC32C and CRC64NVME need the SDK's CRT package, which this registry lacks; RawWireTests send those.
        foreach (var algorithm in new[] { ChecksumAlgorithm.CRC32, ChecksumAlgorithm.SHA1, ChecksumAlgorithm.SHA256 })
        {
            var key = "k-" + algorithm.Value;
            var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(data), ChecksumAlgorithm = algorithm });
            var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key, ChecksumMode = ChecksumMode.ENABLED });
            var (sent, stored) = algorithm.Value switch
            {
                "CRC32" => (put.ChecksumCRC32, head.ChecksumCRC32),
                "CRC32C" => (put.ChecksumCRC32C, head.ChecksumCRC32C),
                "CRC64NVME" => (put.ChecksumCRC64NVME, head.ChecksumCRC64NVME),
                "SHA1" => (put.ChecksumSHA1, head.ChecksumSHA1),
                _ => (put.ChecksumSHA256, head.ChecksumSHA256),
            };
            Assert.That(stored, Is.EqualTo(sent).And.Not.Null, algorithm.Value);
            if (algorithm == ChecksumAlgorithm.SHA256)
            {
                Assert.That(stored, Is.EqualTo(Convert.ToBase64String(SHA256.HashData(data))));
            }
        }
    }

    [Test]
    public async Task An_object_sent_without_a_checksum_gets_a_crc64nvme_like_s3()
    {
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/plain", Encoding.UTF8.GetBytes("hello world"));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "plain", ChecksumMode = ChecksumMode.ENABLED });
        Assert.That(head.ChecksumCRC64NVME, Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public async Task Ranged_gets_cross_segment_boundaries_and_bad_ranges_are_416()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var seg = (int)GatewayInstance.TestSegmentSize;
        var data = RandomBytes(seg * 2 + 100, 3);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "r", InputStream = new MemoryStream(data) });
        foreach (var (start, end) in new[] { (0L, 0L), (seg - 10L, seg + 10L), (seg - 1L, seg * 2L), (seg * 2L + 99, seg * 2L + 99), (5L, seg * 2L + 99) })
        {
            using var r = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange(start, end) });
            Assert.That(r.HttpStatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That(r.ContentRange, Is.EqualTo($"bytes {start}-{end}/{data.Length}"));
            Assert.That(await ReadAll(r), Is.EqualTo(data[(int)start..((int)end + 1)]));
        }

        using var suffix = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange("bytes=-50") });
        Assert.That(await ReadAll(suffix), Is.EqualTo(data[^50..]));

        var bad = Assert.CatchAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange(data.Length, data.Length + 5) }));
        Assert.That(bad!.ErrorCode, Is.EqualTo("InvalidRange"));
        Assert.That((int)bad.StatusCode, Is.EqualTo(416));
    }

    [Test]
    public async Task Read_conditions_give_304_and_412()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "c", ContentBody = "conditional" });
        using var ok = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToMatch = put.ETag });
        Assert.That(ok.HttpStatusCode, Is.EqualTo(HttpStatusCode.OK));
        var notModified = Assert.CatchAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToNotMatch = put.ETag }));
        Assert.That(notModified!.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        var failed = Assert.CatchAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToMatch = "\"0123\"" }));
        Assert.That(failed!.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        Assert.That(failed.ErrorCode, Is.EqualTo("PreconditionFailed"));
        var future = DateTime.UtcNow.AddDays(1);
        var past = DateTime.UtcNow.AddDays(-1);
        var notModifiedSince = Assert.CatchAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", ModifiedSinceDate = future }));
        Assert.That(notModifiedSince!.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        var unmodifiedSince = Assert.CatchAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", UnmodifiedSinceDate = past }));
        Assert.That(unmodifiedSince!.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        using var modified = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", ModifiedSinceDate = past });
        Assert.That(modified.HttpStatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Conditional_writes_if_none_match_star_and_if_match()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "w", ContentBody = "first", IfNoneMatch = "*" });
        var again = Assert.CatchAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "w", ContentBody = "second", IfNoneMatch = "*" }));
        Assert.That(again!.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        var wrongMatch = Assert.CatchAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "w", ContentBody = "third", IfMatch = "\"deadbeef\"" }));
        Assert.That(wrongMatch!.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        var current = await s3.GetObjectMetadataAsync(bucket, "w");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "w", ContentBody = "fourth", IfMatch = current.ETag });
        using var get = await s3.GetObjectAsync(bucket, "w");
        Assert.That(Encoding.UTF8.GetString(await ReadAll(get)), Is.EqualTo("fourth"));
    }

    [Test]
    public async Task Response_overrides_change_the_returned_headers()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "o", ContentBody = "x", ContentType = "text/plain" });
        var request = new GetObjectRequest { BucketName = bucket, Key = "o" };
        request.ResponseHeaderOverrides.ContentType = "application/json";
        request.ResponseHeaderOverrides.ContentDisposition = "inline";
        request.ResponseHeaderOverrides.CacheControl = "no-cache";
        using var get = await s3.GetObjectAsync(request);
        Assert.That(get.Headers.ContentType, Is.EqualTo("application/json"));
        Assert.That(get.Headers.ContentDisposition, Is.EqualTo("inline"));
        Assert.That(get.Headers.CacheControl, Is.EqualTo("no-cache"));
    }

    [Test]
    public async Task Missing_key_is_NoSuchKey_and_head_is_404()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var get = Assert.CatchAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "nope"));
        Assert.That(get!.ErrorCode, Is.EqualTo("NoSuchKey"));
        var head = Assert.CatchAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "nope"));
        Assert.That(head!.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Delete_and_delete_objects_with_quiet_mode()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        foreach (var k in new[] { "a", "b", "c", "d" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }

        await s3.DeleteObjectAsync(bucket, "a");
        await s3.DeleteObjectAsync(bucket, "a"); // deleting a missing key succeeds, as in S3
        var loud = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new() { Key = "b" }, new() { Key = "zz" }] });
        Assert.That(loud.DeletedObjects.Select(d => d.Key), Is.EquivalentTo(new[] { "b", "zz" }));
        var quiet = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Quiet = true, Objects = [new() { Key = "c" }, new() { Key = "d" }] });
        Assert.That(quiet.DeletedObjects ?? [], Is.Empty);
        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.That(list.S3Objects ?? [], Is.Empty);
    }

    [Test]
    public async Task Delete_objects_refuses_more_than_1000_keys()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var request = new DeleteObjectsRequest { BucketName = bucket, Objects = Enumerable.Range(0, 1001).Select(i => new KeyVersion { Key = "k" + i }).ToList() };
        var ex = Assert.CatchAsync<AmazonS3Exception>(() => s3.DeleteObjectsAsync(request));
        Assert.That(ex!.ErrorCode, Is.EqualTo("MalformedXML"));
    }

    [Test]
    public async Task Copy_object_with_copy_and_replace_directives_and_conditions()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var data = RandomBytes((int)GatewayInstance.TestSegmentSize + 7, 4);
        var src = new PutObjectRequest { BucketName = bucket, Key = "src key", InputStream = new MemoryStream(data), ContentType = "text/a" };
        src.Metadata["m"] = "1";
        var put = await s3.PutObjectAsync(src);

        var copy = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src key", DestinationBucket = bucket, DestinationKey = "copy" });
        Assert.That(copy.ETag, Is.EqualTo(put.ETag));
        using (var get = await s3.GetObjectAsync(bucket, "copy"))
        {
            Assert.That(await ReadAll(get), Is.EqualTo(data));
            Assert.That(get.Metadata["x-amz-meta-m"], Is.EqualTo("1"));
            Assert.That(get.Headers.ContentType, Is.EqualTo("text/a"));
        }

        var replace = new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "src key",
            DestinationBucket = bucket,
            DestinationKey = "src key",
            MetadataDirective = S3MetadataDirective.REPLACE,
            ContentType = "text/b",
        };
        replace.Metadata["m"] = "2";
        await s3.CopyObjectAsync(replace);
        var head = await s3.GetObjectMetadataAsync(bucket, "src key");
        Assert.That(head.Metadata["x-amz-meta-m"], Is.EqualTo("2"));
        Assert.That(head.Headers.ContentType, Is.EqualTo("text/b"));

        // A metadata-only self-copy of an object whose segments nothing else shares keeps the very segments it
        // replaces: the data must survive it.
        var alone = RandomBytes((int)GatewayInstance.TestSegmentSize * 2 + 3, 9);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "alone", InputStream = new MemoryStream(alone) });
        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "alone",
            DestinationBucket = bucket,
            DestinationKey = "alone",
            MetadataDirective = S3MetadataDirective.REPLACE,
            ContentType = "text/c",
        });
        using (var selfCopied = await s3.GetObjectAsync(bucket, "alone"))
        {
            Assert.That(await ReadAll(selfCopied), Is.EqualTo(alone));
        }

        var self = Assert.CatchAsync<AmazonS3Exception>(() =>
            s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "copy", DestinationBucket = bucket, DestinationKey = "copy" }));
        Assert.That(self!.ErrorCode, Is.EqualTo("InvalidRequest"));

        var cond = Assert.CatchAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "copy",
            DestinationBucket = bucket,
            DestinationKey = "c2",
            ETagToMatch = "\"nope\"",
        }));
        Assert.That(cond!.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        var missing = Assert.CatchAsync<AmazonS3Exception>(() =>
            s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "absent", DestinationBucket = bucket, DestinationKey = "c3" }));
        Assert.That(missing!.ErrorCode, Is.EqualTo("NoSuchKey"));

        // Deleting the source leaves the copy intact: segments are shared, never freed while referenced.
        await s3.DeleteObjectAsync(bucket, "src key");
        using var after = await s3.GetObjectAsync(bucket, "copy");
        Assert.That(await ReadAll(after), Is.EqualTo(data));
    }

    [Test]
    public async Task Object_acl_starts_as_the_owners_full_control_and_a_canned_acl_replaces_it()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "acl", ContentBody = "x", CannedACL = S3CannedACL.Private });
        var acl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "acl" });
        Assert.That(acl.Grants.Single().Permission.Value, Is.EqualTo("FULL_CONTROL"));
        await s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "acl", ACL = S3CannedACL.AuthenticatedRead });
        acl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "acl" });
        Assert.That(acl.Grants.Select(g => (g.Grantee.URI, g.Permission.Value)), Is.EqualTo(new[]
        {
            ("http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "READ"), ((string?)null, "FULL_CONTROL"),
        }));
    }

    [Test]
    public async Task Virtual_hosted_style_addressing_works()
    {
        var bucket = Names.Bucket();
        using var s3 = Gw.Client(configure: c =>
        {
            c.ServiceURL = $"http://localhost:{Gw.BaseAddress.Port}";
            c.ForcePathStyle = false;
            // bucket.localhost does not resolve everywhere; connect to the gateway whatever the host name says.
            c.HttpClientFactory = new LoopbackHttpClientFactory(Gw.BaseAddress.Port);
        });
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "v/h", ContentBody = "virtual" });
        using var get = await s3.GetObjectAsync(bucket, "v/h");
        Assert.That(Encoding.UTF8.GetString(await ReadAll(get)), Is.EqualTo("virtual"));
    }

    [Test]
    public async Task Data_and_buckets_survive_a_restart()
    {
        await using var gw = await GatewayInstance.StartAsync();
        var bucket = Names.Bucket();
        var data = RandomBytes((int)GatewayInstance.TestSegmentSize * 2 + 1, 5);
        using (var s3 = gw.Client())
        {
            await s3.PutBucketAsync(bucket);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "keep", InputStream = new MemoryStream(data) });
        }

        await gw.RestartAsync();
        using (var s3 = gw.Client())
        {
            var buckets = await s3.ListBucketsAsync();
            Assert.That(buckets.Buckets.Select(b => b.BucketName), Does.Contain(bucket));
            using var get = await s3.GetObjectAsync(bucket, "keep");
            Assert.That(await ReadAll(get), Is.EqualTo(data));
        }
    }

    [Test]
    public async Task Start_up_sweep_removes_temp_files_and_unreferenced_segments()
    {
        await using var gw = await GatewayInstance.StartAsync();
        var bucket = Names.Bucket();
        using (var s3 = gw.Client())
        {
            await s3.PutBucketAsync(bucket);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "kept", ContentBody = "data" });
        }

        await gw.StopAsync();
        var strayTemp = Path.Combine(gw.DataDir, "tmp", "interrupted.tmp");
        File.WriteAllText(strayTemp, "half a body");
        var orphan = Path.Combine(gw.DataDir, "segments", "ab", "cd", "abcd0000000000000000000000000000");
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        File.WriteAllText(orphan, "no row points here");
        var keptFiles = Directory.GetFiles(Path.Combine(gw.DataDir, "segments"), "*", SearchOption.AllDirectories).Length;

        await gw.RestartAsync();
        Assert.That(File.Exists(strayTemp), Is.False);
        Assert.That(File.Exists(orphan), Is.False);
        Assert.That(Directory.GetFiles(Path.Combine(gw.DataDir, "segments"), "*", SearchOption.AllDirectories), Has.Length.EqualTo(keptFiles - 1));
        using var s3b = gw.Client();
        using var get = await s3b.GetObjectAsync(bucket, "kept");
        Assert.That(Encoding.UTF8.GetString(await ReadAll(get)), Is.EqualTo("data"));
    }

    [Test]
    public async Task Replacing_and_deleting_objects_frees_their_segment_files()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        var bucket = Names.Bucket();
        await s3.PutBucketAsync(bucket);
        var segDir = Path.Combine(gw.DataDir, "segments");
        int Files() => Directory.GetFiles(segDir, "*", SearchOption.AllDirectories).Length;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(RandomBytes((int)GatewayInstance.TestSegmentSize * 3, 6)) });
        Assert.That(Files(), Is.EqualTo(3));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(RandomBytes((int)GatewayInstance.TestSegmentSize + 10, 7)) });
        Assert.That(Files(), Is.EqualTo(2));
        await s3.DeleteObjectAsync(bucket, "k");
        Assert.That(Files(), Is.EqualTo(0));
    }

    [Test]
    public async Task A_reader_of_a_key_being_replaced_sees_the_old_object_whole()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        var bucket = Names.Bucket();
        await s3.PutBucketAsync(bucket);
        var oldData = RandomBytes((int)GatewayInstance.TestSegmentSize * 4, 8);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(oldData) });
        using var get = await s3.GetObjectAsync(bucket, "k");
        var first = new byte[1000];
        await get.ResponseStream.ReadExactlyAsync(first);
        // Replace and delete while the GET is mid-body; its segments are leased and outlive the rows.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "new" });
        await s3.DeleteObjectAsync(bucket, "k");
        using var rest = new MemoryStream();
        await get.ResponseStream.CopyToAsync(rest);
        Assert.That(first.Concat(rest.ToArray()).ToArray(), Is.EqualTo(oldData));
    }

    [Test]
    public async Task Key_too_long_and_metadata_too_large_are_refused()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var longKey = Assert.CatchAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = new string('k', 1025), ContentBody = "x" }));
        Assert.That(longKey!.ErrorCode, Is.EqualTo("KeyTooLongError"));
        var big = new PutObjectRequest { BucketName = bucket, Key = "m", ContentBody = "x" };
        big.Metadata["big"] = new string('v', 2100);
        var meta = Assert.CatchAsync<AmazonS3Exception>(() => s3.PutObjectAsync(big));
        Assert.That(meta!.ErrorCode, Is.EqualTo("MetadataTooLarge"));
    }

    [Test]
    public async Task Unsupported_object_features_are_NotImplemented_not_ignored()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "t", ContentBody = "x" });
        var restore = Assert.CatchAsync<AmazonS3Exception>(() => s3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "t", Days = 1 }));
        Assert.That(restore!.ErrorCode, Is.EqualTo("NotImplemented"));
        using var get = await s3.GetObjectAsync(bucket, "t");
        Assert.That(Encoding.UTF8.GetString(await ReadAll(get)), Is.EqualTo("x"));
    }

    [Test]
    public async Task Health_is_unauthenticated_json()
    {
        using var http = Gw.Http();
        var json = await http.GetStringAsync("/_gateway/health");
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.That(doc.RootElement.GetProperty("status").GetString(), Is.EqualTo("ok"));
        Assert.That(doc.RootElement.GetProperty("version").GetString(), Is.EqualTo("0.1.0"));
        Assert.That(doc.RootElement.GetProperty("uptimeSeconds").GetDouble(), Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public void Anonymous_requests_are_AccessDenied()
    {
        using var s3 = new AmazonS3Client(new AnonymousAWSCredentials(), new AmazonS3Config { ServiceURL = Gw.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var ex = Assert.CatchAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());
        Assert.That(ex!.ErrorCode, Is.EqualTo("AccessDenied"));
        Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
