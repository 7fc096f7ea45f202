namespace Storage.Objects;

/// <summary>ETag comparison as conditionals use it: quotes and a weak prefix are ignored; "*" matches anything.</summary>
public static class ETags
{
    /// <summary>An opaque ETag: 128 random bits in hex (directory buckets' objects, appends).</summary>
    public static string Random() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public static string Unquote(string etag)
    {
        var s = etag.Trim();
        if (s.StartsWith("W/", StringComparison.Ordinal))
        {
            s = s[2..];
        }

        return s.Length >= 2 && s[0] == '"' && s[^1] == '"' ? s[1..^1] : s;
    }

    /// <summary>True if any entry of a comma-separated If-Match / If-None-Match list matches <paramref name="etag"/>.</summary>
    public static bool Match(string headerList, string etag)
    {
        foreach (var part in headerList.Split(','))
        {
            var p = part.Trim();
            if (p == "*" || Unquote(p) == etag)
            {
                return true;
            }
        }

        return false;
    }
}
