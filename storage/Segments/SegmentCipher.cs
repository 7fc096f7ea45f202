using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Storage.Segments;

/// <summary>
/// A 256-bit key an object's bytes are encrypted under at rest. Storage never keeps it: the front end gives it with
/// every write and read (for S3: the customer's key, or a data key it unwraps).
/// </summary>
public sealed class DataKey
{
    public DataKey(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("A data key is 32 bytes.", nameof(key));
        }

        Key = key;
    }

    internal byte[] Key { get; }

    /// <summary>Whether two keys are the same key (constant time): only then can an encrypted copy share the source's segments.</summary>
    public bool SameAs(DataKey? other) => other is not null && CryptographicOperations.FixedTimeEquals(Key, other.Key);

    /// <summary>An ETag for data under this key that is not the plaintext's MD5 (S3's rule for SSE-C and SSE-KMS objects) yet is stable for the same bytes and key.</summary>
    internal string OpaqueETag(byte[] md5) => Convert.ToHexStringLower(HMACMD5.HashData(Key, md5));
}

/// <summary>
/// AES-256 in counter mode over one segment. The initial counter block is derived from the segment's id (128 random
/// bits, never reused), so every segment has its own counter sequence under a key and no IV needs storing; the
/// counter for byte <c>o</c> is that block plus <c>o / 16</c>, so a ranged read decrypts only what it reads. CTR is
/// its own inverse: the same call encrypts and decrypts.
/// </summary>
internal static class SegmentCipher
{
    private const int Block = 16;

    /// <summary>Enough counter blocks per AES call to amortise it (64 KiB of key stream).</summary>
    private const int Batch = 4096;

    /// <summary>XORs <paramref name="data"/>, which sits at <paramref name="offset"/> in segment <paramref name="segmentId"/>, with the key stream.</summary>
    public static void Apply(DataKey key, string segmentId, long offset, Span<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        Span<byte> iv = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(segmentId), iv);
        var high = BinaryPrimitives.ReadUInt64BigEndian(iv);
        var low = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
        using var aes = Aes.Create();
        aes.Key = key.Key;
        var counters = ArrayPool<byte>.Shared.Rent(Batch * Block);
        var stream = ArrayPool<byte>.Shared.Rent(Batch * Block);
        try
        {
            var block = (ulong)(offset / Block);
            var skip = (int)(offset % Block);
            var done = 0;
            while (done < data.Length)
            {
                var blocks = (int)Math.Min(Batch, ((long)skip + data.Length - done + Block - 1) / Block);
                for (var i = 0; i < blocks; i++)
                {
                    // The 128-bit big-endian sum of the initial block and the block number.
                    var n = block + (ulong)i;
                    var lo = low + n;
                    var hi = high + (lo < low ? 1UL : 0UL);
                    BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan(i * Block), hi);
                    BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan(i * Block + 8), lo);
                }

                aes.EncryptEcb(counters.AsSpan(0, blocks * Block), stream.AsSpan(0, blocks * Block), PaddingMode.None);
                var take = Math.Min(blocks * Block - skip, data.Length - done);
                Xor(data.Slice(done, take), stream.AsSpan(skip, take));
                done += take;
                block += (ulong)blocks;
                skip = 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(counters);
            ArrayPool<byte>.Shared.Return(stream);
        }
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keyStream)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= data.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                (new Vector<byte>(data[i..]) ^ new Vector<byte>(keyStream[i..])).CopyTo(data[i..]);
            }
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keyStream[i];
        }
    }
}
