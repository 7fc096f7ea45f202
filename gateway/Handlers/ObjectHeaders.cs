using System.Text;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;

namespace Gateway.Handlers;

/// <summary>Which request headers are kept with an object, and the checks S3 applies to them.</summary>
internal static class ObjectHeaders
{
    /// <summary>Standard headers S3 stores with an object and returns on GET and HEAD.</summary>
    public static readonly string[] Kept = ["content-type", "cache-control", "content-encoding", "content-disposition", "content-language", "expires"];

    private static readonly string[] StorageClasses =
    [
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE",
        // Directory buckets' only class (DirectoryBuckets.Admit refuses it elsewhere and any other class there).
        Protocol.DirectoryBuckets.StorageClass,
        "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE",
    ];

    private const int MaxUserMetadataBytes = 2048;
    private const int MaxKeyBytes = 1024;

    /// <summary>
    /// aws-chunked describes the transfer, not the object: S3 strips it from the Content-Encoding it stores and
    /// keeps the rest as sent ("deflate, gzip" stays exactly that). Null when nothing is left.
    /// </summary>
    internal static string? WithoutAwsChunked(string value)
    {
        var tokens = value.Split(',').Select(v => v.Trim()).ToList();
        if (!tokens.Exists(t => t.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase)))
        {
            return value;
        }

        var rest = string.Join(", ", tokens.Where(t => t.Length > 0 && !t.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase)));
        return rest.Length == 0 ? null : rest;
    }

    /// <summary>The headers to store (as the object's attributes) for a new object written by this request.</summary>
    public static Dictionary<string, string> FromRequest(RequestHeaders request)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Kept)
        {
            var value = request[name];
            if (name == "content-encoding" && value is not null)
            {
                value = WithoutAwsChunked(value);
            }

            if (value is not null)
            {
                headers[name] = value;
            }
        }

        headers.TryAdd("content-type", "binary/octet-stream");
        var metaBytes = 0;
        foreach (var key in request.NamesStartingWith("x-amz-meta-"))
        {
            // S3 decodes RFC 2047 encoded-words in metadata values before storing them (and encodes non-ASCII
            // values so on the way out).
            var value = HeaderText.MimeDecode(request[key]!);
            metaBytes += Encoding.UTF8.GetByteCount(key[11..]) + Encoding.UTF8.GetByteCount(value);
            headers[key] = value;
        }

        if (metaBytes > MaxUserMetadataBytes)
        {
            throw new S3Exception(S3ErrorCode.MetadataTooLarge).With("Size", metaBytes.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .With("MaxSizeAllowed", MaxUserMetadataBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var storageClass = request["x-amz-storage-class"];
        if (storageClass is not null)
        {
            if (!StorageClasses.Contains(storageClass))
            {
                throw new S3Exception(S3ErrorCode.InvalidStorageClass).With("StorageClassRequested", storageClass);
            }

            if (storageClass != "STANDARD")
            {
                headers["x-amz-storage-class"] = storageClass;
            }
        }

        return headers;
    }

    /// <summary>Headers that ask for features this gateway does not have: refused before the body is read.</summary>
    public static void RejectUnsupported(RequestHeaders request)
    {
        foreach (var name in new[] { "x-amz-website-redirect-location" })
        {
            if (request[name] is not null)
            {
                throw new S3Exception(S3ErrorCode.NotImplemented, $"The {name} header is not implemented by this gateway.");
            }
        }
    }

    /// <summary>The tag set of the x-amz-tagging header (empty without one), checked before the body is read.</summary>
    public static List<Storage.Objects.Tag> TagsFromRequest(RequestHeaders request) =>
        request["x-amz-tagging"] is { } header ? Tagging.FromHeader(header) : [];

    public static void CheckKey(string key)
    {
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            throw new S3Exception(S3ErrorCode.KeyTooLongError).With("MaxSizeAllowed", "1024");
        }
    }
}
