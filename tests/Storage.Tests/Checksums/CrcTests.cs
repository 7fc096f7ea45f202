using System.Text;
using NUnit.Framework;
using Storage.Checksums;

namespace Storage.Tests.Checksums;

/// <summary>
/// One CRC under test: its path-selecting Append, its public API, and a slow bitwise reference written
/// straight from the definition (reflected, init and xorout all ones) that shares no code with the product.
/// </summary>
internal sealed class CrcCase(string name, int width, ulong reflectedPoly)
{
    public string Name { get; } = name;
    public int Width { get; } = width;
    public ulong ReflectedPoly { get; } = reflectedPoly;

    public override string ToString() => Name;

    public IReadOnlyList<CrcPath> Paths => Name switch
    {
        "CRC32" => Crc32.SupportedPaths,
        "CRC32C" => Crc32C.SupportedPaths,
        _ => Crc64Nvme.SupportedPaths,
    };

    public ulong Append(ulong crc, ReadOnlySpan<byte> data, CrcPath path) => Name switch
    {
        "CRC32" => Crc32.Append((uint)crc, data, path),
        "CRC32C" => Crc32C.Append((uint)crc, data, path),
        _ => Crc64Nvme.Append(crc, data, path),
    };

    public ulong Append(ulong crc, ReadOnlySpan<byte> data) => Name switch
    {
        "CRC32" => Crc32.Append((uint)crc, data),
        "CRC32C" => Crc32C.Append((uint)crc, data),
        _ => Crc64Nvme.Append(crc, data),
    };

    public ulong Compute(ReadOnlySpan<byte> data) => Name switch
    {
        "CRC32" => Crc32.Compute(data),
        "CRC32C" => Crc32C.Compute(data),
        _ => Crc64Nvme.Compute(data),
    };

    public ulong Combine(ulong crc1, ulong crc2, long length2) => Name switch
    {
        "CRC32" => Crc32.Combine((uint)crc1, (uint)crc2, length2),
        "CRC32C" => Crc32C.Combine((uint)crc1, (uint)crc2, length2),
        _ => Crc64Nvme.Combine(crc1, crc2, length2),
    };

    public ulong Bitwise(ReadOnlySpan<byte> data)
    {
        ulong mask = Width == 64 ? ulong.MaxValue : (1UL << Width) - 1;
        ulong s = mask;
        foreach (byte b in data)
        {
            s ^= b;
            for (int i = 0; i < 8; i++)
            {
                s = (s & 1) != 0 ? (s >> 1) ^ ReflectedPoly : s >> 1;
            }
        }
        return s ^ mask;
    }
}

