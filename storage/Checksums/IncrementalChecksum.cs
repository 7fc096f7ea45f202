using System.Security.Cryptography;

namespace Storage.Checksums;

/// <summary>
/// Streaming checksum. Finish() returns the digest bytes in their conventional order:
/// CRCs in big-endian byte order, SHA digests as usual.
/// </summary>
public abstract class IncrementalChecksum : IDisposable
{
    public static IncrementalChecksum Create(ChecksumAlgorithm a) => ChecksumAlgorithms.Of(a).NewHasher();

    /// <summary>The digest of <paramref name="data"/> in one call.</summary>
    public static byte[] Compute(ChecksumAlgorithm a, ReadOnlySpan<byte> data)
    {
        using var c = Create(a);
        c.Append(data);
        return c.Finish();
    }

    public abstract ChecksumAlgorithm Algorithm { get; }

    public abstract void Append(ReadOnlySpan<byte> data);

    /// <summary>The digest; may be called once.</summary>
    public abstract byte[] Finish();

    public string FinishBase64() => Convert.ToBase64String(Finish());

    public virtual void Dispose()
    {
    }

    private bool _finished;

    /// <summary>A second Finish or an Append after Finish is a caller bug; fail loudly rather than return garbage.</summary>
    private protected void EnsureOpen()
    {
        if (_finished)
        {
            throw new InvalidOperationException("the checksum was already _finished");
        }
    }

    private protected void MarkFinished()
    {
        EnsureOpen();
        _finished = true;
    }
}

/// <summary>
/// A CRC of up to 64 bits: <paramref name="append"/> continues a finished CRC over more bytes; the digest is the CRC
/// big-endian in the algorithm's digest size.
/// </summary>
internal sealed class CrcChecksum(ChecksumAlgorithm algorithm, CrcChecksum.AppendFn append) : IncrementalChecksum
{
    public delegate ulong AppendFn(ulong crc, ReadOnlySpan<byte> data);

    private ulong _crc;

    public override ChecksumAlgorithm Algorithm => algorithm;

    public override void Append(ReadOnlySpan<byte> data)
    {
        EnsureOpen();
        _crc = append(_crc, data);
    }

    public override byte[] Finish()
    {
        MarkFinished();
        return ChecksumAlgorithms.Of(algorithm).FromInteger(_crc);
    }
}

/// <summary>A cryptographic hash from the platform (OpenSSL on Linux).</summary>
internal sealed class HashChecksum(ChecksumAlgorithm algorithm, HashAlgorithmName name) : IncrementalChecksum
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(name);

    public override ChecksumAlgorithm Algorithm => algorithm;

    public override void Append(ReadOnlySpan<byte> data)
    {
        EnsureOpen();
        _hash.AppendData(data);
    }

    public override byte[] Finish()
    {
        MarkFinished();
        return _hash.GetHashAndReset();
    }

    public override void Dispose() => _hash.Dispose();
}

/// <summary>
/// A hash from System.IO.Hashing (the xxHash family): its digest is the hash in big-endian byte order, which is the
/// order that library writes it in and S3's base64 values are of.
/// </summary>
internal sealed class NonCryptographicChecksum(ChecksumAlgorithm algorithm, System.IO.Hashing.NonCryptographicHashAlgorithm hash) : IncrementalChecksum
{
    public override ChecksumAlgorithm Algorithm => algorithm;

    public override void Append(ReadOnlySpan<byte> data)
    {
        EnsureOpen();
        hash.Append(data);
    }

    public override byte[] Finish()
    {
        MarkFinished();
        return hash.GetHashAndReset();
    }
}
