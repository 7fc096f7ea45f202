namespace Storage.Checksums;

/// <summary>The checksum algorithms storage computes over bodies and keeps with objects and parts.</summary>
public enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
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

/// <summary>Facts about <see cref="ChecksumAlgorithm"/>.</summary>
public static class ChecksumAlgorithms
{
    public static IReadOnlyList<ChecksumAlgorithm> All { get; } =
        [ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme, ChecksumAlgorithm.Sha1, ChecksumAlgorithm.Sha256];

    public static int DigestSize(ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 => 4,
        ChecksumAlgorithm.Crc32C => 4,
        ChecksumAlgorithm.Crc64Nvme => 8,
        ChecksumAlgorithm.Sha1 => 20,
        ChecksumAlgorithm.Sha256 => 32,
    };

    /// <summary>CRCs are linear, so per-part values combine into a whole-object value (FullObject); SHAs do not.</summary>
    public static bool IsCrc(ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C or ChecksumAlgorithm.Crc64Nvme => true,
        ChecksumAlgorithm.Sha1 or ChecksumAlgorithm.Sha256 => false,
    };

    /// <summary>True when <paramref name="base64"/> decodes to exactly one digest of <paramref name="a"/>.</summary>
    public static bool IsValidValue(ChecksumAlgorithm a, string base64)
    {
        Span<byte> buffer = stackalloc byte[64];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var n) && n == DigestSize(a);
    }
}
