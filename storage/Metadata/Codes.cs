using Storage.Checksums;

namespace Storage.Metadata;

/// <summary>
/// How enums are written in the database. The texts are the database's format (kept from its first schema so
/// existing data folders read the same), not any protocol's.
/// </summary>
internal static class Codes
{
    public static string Of(ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        ChecksumAlgorithm.Sha256 => "SHA256",
    };

    public static string Of(ChecksumType t) => t switch
    {
        ChecksumType.Composite => "COMPOSITE",
        ChecksumType.FullObject => "FULL_OBJECT",
    };

    public static ChecksumAlgorithm Algorithm(string code) => code switch
    {
        "CRC32" => ChecksumAlgorithm.Crc32,
        "CRC32C" => ChecksumAlgorithm.Crc32C,
        "CRC64NVME" => ChecksumAlgorithm.Crc64Nvme,
        "SHA1" => ChecksumAlgorithm.Sha1,
        "SHA256" => ChecksumAlgorithm.Sha256,
        _ => throw new InvalidDataException($"Unknown checksum algorithm '{code}' in the metadata database."),
    };

    public static ChecksumType Type(string code) => code switch
    {
        "COMPOSITE" => ChecksumType.Composite,
        "FULL_OBJECT" => ChecksumType.FullObject,
        _ => throw new InvalidDataException($"Unknown checksum type '{code}' in the metadata database."),
    };

    public static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
