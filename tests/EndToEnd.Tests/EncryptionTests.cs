using System.Net;
using System.Security.Cryptography;

namespace EndToEnd.Tests;

/// <summary>
/// Server-side encryption end to end, with AWSSDK.S3 and boto3 defaults: SSE-C through multipart, ranged reads and
/// copies, the wrong key refused, SSE-S3 and SSE-KMS with the headers S3 answers, bucket default encryption, and
/// the bytes at rest: no run of any plaintext is anywhere in the data folder.
/// </summary>
public sealed class EncryptionTests
{
    private static byte[] Plaintext(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Whether any 32-byte run of <paramref name="plain"/> (sampled every 4 KiB) is in any file under <paramref name="dir"/>.</summary>
    private static bool AtRest(string dir, byte[] plain)
    {
        var probes = Enumerable.Range(0, plain.Length / 4096).Select(i => plain.AsSpan(i * 4096, 32).ToArray()).Append(plain[..32]).ToList();
        return Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Any(f =>
        {
            var bytes = File.ReadAllBytes(f);
            return probes.Any(p => bytes.AsSpan().IndexOf(p) >= 0);
        });
    }

    private static async Task<byte[]> Get(AmazonS3Client s3, GetObjectRequest request)
    {
        using var response = await s3.GetObjectAsync(request);
        return await ObjectTests.ReadAll(response);
    }

    [Test]
    public async Task Sse_c_round_trips_through_multipart_ranges_and_copies_and_the_wrong_key_is_refused()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.InlineThreshold = 0);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("ssec");
        await s3.PutBucketAsync(bucket);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var otherKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var part1 = Plaintext(5 * 1024 * 1024, 1);
        var part2 = Plaintext(300_000, 2);
        var whole = part1.Concat(part2).ToArray();

