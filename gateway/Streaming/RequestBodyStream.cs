using System.Buffers;
using System.IO.Pipelines;
using Gateway.Errors;
using Storage.Streams;

namespace Gateway.Streaming;

/// <summary>
/// The request body as Kestrel delivers it, counted for the traffic meter, watched for the moment it ends (so the
/// dispatcher knows whether the connection may carry another request), and bounded by an idle timeout: a client
/// that stops sending in the middle of a body is answered RequestTimeout instead of holding its temp files open.
/// It reads Kestrel's request pipe itself and lets bytes gather there until a read can take a large block (or the
/// body has ended), instead of handing each socket receive of a few KiB up through every decoder and digest.
/// </summary>
internal sealed class RequestBodyStream(PipeReader inner, TimeSpan idleTimeout) : ReadOnlyStream
{
    /// <summary>
    /// A read waits for this much (or the whole rest of the body, or the caller's whole buffer): enough to cut
    /// the per-read cost of the decoders above, small enough that the digests over it run in L2 cache.
    /// </summary>
    private const int Gather = 64 * 1024;

    private long _count;
    private CancellationTokenSource? _idle;
    private CancellationToken _linkedTo;

    public long Count => Interlocked.Read(ref _count);

    private long _abortAfter = long.MaxValue;
    private Action? _abort;

    /// <summary>
    /// Cuts the connection once <paramref name="bytes"/> of the body have been read (a reset fault): the read that
    /// reaches it returns only what fits, and the next one fails as a connection the client closed.
    /// </summary>
    public void AbortAfter(long bytes, Action abort)
    {
        _abortAfter = bytes;
        _abort = abort;
    }

    /// <summary>A read was attempted: for a body with content, Kestrel has then sent 100 Continue if the client asked.</summary>
    public bool ReadAttempted { get; private set; }

    /// <summary>A read returned the end of the body: nothing of it is left on the connection.</summary>
    public bool Ended { get; private set; }

    /// <summary>A synchronous reader (none in the gateway's own code) waits on the asynchronous read.</summary>
    public override int Read(Span<byte> buffer)
    {
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var n = ReadAsync(rented.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        ReadAttempted = true;
        if (_abort is not null && Count >= _abortAfter)
        {
            _abort();
            throw new Microsoft.AspNetCore.Connections.ConnectionResetException("A reset fault cut the connection.");
        }

        if (_abortAfter - Count < buffer.Length)
        {
            buffer = buffer[..(int)(_abortAfter - Count)];
        }

        // One timer source per request (per caller token), armed for the length of each read and disarmed after
        // it: no allocation per read, and time the gateway spends between reads never counts as the client idling.
        // The timer ends a read with CancelPendingRead, not by cancelling the read's token: a read cancelled by its
        // token leaves Kestrel's body reader marked as reading, and Kestrel then logs an error with a stack trace
        // for every timed-out upload when it tries to drain the rest of the body.
        if (_idle is null || _linkedTo != cancellationToken)
        {
            _idle?.Dispose();
            _idle = new CancellationTokenSource();
            _idle.Token.Register(static reader => ((PipeReader)reader!).CancelPendingRead(), inner);
            _linkedTo = cancellationToken;
        }

        _idle.CancelAfter(idleTimeout);
        try
        {
            var want = Math.Min(buffer.Length, Gather);
            while (true)
            {
                var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (result.IsCanceled && _idle.IsCancellationRequested)
                {
                    // What arrived and waited to be gathered is received too (and dropped with the request).
                    Interlocked.Add(ref _count, result.Buffer.Length);
                    inner.AdvanceTo(result.Buffer.End);
                    throw new S3Exception(S3ErrorCode.RequestTimeout);
                }

                var available = result.Buffer;
                if (available.Length >= want || result.IsCompleted || result.IsCanceled)
                {
                    var n = (int)Math.Min(available.Length, buffer.Length);
                    available.Slice(0, n).CopyTo(buffer.Span);
                    inner.AdvanceTo(available.GetPosition(n));
                    if (n == 0)
                    {
                        Ended = true;
                    }

                    Interlocked.Add(ref _count, n);
                    return n;
                }

                // Not enough yet: consume nothing, but mark all of it examined so the next read waits for more.
                inner.AdvanceTo(available.Start, available.End);
            }
        }
        catch (IOException e) when (e is not Microsoft.AspNetCore.Connections.ConnectionResetException && e.InnerException is OverflowException or FormatException)
        {
            // Kestrel's chunked decoder reports a chunk size that overflows (10000000000000005) as a plain IOException
            // around an OverflowException, not as the BadHttpRequestException of every other bad framing: the same 400.
            throw new BadHttpRequestException(e.Message, StatusCodes.Status400BadRequest, e);
        }
        finally
        {
            _idle?.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // A decoder over this stream may dispose it before the request ends; a read after that gets a fresh
            // timer source, which the request's own disposal (RegisterForDispose) then releases.
            _idle?.Dispose();
            _idle = null;
        }

        base.Dispose(disposing);
    }
}
