using System.Text;

namespace Gateway.Routing;

/// <summary>A parsed query string: decoded names and values in the order sent; a name without '=' has value "".</summary>
internal sealed class QueryString
{
    private readonly List<KeyValuePair<string, string>> _pairs;

    private QueryString(List<KeyValuePair<string, string>> pairs) => _pairs = pairs;

    public static readonly QueryString Empty = new([]);

    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    public static QueryString Parse(string raw)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in raw.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add(new(PercentDecode(name, plusIsSpace: true), PercentDecode(value, plusIsSpace: true)));
        }

        return new QueryString(pairs);
    }

    public bool Has(string name) => _pairs.Exists(p => p.Key == name);

    public string? Get(string name)
    {
        foreach (var p in _pairs)
        {
            if (p.Key == name)
            {
                return p.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// Decodes %XX sequences as UTF-8 bytes. Malformed escapes are kept literally, as S3 does, rather than
    /// failing the whole request.
    /// </summary>
    public static string PercentDecode(string s, bool plusIsSpace) => Decode(s, plusIsSpace, strict: false)!;

    /// <summary>
    /// Decodes a request path's %XX sequences as UTF-8, or null when they are not valid UTF-8 (a stray %FF, an
    /// overlong form, an encoded surrogate): mapping those to U+FFFD would make distinct keys one.
    /// </summary>
    public static string? PercentDecodeStrict(string s, bool plusIsSpace = false) => Decode(s, plusIsSpace, strict: true);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string? Decode(string s, bool plusIsSpace, bool strict)
    {
        if (s.IndexOf('%') < 0 && (!plusIsSpace || s.IndexOf('+') < 0))
        {
            return s;
        }

        var bytes = new List<byte>(s.Length);
        Span<byte> one = stackalloc byte[4];
        for (var i = 0; i < s.Length; i++)
        {
            var ch = s[i];
            if (ch == '%' && i + 2 < s.Length && IsHex(s[i + 1]) && IsHex(s[i + 2]))
            {
                bytes.Add((byte)((HexValue(s[i + 1]) << 4) | HexValue(s[i + 2])));
                i += 2;
            }
            else if (ch == '+' && plusIsSpace)
            {
                bytes.Add((byte)' ');
            }
            else
            {
                var n = Encoding.UTF8.GetBytes(s.AsSpan(i, char.IsHighSurrogate(ch) && i + 1 < s.Length ? 2 : 1), one);
                if (char.IsHighSurrogate(ch) && i + 1 < s.Length)
                {
                    i++;
                }

                for (var k = 0; k < n; k++)
                {
                    bytes.Add(one[k]);
                }
            }
        }

        if (!strict)
        {
            return Encoding.UTF8.GetString(bytes.ToArray());
        }

        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
