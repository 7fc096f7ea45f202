using System.Globalization;
using Gateway.Errors;

namespace Gateway.Protocol;

/// <summary>A byte range request resolved against an object size.</summary>
internal readonly record struct ByteRange(long Start, long Length)
{
    public long End => Start + Length - 1;

    /// <summary>
    /// Parses a Range header for an object of <paramref name="size"/> bytes. Returns null when the whole object
    /// should be sent (no header, a header that is not a single byte range: HTTP says ignore it); throws
    /// InvalidRange when the range cannot be satisfied.
    /// </summary>
    public static ByteRange? Parse(string? header, long size)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var h = header.Trim();
        if (!h.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || h.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }

        var spec = h[6..].Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return null;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        const NumberStyles Digits = NumberStyles.None;
        if (first.Length == 0)
        {
            // Suffix range: the last N bytes.
            if (!long.TryParse(last, Digits, CultureInfo.InvariantCulture, out var n))
            {
                return null;
            }

            if (n == 0 || size == 0)
            {
                throw Unsatisfiable(size);
            }

            n = Math.Min(n, size);
            return new ByteRange(size - n, n);
        }

        if (!long.TryParse(first, Digits, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        long end = size - 1;
        if (last.Length > 0)
        {
            if (!long.TryParse(last, Digits, CultureInfo.InvariantCulture, out end) || end < start)
            {
                return null;
            }
        }

        if (start >= size)
        {
            throw Unsatisfiable(size);
        }

        end = Math.Min(end, size - 1);
        return new ByteRange(start, end - start + 1);
    }

    private static S3Exception Unsatisfiable(long size) =>
        new S3Exception(S3ErrorCode.InvalidRange)
            .With("RangeRequested", "bytes")
            .With("ActualObjectSize", size.ToString(CultureInfo.InvariantCulture))
            .WithHeader("Content-Range", "bytes */" + size.ToString(CultureInfo.InvariantCulture));
}