        var create = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "mp",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = key,
        });
        var etags = new List<PartETag>();
        foreach (var (n, data) in new[] { (1, part1), (2, part2) })
        {
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket,
                Key = "mp",
                UploadId = create.UploadId,
                PartNumber = n,
                InputStream = new MemoryStream(data),
                ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
                ServerSideEncryptionCustomerProvidedKey = key,
            });
            etags.Add(new PartETag(n, part.ETag));
        }

        var wrongPart = Assert.CatchAsync<AmazonS3Exception>(() => s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = "mp",
            UploadId = create.UploadId,
            PartNumber = 3,
            InputStream = new MemoryStream([1, 2, 3]),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = otherKey,
        }))!;
        Assert.That((wrongPart.StatusCode, wrongPart.ErrorCode), Is.EqualTo((HttpStatusCode.BadRequest, "InvalidRequest")), "a part under another key than the upload's");
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp", UploadId = create.UploadId, PartETags = etags });

        GetObjectRequest Read(string k, string? sseKey, ByteRange? range = null) => new()
        {
            BucketName = bucket,
            Key = k,
            ByteRange = range,
            ServerSideEncryptionCustomerMethod = sseKey is null ? null : ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = sseKey,
        };
        Assert.That(await Get(s3, Read("mp", key)), Is.EqualTo(whole));
        var across = await Get(s3, Read("mp", key, new ByteRange(part1.Length - 100, part1.Length + 99)));
        Assert.That(across, Is.EqualTo(whole.AsSpan(part1.Length - 100, 200).ToArray()), "a range across the part boundary");
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = bucket,
            Key = "mp",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = key,
        });
        Assert.That(head.ServerSideEncryptionCustomerMethod, Is.EqualTo(ServerSideEncryptionCustomerMethod.AES256));

        var noKey = Assert.CatchAsync<AmazonS3Exception>(() => Get(s3, Read("mp", null)))!;
        Assert.That((noKey.StatusCode, noKey.ErrorCode), Is.EqualTo((HttpStatusCode.BadRequest, "InvalidRequest")));
        var wrong = Assert.CatchAsync<AmazonS3Exception>(() => Get(s3, Read("mp", otherKey)))!;
        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        // A copy under the same key shares the segments; under another key, or to SSE-S3, it is re-encrypted.
        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "mp",
            DestinationBucket = bucket,
            DestinationKey = "same",
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            CopySourceServerSideEncryptionCustomerProvidedKey = key,
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = key,
        });
        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "mp",
            DestinationBucket = bucket,
            DestinationKey = "other",
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            CopySourceServerSideEncryptionCustomerProvidedKey = key,
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = otherKey,
        });
        var toS3 = await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "mp",
            DestinationBucket = bucket,
            DestinationKey = "sse-s3",
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            CopySourceServerSideEncryptionCustomerProvidedKey = key,
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.That(toS3.ServerSideEncryptionMethod, Is.EqualTo(ServerSideEncryptionMethod.AES256));
        Assert.That(await Get(s3, Read("same", key)), Is.EqualTo(whole));
        Assert.That(await Get(s3, Read("other", otherKey)), Is.EqualTo(whole));
        Assert.That(Assert.CatchAsync<AmazonS3Exception>(() => Get(s3, Read("other", key)))!.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await Get(s3, Read("sse-s3", null)), Is.EqualTo(whole));
        var copySourceWithoutKey = Assert.CatchAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "mp",
            DestinationBucket = bucket,
            DestinationKey = "nope",
        }))!;
        Assert.That(copySourceWithoutKey.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        Assert.That(AtRest(gw.DataDir, whole), Is.False, "the data folder holds no plaintext");
    }

    [Test]
    public async Task Sse_s3_kms_and_the_bucket_default_answer_with_s3s_headers()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Kms.KeyIds = ["app-key"]);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("sse");
        await s3.PutBucketAsync(bucket);
        var data = Plaintext(200_000, 3);
        var sseS3 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "s3", InputStream = new MemoryStream(data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
        Assert.That(sseS3.ServerSideEncryptionMethod, Is.EqualTo(ServerSideEncryptionMethod.AES256));
        Assert.That(sseS3.ETag.Trim('"'), Is.EqualTo(Convert.ToHexStringLower(MD5.HashData(data))), "an SSE-S3 object's ETag is its MD5");
        var kms = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "kms",
            InputStream = new MemoryStream(data),
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = "app-key",
        });
        Assert.That((kms.ServerSideEncryptionMethod, kms.ServerSideEncryptionKeyManagementServiceKeyId), Is.EqualTo((ServerSideEncryptionMethod.AWSKMS, "app-key")));
        Assert.That(kms.ETag.Trim('"'), Is.Not.EqualTo(Convert.ToHexStringLower(MD5.HashData(data))), "an SSE-KMS object's ETag is not");
        var unknown = Assert.CatchAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "x",
            ContentBody = "x",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = "no-such-key",
        }))!;
        Assert.That((unknown.StatusCode, unknown.ErrorCode), Is.EqualTo((HttpStatusCode.BadRequest, "KMS.NotFoundException")));

        // AWSSDK.S3 answers this 404 with an empty configuration rather than an exception; the wire answer is checked raw.
        Assert.That((await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket })).ServerSideEncryptionConfiguration?.ServerSideEncryptionRules ?? [], Is.Empty);
        using (var http = gw.Http())
        using (var none = await new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey).SendAsync(HttpMethod.Get, $"/{bucket}?encryption"))
        {
            Assert.That((none.StatusCode, (await S3Error.ReadAsync(none)).Code), Is.EqualTo((HttpStatusCode.NotFound, "ServerSideEncryptionConfigurationNotFoundError")));
        }

        await s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules =
                [
                    new ServerSideEncryptionRule
                    {
                        ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = "app-key" },
                        BucketKeyEnabled = true,
                    },
                ],
            },
        });
        var byDefault = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "default", InputStream = new MemoryStream(data) });
        Assert.That((byDefault.ServerSideEncryptionMethod, byDefault.ServerSideEncryptionKeyManagementServiceKeyId, byDefault.BucketKeyEnabled),
            Is.EqualTo((ServerSideEncryptionMethod.AWSKMS, "app-key", (bool?)true)));
        var read = await s3.GetObjectAsync(bucket, "default");
        Assert.That(read.ServerSideEncryptionMethod, Is.EqualTo(ServerSideEncryptionMethod.AWSKMS));
        Assert.That(await ObjectTests.ReadAll(read), Is.EqualTo(data));
        read.Dispose();
        foreach (var k in new[] { "s3", "kms" })
        {
            Assert.That(await Get(s3, new GetObjectRequest { BucketName = bucket, Key = k, ByteRange = new ByteRange(1000, 1999) }), Is.EqualTo(data.AsSpan(1000, 1000).ToArray()));
        }

        await s3.DeleteBucketEncryptionAsync(new DeleteBucketEncryptionRequest { BucketName = bucket });
        var plain = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain", ContentBody = "plain" });
        Assert.That(plain.ServerSideEncryptionMethod, Is.Null.Or.EqualTo(ServerSideEncryptionMethod.None));
        Assert.That(AtRest(gw.DataDir, data), Is.False);
    }

    [Test]
    public Task Boto3_sse_c_and_sse_s3_with_its_defaults() => Boto3.AssertPassesAsync("""
        import os, sys, boto3
        from botocore.exceptions import ClientError
        s3 = boto3.client("s3")
        b = sys.argv[1]
        s3.create_bucket(Bucket=b)
        key = os.urandom(32)
        c = dict(SSECustomerAlgorithm="AES256", SSECustomerKey=key)
        data = os.urandom(6 * 1024 * 1024)
        put = s3.put_object(Bucket=b, Key="c", Body=data, **c)
        assert put["SSECustomerAlgorithm"] == "AES256" and "SSECustomerKeyMD5" in put
        assert s3.get_object(Bucket=b, Key="c", Range="bytes=100-199", **c)["Body"].read() == data[100:200]
        try:
            s3.head_object(Bucket=b, Key="c")
            raise SystemExit("HEAD without the key succeeded")
        except ClientError as e:
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        # The transfer manager: multipart upload and download, each part with the key.
        from boto3.s3.transfer import TransferConfig
        cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
        path = os.path.join(os.environ["HOME"], "big.bin")
        with open(path, "wb") as f:
            f.write(data)
        s3.upload_file(path, b, "big", ExtraArgs=c, Config=cfg)
        s3.download_file(b, "big", path + ".back", ExtraArgs=c, Config=cfg)
        assert open(path + ".back", "rb").read() == data
        s3.put_object(Bucket=b, Key="s", Body=b"hello", ServerSideEncryption="AES256")
        assert s3.head_object(Bucket=b, Key="s")["ServerSideEncryption"] == "AES256"
        assert s3.get_object(Bucket=b, Key="s")["Body"].read() == b"hello"
        print("BOTO3-SSE-OK")
        """, "BOTO3-SSE-OK", SharedGateway.Instance, TempDir.Create("boto3-sse"), Names.Bucket("bsse"));
}