[TestFixture]
internal sealed class CrcTests
{
    public static readonly CrcCase[] Cases =
    [
        new("CRC32", 32, 0xEDB88320),
        new("CRC32C", 32, 0x82F63B78),
        new("CRC64NVME", 64, 0x9A6C9329AC4BC9B5),
    ];

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Test]
    public void EveryHardwarePathIsReachableHere()
    {
        // Not an assertion about correctness: a visible record of which paths this machine actually tested.
        foreach (var c in Cases)
        {
            TestContext.Out.WriteLine($"{c.Name}: {string.Join(", ", c.Paths)}");
            Assert.That(c.Paths[0], Is.EqualTo(CrcPath.Portable));
        }
    }

    [TestCase("CRC32", 0xCBF43926UL)]
    [TestCase("CRC32C", 0xE3069283UL)]
    [TestCase("CRC64NVME", 0xAE8B14860A799888UL)]
    public void PublishedCheckValue(string name, ulong expected)
    {
        var c = Cases.Single(x => x.Name == name);
        var data = "123456789"u8;
        Assert.That(c.Bitwise(data), Is.EqualTo(expected), "the test's own reference");
        Assert.That(c.Compute(data), Is.EqualTo(expected));
        foreach (var path in c.Paths)
        {
            Assert.That(c.Append(0, data, path), Is.EqualTo(expected), path.ToString());
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void EmptyInputIsZeroAndAppendingNothingChangesNothing(CrcCase c)
    {
        Assert.That(c.Compute([]), Is.Zero);
        foreach (var path in c.Paths)
        {
            Assert.That(c.Append(0, [], path), Is.Zero);
            Assert.That(c.Append(0x12345678, [], path), Is.EqualTo(0x12345678UL));
        }
    }

    // Values from Python: zlib.crc32 for CRC32 and a bitwise implementation for the other two.
    [TestCase("CRC32", "hello world", 0x0D4A1185UL)]
    [TestCase("CRC32C", "hello world", 0xC99465AAUL)]
    [TestCase("CRC64NVME", "hello world", 0x8D29D5C3F6EA8EBEUL)]
    [TestCase("CRC32", "The quick brown fox jumps over the lazy dog", 0x414FA339UL)]
    [TestCase("CRC32C", "The quick brown fox jumps over the lazy dog", 0x22620404UL)]
    [TestCase("CRC64NVME", "The quick brown fox jumps over the lazy dog", 0xD76C54054954C143UL)]
    public void KnownValues(string name, string text, ulong expected)
    {
        var c = Cases.Single(x => x.Name == name);
        Assert.That(c.Compute(Encoding.ASCII.GetBytes(text)), Is.EqualTo(expected));
    }

    /// <summary>bytes((i*7+3) &amp; 0xff for i in range(1000)): long enough for every hardware path.</summary>
    internal static byte[] Pattern1000() => Enumerable.Range(0, 1000).Select(i => (byte)(i * 7 + 3)).ToArray();

    [TestCase("CRC32", 0x17BC2A46UL)]
    [TestCase("CRC32C", 0xDD2EDFF7UL)]
    [TestCase("CRC64NVME", 0x387E868BD14DEBEDUL)]
    public void KnownValueOverLongerInput(string name, ulong expected)
    {
        var c = Cases.Single(x => x.Name == name);
        var data = Pattern1000();
        foreach (var path in c.Paths)
        {
            Assert.That(c.Append(0, data, path), Is.EqualTo(expected), path.ToString());
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void EveryPathMatchesTheBitwiseReference(CrcCase c)
    {
        var buffer = RandomBytes(5000 + 64, 1);
        for (int length = 0; length <= 5000; length += length < 600 ? 1 : 37)
        {
            int offset = length % 19;
            var data = buffer.AsSpan(offset, length);
            ulong expected = c.Bitwise(data);
            foreach (var path in c.Paths)
            {
                ulong actual = c.Append(0, data, path);
                if (actual != expected)
                {
                    Assert.Fail($"{c.Name} {path} length {length} offset {offset}: {actual:X} != {expected:X}");
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void HardwareMatchesPortableOnEveryLengthAndOffset(CrcCase c)
    {
        var buffer = RandomBytes(5000 + 64, 2);
        for (int length = 0; length <= 5000; length++)
        {
            int offset = (length * 7) % 33;
            var data = buffer.AsSpan(offset, length);
            ulong seed = (ulong)length * 0x9E3779B97F4A7C15UL;
            if (c.Width == 32)
            {
                seed &= 0xFFFFFFFF;
            }
            ulong expected = c.Append(seed, data, CrcPath.Portable);
            foreach (var path in c.Paths)
            {
                ulong actual = c.Append(seed, data, path);
                if (actual != expected)
                {
                    Assert.Fail($"{c.Name} {path} length {length} offset {offset}: {actual:X} != {expected:X}");
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void HardwareMatchesPortableOnLargeBuffers(CrcCase c)
    {
        var buffer = RandomBytes((1 << 20) + 64, 3);
        var random = new Random(4);
        int[] lengths = [(1 << 20) + 3, 1 << 20, 3072, 3073, 6143, 6144, 6151, 9216 + 255, 65536 + 17, 100_001];
        foreach (int length in lengths.Concat(Enumerable.Range(0, 20).Select(_ => random.Next(5000, 300_000))))
        {
            int offset = random.Next(0, 64);
            var data = buffer.AsSpan(offset, length);
            ulong expected = c.Append(0, data, CrcPath.Portable);
            foreach (var path in c.Paths)
            {
                Assert.That(c.Append(0, data, path), Is.EqualTo(expected), $"{path} length {length} offset {offset}");
            }
        }
        // One large buffer against the reference that shares no code with the product.
        Assert.That(c.Compute(buffer.AsSpan(5, 300_007)), Is.EqualTo(c.Bitwise(buffer.AsSpan(5, 300_007))));
    }

    [TestCaseSource(nameof(Cases))]
    public void AppendOverArbitrarySplitsEqualsCompute(CrcCase c)
    {
        var random = new Random(5);
        var data = RandomBytes(20_000, 6);
        ulong whole = c.Compute(data);
        for (int trial = 0; trial < 200; trial++)
        {
            foreach (var path in c.Paths)
            {
                ulong crc = 0;
                int position = 0;
                while (position < data.Length)
                {
                    // Mix tiny pieces with pieces big enough for the vector paths.
                    int piece = random.Next(4) == 0 ? random.Next(0, 8) : random.Next(0, 3000);
                    piece = Math.Min(piece, data.Length - position);
                    crc = c.Append(crc, data.AsSpan(position, piece), path);
                    position += piece;
                }
                Assert.That(crc, Is.EqualTo(whole), $"{path} trial {trial}");
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void CombineEqualsCrcOfConcatenation(CrcCase c)
    {
        var data = RandomBytes((1 << 20) + 3 + 5000, 7);
        int[] lengths = [0, 1, 2, 3, 7, 8, 15, 16, 17, 100, 127, 128, 129, 255, 256, 1000, 3072, 4096, 65_537, (1 << 20) + 3];
        foreach (int lengthA in new[] { 0, 1, 5, 16, 1000, 4999 })
        {
            foreach (int lengthB in lengths)
            {
                var a = data.AsSpan(0, lengthA);
                var b = data.AsSpan(lengthA, lengthB);
                ulong expected = c.Compute(data.AsSpan(0, lengthA + lengthB));
                Assert.That(c.Combine(c.Compute(a), c.Compute(b), lengthB), Is.EqualTo(expected), $"{lengthA} + {lengthB}");
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void CombineOverManyPartsEqualsWhole(CrcCase c)
    {
        // The FULL_OBJECT multipart use: fold part CRCs left to right.
        var random = new Random(8);
        var data = RandomBytes(200_000, 9);
        int position = 0;
        ulong combined = 0;
        while (position < data.Length)
        {
            int part = Math.Min(random.Next(0, 30_000), data.Length - position);
            combined = c.Combine(combined, c.Compute(data.AsSpan(position, part)), part);
            position += part;
        }
        Assert.That(combined, Is.EqualTo(c.Compute(data)));
    }

    [TestCaseSource(nameof(Cases))]
    public void CombineIsAssociativeForHugeLengths(CrcCase c)
    {
        // Lengths too large to materialise: (A||B)||C must equal A||(B||C).
        var random = new Random(10);
        ulong mask = c.Width == 64 ? ulong.MaxValue : 0xFFFFFFFF;
        for (int trial = 0; trial < 100; trial++)
        {
            ulong a = (ulong)random.NextInt64() & mask;
            ulong b = (ulong)random.NextInt64() & mask;
            ulong d = (ulong)random.NextInt64() & mask;
            long lengthB = random.NextInt64(0, 1L << 45);
            long lengthD = trial == 0 ? long.MaxValue - lengthB : random.NextInt64(0, 1L << 45);
            ulong left = c.Combine(c.Combine(a, b, lengthB), d, lengthD);
            ulong right = c.Combine(a, c.Combine(b, d, lengthD), lengthB + lengthD);
            Assert.That(left, Is.EqualTo(right), $"trial {trial}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void CombineRefusesNegativeLength(CrcCase c)
    {
        Assert.That(() => c.Combine(1, 2, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
