using System.Globalization;
using System.Text;

namespace Gateway.Adapters.Veza;

/// <summary>
/// Reads a JSON object from a request body one member at a time, without holding the body: small values are read
/// whole (bounded), and one string member can be read as a stream of its base64-decoded bytes, so a Veza chunk
/// is decoded straight into segment files. Only what a <c>:parts</c> request holds is supported: one object of
/// strings, numbers, booleans and nulls (a nested value is skipped, bounded).
/// </summary>
internal sealed class JsonBodyReader(Stream body, CancellationToken ct)
{
    private const int MaxSmallValue = 64 * 1024;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _pos;
    private int _len;
    private bool _eof;

    /// <summary>The object's member names so far: a name that comes twice is refused, never resolved.</summary>
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>A malformed body: the message says where.</summary>
    public sealed class FormatError(string message) : Exception(message);

    private async ValueTask<int> PeekAsync()
    {
        if (_pos == _len)
        {
            if (_eof)
            {
                return -1;
            }

            _len = await body.ReadAsync(_buffer, ct).ConfigureAwait(false);
            _pos = 0;
            if (_len == 0)
            {
                _eof = true;
                return -1;
            }
        }

        return _buffer[_pos];
    }

    private async ValueTask<int> NextAsync()
    {
        var b = await PeekAsync().ConfigureAwait(false);
        if (b >= 0)
        {
            _pos++;
        }

        return b;
    }

    private async ValueTask<int> NextSignificantAsync()
    {
        int b;
        while ((b = await NextAsync().ConfigureAwait(false)) is ' ' or '\t' or '\r' or '\n')
        {
        }

        return b;
    }

    private async ValueTask ExpectAsync(char c)
    {
        if (await NextSignificantAsync().ConfigureAwait(false) != c)
        {
            throw new FormatError($"Expected '{c}'.");
        }
    }

    public ValueTask BeginObjectAsync() => ExpectAsync('{');

    /// <summary>The next member's name, or null at the end of the object.</summary>
    public async ValueTask<string?> NextNameAsync(bool first)
    {
        var b = await NextSignificantAsync().ConfigureAwait(false);
        if (b == '}')
        {
            return null;
        }

        if (!first)
        {
            if (b != ',')
            {
                throw new FormatError("Expected ',' or '}'.");
            }

            b = await NextSignificantAsync().ConfigureAwait(false);
        }

        if (b != '"')
        {
            throw new FormatError("Expected a member name.");
        }

        var name = await ReadStringRestAsync().ConfigureAwait(false);
        if (!_names.Add(name))
        {
            throw new FormatError($"The member \"{name}\" appears twice.");
        }

        await ExpectAsync(':').ConfigureAwait(false);
        return name;
    }

    /// <summary>The body ends after the object (whitespace aside).</summary>
    public async ValueTask EndAsync()
    {
        if (await NextSignificantAsync().ConfigureAwait(false) != -1)
        {
            throw new FormatError("Unexpected data after the JSON object.");
        }
    }

    /// <summary>A small value: a string, a number (as its text), true/false, or null; a nested value is skipped and returned as null.</summary>
    public async ValueTask<(object? Value, bool IsString)> ReadValueAsync()
    {
        var b = await NextSignificantAsync().ConfigureAwait(false);
        switch (b)
        {
            case '"':
                return (await ReadStringRestAsync().ConfigureAwait(false), true);
            case '{' or '[':
                await SkipNestedAsync((char)b).ConfigureAwait(false);
                return (null, false);
            case -1:
                throw new FormatError("The body ends inside a value.");
            default:
                var sb = new StringBuilder().Append((char)b);
                int p;
                while ((p = await PeekAsync().ConfigureAwait(false)) >= 0 && p is not (',' or '}' or ']' or ' ' or '\t' or '\r' or '\n'))
                {
                    sb.Append((char)await NextAsync().ConfigureAwait(false));
                    if (sb.Length > 64)
                    {
                        throw new FormatError("A value is too long.");
                    }
                }

                var text = sb.ToString();
                return text switch
                {
                    "true" => (true, false),
                    "false" => (false, false),
                    "null" => (null, false),
                    _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => (text, false),
                    _ => throw new FormatError($"'{text}' is not a JSON value."),
                };
        }
    }

    private async ValueTask SkipNestedAsync(char open)
    {
        var depth = 1;
        var read = 0;
        while (depth > 0)
        {
            var b = await NextAsync().ConfigureAwait(false);
            if (b < 0 || ++read > MaxSmallValue)
            {
                throw new FormatError("A nested value is unterminated or too large.");
            }

            if (b == '"')
            {
                await ReadStringRestAsync().ConfigureAwait(false);
            }
            else if (b is '{' or '[')
            {
                depth++;
            }
            else if (b is '}' or ']')
            {
                depth--;
            }
        }

        _ = open;
    }

