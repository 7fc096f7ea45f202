using System.Security.Cryptography;
using System.Text;
using Gateway.Auth;
using Gateway.Errors;
using Storage.Streams;

namespace Gateway.Streaming;

/// <summary>
/// Read-only, forward-only decoder of an aws-chunked body. signing == null means unsigned chunks
/// (STREAMING-UNSIGNED-PAYLOAD-TRAILER: "&lt;hex-size&gt;\r\n&lt;data&gt;\r\n ... 0\r\n&lt;trailers&gt;\r\n\r\n").
/// </summary>
/// <remarks>
/// Formats: "Signature Calculation: Transfer Payload in Multiple Chunks (Chunked Upload)" (signed chunks
/// "&lt;hex&gt;;chunk-signature=&lt;sig&gt;\r\n&lt;data&gt;\r\n", ending with a zero-size chunk) and "Signature calculations
/// for trailing headers" (after the zero-size chunk: "name:value\r\n" lines, then for signed streams
/// "x-amz-trailer-signature:&lt;sig&gt;\r\n", then "\r\n").
/// Chunk data is read straight into the caller's buffer and hashed as it goes (only the framing passes through a small buffer of our own); a chunk's signature is checked by the Read
/// that consumes its last byte, so a bad chunk throws before any later data is returned. Read returns 0 only
/// once every signature, the trailers and the decoded length have been checked: callers commit only then.
/// The inner stream is not owned and is not disposed.
/// </remarks>
internal sealed partial class AwsChunkedStream : ReadOnlyStream
{
    /// <summary>
    /// What one read between chunks asks for: a signed chunk header is about 90 bytes, so little of the next
    /// chunk's data comes along and has to be copied out of our buffer.
    /// </summary>
    private const int FramingRead = 256;

    private const int SyncBufferSize = 64 * 1024;

    /// <summary>A signed size line is about 90 bytes; anything near this bound is not a chunk header.</summary>
    private const int MaxLineLength = 4096;

    private const int MaxTrailerBytes = 16 * 1024;

    /// <summary>S3 rejects signed chunks under 8 KiB other than the last (InvalidChunkSizeError, sigv4-streaming).</summary>
    private const int MinSignedChunkSize = 8192;

    private const string TrailerSignatureName = "x-amz-trailer-signature";
    private const string ChunkSignaturePrefix = "chunk-signature=";

    private enum State { Header, Data, DataCr, DataLf, Trailer, Done, Finished }

    private readonly Stream _inner;
    private readonly ChunkSigningContext? _signing;
    private readonly bool _trailerSigned;
    private readonly HashSet<string> _expectedTrailers;
    private readonly long? _decodedContentLength;
    private byte[] _buffer = new byte[FramingRead];
    private readonly byte[] _line = new byte[MaxLineLength];
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Dictionary<string, string> _trailers = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, string>> _trailerLines = [];

    private int _pos;
    private int _len;
    private bool _innerEof;
    private int _lineLen;
    private int _completeLineLen;
    private State _state = State.Header;
    private long _chunkRemaining;
    private string? _chunkSignature;
    private string? _previousSignature;
    private long _decoded;
    private int _chunkIndex;
    private long _previousDataChunkSize = -1;
    private int _trailerBytes;
    private bool _sawTrailerLine;
    private string? _trailerSignature;
    private Exception? _failure;

