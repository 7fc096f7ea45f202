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
}
