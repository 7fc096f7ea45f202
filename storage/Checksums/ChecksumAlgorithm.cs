using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Storage.Checksums;

/// <summary>The checksum algorithms storage computes over bodies and keeps with objects and parts.</summary>
public enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
    Md5,
    Sha512,
    XxHash64,
    XxHash3,
    XxHash128,
}

/// <summary>
/// What an object's checksum covers. <see cref="FullObject"/> is the checksum of the whole object's bytes;
/// <see cref="Composite"/> (multipart objects only) is the checksum of the parts' checksums.
/// </summary>
public enum ChecksumType
{
    Composite,
    FullObject,
}

/// <summary>A stored checksum: its algorithm, what it covers, and its value in base64.</summary>
public sealed record ChecksumValue(ChecksumAlgorithm Algorithm, ChecksumType Type, string Value);

/// <summary>
/// Everything the code needs to know about one algorithm. Parsers, writers, rules and the store read these
/// properties instead of switching over the algorithm, so adding one is a row in <see cref="ChecksumAlgorithms.Describe"/>
/// and its hasher.
/// </summary>
/// <param name="Algorithm">The enum member described.</param>
/// <param name="Name">The algorithm's name in capitals ("CRC64NVME"): S3's x-amz-checksum-algorithm value and the code stored in the database.</param>
/// <param name="DigestSize">Bytes in one digest (its base64 value decodes to exactly this many).</param>
/// <param name="Composite">Whether a multipart object may carry a checksum of the parts' checksums of this algorithm.</param>
/// <param name="Combine">
/// For a linear checksum (a CRC), how the value of A then B follows from the values of A and B and the length of B,
/// with the digest read as a big-endian integer: what a FULL_OBJECT multipart checksum is made of. Null when the
/// algorithm cannot be FULL_OBJECT.
/// </param>
/// <param name="NewHasher">A fresh incremental hasher.</param>
public sealed record ChecksumDescriptor(
    ChecksumAlgorithm Algorithm, string Name, int DigestSize, bool Composite, Func<ulong, ulong, long, ulong>? Combine, Func<IncrementalChecksum> NewHasher)
{
    /// <summary>Whether a multipart object may carry a whole-object checksum of this algorithm (linear checksums only).</summary>
    public bool FullObject => Combine is not null;

    /// <summary>The type an upload gets when it declares this algorithm and no type: Composite where it may, else FullObject.</summary>
    public ChecksumType DefaultType => Composite ? ChecksumType.Composite : ChecksumType.FullObject;

    /// <summary>A digest as the big-endian integer <see cref="Combine"/> works on (CRCs only: at most 8 bytes).</summary>
    internal ulong ToInteger(ReadOnlySpan<byte> digest) => DigestSize == 4 ? BinaryPrimitives.ReadUInt32BigEndian(digest) : BinaryPrimitives.ReadUInt64BigEndian(digest);

    internal byte[] FromInteger(ulong value)
    {
        var digest = new byte[DigestSize];
        if (DigestSize == 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest, (uint)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64BigEndian(digest, value);
        }

        return digest;
    }
}

/// <summary>The one table of checksum algorithms.</summary>
public static class ChecksumAlgorithms
{
    /// <summary>The algorithm storage computes for every body when the writer declares none (S3's default since 2025).</summary>
    public const ChecksumAlgorithm Default = ChecksumAlgorithm.Crc64Nvme;

    /// <summary>The one switch over the algorithms: adding a member without its row fails the build (CS8509).</summary>
    private static ChecksumDescriptor Describe(ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 => new(a, "CRC32", 4, Composite: true, (x, y, n) => Crc32.Combine((uint)x, (uint)y, n),
            () => new CrcChecksum(a, (crc, data) => Crc32.Append((uint)crc, data))),
        ChecksumAlgorithm.Crc32C => new(a, "CRC32C", 4, Composite: true, (x, y, n) => Crc32C.Combine((uint)x, (uint)y, n),
            () => new CrcChecksum(a, (crc, data) => Crc32C.Append((uint)crc, data))),
        // S3 gives CRC64NVME the full-object type only.
        ChecksumAlgorithm.Crc64Nvme => new(a, "CRC64NVME", 8, Composite: false, Crc64Nvme.Combine, () => new CrcChecksum(a, Crc64Nvme.Append)),
        ChecksumAlgorithm.Sha1 => new(a, "SHA1", 20, Composite: true, null, () => new HashChecksum(a, HashAlgorithmName.SHA1)),
        ChecksumAlgorithm.Sha256 => new(a, "SHA256", 32, Composite: true, null, () => new HashChecksum(a, HashAlgorithmName.SHA256)),
        // The algorithms S3 added on 2026-04-22: composite only (none of them combines by length).
        ChecksumAlgorithm.Md5 => new(a, "MD5", 16, Composite: true, null, () => new HashChecksum(a, HashAlgorithmName.MD5)),
        ChecksumAlgorithm.Sha512 => new(a, "SHA512", 64, Composite: true, null, () => new HashChecksum(a, HashAlgorithmName.SHA512)),
        ChecksumAlgorithm.XxHash64 => new(a, "XXHASH64", 8, Composite: true, null, () => new NonCryptographicChecksum(a, new System.IO.Hashing.XxHash64())),
        ChecksumAlgorithm.XxHash3 => new(a, "XXHASH3", 8, Composite: true, null, () => new NonCryptographicChecksum(a, new System.IO.Hashing.XxHash3())),
        ChecksumAlgorithm.XxHash128 => new(a, "XXHASH128", 16, Composite: true, null, () => new NonCryptographicChecksum(a, new System.IO.Hashing.XxHash128())),
    };

    private static readonly ChecksumDescriptor[] Table = Enum.GetValues<ChecksumAlgorithm>().Select(Describe).ToArray();

    /// <summary>Every algorithm, in declaration order.</summary>
    public static IReadOnlyList<ChecksumAlgorithm> All { get; } = Table.Select(d => d.Algorithm).ToArray();

    /// <summary>Every descriptor, in declaration order.</summary>
    public static IReadOnlyList<ChecksumDescriptor> Descriptors => Table;

    public static ChecksumDescriptor Of(ChecksumAlgorithm a) => Table[(int)a];

    /// <summary>The algorithm named <paramref name="name"/> ("crc32", "CRC32", ...: S3 reads the name in any case).</summary>
    public static bool TryParse(string? name, out ChecksumAlgorithm a)
    {
        foreach (var d in Table)
        {
            if (string.Equals(name, d.Name, StringComparison.OrdinalIgnoreCase))
            {
                a = d.Algorithm;
                return true;
            }
        }

        a = default;
        return false;
    }

    public static int DigestSize(ChecksumAlgorithm a) => Of(a).DigestSize;

    /// <summary>CRCs are linear, so per-part values combine into a whole-object value (FullObject); hashes do not.</summary>
    public static bool IsCrc(ChecksumAlgorithm a) => Of(a).FullObject;

    /// <summary>True when <paramref name="base64"/> decodes to exactly one digest of <paramref name="a"/>.</summary>
    public static bool IsValidValue(ChecksumAlgorithm a, string base64)
    {
        Span<byte> buffer = stackalloc byte[128];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var n) && n == DigestSize(a);
    }
}
