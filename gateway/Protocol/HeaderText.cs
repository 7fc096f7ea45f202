using System.Globalization;
using System.Text;

namespace Gateway.Protocol;

/// <summary>
/// Header values that are not plain ASCII. The response writer sends each header character as one byte
/// (ISO-8859-1), so a value reaches the wire only in one of these forms: S3 returns a non-ASCII user metadata
/// value as RFC 2047 encoded-words (and decodes such words before storing); other stored headers go back as the
/// UTF-8 bytes they came in as; a response-* override must be representable in ISO-8859-1, as S3 requires.
/// </summary>
internal static class HeaderText
{
    /// <summary>True when every character can go on the wire as itself: visible ASCII, space and tab.</summary>
    public static bool IsPlainAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is not ('\t' or (>= ' ' and <= '~')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when every character is one ISO-8859-1 byte that a header may carry (no control characters).</summary>
    public static bool IsLatin1Text(string value)
    {
        foreach (var c in value)
        {
            if (c is not ('\t' or (>= ' ' and <= '~') or (>= '\u00a0' and <= '\u00ff')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A stored value as the bytes it arrived as: its UTF-8, one character per byte.</summary>
    public static string Utf8AsBytes(string value) => IsPlainAscii(value) ? value : Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(value));

    // RFC 2047: an encoded-word is at most 75 characters; "=?UTF-8?B?" + "?=" leave 63, i.e. 45 bytes of base64 input.
    private const int MaxBytesPerWord = 45;

    /// <summary>RFC 2047 "B" encoded-words of the value's UTF-8 (split between characters, never inside one); ASCII values unchanged.</summary>
    public static string MimeEncode(string value)
    {
        if (IsPlainAscii(value))
        {
            return value;
        }

        var words = new List<string>();
        var bytes = new List<byte>();
        Span<byte> one = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var length = char.IsHighSurrogate(value[i]) && i + 1 < value.Length ? 2 : 1;
            var n = Encoding.UTF8.GetBytes(value.AsSpan(i, length), one);
            i += length - 1;
            if (bytes.Count + n > MaxBytesPerWord)
            {
                words.Add(Word(bytes));
                bytes.Clear();
            }

            bytes.AddRange(one[..n].ToArray());
        }

        words.Add(Word(bytes));
        return string.Join(' ', words);
    }

    private static string Word(List<byte> bytes) => "=?UTF-8?B?" + Convert.ToBase64String(bytes.ToArray()) + "?=";

    /// <summary>
    /// Decodes RFC 2047 encoded-words ("=?charset?B?...?=" or "?Q?") in UTF-8, ISO-8859-1 or US-ASCII; whitespace
    /// between two adjacent words is dropped, as the RFC says. Anything malformed or in another charset stays as written.
    /// </summary>
    public static string MimeDecode(string value)
    {
        if (!value.Contains("=?", StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder();
        var pos = 0;
        var afterWord = false;
        while (pos < value.Length)
        {
            var start = value.IndexOf("=?", pos, StringComparison.Ordinal);
            if (start < 0 || !TryWord(value, start, out var decoded, out var end))
            {
                var next = start < 0 ? value.Length : start + 2;
                sb.Append(value, pos, next - pos);
                pos = next;
                afterWord = false;
                continue;
            }

            var between = value[pos..start];
            if (!(afterWord && string.IsNullOrWhiteSpace(between)))
            {
                sb.Append(between);
            }

            sb.Append(decoded);
            pos = end;
            afterWord = true;
        }

        return sb.ToString();
    }

    private static bool TryWord(string s, int start, out string decoded, out int end)
    {
        decoded = "";
        end = start;
        var q1 = s.IndexOf('?', start + 2);
        var q2 = q1 < 0 ? -1 : s.IndexOf('?', q1 + 1);
        var close = q2 < 0 ? -1 : s.IndexOf("?=", q2 + 1, StringComparison.Ordinal);
        if (close < 0 || q2 != q1 + 2)
        {
            return false;
        }

        var charset = s[(start + 2)..q1].ToUpperInvariant() switch
        {
            "UTF-8" => Encoding.UTF8,
            "ISO-8859-1" => Encoding.Latin1,
            "US-ASCII" => Encoding.ASCII,
            _ => null,
        };
        var text = s[(q2 + 1)..close];
        byte[]? bytes = char.ToUpperInvariant(s[q1 + 1]) switch
        {
            'B' => FromBase64(text),
            'Q' => FromQ(text),
            _ => null,
        };
        if (charset is null || bytes is null || text.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }

        decoded = charset.GetString(bytes);
        end = close + 2;
        return true;
    }

    private static byte[]? FromBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[]? FromQ(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '_')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '=')
            {
                if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    return null;
                }

                bytes.Add(b);
                i += 2;
            }
            else if (c is > ' ' and <= '~')
            {
                bytes.Add((byte)c);
            }
            else
            {
                return null;
            }
        }

        return bytes.ToArray();
    }
}
