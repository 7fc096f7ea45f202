using System.Security.Cryptography;
using Storage.Checksums;

namespace Storage.Multipart;

/// <summary>S3's limits on multipart uploads; configurable so tests and small setups can lower them.</summary>
internal sealed record MultipartLimits(long MinPartSize, long MaxPartSize, int MaxPartNumber, int MaxParts, long MaxObjectSize)
{
    public static readonly MultipartLimits S3 = new(5L << 20, 5L << 30, 10000, 10000, 5L << 40);
}

/// <summary>How a completed multipart object's ETag and checksum are derived from its parts.</summary>
internal static class MultipartRules
{
    /// <summary>
    /// The multipart ETag: the MD5 of the concatenated binary MD5s of the parts, in hex, then "-" and the part
    /// count. Part ETags are the hex MD5s of the parts.
    /// </summary>
    public static string ETag(IReadOnlyList<string> partETags)
    {
        var concat = new byte[partETags.Count * 16];
        for (var i = 0; i < partETags.Count; i++)
        {
            Convert.FromHexString(partETags[i]).CopyTo(concat, i * 16);
        }

        return Convert.ToHexStringLower(MD5.HashData(concat)) + "-" + partETags.Count;
    }

    /// <summary>The algorithm that governs an upload's part checksums: the declared one, or CRC64NVME, which S3 computes by default.</summary>
    public static ChecksumAlgorithm Effective(string? declared) =>
        declared is not null && ChecksumAlgorithms.TryParse(declared, out var a) ? a : ChecksumAlgorithm.Crc64Nvme;

    /// <summary>
    /// The checksum type S3 uses when CreateMultipartUpload names none: FULL_OBJECT for CRC64NVME (the only type it
    /// supports), COMPOSITE for the others.
    /// </summary>
    public static string DefaultType(ChecksumAlgorithm a) => a == ChecksumAlgorithm.Crc64Nvme ? "FULL_OBJECT" : "COMPOSITE";

    /// <summary>Which (algorithm, type) pairs S3 accepts: SHA* only COMPOSITE, CRC64NVME only FULL_OBJECT, CRC32/CRC32C both.</summary>
    public static bool Supports(ChecksumAlgorithm a, string type) => type switch
    {
        "COMPOSITE" => a != ChecksumAlgorithm.Crc64Nvme,
        "FULL_OBJECT" => ChecksumAlgorithms.IsCrc(a),
        _ => false,
    };

    /// <summary>
    /// The object checksum from base64 part checksums: COMPOSITE is the checksum of the concatenated binary part
    /// checksums plus "-N"; FULL_OBJECT combines the part CRCs by their lengths without reading any data.
    /// </summary>
    public static string Combine(ChecksumAlgorithm a, string type, IReadOnlyList<(string Checksum, long Size)> parts)
    {
        if (type == "COMPOSITE")
        {
            using var checksum = IncrementalChecksum.Create(a);
            foreach (var (value, _) in parts)
            {
                checksum.Append(Convert.FromBase64String(value));
            }

            return checksum.FinishBase64() + "-" + parts.Count;
        }

        return a switch
        {
            ChecksumAlgorithm.Crc32 => Base64(CombineCrc32(parts, Crc32.Combine)),
            ChecksumAlgorithm.Crc32C => Base64(CombineCrc32(parts, Crc32C.Combine)),
            ChecksumAlgorithm.Crc64Nvme => Base64(CombineCrc64(parts)),
            _ => throw new ArgumentException($"{a} cannot be combined as a full-object checksum.", nameof(a)),
        };
    }

    private static uint CombineCrc32(IReadOnlyList<(string Checksum, long Size)> parts, Func<uint, uint, long, uint> combine)
    {
        uint crc = 0;
        foreach (var (value, size) in parts)
        {
            crc = combine(crc, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Convert.FromBase64String(value)), size);
        }

        return crc;
    }

    private static ulong CombineCrc64(IReadOnlyList<(string Checksum, long Size)> parts)
    {
        ulong crc = 0;
        foreach (var (value, size) in parts)
        {
            crc = Crc64Nvme.Combine(crc, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(Convert.FromBase64String(value)), size);
        }

        return crc;
    }

    private static string Base64(uint crc)
    {
        Span<byte> b = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b, crc);
        return Convert.ToBase64String(b);
    }

    private static string Base64(ulong crc)
    {
        Span<byte> b = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b, crc);
        return Convert.ToBase64String(b);
    }
}
