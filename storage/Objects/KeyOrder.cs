using System.Text;

namespace Storage.Objects;

/// <summary>
/// S3 lists keys in UTF-8 byte order, which is code-point order. SQLite's BINARY collation over UTF-8 text is
/// the same order; C#'s ordinal comparison is UTF-16 order and differs for supplementary characters, so every
/// in-memory comparison of keys goes through here.
/// </summary>
internal static class KeyOrder
{
    public static int Compare(string a, string b)
    {
        var ea = a.EnumerateRunes();
        var eb = b.EnumerateRunes();
        while (true)
        {
            var hasA = ea.MoveNext();
            var hasB = eb.MoveNext();
            if (!hasA || !hasB)
            {
                return hasA ? 1 : hasB ? -1 : 0;
            }

            var c = ea.Current.Value.CompareTo(eb.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }

    /// <summary>The smallest string greater than every string that starts with <paramref name="prefix"/>, or null if none.</summary>
    public static string? UpperBound(string prefix)
    {
        var runes = prefix.EnumerateRunes().ToList();
        while (runes.Count > 0)
        {
            var last = runes[^1].Value;
            runes.RemoveAt(runes.Count - 1);
            if (last < 0x10FFFF)
            {
                var next = last + 1 == 0xD800 ? 0xE000 : last + 1;
                var sb = new StringBuilder();
                foreach (var r in runes)
                {
                    sb.Append(r.ToString());
                }

                sb.Append(new Rune(next).ToString());
                return sb.ToString();
            }
        }

        return null;
    }
}
