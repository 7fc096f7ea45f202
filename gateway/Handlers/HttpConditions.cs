using System.Globalization;
using Gateway.Errors;
using Storage.Metadata;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>
/// Read preconditions (RFC 9110 section 13.2.2 order, as S3 applies them): If-Match, then If-Unmodified-Since
/// (ignored when If-Match is present) -> 412; If-None-Match, then If-Modified-Since (ignored when If-None-Match
/// is present) -> 304 for GET and HEAD.
/// </summary>
internal static class HttpConditions
{
    public static void CheckRead(ObjectInfo o, string? ifMatch, string? ifNoneMatch, string? ifModifiedSince, string? ifUnmodifiedSince,
        S3ErrorCode onNoneMatch = S3ErrorCode.NotModified)
    {
        if (ifMatch is not null)
        {
            if (!ETags.Match(ifMatch, o.ETag))
            {
                throw new S3Exception(S3ErrorCode.PreconditionFailed).With("Condition", "If-Match");
            }
        }
        else if (ParseDate(ifUnmodifiedSince) is { } unmodified && Seconds(o.LastModified) > unmodified)
        {
            throw new S3Exception(S3ErrorCode.PreconditionFailed).With("Condition", "If-Unmodified-Since");
        }

        if (ifNoneMatch is not null)
        {
            if (ETags.Match(ifNoneMatch, o.ETag))
            {
                throw NoneMatch(onNoneMatch, "If-None-Match");
            }
        }
        else if (ParseDate(ifModifiedSince) is { } modified && Seconds(o.LastModified) <= modified)
        {
            throw NoneMatch(onNoneMatch, "If-Modified-Since");
        }
    }

    private static S3Exception NoneMatch(S3ErrorCode code, string condition) =>
        code == S3ErrorCode.NotModified ? new S3Exception(code) : new S3Exception(code).With("Condition", condition);

    // HTTP dates have whole seconds; Last-Modified is compared at that precision.
    private static DateTimeOffset Seconds(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());

    /// <summary>An unparseable date makes the condition absent, as HTTP requires.</summary>
    public static DateTimeOffset? ParseDate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
            ? d : null;
    }
}

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
        const NumberStyles digits = NumberStyles.None;
        if (first.Length == 0)
        {
            // Suffix range: the last N bytes.
            if (!long.TryParse(last, digits, CultureInfo.InvariantCulture, out var n))
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

        if (!long.TryParse(first, digits, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        long end = size - 1;
        if (last.Length > 0)
        {
            if (!long.TryParse(last, digits, CultureInfo.InvariantCulture, out end) || end < start)
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
