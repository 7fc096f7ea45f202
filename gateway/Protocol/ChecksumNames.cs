using Storage.Checksums;

namespace Gateway.Protocol;

/// <summary>S3's names for checksum algorithms and types: the x-amz-checksum-algorithm values, header names and XML element suffixes.</summary>
internal static class ChecksumNames
{
    private const string HeaderPrefix = "x-amz-checksum-";

    /// <summary>"CRC32", "CRC64NVME", ...: the x-amz-checksum-algorithm value and the suffix of Checksum* elements (the descriptor's name).</summary>
    public static string WireName(ChecksumAlgorithm a) => ChecksumAlgorithms.Of(a).Name;

    /// <summary>Every algorithm's wire name, as S3 lists the valid types in its messages: "CRC32, CRC32C, ...".</summary>
    public static string ValidList => string.Join(", ", ChecksumAlgorithms.All.Select(WireName));

    /// <summary>Every algorithm's header name (x-amz-checksum-crc32, ...).</summary>
    public static IEnumerable<string> HeaderNames => ChecksumAlgorithms.All.Select(HeaderName);

    /// <summary>The lowercase name S3's messages use ("crc32").</summary>
    public static string Lower(ChecksumAlgorithm a) => WireName(a).ToLowerInvariant();

    public static bool TryParse(string? wireName, out ChecksumAlgorithm a) => ChecksumAlgorithms.TryParse(wireName, out a);

    public static string HeaderName(ChecksumAlgorithm a) => HeaderPrefix + Lower(a);

    public static bool TryParseHeaderName(string header, out ChecksumAlgorithm a)
    {
        // Only the exact header names count: "x-amz-checksum-algorithm" and "x-amz-checksum-type" share the prefix.
        if (header is not null && header.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
        {
            foreach (var candidate in ChecksumAlgorithms.All)
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

    /// <summary>COMPOSITE or FULL_OBJECT: the x-amz-checksum-type value and the ChecksumType element.</summary>
    public static string TypeName(ChecksumType t) => t switch
    {
        ChecksumType.Composite => "COMPOSITE",
        ChecksumType.FullObject => "FULL_OBJECT",
    };

    /// <summary>Parses x-amz-checksum-type exactly (S3 accepts these two values, in capitals).</summary>
    public static bool TryParseType(string? value, out ChecksumType t)
    {
        switch (value)
        {
            case "COMPOSITE":
                t = ChecksumType.Composite;
                return true;
            case "FULL_OBJECT":
                t = ChecksumType.FullObject;
                return true;
            default:
                t = default;
                return false;
        }
    }
}
