using System.Text;
using NUnit.Framework;
using Storage.Checksums;

namespace Storage.Tests.Checksums;

[TestFixture]
internal sealed class IncrementalChecksumTests
{
    // Base64 of the wire digests, from Python (zlib, hashlib, and a bitwise CRC32C / CRC64NVME).
    [TestCase(ChecksumAlgorithm.Crc32, "hello world", "DUoRhQ==")]
    [TestCase(ChecksumAlgorithm.Crc32C, "hello world", "yZRlqg==")]
    [TestCase(ChecksumAlgorithm.Crc64Nvme, "hello world", "jSnVw/bqjr4=")]
    [TestCase(ChecksumAlgorithm.Sha1, "hello world", "Kq5sNclPz7QV2+lfQIuc6R7oRu0=")]
    [TestCase(ChecksumAlgorithm.Sha256, "hello world", "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")]
    [TestCase(ChecksumAlgorithm.Crc32, "The quick brown fox jumps over the lazy dog", "QU+jOQ==")]
    [TestCase(ChecksumAlgorithm.Crc32C, "The quick brown fox jumps over the lazy dog", "ImIEBA==")]
    [TestCase(ChecksumAlgorithm.Crc64Nvme, "The quick brown fox jumps over the lazy dog", "12xUBUlUwUM=")]
    [TestCase(ChecksumAlgorithm.Sha1, "The quick brown fox jumps over the lazy dog", "L9ThxnotKPzthJ7hu3bnORuT6xI=")]
    [TestCase(ChecksumAlgorithm.Sha256, "The quick brown fox jumps over the lazy dog", "16j7swfXgJRpypq8sAguT41WUeRtPNt2LQLQvzfJ5ZI=")]
    [TestCase(ChecksumAlgorithm.Crc32, "", "AAAAAA==")]
    [TestCase(ChecksumAlgorithm.Crc64Nvme, "", "AAAAAAAAAAA=")]
    [TestCase(ChecksumAlgorithm.Sha256, "", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")]
    public void WireValue(ChecksumAlgorithm a, string text, string base64)
    {
        using var checksum = IncrementalChecksum.Create(a);
        Assert.That(checksum.Algorithm, Is.EqualTo(a));
        checksum.Append(Encoding.ASCII.GetBytes(text));
        Assert.That(checksum.FinishBase64(), Is.EqualTo(base64));
    }

    [TestCase(ChecksumAlgorithm.Crc32, "F7wqRg==")]
    [TestCase(ChecksumAlgorithm.Crc32C, "3S7f9w==")]
    [TestCase(ChecksumAlgorithm.Crc64Nvme, "OH6Gi9FN6+0=")]
    [TestCase(ChecksumAlgorithm.Sha1, "QjGopQoQ+pdY247HH974VbdRBIo=")]
    [TestCase(ChecksumAlgorithm.Sha256, "HpvDjL+GC57DGRiwZfm1JHbFSaeC4OeZC+2M44aNI3E=")]
    public void WireValueOverLongerInputInPieces(ChecksumAlgorithm a, string base64)
    {
        var data = CrcTests.Pattern1000();
        using var checksum = IncrementalChecksum.Create(a);
        checksum.Append(data.AsSpan(0, 1));
        checksum.Append(data.AsSpan(1, 0));
        checksum.Append(data.AsSpan(1, 300));
        checksum.Append(data.AsSpan(301, 699));
        Assert.That(checksum.FinishBase64(), Is.EqualTo(base64));
    }

    [TestCaseSource(typeof(ChecksumAlgorithms), nameof(ChecksumAlgorithms.All))]
    public void SplitAppendsEqualOneAppend(ChecksumAlgorithm a)
    {
        var data = new byte[50_000];
        new Random(11).NextBytes(data);
        using var whole = IncrementalChecksum.Create(a);
        whole.Append(data);
        var expected = whole.Finish();
        Assert.That(expected, Has.Length.EqualTo(ChecksumAlgorithms.DigestSize(a)));

        var random = new Random(12);
        for (int trial = 0; trial < 20; trial++)
        {
            using var pieces = IncrementalChecksum.Create(a);
            int position = 0;
            while (position < data.Length)
            {
                int piece = Math.Min(random.Next(0, 5000), data.Length - position);
                pieces.Append(data.AsSpan(position, piece));
                position += piece;
            }
            Assert.That(pieces.Finish(), Is.EqualTo(expected), $"trial {trial}");
        }
    }

    [TestCase(ChecksumAlgorithm.Crc32)]
    [TestCase(ChecksumAlgorithm.Crc32C)]
    [TestCase(ChecksumAlgorithm.Crc64Nvme)]
    public void CrcDigestIsTheBigEndianCrc(ChecksumAlgorithm a)
    {
        var data = CrcTests.Pattern1000();
        using var checksum = IncrementalChecksum.Create(a);
        checksum.Append(data);
        byte[] expected = a switch
        {
            ChecksumAlgorithm.Crc32 => BigEndian(Crc32.Compute(data), 4),
            ChecksumAlgorithm.Crc32C => BigEndian(Crc32C.Compute(data), 4),
            _ => BigEndian(Crc64Nvme.Compute(data), 8),
        };
        Assert.That(checksum.Finish(), Is.EqualTo(expected));
    }

    private static byte[] BigEndian(ulong value, int size) =>
        Enumerable.Range(0, size).Select(i => (byte)(value >> (8 * (size - 1 - i)))).ToArray();

    [TestCaseSource(typeof(ChecksumAlgorithms), nameof(ChecksumAlgorithms.All))]
    public void FinishTwiceOrAppendAfterFinishThrows(ChecksumAlgorithm a)
    {
        using var checksum = IncrementalChecksum.Create(a);
        checksum.Append("abc"u8);
        checksum.Finish();
        Assert.That(() => checksum.Finish(), Throws.InvalidOperationException);
        Assert.That(() => checksum.Append("x"u8), Throws.InvalidOperationException);
    }
}
