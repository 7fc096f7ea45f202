namespace Storage.Segments;

/// <summary>
/// Reads a byte range of an object from its segment list, opening only the segment files the range touches,
/// one at a time. The caller keeps the segments leased while it reads (see <see cref="Objects.ObjectReader"/>).
/// </summary>
internal sealed class SegmentReadStream : Stream
{
    private readonly SegmentStore _store;
    private readonly IReadOnlyList<SegmentRef> _segments;
    private readonly long _end;
    private long _position;
    private int _index;
    private long _indexStart;
    private FileStream? _file;

    public SegmentReadStream(SegmentStore store, IReadOnlyList<SegmentRef> segments, long start, long count)
    {
        _store = store;
        _segments = segments;
        _position = start;
        _end = start + count;
        // Skip whole segments before the range without touching their files.
        while (_index < segments.Count && _indexStart + segments[_index].Length <= start)
        {
            _indexStart += segments[_index].Length;
            _index++;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // A zero-byte read asks "is data available", not "give me data": it must return 0 and consume nothing
        // (Stream contract), not be mistaken for a segment file that ended early.
        long want = 0;
        var file = buffer.IsEmpty ? null : Current(out want);
        if (file is null)
        {
            return 0;
        }

        var n = file.Read(buffer[..(int)Math.Min(buffer.Length, want)]);
        return Advance(n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        long want = 0;
        var file = buffer.IsEmpty ? null : Current(out want);
        if (file is null)
        {
            return 0;
        }

        var n = await file.ReadAsync(buffer[..(int)Math.Min(buffer.Length, want)], cancellationToken).ConfigureAwait(false);
        return Advance(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private FileStream? Current(out long want)
    {
        want = 0;
        if (_position >= _end || _index >= _segments.Count)
        {
            return null;
        }

        var seg = _segments[_index];
        if (_file is null)
        {
            _file = new FileStream(_store.PathOf(seg.SegmentId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 0);
            _file.Position = seg.Offset + (_position - _indexStart);
        }

        want = Math.Min(_end, _indexStart + seg.Length) - _position;
        return _file;
    }

    private int Advance(int n)
    {
        if (n == 0)
        {
            throw new IOException("Segment file ended before its recorded length.");
        }

        _position += n;
        if (_position == _indexStart + _segments[_index].Length)
        {
            _indexStart += _segments[_index].Length;
            _index++;
            _file?.Dispose();
            _file = null;
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file?.Dispose();
        }

        base.Dispose(disposing);
    }
}
