namespace Storage.Checksums;

/// <summary>The S3 flexible checksum algorithms (x-amz-checksum-algorithm).</summary>
internal enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
}

/// <summary>Wire names, header names and digest sizes of <see cref="ChecksumAlgorithm"/>.</summary>
internal static class ChecksumAlgorithms
{
    public static IReadOnlyList<ChecksumAlgorithm> All { get; } =
        [ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme, ChecksumAlgorithm.Sha1, ChecksumAlgorithm.Sha256];

    private const string HeaderPrefix = "x-amz-checksum-";

    public static string WireName(ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        ChecksumAlgorithm.Sha256 => "SHA256",
    };

    public static bool TryParse(string? wireName, out ChecksumAlgorithm a)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(wireName, WireName(candidate), StringComparison.OrdinalIgnoreCase))
            {
                a = candidate;
                return true;
            }
        }
        a = default;
        return false;
    }

    public static string HeaderName(ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 => "x-amz-checksum-crc32",
        ChecksumAlgorithm.Crc32C => "x-amz-checksum-crc32c",
        ChecksumAlgorithm.Crc64Nvme => "x-amz-checksum-crc64nvme",
        ChecksumAlgorithm.Sha1 => "x-amz-checksum-sha1",
        ChecksumAlgorithm.Sha256 => "x-amz-checksum-sha256",
    };

    public static bool TryParseHeaderName(string header, out ChecksumAlgorithm a)
    {
        // Only the exact header names count: "x-amz-checksum-algorithm" and "x-amz-checksum-type" share the prefix.
        if (header is not null && header.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
        {
            foreach (var candidate in All)
            {
                if (string.Equals(header, HeaderName(candidate), StringComparison.OrdinalIgnoreCase))
                {
                    a = candidate;
                    return true;
                }
            }
        }
        a = default;
        return false;
    }

    public static int DigestSize(ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 => 4,
        ChecksumAlgorithm.Crc32C => 4,
        ChecksumAlgorithm.Crc64Nvme => 8,
        ChecksumAlgorithm.Sha1 => 20,
        ChecksumAlgorithm.Sha256 => 32,
    };

    /// <summary>CRCs are linear, so per-part values combine into a whole-object value (FULL_OBJECT); SHAs do not.</summary>
    public static bool IsCrc(ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C or ChecksumAlgorithm.Crc64Nvme => true,
        ChecksumAlgorithm.Sha1 or ChecksumAlgorithm.Sha256 => false,
    };
}
