using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NUnit.Framework;
using Storage.Checksums;
using Storage.Multipart;

namespace Storage.Tests.Multipart;

[TestFixture]
internal sealed class MultipartRulesTests
{
    private static readonly byte[][] FoxParts =
    [
        Encoding.ASCII.GetBytes("The quick brown fox "),
        Encoding.ASCII.GetBytes("jumps over "),
        Encoding.ASCII.GetBytes("the lazy dog"),
    ];

    private static string Hex(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));

    private static string B64(uint crc)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, crc);
        return Convert.ToBase64String(b);
    }

    private static string B64(ulong crc)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, crc);
        return Convert.ToBase64String(b);
    }

    private static string PartChecksum(ChecksumAlgorithm a, byte[] data)
    {
        using var c = IncrementalChecksum.Create(a);
        c.Append(data);
        return c.FinishBase64();
    }

    // Expected values below were computed independently with Python's hashlib/zlib:
    // hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + "-%d" % len(parts)
    [Test]
    public void ETagIsMd5OfBinaryPartMd5sWithPartCount()
    {
        Assert.That(MultipartRules.ETag([Hex(Encoding.ASCII.GetBytes("hello"))]), Is.EqualTo("62109206880d38a4010a98e11243924a-1"));
        Assert.That(
            MultipartRules.ETag(["e09c80c42fda55f9d992e59ca6b3307d", "e1faffe9c3c801f2f8c3fbe7cb032cb2", "4a8a08f09d37b73795649038408b5f33"]),
            Is.EqualTo("8ee05f6ade6cd294ac522f259dd99dfc-3"));
        Assert.That(Hex(Encoding.ASCII.GetBytes(new string('a', 10))), Is.EqualTo("e09c80c42fda55f9d992e59ca6b3307d"));

        // FINDINGS §6: f20.bin in 8 MiB parts has ETag "788a7b2141bfe1fd7d6b0503707bc740-3" (part MD5s from Python).
        Assert.That(
            MultipartRules.ETag(["0dcbc6524c6adaa583d9251a1468b8c4", "7fce6d75a0b26b3cac8bbe52058cd9ed", "48fc7d9a98febda3e145b38c9bceecab"]),
            Is.EqualTo("788a7b2141bfe1fd7d6b0503707bc740-3"));
    }

    [Test]
    public void ETagDependsOnPartOrder()
    {
        var a = Hex([1]);
        var b = Hex([2]);
        Assert.That(MultipartRules.ETag([a, b]), Is.Not.EqualTo(MultipartRules.ETag([b, a])));
        Assert.That(MultipartRules.ETag([a, b]), Does.EndWith("-2"));
    }

    [Test]
    public void CompositeMatchesResearchVectors()
    {
        // FINDINGS §5: "123456789" has CRC32 y/Q5Jg==; its one-part composite is 7kxlUA==-1.
        Assert.That(MultipartRules.Combine(ChecksumAlgorithm.Crc32, ChecksumType.Composite, [("y/Q5Jg==", 9)]), Is.EqualTo("7kxlUA==-1"));
        var sha = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes("123456789")));
        Assert.That(MultipartRules.Combine(ChecksumAlgorithm.Sha256, ChecksumType.Composite, [(sha, 9)]),
            Is.EqualTo("KSsNAHVmgy25S/rmic1w0at3KBH9RLn0nYVQ7p6mpJQ=-1"));

        // f20.bin (8+8+4 MiB): parts mqk3dg== m/HPGQ== C1+wBg==, COMPOSITE /nEumA==-3, FULL_OBJECT SRy8Lg==
        // (the FULL_OBJECT value re-checked with zlib.crc32 over the whole file).
        (string, long)[] f20 = [("mqk3dg==", 8L << 20), ("m/HPGQ==", 8L << 20), ("C1+wBg==", 4L << 20)];
        Assert.That(MultipartRules.Combine(ChecksumAlgorithm.Crc32, ChecksumType.Composite, f20), Is.EqualTo("/nEumA==-3"));
        Assert.That(MultipartRules.Combine(ChecksumAlgorithm.Crc32, ChecksumType.FullObject, f20), Is.EqualTo("SRy8Lg=="));
    }

    [Test]
    public void CompositeAgainstPythonVectors()
    {
        // zlib.crc32 / hashlib over each part, then over the concatenated binary part checksums.
        var crc = FoxParts.Select(p => (PartChecksum(ChecksumAlgorithm.Crc32, p), (long)p.Length)).ToList();
        Assert.That(crc.Select(p => p.Item1), Is.EqualTo(new[] { "iLB14g==", "L4EkxA==", "KRBX4w==" }));
        Assert.That(MultipartRules.Combine(ChecksumAlgorithm.Crc32, ChecksumType.Composite, crc), Is.EqualTo("xU/lUQ==-3"));
        Assert.That(MultipartRules.Combine(ChecksumAlgorithm.Crc32, ChecksumType.FullObject, crc), Is.EqualTo("QU+jOQ=="));

        var sha1 = FoxParts.Select(p => (PartChecksum(ChecksumAlgorithm.Sha1, p), (long)p.Length)).ToList();
        Assert.That(sha1[0].Item1, Is.EqualTo("PjQ2oHPnLFMAzcps5cMh5J38QS4="));
        Assert.That(MultipartRules.Combine(ChecksumAlgorithm.Sha1, ChecksumType.Composite, sha1), Is.EqualTo("35CNe/xk6dFHFPTTHUlYdG67E18=-3"));

        var sha256 = FoxParts.Select(p => (PartChecksum(ChecksumAlgorithm.Sha256, p), (long)p.Length)).ToList();
        Assert.That(sha256[2].Item1, Is.EqualTo("5vbP1U3JaQxDn/Xw16ozdlqqcztI20X4IlwSXDLr8ks="));
        Assert.That(MultipartRules.Combine(ChecksumAlgorithm.Sha256, ChecksumType.Composite, sha256), Is.EqualTo("zaqbqwxblBztGfNY1qTEjrTPj3X1KS6Vofi9Umh9oHU=-3"));
    }

    private static IEnumerable<TestCaseData> CrcAlgorithms()
    {
        yield return new TestCaseData(ChecksumAlgorithm.Crc32);
        yield return new TestCaseData(ChecksumAlgorithm.Crc32C);
        yield return new TestCaseData(ChecksumAlgorithm.Crc64Nvme);
    }

    private static byte[] Whole(ChecksumAlgorithm a, byte[] data) => a switch
    {
        ChecksumAlgorithm.Crc32 => Bytes(Crc32.Compute(data)),
        ChecksumAlgorithm.Crc32C => Bytes(Crc32C.Compute(data)),
        ChecksumAlgorithm.Crc64Nvme => Bytes(Crc64Nvme.Compute(data)),
        ChecksumAlgorithm.Sha1 => SHA1.HashData(data),
        ChecksumAlgorithm.Sha256 => SHA256.HashData(data),
        ChecksumAlgorithm.Md5 => MD5.HashData(data),
        ChecksumAlgorithm.Sha512 => SHA512.HashData(data),
        ChecksumAlgorithm.XxHash64 => System.IO.Hashing.XxHash64.Hash(data),
        ChecksumAlgorithm.XxHash3 => System.IO.Hashing.XxHash3.Hash(data),
        ChecksumAlgorithm.XxHash128 => System.IO.Hashing.XxHash128.Hash(data),
    };

    private static byte[] Bytes(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return b;
    }

    private static byte[] Bytes(ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, v);
        return b;
    }

    [TestCaseSource(nameof(CrcAlgorithms))]
    public void FullObjectIsTheCrcOfTheConcatenation(ChecksumAlgorithm a)
    {
        var rng = new Random(42);
        foreach (var sizes in new[] { new[] { 1 }, new[] { 0, 5 }, new[] { 17, 0, 3 }, new[] { 1000, 1, 4096, 65537, 7 } })
        {
            var parts = sizes.Select(s =>
            {
                var d = new byte[s];
                rng.NextBytes(d);
                return d;
            }).ToList();
            var whole = parts.SelectMany(p => p).ToArray();
            var combined = MultipartRules.Combine(a, ChecksumType.FullObject, parts.Select(p => (Convert.ToBase64String(Whole(a, p)), (long)p.Length)).ToList());
            Assert.That(combined, Is.EqualTo(Convert.ToBase64String(Whole(a, whole))), $"{a} sizes {string.Join(",", sizes)}");
            Assert.That(combined, Does.Not.Contain("-"));
        }
    }

    [Test]
    public void FullObjectCrc32MatchesZlib()
    {
        // zlib.crc32(b"The quick brown fox jumps over the lazy dog") == 0x414FA339
        var whole = FoxParts.SelectMany(p => p).ToArray();
        Assert.That(B64(Crc32.Compute(whole)), Is.EqualTo("QU+jOQ=="));
        Assert.That(B64(0x414FA339u), Is.EqualTo("QU+jOQ=="));
    }

    [TestCase(ChecksumAlgorithm.Crc32)]
    [TestCase(ChecksumAlgorithm.Crc32C)]
    [TestCase(ChecksumAlgorithm.Crc64Nvme)]
    [TestCase(ChecksumAlgorithm.Sha1)]
    [TestCase(ChecksumAlgorithm.Sha256)]
    public void CompositeIsTheChecksumOfConcatenatedPartChecksums(ChecksumAlgorithm a)
    {
        var parts = FoxParts.Select(p => Whole(a, p)).ToList();
        var expected = Convert.ToBase64String(Whole(a, parts.SelectMany(p => p).ToArray())) + "-3";
        var combined = MultipartRules.Combine(a, ChecksumType.Composite, FoxParts.Select(p => (Convert.ToBase64String(Whole(a, p)), (long)p.Length)).ToList());
        Assert.That(combined, Is.EqualTo(expected));
    }

    [Test]
    public void FullObjectOfShaIsRefused()
    {
        var parts = new List<(string, long)> { (Convert.ToBase64String(SHA1.HashData([1])), 1) };
        Assert.Throws<ArgumentException>(() => MultipartRules.Combine(ChecksumAlgorithm.Sha1, ChecksumType.FullObject, parts));
    }

    [Test]
    public void FullObjectCrc64NvmeOfSplitCheckString()
    {
        // CRC-64/NVME("123456789") is the published check value 0xAE8B14860A799888; split it into parts and combine.
        var parts = new[] { "1234", "5", "6789" }.Select(s => (B64(Crc64Nvme.Compute(Encoding.ASCII.GetBytes(s))), (long)s.Length)).ToList();
        Assert.That(MultipartRules.Combine(ChecksumAlgorithm.Crc64Nvme, ChecksumType.FullObject, parts), Is.EqualTo(B64(0xAE8B14860A799888UL)));
    }

    // FINDINGS §5 table.
    [TestCase(ChecksumAlgorithm.Crc64Nvme, true, false, ChecksumType.FullObject)]
    [TestCase(ChecksumAlgorithm.Crc32, true, true, ChecksumType.Composite)]
    [TestCase(ChecksumAlgorithm.Crc32C, true, true, ChecksumType.Composite)]
    [TestCase(ChecksumAlgorithm.Sha1, false, true, ChecksumType.Composite)]
    [TestCase(ChecksumAlgorithm.Sha256, false, true, ChecksumType.Composite)]
    public void SupportsAndDefaultType(ChecksumAlgorithm a, bool fullObject, bool composite, ChecksumType defaultType)
    {
        Assert.That(MultipartRules.Supports(a, ChecksumType.FullObject), Is.EqualTo(fullObject));
        Assert.That(MultipartRules.Supports(a, ChecksumType.Composite), Is.EqualTo(composite));
        Assert.That(MultipartRules.DefaultType(a), Is.EqualTo(defaultType));
        Assert.That(MultipartRules.Supports(a, MultipartRules.DefaultType(a)), Is.True);
    }

    [Test]
    public void EffectiveAlgorithmDefaultsToCrc64Nvme()
    {
        Assert.That(MultipartRules.Effective(null), Is.EqualTo(ChecksumAlgorithm.Crc64Nvme));
        Assert.That(MultipartRules.Effective(ChecksumAlgorithm.Crc32C), Is.EqualTo(ChecksumAlgorithm.Crc32C));
        Assert.That(MultipartRules.Effective(ChecksumAlgorithm.Sha256), Is.EqualTo(ChecksumAlgorithm.Sha256));
    }

    private sealed class StepClock(DateTimeOffset start)
    {
        public DateTimeOffset Now { get; set; } = start;
    }

    [Test]
    public void UploadIdsIncreaseWithinOneMillisecondAndWhenTheClockGoesBack()
    {
        var ids = new UploadIds();
        var clock = new StepClock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var all = new List<string>();
        for (var i = 0; i < 70_000; i++)
        {
            // Mostly the same millisecond (exceeding the 16-bit counter), with the clock stepping back now and then.
            if (i % 5000 == 4999)
            {
                clock.Now = clock.Now.AddMilliseconds(i % 10000 == 9999 ? -50 : 1);
            }

            all.Add(ids.Next(clock.Now));
        }

        clock.Now = clock.Now.AddDays(-1);
        all.Add(ids.Next(clock.Now));
        clock.Now = clock.Now.AddDays(2);
        all.Add(ids.Next(clock.Now));
        for (var i = 1; i < all.Count; i++)
        {
            Assert.That(string.CompareOrdinal(all[i - 1], all[i]), Is.LessThan(0), $"id {i} ({all[i]}) does not follow {all[i - 1]}");
        }

        Assert.That(all, Has.All.Length.EqualTo(40).And.All.Matches<string>(s => s.All(Uri.IsHexDigit)));
    }

    [Test]
    public async Task UploadIdsAreUniqueAndIncreasingAcrossThreads()
    {
        var ids = new UploadIds();
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            var list = new List<string>();
            for (var i = 0; i < 5000; i++)
            {
                list.Add(ids.Next(now));
            }

            return list;
        })));
        foreach (var list in results)
        {
            Assert.That(list, Is.Ordered.Using<string>(StringComparer.Ordinal));
        }

        Assert.That(results.SelectMany(l => l).Distinct().Count(), Is.EqualTo(40000));
    }
}
