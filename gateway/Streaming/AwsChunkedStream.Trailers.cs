using System.Security.Cryptography;
using System.Text;
using Gateway.Auth;
using Gateway.Errors;

namespace Gateway.Streaming;

/// <summary>The end of an aws-chunked body: the trailer lines, their signature, and what may follow the last chunk.</summary>
internal sealed partial class AwsChunkedStream
{
    private bool TrailersAllowed => _trailerSigned || _signing == null;

    private void OnTrailerLine(ReadOnlySpan<byte> line, bool atEof)
    {
        if (line.IsEmpty)
        {
            // Some writers put the zero-size chunk's own (empty) data CRLF before the trailers; one such
            // leading blank line is tolerated when trailers are still to come.
            if (!_sawTrailerLine && !atEof && TrailersAllowed && (_trailerSigned || _expectedTrailers.Count > 0) && _trailerBytes == 0)
            {
                _trailerBytes = 2;
                return;
            }

            FinishTrailers();
            return;
        }

        _sawTrailerLine = true;
        _trailerBytes += line.Length + 2;
        if (_trailerBytes > MaxTrailerBytes)
        {
            throw TrailerError("the trailers are too large");
        }

        if (!TrailersAllowed)
        {
            throw TrailerError("this payload mode does not allow trailers");
        }

        var text = Encoding.UTF8.GetString(line);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw TrailerError("a trailer line has no name");
        }

        var name = text[..colon].Trim().ToLowerInvariant();
        var value = text[(colon + 1)..].Trim();
        if (_trailerSignature != null)
        {
            throw TrailerError("a trailer follows x-amz-trailer-signature");
        }

        if (name == TrailerSignatureName)
        {
            if (!_trailerSigned)
            {
                throw TrailerError("x-amz-trailer-signature in an unsigned stream");
            }

            _trailerSignature = value;
            return;
        }

        if (!_expectedTrailers.Contains(name))
        {
            throw TrailerError($"trailer \"{Truncate(name)}\" was not declared in x-amz-trailer");
        }

        if (!_trailers.TryAdd(name, value))
        {
            throw TrailerError($"trailer \"{name}\" appears twice");
        }

        _trailerLines.Add(new(name, value));
    }

    private void FinishTrailers()
    {
        foreach (var name in _expectedTrailers)
        {
            if (!_trailers.ContainsKey(name))
            {
                throw TrailerError($"declared trailer \"{name}\" is missing");
            }
        }

        if (_trailerSigned)
        {
            if (_trailerSignature == null)
            {
                throw TrailerError("x-amz-trailer-signature is missing");
            }

            var stringToSign = SigV4.TrailerStringToSign(_signing!.AmzDate, _signing.Scope, _previousSignature!, SigV4.CanonicalTrailers(_trailerLines));
            var computed = SigV4.Sign(_signing.SigningKey, stringToSign);
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(_trailerSignature)))
            {
                throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch)
                    .With("StringToSign", stringToSign)
                    .With("SignatureProvided", _trailerSignature)
                    .With("StringToSignBytes", SigV4.SpacedHex(stringToSign));
            }
        }

        _state = State.Done;
    }

    /// <summary>End of the inner stream: fine only after the zero-size chunk (a missing final CRLF is tolerated, as some clients omit it).</summary>
    private void OnEof()
    {
        switch (_state)
        {
            case State.Trailer:
                if (_lineLen > 0)
                {
                    var partial = _line.AsSpan(0, _lineLen);
                    _lineLen = 0;
                    OnTrailerLine(partial.EndsWith("\r"u8) ? partial[..^1] : partial, atEof: true);
                }

                if (_state == State.Trailer)
                {
                    FinishTrailers();
                }

                _state = State.Finished;
                return;
            case State.Done:
                _state = State.Finished;
                return;
            case State.Header when _chunkIndex == 0 && _lineLen == 0:
                throw new S3Exception(S3ErrorCode.IncompleteBody, "The request body terminated unexpectedly: the body is empty.");
            case State.Header:
                throw new S3Exception(S3ErrorCode.IncompleteBody, "The request body terminated unexpectedly: the final zero-size chunk is missing.");
            default:
                throw new S3Exception(S3ErrorCode.IncompleteBody, $"The request body terminated unexpectedly inside chunk {_chunkIndex}.");
        }
    }

    private static S3Exception Malformed(string detail) => new(S3ErrorCode.InvalidRequest, "Invalid aws-chunked encoding: " + detail + ".");

    private static S3Exception TrailerError(string detail) =>
        new S3Exception(S3ErrorCode.MalformedTrailerError).With("Detail", detail);

    private static string Truncate(string value) => value.Length > 32 ? value[..32] + "..." : value;
}
