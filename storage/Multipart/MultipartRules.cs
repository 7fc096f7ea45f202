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

    /// <summary>The algorithm that governs an upload's part checksums: the declared one, or the one storage computes by default.</summary>
    public static ChecksumAlgorithm Effective(ChecksumAlgorithm? declared) => declared ?? ChecksumAlgorithms.Default;

    /// <summary>The checksum type of an upload that declares an algorithm but no type (see <see cref="ChecksumDescriptor.DefaultType"/>).</summary>
    public static ChecksumType DefaultType(ChecksumAlgorithm a) => ChecksumAlgorithms.Of(a).DefaultType;

    /// <summary>Which (algorithm, type) pairs combine, from the algorithm's descriptor.</summary>
    public static bool Supports(ChecksumAlgorithm a, ChecksumType type) => type switch
    {
        ChecksumType.Composite => ChecksumAlgorithms.Of(a).Composite,
        ChecksumType.FullObject => ChecksumAlgorithms.Of(a).FullObject,
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

        var d = ChecksumAlgorithms.Of(a);
        var combine = d.Combine ?? throw new ArgumentException($"{a} cannot be combined as a full-object checksum.", nameof(a));
        ulong crc = 0;
        foreach (var (value, size) in parts)
        {
            crc = combine(crc, d.ToInteger(Convert.FromBase64String(value)), size);
        }

        return Convert.ToBase64String(d.FromInteger(crc));
    }
}
