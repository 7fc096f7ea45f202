using Storage.Streams;

namespace Storage.Segments;

/// <summary>A read stream that holds a segment lease until it is disposed.</summary>
internal sealed class LeasedStream(Stream inner, IDisposable lease) : ReadOnlyStream
{
    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            lease.Dispose();
        }

        base.Dispose(disposing);
    }
}