    public AwsChunkedStream(Stream inner, ChunkSigningContext? signing, bool trailerSigned, IReadOnlyList<string> expectedTrailers, long? decodedContentLength)
    {
        if (trailerSigned && signing == null)
        {
            throw new ArgumentException("A signed trailer needs a signing context.", nameof(trailerSigned));
        }

        _inner = inner;
        _signing = signing;
        _trailerSigned = trailerSigned;
        _expectedTrailers = new HashSet<string>(expectedTrailers.Select(t => t.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        _decodedContentLength = decodedContentLength;
        _previousSignature = signing?.SeedSignature;
    }

    /// <summary>Trailers by lowercase name, without x-amz-trailer-signature; complete once Read has returned 0.</summary>
    public IReadOnlyDictionary<string, string> Trailers => _trailers;

    /// <summary>
    /// The synchronous form (no caller in the gateway: request bodies are read asynchronously) fills a large buffer
    /// of its own and copies out of it, as any buffered decoder does.
    /// </summary>
    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            var n = Advance(buffer);
            if (n > 0 || _state == State.Finished || buffer.IsEmpty)
            {
                return n;
            }

            if (_innerEof)
            {
                Guard(OnEof);
                continue;
            }

            if (_buffer.Length < SyncBufferSize)
            {
                _buffer = new byte[SyncBufferSize];
            }

            _pos = 0;
            _len = _inner.Read(_buffer, 0, _buffer.Length);
            _innerEof = _len == 0;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var n = Advance(buffer.Span);
            if (n > 0 || _state == State.Finished || buffer.IsEmpty)
            {
                return n;
            }

            if (_innerEof)
            {
                Guard(OnEof);
                continue;
            }

            if (CanReadDirect)
            {
                var want = DirectLength(buffer.Length);
                var read = await _inner.ReadAsync(buffer[..want], cancellationToken).ConfigureAwait(false);
                if (Direct(buffer.Span[..want], read) is var got and > 0)
                {
                    return got;
                }

                continue;
            }

            _pos = 0;
            _len = await _inner.ReadAsync(_buffer.AsMemory(0, FramingRead), cancellationToken).ConfigureAwait(false);
            _innerEof = _len == 0;
        }
    }

    /// <summary>
    /// Inside a chunk's data with nothing buffered, the data is read straight into the caller's buffer (never past
    /// the chunk's end), so each byte is copied once; only the framing between chunks goes through our buffer.
    /// </summary>
    private bool CanReadDirect => _state == State.Data && _pos == _len && _chunkRemaining > 0;

    private int DirectLength(int room) => (int)Math.Min(room, _chunkRemaining);

    /// <summary>Accounts for <paramref name="n"/> bytes read straight into <paramref name="data"/>; 0 means the inner stream ended.</summary>
    private int Direct(Span<byte> data, int n)
    {
        if (n == 0)
        {
            _innerEof = true;
            return 0;
        }

        if (_signing != null)
        {
            _hash.AppendData(data[..n]);
        }

        _chunkRemaining -= n;
        _decoded += n;
        if (_chunkRemaining == 0)
        {
            Guard(VerifyChunk);
            _state = State.DataCr;
        }

        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Runs the state machine over buffered input; returns bytes produced, 0 when input is needed or the body is finished.</summary>
    private int Advance(Span<byte> dest)
    {
        if (_failure != null)
        {
            throw _failure;
        }

        try
        {
            return Step(dest);
        }
        catch (S3Exception e)
        {
            _failure = e;
            throw;
        }
    }

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (S3Exception e)
        {
            _failure = e;
            throw;
        }
    }

    private int Step(Span<byte> dest)
    {
        var produced = 0;
        while (true)
        {
            switch (_state)
            {
                case State.Header:
                    if (!TryReadLine())
                    {
                        return produced;
                    }

                    OnHeaderLine(_line.AsSpan(0, _completeLineLen));
                    break;

                case State.Data:
                    if (produced == dest.Length || _pos == _len)
                    {
                        return produced;
                    }

                    var n = (int)Math.Min(Math.Min(_len - _pos, dest.Length - produced), _chunkRemaining);
                    var data = _buffer.AsSpan(_pos, n);
                    data.CopyTo(dest[produced..]);
                    if (_signing != null)
                    {
                        _hash.AppendData(data);
                    }

                    _pos += n;
                    produced += n;
                    _chunkRemaining -= n;
                    _decoded += n;
                    if (_chunkRemaining == 0)
                    {
                        VerifyChunk();
                        _state = State.DataCr;
                    }

                    break;

                case State.DataCr:
                case State.DataLf:
                    if (_pos == _len)
                    {
                        return produced;
                    }

                    var expected = _state == State.DataCr ? (byte)'\r' : (byte)'\n';
                    if (_buffer[_pos++] != expected)
                    {
                        throw Malformed($"chunk {_chunkIndex} data is not followed by CRLF");
                    }

                    _state = _state == State.DataCr ? State.DataLf : State.Header;
                    break;

                case State.Trailer:
                    if (!TryReadLine())
                    {
                        return produced;
                    }

                    OnTrailerLine(_line.AsSpan(0, _completeLineLen), atEof: false);
                    break;

                case State.Done:
                    if (_pos < _len)
                    {
                        throw Malformed("data follows the end of the aws-chunked body");
                    }

                    return produced;

                case State.Finished:
                    return produced;
            }
        }
    }

