using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Transfer;
using ChecksumAlgorithm = Amazon.S3.ChecksumAlgorithm;

namespace EndToEnd.Tests;

/// <summary>Multipart upload through AWSSDK.S3 with default settings: low-level calls and TransferUtility.</summary>
public sealed class MultipartTests
{
    private const int MiB = 1024 * 1024;

    private static GatewayInstance Gw => SharedGateway.Instance;

    private static async Task<(AmazonS3Client S3, string Bucket)> NewBucket()
    {
        var s3 = Gw.Client();
        var bucket = Names.Bucket("mp");
        await s3.PutBucketAsync(bucket);
        return (s3, bucket);
    }

    private static string Md5Hex(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));

    /// <summary>The multipart ETag computed independently: MD5 of the parts' binary MD5s, then "-N".</summary>
    private static string MultipartETag(params byte[][] parts) =>
        "\"" + Convert.ToHexStringLower(MD5.HashData(parts.SelectMany(p => MD5.HashData(p)).ToArray())) + "-" + parts.Length + "\"";

    private static async Task<UploadPartResponse> Part(AmazonS3Client s3, string bucket, string key, string uploadId, int number, byte[] data) =>
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = number, InputStream = new MemoryStream(data) });

    [Test]
    public async Task Low_level_upload_complete_and_read_back()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var p1 = ObjectTests.RandomBytes(5 * MiB, 20);
        var p2 = ObjectTests.RandomBytes(5 * MiB + 3, 21);
        var p3 = ObjectTests.RandomBytes(1000, 22);
        var init = new InitiateMultipartUploadRequest { BucketName = bucket, Key = "big object", ContentType = "video/x-test" };
        init.Metadata["origin"] = "multipart";
        var create = await s3.InitiateMultipartUploadAsync(init);
        // Parts arrive out of order; the object is assembled in part-number order.
        var r3 = await Part(s3, bucket, "big object", create.UploadId, 3, p3);
        var r1 = await Part(s3, bucket, "big object", create.UploadId, 1, p1);
        var r2 = await Part(s3, bucket, "big object", create.UploadId, 2, p2);
        Assert.That(r1.ETag, Is.EqualTo($"\"{Md5Hex(p1)}\""));
        Assert.That(r1.ChecksumCRC32, Is.Not.Null.And.Not.Empty, "the part's checksum header is echoed");

        var list = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "big object", UploadId = create.UploadId });
        Assert.That(list.Parts.Select(p => (p.PartNumber, p.Size)), Is.EqualTo(new[] { ((int?)1, (long?)p1.Length), (2, p2.Length), (3, p3.Length) }));
        Assert.That(list.Initiator.DisplayName, Is.EqualTo("test"));
        Assert.That(list.StorageClass?.ToString(), Is.EqualTo("STANDARD"));

        var complete = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "big object",
            UploadId = create.UploadId,
            PartETags = [new(1, r1.ETag), new(2, r2.ETag), new(3, r3.ETag)],
        });
        Assert.That(complete.ETag, Is.EqualTo(MultipartETag(p1, p2, p3)));
        var whole = p1.Concat(p2).Concat(p3).ToArray();
        // Created without an algorithm: S3 gives the object a full-object CRC64NVME.
        Assert.That(complete.ChecksumCRC64NVME, Is.EqualTo(Convert.ToBase64String(Crc64Bytes(whole))));
        Assert.That(complete.ChecksumType?.Value, Is.EqualTo("FULL_OBJECT"));

        using var get = await s3.GetObjectAsync(bucket, "big object");
        Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(whole));
        Assert.That(get.ETag, Is.EqualTo(MultipartETag(p1, p2, p3)));
        Assert.That(get.Headers.ContentType, Is.EqualTo("video/x-test"));
        Assert.That(get.Metadata["x-amz-meta-origin"], Is.EqualTo("multipart"));

        // A range across the part 1 / part 2 boundary.
        using var ranged = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "big object", ByteRange = new ByteRange(5 * MiB - 10, 5 * MiB + 9) });
        Assert.That(await ObjectTests.ReadAll(ranged), Is.EqualTo(whole[(5 * MiB - 10)..(5 * MiB + 10)]));

        var uploads = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.That(uploads.MultipartUploads ?? [], Is.Empty, "a completed upload is no longer listed");
    }

    private static byte[] Crc64Bytes(byte[] data)
    {
        return Storage.Checksums.IncrementalChecksum.Compute(Storage.Checksums.ChecksumAlgorithm.Crc64Nvme, data);
    }

    [Test]
    public async Task Transfer_utility_uploads_parts_in_parallel_with_a_full_object_crc32()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var data = ObjectTests.RandomBytes(23 * MiB + 5, 23);
        using var transfer = new TransferUtility(s3);
        await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = bucket, Key = "tu", InputStream = new MemoryStream(data), PartSize = 5 * MiB });
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "tu", ChecksumMode = ChecksumMode.ENABLED });
        Assert.That(head.ETag, Does.EndWith("-5\""));
        Assert.That(head.ContentLength, Is.EqualTo(data.Length));
        var crc = Storage.Checksums.IncrementalChecksum.Compute(Storage.Checksums.ChecksumAlgorithm.Crc32, data);
        Assert.That(head.ChecksumCRC32, Is.EqualTo(Convert.ToBase64String(crc)), "FULL_OBJECT CRC32 combined from the parts");
        Assert.That(head.ChecksumType?.Value, Is.EqualTo("FULL_OBJECT"));
        using var get = await s3.GetObjectAsync(bucket, "tu");
        Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(data));

        // TransferUtility downloads ranged; the whole file must come back intact.
        var file = Path.Combine(TempDir.Create("tu"), "down.bin");
        await transfer.DownloadAsync(new TransferUtilityDownloadRequest { BucketName = bucket, Key = "tu", FilePath = file });
        Assert.That(await File.ReadAllBytesAsync(file), Is.EqualTo(data));
    }

    [Test]
    public async Task Composite_checksums_and_part_reads()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var p1 = ObjectTests.RandomBytes(5 * MiB, 24);
        var p2 = ObjectTests.RandomBytes(77, 25);
        var create = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "c", ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        Assert.That(create.ChecksumAlgorithm?.Value, Is.EqualTo("SHA256"));
        Assert.That(create.ChecksumType?.Value, Is.EqualTo("COMPOSITE"));
        var r1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "c", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(p1), ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        var r2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "c", UploadId = create.UploadId, PartNumber = 2, InputStream = new MemoryStream(p2), ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        Assert.That(r1.ChecksumSHA256, Is.EqualTo(Convert.ToBase64String(SHA256.HashData(p1))));
        var complete = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "c",
            UploadId = create.UploadId,
            PartETags = [new PartETag { PartNumber = 1, ETag = r1.ETag, ChecksumSHA256 = r1.ChecksumSHA256 }, new PartETag { PartNumber = 2, ETag = r2.ETag, ChecksumSHA256 = r2.ChecksumSHA256 }],
        });
        var composite = Convert.ToBase64String(SHA256.HashData(SHA256.HashData(p1).Concat(SHA256.HashData(p2)).ToArray())) + "-2";
        Assert.That(complete.ChecksumSHA256, Is.EqualTo(composite));

        var part2 = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "c", PartNumber = 2, ChecksumMode = ChecksumMode.ENABLED });
        Assert.That(part2.ContentLength, Is.EqualTo(p2.Length));
        Assert.That(part2.PartsCount, Is.EqualTo(2));
        Assert.That(part2.ChecksumSHA256, Is.EqualTo(r2.ChecksumSHA256));
        using var getPart1 = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", PartNumber = 1 });
        Assert.That(getPart1.HttpStatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(getPart1.ContentRange, Is.EqualTo($"bytes 0-{p1.Length - 1}/{p1.Length + p2.Length}"));
        Assert.That(await ObjectTests.ReadAll(getPart1), Is.EqualTo(p1));
        var tooFar = Assert.CatchAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", PartNumber = 3 }));
        Assert.That(tooFar!.ErrorCode, Is.EqualTo("InvalidPartNumber"));
        Assert.That((int)tooFar.StatusCode, Is.EqualTo(416));

        var attributes = await s3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket,
            Key = "c",
            MaxParts = 1,
            ObjectAttributes = [ObjectAttributes.ETag, ObjectAttributes.Checksum, ObjectAttributes.ObjectParts, ObjectAttributes.ObjectSize, ObjectAttributes.StorageClass],
        });
        Assert.That(attributes.ETag, Is.EqualTo(complete.ETag.Trim('"')));
        Assert.That(attributes.ObjectSize, Is.EqualTo(p1.Length + p2.Length));
        Assert.That(attributes.Checksum.ChecksumSHA256, Is.EqualTo(composite));
        Assert.That(attributes.ObjectParts.TotalPartsCount, Is.EqualTo(2));
        Assert.That(attributes.ObjectParts.IsTruncated, Is.True);
        Assert.That(attributes.ObjectParts.Parts.Single().PartNumber, Is.EqualTo(1));
        Assert.That(attributes.ObjectParts.Parts.Single().ChecksumSHA256, Is.EqualTo(r1.ChecksumSHA256));
    }

    [Test]
    public async Task Part_reads_of_a_simple_object_treat_it_as_one_part()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "s", ContentBody = "0123456789" });
        using var one = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "s", PartNumber = 1 });
        Assert.That(one.HttpStatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(one.ContentRange, Is.EqualTo("bytes 0-9/10"));
        var two = Assert.CatchAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "s", PartNumber = 2 }));
        Assert.That(two!.ErrorCode, Is.EqualTo("InvalidPartNumber"));
    }

    [Test]
    public async Task Complete_errors_and_nothing_changes_on_failure()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var small = ObjectTests.RandomBytes(100, 26);
        var create = await s3.InitiateMultipartUploadAsync(bucket, "e");
        var r1 = await Part(s3, bucket, "e", create.UploadId, 1, small);
        var r2 = await Part(s3, bucket, "e", create.UploadId, 2, small);

        AmazonS3Exception Fails(params PartETag[] parts) => Assert.CatchAsync<AmazonS3Exception>(() =>
            s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "e", UploadId = create.UploadId, PartETags = [.. parts] }))!;

        // The SDK sorts the part list before sending it, so disorder and duplicates go on the wire by hand.
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        foreach (var order in new[] { new[] { (2, r2.ETag), (1, r1.ETag) }, new[] { (1, r1.ETag), (1, r1.ETag) } })
        {
            var xml = "<CompleteMultipartUpload>" + string.Concat(order.Select(p => $"<Part><PartNumber>{p.Item1}</PartNumber><ETag>{p.Item2}</ETag></Part>")) + "</CompleteMultipartUpload>";
            using var response = await raw.SendAsync(HttpMethod.Post, $"/{bucket}/e?uploadId={create.UploadId}", Encoding.UTF8.GetBytes(xml));
            Assert.That((await S3Error.ReadAsync(response)).Code, Is.EqualTo("InvalidPartOrder"), xml);
        }

        Assert.That(Fails(new PartETag(1, r1.ETag), new PartETag(3, r2.ETag)).ErrorCode, Is.EqualTo("InvalidPart"));
        Assert.That(Fails(new PartETag(1, "\"00000000000000000000000000000000\"")).ErrorCode, Is.EqualTo("InvalidPart"));
        var tooSmall = Fails(new PartETag(1, r1.ETag), new PartETag(2, r2.ETag));
        Assert.That(tooSmall.ErrorCode, Is.EqualTo("EntityTooSmall"));
        Assert.That(tooSmall.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        // Nothing was created or lost: the upload and both parts are still there, and no object exists.
        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "e", UploadId = create.UploadId });
        Assert.That(parts.Parts, Has.Count.EqualTo(2));
        Assert.CatchAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "e"));

        // A single small part is a valid object (only parts before the last have a minimum size).
        var ok = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "e", UploadId = create.UploadId, PartETags = [new(2, r2.ETag)] });
        Assert.That(ok.ETag, Is.EqualTo(MultipartETag(small)));
    }

    [Test]
    public async Task Malformed_or_empty_complete_documents_are_MalformedXML()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var create = await s3.InitiateMultipartUploadAsync(bucket, "x");
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        foreach (var body in new[] { "", "<CompleteMultipartUpload/>", "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>", "<Other/>" })
        {
            using var r = await raw.SendAsync(HttpMethod.Post, $"/{bucket}/x?uploadId={create.UploadId}", Encoding.UTF8.GetBytes(body));
            Assert.That((await S3Error.ReadAsync(r)).Code, Is.EqualTo("MalformedXML"), body);
        }
    }

    [Test]
    public async Task Unknown_upload_ids_are_NoSuchUpload_everywhere()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        const string Id = "0000000000000000nope";
        void Check(Func<Task> call)
        {
            var ex = Assert.CatchAsync<AmazonS3Exception>(() => call());
            Assert.That(ex!.ErrorCode, Is.EqualTo("NoSuchUpload"));
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        Check(() => Part(s3, bucket, "k", Id, 1, [1, 2, 3]));
        Check(() => s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = Id }));
        Check(() => s3.AbortMultipartUploadAsync(bucket, "k", Id));
        Check(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = Id, PartETags = [new(1, "\"abc\"")] }));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "x" });
        Check(() => s3.CopyPartAsync(new CopyPartRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "k", UploadId = Id, PartNumber = 1 }));

        // A real upload id used with another key is NoSuchUpload too.
        var create = await s3.InitiateMultipartUploadAsync(bucket, "right-key");
        Check(() => Part(s3, bucket, "wrong-key", create.UploadId, 1, [1]));
    }

    [TestCase("0")]
    [TestCase("10001")]
    [TestCase("abc")]
    public async Task Part_numbers_outside_1_to_10000_are_InvalidArgument(string partNumber)
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var create = await s3.InitiateMultipartUploadAsync(bucket, "k");
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        using var r = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k?partNumber={partNumber}&uploadId={create.UploadId}", [1, 2, 3]);
        var error = await S3Error.ReadAsync(r);
        Assert.That(error.Code, Is.EqualTo("InvalidArgument"));
        Assert.That(error.Element("Message"), Is.EqualTo("Part number must be an integer between 1 and 10000, inclusive"));
    }

    [Test]
    public async Task Reuploading_a_part_replaces_it_and_abort_frees_everything()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        var bucket = Names.Bucket("mp");
        await s3.PutBucketAsync(bucket);
        var segDir = Path.Combine(gw.DataDir, "segments");
        int Files() => Directory.GetFiles(segDir, "*", SearchOption.AllDirectories).Length;
        var create = await s3.InitiateMultipartUploadAsync(bucket, "k");
        var seg = (int)GatewayInstance.TestSegmentSize;
        await Part(s3, bucket, "k", create.UploadId, 1, ObjectTests.RandomBytes(seg * 3, 27));
        Assert.That(Files(), Is.EqualTo(3), "a part of S bytes is ceil(S / SegmentSize) segments");
        var second = ObjectTests.RandomBytes(seg + 1, 28);
        var r = await Part(s3, bucket, "k", create.UploadId, 1, second);
        Assert.That(Files(), Is.EqualTo(2), "the replaced part's segments are freed");
        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId });
        Assert.That(parts.Parts.Single().ETag, Is.EqualTo(r.ETag));
        var abort = await s3.AbortMultipartUploadAsync(bucket, "k", create.UploadId);
        Assert.That(abort.HttpStatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(Files(), Is.EqualTo(0));
        await s3.DeleteBucketAsync(bucket);
    }

    [Test]
    public async Task Complete_turns_parts_into_the_object_without_copying_and_frees_unlisted_parts()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.MinPartSize = 1);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("mp");
        await s3.PutBucketAsync(bucket);
        var segDir = Path.Combine(gw.DataDir, "segments");
        HashSet<string> Files() => Directory.GetFiles(segDir, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToHashSet()!;
        var seg = (int)GatewayInstance.TestSegmentSize;
        var create = await s3.InitiateMultipartUploadAsync(bucket, "k");
        var p1 = ObjectTests.RandomBytes(seg * 2, 29);
        var p2 = ObjectTests.RandomBytes(seg + 5, 30);
        var r1 = await Part(s3, bucket, "k", create.UploadId, 1, p1);
        var before = Files();
        var r2 = await Part(s3, bucket, "k", create.UploadId, 2, p2);
        var withPart2 = Files();
        await Part(s3, bucket, "k", create.UploadId, 3, ObjectTests.RandomBytes(100, 31));
        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartETags = [new(1, r1.ETag), new(2, r2.ETag)] };
        var first = await s3.CompleteMultipartUploadAsync(complete);
        Assert.That(Files(), Is.EquivalentTo(withPart2), "the listed parts' segment files become the object's; the unlisted part's are freed");
        Assert.That(before.IsSubsetOf(Files()), Is.True);
        using (var get = await s3.GetObjectAsync(bucket, "k"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(p1.Concat(p2).ToArray()));
        }

        // A retry of a Complete that succeeded (its answer lost) returns the same result.
        var retry = await s3.CompleteMultipartUploadAsync(complete);
        Assert.That(retry.ETag, Is.EqualTo(first.ETag));
    }

    [Test]
    public async Task Conditional_complete_if_none_match_star()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "exists", ContentBody = "old" });
        var create = await s3.InitiateMultipartUploadAsync(bucket, "exists");
        var r1 = await Part(s3, bucket, "exists", create.UploadId, 1, [1, 2, 3]);
        var ex = Assert.CatchAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "exists",
            UploadId = create.UploadId,
            PartETags = [new(1, r1.ETag)],
            IfNoneMatch = "*",
        }));
        Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        using var get = await s3.GetObjectAsync(bucket, "exists");
        Assert.That(Encoding.UTF8.GetString(await ObjectTests.ReadAll(get)), Is.EqualTo("old"));
    }

    [Test]
    public async Task Upload_part_copy_with_ranges_from_plain_and_multipart_sources()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var plain = ObjectTests.RandomBytes(6 * MiB, 32);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain src", InputStream = new MemoryStream(plain) });
        var create = await s3.InitiateMultipartUploadAsync(bucket, "copied");
        var c1 = await s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket,
            SourceKey = "plain src",
            DestinationBucket = bucket,
            DestinationKey = "copied",
            UploadId = create.UploadId,
            PartNumber = 1,
            FirstByte = 0,
            LastByte = 5 * MiB,
        });
        Assert.That(c1.ETag, Is.EqualTo($"\"{Md5Hex(plain[..(5 * MiB + 1)])}\""));
        var c2 = await s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket,
            SourceKey = "plain src",
            DestinationBucket = bucket,
            DestinationKey = "copied",
            UploadId = create.UploadId,
            PartNumber = 2,
        });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "copied", UploadId = create.UploadId, PartETags = [new(1, c1.ETag), new(2, c2.ETag)] });
        var expected = plain[..(5 * MiB + 1)].Concat(plain).ToArray();
        using (var get = await s3.GetObjectAsync(bucket, "copied"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(expected));
        }

        // From a multipart source, a range crossing its part boundary; then the source is deleted.
        var create2 = await s3.InitiateMultipartUploadAsync(bucket, "second");
        var c3 = await s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket,
            SourceKey = "copied",
            DestinationBucket = bucket,
            DestinationKey = "second",
            UploadId = create2.UploadId,
            PartNumber = 1,
            FirstByte = 5 * MiB - 100,
            LastByte = 5 * MiB + 100,
        });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "second", UploadId = create2.UploadId, PartETags = [new(1, c3.ETag)] });
        await s3.DeleteObjectAsync(bucket, "copied");
        await s3.DeleteObjectAsync(bucket, "plain src");
        using (var get = await s3.GetObjectAsync(bucket, "second"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(expected[(5 * MiB - 100)..(5 * MiB + 101)]));
        }
    }

    [Test]
    public async Task Upload_part_copy_range_and_condition_errors()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "0123456789" });
        var create = await s3.InitiateMultipartUploadAsync(bucket, "dst");
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        foreach (var (range, code) in new[] { ("bytes=0-100", "InvalidRange"), ("bytes=10-10", "InvalidRange"), ("bytes=5-2", "InvalidArgument"), ("0-2", "InvalidArgument"), ("bytes=0-", "InvalidArgument") })
        {
            using var r = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/dst?partNumber=1&uploadId={create.UploadId}", null,
                new Dictionary<string, string> { ["x-amz-copy-source"] = $"{bucket}/src", ["x-amz-copy-source-range"] = range });
            Assert.That((await S3Error.ReadAsync(r)).Code, Is.EqualTo(code), range);
        }

        var cond = Assert.CatchAsync<AmazonS3Exception>(() => s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket,
            SourceKey = "src",
            DestinationBucket = bucket,
            DestinationKey = "dst",
            UploadId = create.UploadId,
            PartNumber = 1,
            ETagToMatch = ["\"nope\""],
        }));
        Assert.That(cond!.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "dst", UploadId = create.UploadId });
        Assert.That(parts.Parts ?? [], Is.Empty, "a refused copy adds no part");
    }

    [Test]
    public async Task Sixteen_parallel_parts_all_land()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        var create = await s3.InitiateMultipartUploadAsync(bucket, "p16");
        var bodies = Enumerable.Range(1, 16).Select(i => ObjectTests.RandomBytes(300_000 + i, 100 + i)).ToArray();
        var responses = await Task.WhenAll(bodies.Select((b, i) => Part(s3, bucket, "p16", create.UploadId, i + 1, b)));
        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "p16", UploadId = create.UploadId });
        Assert.That(parts.Parts.Select(p => p.ETag), Is.EqualTo(responses.Select(r => r.ETag)));
        Assert.That(parts.Parts.Select(p => p.Size), Is.EqualTo(bodies.Select(b => (long?)b.Length)));
    }

    [Test]
    public async Task Two_concurrent_uploads_of_one_part_number_leave_one_intact()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.MinPartSize = 1);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("mp");
        await s3.PutBucketAsync(bucket);
        var create = await s3.InitiateMultipartUploadAsync(bucket, "race");
        var a = ObjectTests.RandomBytes((int)GatewayInstance.TestSegmentSize * 3, 40);
        var b = ObjectTests.RandomBytes((int)GatewayInstance.TestSegmentSize * 3, 41);
        await Task.WhenAll(Part(s3, bucket, "race", create.UploadId, 1, a), Part(s3, bucket, "race", create.UploadId, 1, b));
        var part = (await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "race", UploadId = create.UploadId })).Parts.Single();
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "race", UploadId = create.UploadId, PartETags = [new(1, part.ETag)] });
        using var get = await s3.GetObjectAsync(bucket, "race");
        var data = await ObjectTests.ReadAll(get);
        Assert.That(data.SequenceEqual(a) || data.SequenceEqual(b), Is.True, "one whole body, never a mix");
        Assert.That(Directory.GetFiles(Path.Combine(gw.DataDir, "segments"), "*", SearchOption.AllDirectories), Has.Length.EqualTo(3), "the losing body's segments were freed");
    }

    [Test]
    public async Task Complete_racing_abort_has_one_outcome()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        for (var round = 0; round < 5; round++)
        {
            var key = "race" + round;
            var create = await s3.InitiateMultipartUploadAsync(bucket, key);
            var r1 = await Part(s3, bucket, key, create.UploadId, 1, [1, 2, 3]);
            var complete = Task.Run(async () => await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = create.UploadId, PartETags = [new(1, r1.ETag)] }));
            var abort = Task.Run(async () => await s3.AbortMultipartUploadAsync(bucket, key, create.UploadId));
            var completed = await Outcome(complete);
            var aborted = await Outcome(abort);
            Assert.That(completed ^ aborted, Is.True, "exactly one of Complete and Abort wins");
            var exists = await Outcome(s3.GetObjectMetadataAsync(bucket, key));
            Assert.That(exists, Is.EqualTo(completed));
        }
    }

    private static async Task<bool> Outcome(Task task)
    {
        try
        {
            await task;
            return true;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "NoSuchUpload" or "NoSuchKey" || e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    [Test]
    public async Task In_progress_uploads_survive_a_restart_and_can_be_completed()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.MinPartSize = 1);
        var bucket = Names.Bucket("mp");
        var p1 = ObjectTests.RandomBytes(1000, 42);
        string uploadId;
        string etag;
        using (var s3 = gw.Client())
        {
            await s3.PutBucketAsync(bucket);
            uploadId = (await s3.InitiateMultipartUploadAsync(bucket, "survivor")).UploadId;
            etag = (await Part(s3, bucket, "survivor", uploadId, 1, p1)).ETag;
        }

        await gw.RestartAsync();
        using (var s3 = gw.Client())
        {
            var uploads = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
            Assert.That(uploads.MultipartUploads.Single().UploadId, Is.EqualTo(uploadId));
            var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "survivor", UploadId = uploadId });
            Assert.That(parts.Parts.Single().ETag, Is.EqualTo(etag));
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "survivor", UploadId = uploadId, PartETags = [new(1, etag)] });
            using var get = await s3.GetObjectAsync(bucket, "survivor");
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(p1));
        }
    }

    [Test]
    public async Task A_part_larger_than_the_limit_is_EntityTooLarge_before_the_body_is_read()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.MaxPartSize = 1024);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("mp");
        await s3.PutBucketAsync(bucket);
        var create = await s3.InitiateMultipartUploadAsync(bucket, "k");
        var ex = Assert.CatchAsync<AmazonS3Exception>(() => Part(s3, bucket, "k", create.UploadId, 1, new byte[2048]));
        Assert.That(ex!.ErrorCode, Is.EqualTo("EntityTooLarge"));
        Assert.That(Directory.GetFiles(Path.Combine(gw.DataDir, "segments"), "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task A_real_64_MiB_plus_one_byte_part_makes_two_segments()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.SegmentSize = Storage.StorageOptions.DefaultSegmentSize);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("mp");
        await s3.PutBucketAsync(bucket);
        var create = await s3.InitiateMultipartUploadAsync(bucket, "big");
        var data = ObjectTests.RandomBytes(64 * MiB + 1, 43);
        var r = await Part(s3, bucket, "big", create.UploadId, 1, data);
        var files = Directory.GetFiles(Path.Combine(gw.DataDir, "segments"), "*", SearchOption.AllDirectories).Select(f => new FileInfo(f).Length).Order().ToList();
        Assert.That(files, Is.EqualTo(new[] { 1L, 64L * MiB }));
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "big", UploadId = create.UploadId, PartETags = [new(1, r.ETag)] });
        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "big", ByteRange = new ByteRange(64 * MiB - 2, 64 * MiB) });
        Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(data[(64 * MiB - 2)..]));
    }

    [Test]
    public async Task Complete_checks_a_whole_object_checksum_header_against_the_parts()
    {
        var (s3, bucket) = await NewBucket();
        using var _ = s3;
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        var p1 = ObjectTests.RandomBytes(5 * MiB, 70);
        var p2 = ObjectTests.RandomBytes(3000, 71);

        static string Crc32B64(byte[] data)
        {
            return Convert.ToBase64String(Storage.Checksums.IncrementalChecksum.Compute(Storage.Checksums.ChecksumAlgorithm.Crc32, data));
        }

        async Task<(string UploadId, string Xml)> Prepare(string key, string type)
        {
            var create = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
                ChecksumType = new ChecksumType(type),
            });
            var r1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(p1), ChecksumAlgorithm = ChecksumAlgorithm.CRC32 });
            var r2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = create.UploadId, PartNumber = 2, InputStream = new MemoryStream(p2), ChecksumAlgorithm = ChecksumAlgorithm.CRC32 });
            var xml = $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{r1.ETag}</ETag><ChecksumCRC32>{r1.ChecksumCRC32}</ChecksumCRC32></Part>" +
                $"<Part><PartNumber>2</PartNumber><ETag>{r2.ETag}</ETag><ChecksumCRC32>{r2.ChecksumCRC32}</ChecksumCRC32></Part></CompleteMultipartUpload>";
            return (create.UploadId, xml);
        }

        async Task<HttpResponseMessage> Complete(string key, string uploadId, string xml, string checksum) =>
            await raw.SendAsync(HttpMethod.Post, $"/{bucket}/{key}?uploadId={uploadId}", Encoding.UTF8.GetBytes(xml),
                new Dictionary<string, string> { ["x-amz-checksum-crc32"] = checksum });

        var whole = Crc32B64(p1.Concat(p2).ToArray());
        var (full, fullXml) = await Prepare("full", "FULL_OBJECT");
        using (var wrong = await Complete("full", full, fullXml, Crc32B64(p2)))
        {
            Assert.That((await S3Error.ReadAsync(wrong)).Code, Is.EqualTo("BadDigest"));
        }

        using (var right = await Complete("full", full, fullXml, whole))
        {
            Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.OK), await right.Content.ReadAsStringAsync());
        }

        // COMPOSITE: the CRC32 of the parts' binary CRC32s, accepted with or without the "-N" suffix.
        var (comp, compXml) = await Prepare("comp", "COMPOSITE");
        var composite = Crc32B64([.. Convert.FromBase64String(Crc32B64(p1)), .. Convert.FromBase64String(Crc32B64(p2))]);
        using (var withSuffix = await Complete("comp", comp, compXml, composite + "-2"))
        {
            Assert.That(withSuffix.StatusCode, Is.EqualTo(HttpStatusCode.OK), await withSuffix.Content.ReadAsStringAsync());
        }

        var (comp2, comp2Xml) = await Prepare("comp2", "COMPOSITE");
        using (var withoutSuffix = await Complete("comp2", comp2, comp2Xml, composite))
        {
            Assert.That(withoutSuffix.StatusCode, Is.EqualTo(HttpStatusCode.OK), await withoutSuffix.Content.ReadAsStringAsync());
        }
    }
}
