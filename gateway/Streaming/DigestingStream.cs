using Storage.Streams;

namespace Gateway.Streaming;

/// <summary>
/// Passes a body through while feeding every byte to a digest. When the inner stream ends, the digest is
/// finished and handed to <c>verify</c>, which may throw: the Read that would return 0 throws instead, so a
/// reader that commits only on end-of-body never commits a body that failed verification.
/// </summary>
internal sealed class DigestingStream(Stream inner, Action<ReadOnlySpan<byte>> append, Func<byte[]> finish, Action<byte[]> verify) : ReadOnlyStream
{
    private byte[]? _digest;
    private Exception? _failure;

    /// <summary>The finished digest, once the body has been read to its end.</summary>
    public byte[]? Digest => _digest;

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var n = inner.Read(buffer);
        return Account(buffer[..n], n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..n], n);
    }

    private int Account(ReadOnlySpan<byte> data, int n)
    {
        if (n > 0)
        {
            append(data);
            return n;
        }

        // A zero-length read request was answered above; here 0 means the body really ended. A failed check is
        // remembered and thrown again, so a caller that reads on can never take a rejected body for a clean end.
        if (_failure is not null)
        {
            throw _failure;
        }

        if (_digest is null)
        {
            var digest = finish();
            try
            {
                verify(digest);
            }
            catch (Exception e)
            {
                _failure = e;
                throw;
            }

            _digest = digest;
        }

        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
