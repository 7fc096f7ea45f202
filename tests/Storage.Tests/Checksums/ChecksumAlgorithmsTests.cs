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
}
