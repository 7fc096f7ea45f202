using Gateway.Protocol;
using Storage.Checksums;

namespace Gateway.Tests.Protocol;

[TestFixture]
internal sealed class ChecksumNamesTests
{
    [TestCase(ChecksumAlgorithm.Crc32, "CRC32", "x-amz-checksum-crc32", 4, true)]
    [TestCase(ChecksumAlgorithm.Crc32C, "CRC32C", "x-amz-checksum-crc32c", 4, true)]
    [TestCase(ChecksumAlgorithm.Crc64Nvme, "CRC64NVME", "x-amz-checksum-crc64nvme", 8, true)]
    [TestCase(ChecksumAlgorithm.Sha1, "SHA1", "x-amz-checksum-sha1", 20, false)]
    [TestCase(ChecksumAlgorithm.Sha256, "SHA256", "x-amz-checksum-sha256", 32, false)]
    public void NamesSizesAndKinds(ChecksumAlgorithm a, string wire, string header, int size, bool isCrc)
    {
        Assert.Multiple(() =>
        {
            Assert.That(ChecksumNames.WireName(a), Is.EqualTo(wire));
            Assert.That(ChecksumNames.HeaderName(a), Is.EqualTo(header));
            Assert.That(ChecksumAlgorithms.DigestSize(a), Is.EqualTo(size));
            Assert.That(ChecksumAlgorithms.IsCrc(a), Is.EqualTo(isCrc));

            Assert.That(ChecksumNames.TryParse(wire, out var parsed), Is.True);
            Assert.That(parsed, Is.EqualTo(a));
            Assert.That(ChecksumNames.TryParse(wire.ToLowerInvariant(), out parsed), Is.True);
            Assert.That(parsed, Is.EqualTo(a));

            Assert.That(ChecksumNames.TryParseHeaderName(header, out parsed), Is.True);
            Assert.That(parsed, Is.EqualTo(a));
            Assert.That(ChecksumNames.TryParseHeaderName(header.ToUpperInvariant(), out parsed), Is.True);
            Assert.That(parsed, Is.EqualTo(a));
        });
    }

    [TestCase(ChecksumType.Composite, "COMPOSITE")]
    [TestCase(ChecksumType.FullObject, "FULL_OBJECT")]
    public void TypeNamesRoundTrip(ChecksumType t, string wire)
    {
        Assert.That(ChecksumNames.TypeName(t), Is.EqualTo(wire));
        Assert.That(ChecksumNames.TryParseType(wire, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(t));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("composite")]
    [TestCase("FULL-OBJECT")]
    public void TypeNamesAreExact(string? wire) => Assert.That(ChecksumNames.TryParseType(wire, out _), Is.False);

    [TestCase(null)]
    [TestCase("")]
    [TestCase("CRC")]
    [TestCase("CRC64")]
    [TestCase("MD4")]
    [TestCase("SHA-256")]
    [TestCase(" CRC32")]
    public void TryParseRejectsUnknownWireNames(string? wire)
    {
        Assert.That(ChecksumNames.TryParse(wire, out _), Is.False);
    }

    [TestCase("")]
    [TestCase("x-amz-checksum-")]
    [TestCase("x-amz-checksum-algorithm")]
    [TestCase("x-amz-checksum-type")]
    [TestCase("x-amz-checksum-mode")]
    [TestCase("x-amz-checksum-crc64")]
    [TestCase("crc32")]
    [TestCase("x-amz-sdk-checksum-algorithm")]
    [TestCase("x-amz-checksum-crc32 ")]
    public void TryParseHeaderNameRejectsOtherHeaders(string header)
    {
        Assert.That(ChecksumNames.TryParseHeaderName(header, out _), Is.False);
    }
}
