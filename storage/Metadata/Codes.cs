using Storage.Checksums;

namespace Storage.Metadata;

/// <summary>
/// How enums are written in the database. The texts are the database's format (kept from its first schema so
/// existing data folders read the same), not any protocol's.
/// </summary>
internal static class Codes
{
    /// <summary>An algorithm is stored by its descriptor's name ("CRC64NVME").</summary>
    public static string Of(ChecksumAlgorithm a) => ChecksumAlgorithms.Of(a).Name;

    public static string Of(ChecksumType t) => t switch
    {
        ChecksumType.Composite => "COMPOSITE",
        ChecksumType.FullObject => "FULL_OBJECT",
    };

    public static ChecksumAlgorithm Algorithm(string code)
    {
        foreach (var d in ChecksumAlgorithms.Descriptors)
        {
            if (d.Name == code)
            {
                return d.Algorithm;
            }
        }

        throw new InvalidDataException($"Unknown checksum algorithm '{code}' in the metadata database.");
    }

    public static ChecksumType Type(string code) => code switch
    {
        "COMPOSITE" => ChecksumType.Composite,
        "FULL_OBJECT" => ChecksumType.FullObject,
        _ => throw new InvalidDataException($"Unknown checksum type '{code}' in the metadata database."),
    };

    public static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
