namespace Bench;

/// <summary>
/// A seekable stream of deterministic pseudo-random bytes: the same (seed, position) always gives the same
/// byte, so a benchmark can upload gigabytes and verify the download without holding either in memory.
/// </summary>
internal sealed class GeneratedStream(long length, ulong seed, long offset = 0) : Stream
{
    private const int Block = 4096;
    private readonly byte[] _block = new byte[Block];
    private long _blockIndex = -1;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get; set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - Position);
        for (var done = 0; done < n;)
        {
            // Offset lets a stream stand for a slice of a larger generated object (one part of it).
            var absolute = offset + Position;
            var index = absolute / Block;
            Fill(index);
            var within = (int)(absolute % Block);
            var take = Math.Min(n - done, Block - within);
            _block.AsSpan(within, take).CopyTo(buffer[done..]);
            done += take;
            Position += take;
        }

        return n;
    }

    private void Fill(long index)
    {
        if (index == _blockIndex)
        {
            return;
        }

        // xorshift64* seeded by the block number: cheap and position-addressable.
        var x = seed ^ ((ulong)index * 0x9E3779B97F4A7C15UL) | 1;
        for (var i = 0; i < Block; i += 8)
        {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            BitConverter.TryWriteBytes(_block.AsSpan(i), x * 0x2545F4914F6CDD1DUL);
        }

        _blockIndex = index;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
