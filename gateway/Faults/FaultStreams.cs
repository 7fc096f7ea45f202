namespace Gateway.Faults;

/// <summary>A response body written at most <c>bytesPerSecond</c>: each write goes out in tenth-of-a-second slices.</summary>
internal sealed class ThrottledResponseStream(Stream inner, long bytesPerSecond) : ResponseWrapper(inner)
{
    private readonly int _slice = (int)Math.Clamp(bytesPerSecond / 10, 1, 1 << 20);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        for (var at = 0; at < buffer.Length; at += _slice)
        {
            var piece = buffer.Slice(at, Math.Min(_slice, buffer.Length - at));
            await Inner.WriteAsync(piece, cancellationToken).ConfigureAwait(false);
            await Inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds((double)piece.Length / bytesPerSecond), cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>A response body cut after <c>limit</c> bytes: what fits is sent, then the connection is aborted.</summary>
internal sealed class CuttingResponseStream(Stream inner, long limit, Action abort) : ResponseWrapper(inner)
{
    private long _sent;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var room = (int)Math.Min(buffer.Length, Math.Max(0, limit - _sent));
        if (room > 0)
        {
            await Inner.WriteAsync(buffer[..room], cancellationToken).ConfigureAwait(false);
            _sent += room;
        }

        if (room < buffer.Length)
        {
            await Inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            abort();
            throw new OperationCanceledException("A reset fault cut the connection.");
        }
    }
}

/// <summary>The write-only response stream shape both wrappers share.</summary>
internal abstract class ResponseWrapper(Stream inner) : Stream
{
    protected Stream Inner => inner;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
