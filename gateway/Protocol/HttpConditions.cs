using System.Globalization;
using Gateway.Http;
using Storage.Objects;

namespace Gateway.Protocol;

/// <summary>
/// Read preconditions from request headers: If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since for a
/// read, their x-amz-copy-source-if-* forms for a copy source. Storage evaluates them (<see cref="ReadConditions"/>).
/// </summary>
internal static class HttpConditions
{
    public static ReadConditions Read(RequestHeaders h) =>
        new(h["If-Match"], h["If-None-Match"], ParseDate(h["If-Modified-Since"]), ParseDate(h["If-Unmodified-Since"]));

    public static ReadConditions CopySource(RequestHeaders h) =>
        new(h["x-amz-copy-source-if-match"], h["x-amz-copy-source-if-none-match"],
            ParseDate(h["x-amz-copy-source-if-modified-since"]), ParseDate(h["x-amz-copy-source-if-unmodified-since"]));

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
