using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Storage.Checksums;

/// <summary>
/// Streaming checksum. Finish() returns the digest bytes in their conventional order:
/// CRCs in big-endian byte order, SHA digests as usual.
/// </summary>
public abstract class IncrementalChecksum : IDisposable
{
    public static IncrementalChecksum Create(ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 => new Crc32Checksum(),
        ChecksumAlgorithm.Crc32C => new Crc32CChecksum(),
        ChecksumAlgorithm.Crc64Nvme => new Crc64NvmeChecksum(),
        ChecksumAlgorithm.Sha1 => new ShaChecksum(ChecksumAlgorithm.Sha1, HashAlgorithmName.SHA1),
        ChecksumAlgorithm.Sha256 => new ShaChecksum(ChecksumAlgorithm.Sha256, HashAlgorithmName.SHA256),
    };

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

    private sealed class Crc32Checksum : IncrementalChecksum
    {
        private uint _crc;

        public override ChecksumAlgorithm Algorithm => ChecksumAlgorithm.Crc32;

        public override void Append(ReadOnlySpan<byte> data)
        {
            EnsureOpen();
            _crc = Crc32.Append(_crc, data);
        }

        public override byte[] Finish()
        {
            MarkFinished();
            var digest = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(digest, _crc);
            return digest;
        }
    }

    private sealed class Crc32CChecksum : IncrementalChecksum
    {
        private uint _crc;

        public override ChecksumAlgorithm Algorithm => ChecksumAlgorithm.Crc32C;

        public override void Append(ReadOnlySpan<byte> data)
        {
            EnsureOpen();
            _crc = Crc32C.Append(_crc, data);
        }

        public override byte[] Finish()
        {
            MarkFinished();
            var digest = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(digest, _crc);
            return digest;
        }
    }

    private sealed class Crc64NvmeChecksum : IncrementalChecksum
    {
        private ulong _crc;

        public override ChecksumAlgorithm Algorithm => ChecksumAlgorithm.Crc64Nvme;

        public override void Append(ReadOnlySpan<byte> data)
        {
            EnsureOpen();
            _crc = Crc64Nvme.Append(_crc, data);
        }

        public override byte[] Finish()
        {
            MarkFinished();
            var digest = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(digest, _crc);
            return digest;
        }
    }

    private sealed class ShaChecksum(ChecksumAlgorithm algorithm, HashAlgorithmName name) : IncrementalChecksum
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
}