    private async ValueTask<string> ReadStringRestAsync()
    {
        var bytes = new List<byte>();
        while (true)
        {
            var b = await NextAsync().ConfigureAwait(false);
            switch (b)
            {
                case -1:
                    throw new FormatError("The body ends inside a string.");
                case '"':
                    var text = bytes.ToArray();
                    return System.Text.Unicode.Utf8.IsValid(text) ? Encoding.UTF8.GetString(text) : throw new FormatError("A string is not UTF-8.");
                case '\\':
                    var e = await NextAsync().ConfigureAwait(false);
                    var decoded = e switch
                    {
                        '"' => "\"",
                        '\\' => "\\",
                        '/' => "/",
                        'b' => "\b",
                        'f' => "\f",
                        'n' => "\n",
                        'r' => "\r",
                        't' => "\t",
                        'u' => ((char)await ReadHex4Async().ConfigureAwait(false)).ToString(),
                        _ => throw new FormatError("A bad escape in a string."),
                    };
                    bytes.AddRange(Encoding.UTF8.GetBytes(decoded));
                    break;
                default:
                    bytes.Add((byte)b);
                    break;
            }

            if (bytes.Count > MaxSmallValue)
            {
                throw new FormatError("A string member other than data is too long.");
            }
        }
    }

    private async ValueTask<int> ReadHex4Async()
    {
        var v = 0;
        for (var i = 0; i < 4; i++)
        {
            var h = await NextAsync().ConfigureAwait(false);
            v = (v << 4) | (h switch
            {
                >= '0' and <= '9' => h - '0',
                >= 'a' and <= 'f' => h - 'a' + 10,
                >= 'A' and <= 'F' => h - 'A' + 10,
                _ => throw new FormatError("A bad \\u escape."),
            });
        }

        return v;
    }

    /// <summary>
    /// Reads the current member's value, which must be a string, as base64-decoded bytes written to
    /// <paramref name="sink"/> as they arrive; whitespace and JSON escapes of it (\n, \/) are allowed, as encoders emit them.
    /// </summary>
    public async Task CopyBase64StringAsync(Stream sink, long maxBytes)
    {
        if (await NextSignificantAsync().ConfigureAwait(false) != '"')
        {
            throw new FormatError("data must be a base64 string.");
        }

        var quad = new byte[4];
        var q = 0;
        var outBuf = new byte[48 * 1024];
        var outLen = 0;
        long total = 0;
        var padding = 0;
        while (true)
        {
            var b = await NextAsync().ConfigureAwait(false);
            if (b == '"')
            {
                break;
            }

            if (b == '\\')
            {
                b = await NextAsync().ConfigureAwait(false) switch
                {
                    '/' => '/',
                    'n' or 'r' or 't' => ' ',
                    'u' => await ReadHex4Async().ConfigureAwait(false),
                    _ => throw new FormatError("A bad escape in data."),
                };
            }

            if (b is ' ' or '\n' or '\r' or '\t')
            {
                continue;
            }

            var v = b switch
            {
                >= 'A' and <= 'Z' => b - 'A',
                >= 'a' and <= 'z' => b - 'a' + 26,
                >= '0' and <= '9' => b - '0' + 52,
                '+' or '-' => 62,
                '/' or '_' => 63,
                '=' => -2,
                -1 => throw new FormatError("The body ends inside data."),
                _ => -1,
            };
            if (v == -1 || (padding > 0 && v != -2))
            {
                throw new FormatError("data is not valid base64.");
            }

            if (v == -2)
            {
                padding++;
                v = 0;
            }

            quad[q++] = (byte)v;
            if (q < 4)
            {
                continue;
            }

            q = 0;
            var n = 3 - padding;
            if (n < 1)
            {
                throw new FormatError("data is not valid base64.");
            }

            var word = (quad[0] << 18) | (quad[1] << 12) | (quad[2] << 6) | quad[3];
            outBuf[outLen++] = (byte)(word >> 16);
            if (n > 1)
            {
                outBuf[outLen++] = (byte)(word >> 8);
            }

            if (n > 2)
            {
                outBuf[outLen++] = (byte)word;
            }

            if (outLen > outBuf.Length - 3)
            {
                total += outLen;
                if (total > maxBytes)
                {
                    throw new FormatError($"A chunk is larger than {maxBytes} bytes.");
                }

                await sink.WriteAsync(outBuf.AsMemory(0, outLen), ct).ConfigureAwait(false);
                outLen = 0;
            }
        }

        if (q != 0)
        {
            throw new FormatError("data is not valid base64 (its length is not a multiple of 4).");
        }

        total += outLen;
        if (total > maxBytes)
        {
            throw new FormatError($"A chunk is larger than {maxBytes} bytes.");
        }

        await sink.WriteAsync(outBuf.AsMemory(0, outLen), ct).ConfigureAwait(false);
    }
}
