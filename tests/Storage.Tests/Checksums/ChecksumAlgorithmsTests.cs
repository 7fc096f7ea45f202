using NUnit.Framework;
using Storage.Checksums;

namespace Storage.Tests.Checksums;

[TestFixture]
internal sealed class ChecksumAlgorithmsTests
{
    [TestCase(ChecksumAlgorithm.Crc32, 4, true)]
    [TestCase(ChecksumAlgorithm.Crc32C, 4, true)]
    [TestCase(ChecksumAlgorithm.Crc64Nvme, 8, true)]
    [TestCase(ChecksumAlgorithm.Sha1, 20, false)]
    [TestCase(ChecksumAlgorithm.Sha256, 32, false)]
    public void SizesAndKinds(ChecksumAlgorithm a, int size, bool isCrc)
    {
        Assert.That(ChecksumAlgorithms.DigestSize(a), Is.EqualTo(size));
        Assert.That(ChecksumAlgorithms.IsCrc(a), Is.EqualTo(isCrc));
        Assert.That(ChecksumAlgorithms.IsValidValue(a, Convert.ToBase64String(new byte[size])), Is.True);
        Assert.That(ChecksumAlgorithms.IsValidValue(a, " " + Convert.ToBase64String(new byte[size]) + " "), Is.True, "surrounding spaces are trimmed");
        Assert.That(ChecksumAlgorithms.IsValidValue(a, Convert.ToBase64String(new byte[size + 1])), Is.False, "one byte too many");
        Assert.That(ChecksumAlgorithms.IsValidValue(a, Convert.ToBase64String(new byte[size - 1])), Is.False, "one byte short");
        Assert.That(ChecksumAlgorithms.IsValidValue(a, "not base64!"), Is.False);
    }

    [Test]
    public void AllListsEveryMemberOnce()
    {
        Assert.That(ChecksumAlgorithms.All, Is.EquivalentTo(Enum.GetValues<ChecksumAlgorithm>()));
        Assert.That(ChecksumAlgorithms.All, Is.Unique);
    }

    [Test]
    public void EveryDescriptorIsConsistentWithItsHasher()
    {
        Assert.That(ChecksumAlgorithms.Descriptors.Select(d => d.Name), Is.Unique);
        Assert.Multiple(() =>
        {
            foreach (var d in ChecksumAlgorithms.Descriptors)
            {
                Assert.That(ChecksumAlgorithms.Of(d.Algorithm), Is.SameAs(d), d.Name);
                using var hasher = d.NewHasher();
                Assert.That(hasher.Algorithm, Is.EqualTo(d.Algorithm), d.Name);
                hasher.Append("abc"u8);
                Assert.That(hasher.Finish(), Has.Length.EqualTo(d.DigestSize), d.Name);
                Assert.That(d.Composite || d.FullObject, Is.True, d.Name + " can be some multipart type");
                Assert.That(Storage.Multipart.MultipartRules.Supports(d.Algorithm, d.DefaultType), Is.True, d.Name + "'s default type is one it supports");
                Assert.That(ChecksumAlgorithms.TryParse(d.Name.ToLowerInvariant(), out var parsed) && parsed == d.Algorithm, Is.True, d.Name + " parses in any case");
            }
        });
    }

    [Test]
    public void FullObjectCombinesLikeTheWholeBody()
    {
        var a = new byte[1000];
        var b = new byte[777];
        new Random(7).NextBytes(a);
        new Random(8).NextBytes(b);
        foreach (var d in ChecksumAlgorithms.Descriptors.Where(d => d.FullObject))
        {
            var whole = Convert.ToBase64String(IncrementalChecksum.Compute(d.Algorithm, [.. a, .. b]));
            var combined = Storage.Multipart.MultipartRules.Combine(d.Algorithm, ChecksumType.FullObject,
                [(Convert.ToBase64String(IncrementalChecksum.Compute(d.Algorithm, a)), a.Length), (Convert.ToBase64String(IncrementalChecksum.Compute(d.Algorithm, b)), b.Length)]);
            Assert.That(combined, Is.EqualTo(whole), d.Name);
        }
    }

    /// <summary>
    /// The algorithms S3 added in 2026 against published values: MD5 and SHA-512 from RFC 1321 / FIPS 180-4
    /// implementations (Python's hashlib), the xxHash family from the reference implementation's xxhsum (Debian's
    /// xxhash package: -H1, -H3, -H2), written big-endian as xxhsum prints them. XXH64("hello world") is the value S3's
    /// documentation gives, 0x45ab6734b21e6968 (base64 RatnNLIeaWg=).
    /// </summary>
    [TestCase(ChecksumAlgorithm.Md5, "hello world", "5eb63bbbe01eeed093cb22bb8f5acdc3")]
    [TestCase(ChecksumAlgorithm.Md5, "", "d41d8cd98f00b204e9800998ecf8427e")]
    [TestCase(ChecksumAlgorithm.Sha512, "hello world", "309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f")]
    [TestCase(ChecksumAlgorithm.Sha512, "", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")]
    [TestCase(ChecksumAlgorithm.XxHash64, "hello world", "45ab6734b21e6968")]
    [TestCase(ChecksumAlgorithm.XxHash64, "", "ef46db3751d8e999")]
    [TestCase(ChecksumAlgorithm.XxHash3, "hello world", "d447b1ea40e6988b")]
    [TestCase(ChecksumAlgorithm.XxHash3, "", "2d06800538d394c2")]
    [TestCase(ChecksumAlgorithm.XxHash128, "hello world", "df8d09e93f874900a99b8775cc15b6c7")]
    [TestCase(ChecksumAlgorithm.XxHash128, "", "99aa06d3014798d86001c324468d497f")]
    public void NewAlgorithmsMatchPublishedVectors(ChecksumAlgorithm a, string text, string hex)
    {
        var digest = IncrementalChecksum.Compute(a, System.Text.Encoding.ASCII.GetBytes(text));
        Assert.That(Convert.ToHexStringLower(digest), Is.EqualTo(hex));
        Assert.That(digest, Has.Length.EqualTo(ChecksumAlgorithms.DigestSize(a)));
        Assert.That(ChecksumAlgorithms.Of(a).FullObject, Is.False, "composite only");
    }

    [Test]
    public void XxHash64OfHelloWorldIsTheBase64SThreeDocuments() =>
        Assert.That(Convert.ToBase64String(IncrementalChecksum.Compute(ChecksumAlgorithm.XxHash64, "hello world"u8)), Is.EqualTo("RatnNLIeaWg="));
}
