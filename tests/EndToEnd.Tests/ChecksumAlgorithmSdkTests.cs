using System.Security.Cryptography;
using Storage.Checksums;
using Algorithm = Storage.Checksums.ChecksumAlgorithm;
using ChecksumType = Amazon.S3.ChecksumType;
using SdkAlgorithm = Amazon.S3.ChecksumAlgorithm;

namespace EndToEnd.Tests;

/// <summary>
/// The 2026 checksum algorithms through AWSSDK.S3 with its defaults: the SDK computes SHA512 itself and sends MD5 and the
/// xxHash family only as values the caller gives, so the gateway is where they are checked. Copies (CopyObject,
/// UploadPartCopy) get the algorithm they name, or their source's.
/// </summary>
public sealed class ChecksumAlgorithmSdkTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    private static string B64(Algorithm a, byte[] data) => Convert.ToBase64String(IncrementalChecksum.Compute(a, data));

    [Test]
    public async Task AWSSDK_computes_SHA512_and_sends_precomputed_MD5_and_xxHash_values_the_gateway_checks()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("sdk-algos");
        await s3.PutBucketAsync(bucket);
        var data = ObjectTests.RandomBytes(200_000, 7);

        var sha = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "sha512", InputStream = new MemoryStream(data), ChecksumAlgorithm = SdkAlgorithm.SHA512 });
        Assert.That(sha.ChecksumSHA512, Is.EqualTo(Convert.ToBase64String(SHA512.HashData(data))));

        var given = new (string Key, Algorithm Algorithm, Action<PutObjectRequest, string> Set, Func<GetObjectResponse, string> Read)[]
        {
            ("md5", Algorithm.Md5, (p, v) => p.ChecksumMD5 = v, g => g.ChecksumMD5),
            ("xxhash64", Algorithm.XxHash64, (p, v) => p.ChecksumXXHASH64 = v, g => g.ChecksumXXHASH64),
            ("xxhash3", Algorithm.XxHash3, (p, v) => p.ChecksumXXHASH3 = v, g => g.ChecksumXXHASH3),
            ("xxhash128", Algorithm.XxHash128, (p, v) => p.ChecksumXXHASH128 = v, g => g.ChecksumXXHASH128),
        };
        foreach (var (key, algorithm, set, read) in given)
        {
            var right = B64(algorithm, data);
            var put = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(data) };
            set(put, right);
            await s3.PutObjectAsync(put);
            using (var got = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, ChecksumMode = ChecksumMode.ENABLED }))
            {
                Assert.That(read(got), Is.EqualTo(right), key);
                Assert.That(got.ChecksumType, Is.EqualTo(ChecksumType.FULL_OBJECT), key);
            }

            var wrong = new PutObjectRequest { BucketName = bucket, Key = key + "-bad", InputStream = new MemoryStream(data) };
            set(wrong, Convert.ToBase64String(new byte[Convert.FromBase64String(right).Length]));
            var e = Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(wrong))!;
            Assert.That(((int)e.StatusCode, e.ErrorCode), Is.EqualTo((400, "BadDigest")), key);
            Assert.That((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = key + "-bad" })).S3Objects ?? [], Is.Empty, key);
        }
    }

    [Test]
    public async Task Copies_keep_their_sources_algorithm_or_take_the_one_they_name()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("sdk-copy-algos");
        await s3.PutBucketAsync(bucket);
        var data = ObjectTests.RandomBytes(6 * 1024 * 1024, 8);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", InputStream = new MemoryStream(data), ChecksumXXHASH64 = B64(Algorithm.XxHash64, data) });

        // No algorithm named: the copy keeps the source's xxHash64 (kept by the same-bucket copy that shares segments).
        var kept = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "kept" });
        Assert.That(kept.ChecksumXXHASH64, Is.EqualTo(B64(Algorithm.XxHash64, data)));

        // An algorithm named: the bytes are read and hashed with it.
        var named = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "xx3", ChecksumAlgorithm = SdkAlgorithm.XXHASH3 });
        Assert.That(named.ChecksumXXHASH3, Is.EqualTo(B64(Algorithm.XxHash3, data)));
        Assert.That(named.ChecksumXXHASH64, Is.Null);
        using (var got = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "xx3", ChecksumMode = ChecksumMode.ENABLED }))
        {
            Assert.That(got.ChecksumXXHASH3, Is.EqualTo(B64(Algorithm.XxHash3, data)));
        }

        var sha = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "sha", ChecksumAlgorithm = SdkAlgorithm.SHA512 });

        // An algorithm S3 does not know is S3's InvalidRequest, and no copy is made.
        var unknown = Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "src",
            DestinationBucket = bucket,
            DestinationKey = "bad",
            ChecksumAlgorithm = new SdkAlgorithm("CRC99"),
        }))!;
        Assert.That(((int)unknown.StatusCode, unknown.ErrorCode), Is.EqualTo((400, "InvalidRequest")));
        Assert.That((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "bad" })).S3Objects ?? [], Is.Empty);
        Assert.That(sha.ChecksumSHA512, Is.EqualTo(Convert.ToBase64String(SHA512.HashData(data))));

        // UploadPartCopy into an MD5 upload: each copied part gets its MD5, Complete the composite of them.
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp", ChecksumAlgorithm = SdkAlgorithm.MD5 });
        Task<CopyPartResponse> CopyPart(int number, long firstByte) => s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket,
            SourceKey = "src",
            DestinationBucket = bucket,
            DestinationKey = "mp",
            UploadId = upload.UploadId,
            PartNumber = number,
            FirstByte = firstByte,
            LastByte = data.Length - 1,
        });
        var first = await CopyPart(1, 0);
        Assert.That(first.ChecksumMD5, Is.EqualTo(Convert.ToBase64String(MD5.HashData(data))));
        var tail = data.AsSpan(100_000).ToArray();
        var second = await CopyPart(2, 100_000);
        Assert.That(second.ChecksumMD5, Is.EqualTo(Convert.ToBase64String(MD5.HashData(tail))));
        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "mp",
            UploadId = upload.UploadId,
            PartETags = [new PartETag { PartNumber = 1, ETag = first.ETag, ChecksumMD5 = first.ChecksumMD5 }, new PartETag { PartNumber = 2, ETag = second.ETag, ChecksumMD5 = second.ChecksumMD5 }],
        });
        var composite = Convert.ToBase64String(MD5.HashData([.. MD5.HashData(data), .. MD5.HashData(tail)])) + "-2";
        Assert.That((done.ChecksumMD5, done.ChecksumType), Is.EqualTo((composite, ChecksumType.COMPOSITE)));

        // A copy of that composite object keeps its value ("that checksum value will be copied to the new object by default").
        var copy = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "mp", DestinationBucket = bucket, DestinationKey = "mp-copy" });
        Assert.That((copy.ChecksumMD5, copy.ChecksumType), Is.EqualTo((composite, ChecksumType.COMPOSITE)));
    }
}
