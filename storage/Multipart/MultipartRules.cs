using System.Security.Cryptography;
using Storage.Checksums;

namespace Storage.Multipart;

/// <summary>How a completed multipart object's ETag and checksum are derived from its parts.</summary>
public static class MultipartRules
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

    /// <summary>The algorithm that governs an upload's part checksums: the declared one, or CRC64NVME, which storage computes by default.</summary>
    public static ChecksumAlgorithm Effective(ChecksumAlgorithm? declared) => declared ?? ChecksumAlgorithm.Crc64Nvme;

    /// <summary>
    /// The checksum type of an upload that declares an algorithm but no type: FullObject for CRC64NVME (the only
    /// type it supports), Composite for the others.
    /// </summary>
    public static ChecksumType DefaultType(ChecksumAlgorithm a) => a == ChecksumAlgorithm.Crc64Nvme ? ChecksumType.FullObject : ChecksumType.Composite;

    /// <summary>Which (algorithm, type) pairs combine: SHA* only Composite, CRC64NVME only FullObject, CRC32/CRC32C both.</summary>
    public static bool Supports(ChecksumAlgorithm a, ChecksumType type) => type switch
    {
        ChecksumType.Composite => a != ChecksumAlgorithm.Crc64Nvme,
        ChecksumType.FullObject => ChecksumAlgorithms.IsCrc(a),
    };

    /// <summary>
    /// The object checksum from base64 part checksums: Composite is the checksum of the concatenated binary part
    /// checksums plus "-N"; FullObject combines the part CRCs by their lengths without reading any data.
    /// </summary>
    public static string Combine(ChecksumAlgorithm a, ChecksumType type, IReadOnlyList<(string Checksum, long Size)> parts)
    {
        if (type == ChecksumType.Composite)
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