    /// <summary>Accumulates one CRLF-terminated line across reads; the CR may arrive in one read and the LF in the next.</summary>
    private bool TryReadLine()
    {
        while (_pos < _len)
        {
            var b = _buffer[_pos++];
            if (b == (byte)'\n')
            {
                if (_lineLen == 0 || _line[_lineLen - 1] != (byte)'\r')
                {
                    throw _state == State.Trailer ? TrailerError("a trailer line is not terminated by CRLF") : Malformed("a chunk header is not terminated by CRLF");
                }

                _completeLineLen = _lineLen - 1;
                _lineLen = 0;
                return true;
            }

            if (_lineLen == MaxLineLength)
            {
                throw _state == State.Trailer ? TrailerError("a trailer line is too long") : Malformed("a chunk header is too long");
            }

            _line[_lineLen++] = b;
        }

        return false;
    }

    private void OnHeaderLine(ReadOnlySpan<byte> line)
    {
        var text = Encoding.ASCII.GetString(line);
        var semicolon = text.IndexOf(';', StringComparison.Ordinal);
        var sizeText = semicolon < 0 ? text : text[..semicolon];
        if (sizeText.Length is 0 or > 15 || !sizeText.All(char.IsAsciiHexDigit))
        {
            throw Malformed($"invalid chunk size \"{Truncate(sizeText)}\"");
        }

        var size = Convert.ToInt64(sizeText, 16);
        _chunkIndex++;
        if (_signing != null)
        {
            var extension = semicolon < 0 ? "" : text[(semicolon + 1)..];
            if (!extension.StartsWith(ChunkSignaturePrefix, StringComparison.Ordinal) || extension.Length != ChunkSignaturePrefix.Length + 64)
            {
                throw Malformed($"chunk {_chunkIndex} has no valid chunk-signature");
            }

            _chunkSignature = extension[ChunkSignaturePrefix.Length..];
        }

        if (size > 0)
        {
            if (_signing != null && _previousDataChunkSize is >= 0 and < MinSignedChunkSize)
            {
                throw new S3Exception(S3ErrorCode.InvalidChunkSizeError)
                    .With("Chunk", (_chunkIndex - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .With("BadChunkSize", _previousDataChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (_decodedContentLength is { } declared && _decoded + size > declared)
            {
                throw new S3Exception(S3ErrorCode.IncompleteBody, "The chunks carry more data than x-amz-decoded-content-length declares.");
            }

            _previousDataChunkSize = size;
            _chunkRemaining = size;
            _state = State.Data;
            return;
        }

        // The zero-size chunk ends the data; it is signed like any other chunk (over the empty string).
        VerifyChunk();
        if (_decodedContentLength is { } expected && _decoded != expected)
        {
            throw new S3Exception(S3ErrorCode.IncompleteBody, "The chunks carry less data than x-amz-decoded-content-length declares.");
        }

        _state = State.Trailer;
    }

    private void VerifyChunk()
    {
        if (_signing == null)
        {
            return;
        }

        var stringToSign = SigV4.ChunkStringToSign(_signing.AmzDate, _signing.Scope, _previousSignature!, SigV4.Hex(_hash.GetHashAndReset()));
        var computed = SigV4.Sign(_signing.SigningKey, stringToSign);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(_chunkSignature!)))
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch)
                .With("StringToSign", stringToSign)
                .With("SignatureProvided", _chunkSignature!)
                .With("StringToSignBytes", SigV4.SpacedHex(stringToSign));
        }

        _previousSignature = _chunkSignature;
    }
}
