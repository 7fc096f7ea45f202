using Microsoft.Win32.SafeHandles;
using Storage.Streams;

namespace Storage.Segments;

/// <summary>
/// Reads a byte range of an object from its segment list, opening only the segment files the range touches,
/// one at a time. The caller keeps the segments leased while it reads (see <see cref="Objects.ObjectReader"/>).
/// </summary>
internal sealed class SegmentReadStream : ReadOnlyStream
{
    private readonly SegmentStore _store;
    private readonly IReadOnlyList<SegmentRef> _segments;
    private readonly IReadOnlyDictionary<string, byte[]>? _inline;
    private readonly long _end;
    private readonly DataKey? _key;
    private long _position;
    private int _index;
    private long _indexStart;
    private SafeFileHandle? _file;

    /// <param name="inline">The bytes of the inline segments among <paramref name="segments"/>, read in the same snapshot as the list.</param>
    /// <param name="key">The key the segments are encrypted under (null: they are plaintext); each read is decrypted in the caller's buffer.</param>
    public SegmentReadStream(SegmentStore store, IReadOnlyList<SegmentRef> segments, long start, long count, IReadOnlyDictionary<string, byte[]>? inline = null, DataKey? key = null)
    {
        _store = store;
        _key = key;
        _segments = segments;
        _inline = inline;
        _position = start;
        _end = start + count;
        // Skip whole segments before the range without touching their files.
        while (_index < segments.Count && _indexStart + segments[_index].Length <= start)
        {
            _indexStart += segments[_index].Length;
            _index++;
        }
    }

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        // A zero-byte read asks "is data available", not "give me data": it must return 0 and consume nothing
        // (Stream contract), not be mistaken for a segment file that ended early.
        if (buffer.IsEmpty || !Next(out var seg, out var at, out var want))
        {
            return 0;
        }

        var target = buffer[..(int)Math.Min(buffer.Length, want)];
        var n = Inline(seg) is { } data ? Copy(data, at, target) : RandomAccess.Read(File(seg), target, at);
        Decrypt(seg, at, target[..n]);
        return Advance(n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || !Next(out var seg, out var at, out var want))
        {
            return 0;
        }

        var target = buffer[..(int)Math.Min(buffer.Length, want)];
        // Positional reads (pread) with no FileStream buffer of its own: the bytes go from the page cache straight
        // into the caller's memory, which for a GET is the response pipe's.
        var n = Inline(seg) is { } data
            ? Copy(data, at, target.Span)
            : await RandomAccess.ReadAsync(File(seg), target, at, cancellationToken).ConfigureAwait(false);
        Decrypt(seg, at, target.Span[..n]);
        return Advance(n);
    }

    private void Decrypt(SegmentRef seg, long at, Span<byte> bytes)
    {
        if (_key is not null)
        {
            SegmentCipher.Apply(_key, seg.SegmentId, at, bytes);
        }
    }

    private static int Copy(byte[] data, long at, Span<byte> target)
    {
        var n = (int)Math.Min(target.Length, data.Length - at);
        data.AsSpan((int)at, n).CopyTo(target);
        return n;
    }

    private byte[]? Inline(SegmentRef seg) =>
        Metadata.InlineRows.IsInline(seg.SegmentId)
            ? _inline?.GetValueOrDefault(seg.SegmentId) ?? throw new InvalidOperationException($"Inline segment {seg.SegmentId} was not loaded.")
            : null;

    private SafeFileHandle File(SegmentRef seg) =>
        _file ??= System.IO.File.OpenHandle(_store.PathOf(seg.SegmentId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>The segment the position is in, the offset within it and how many bytes of the range it still holds.</summary>
    private bool Next(out SegmentRef seg, out long at, out long want)
    {
        seg = null!;
        at = want = 0;
        if (_position >= _end || _index >= _segments.Count)
        {
            return false;
        }

        seg = _segments[_index];
        at = seg.Offset + (_position - _indexStart);
        want = Math.Min(_end, _indexStart + seg.Length) - _position;
        return true;
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file?.Dispose();
        }

        base.Dispose(disposing);
    }
}
