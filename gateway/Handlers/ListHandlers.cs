using System.Globalization;
using System.Text;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>ListObjects (v1), ListObjectsV2 and ListObjectVersions.</summary>
internal static class ListHandlers
{
    /// <summary>
    /// ListObjectsV2 in a directory bucket ("ListObjectsV2", directory buckets): "/" is the only delimiter, a prefix
    /// must end in one, and StartAfter is not supported. (S3 may list them in any order; this gateway keeps key order.)
    /// </summary>
    private static void DirectoryListingRules(string? prefix, string? delimiter, string? startAfter)
    {
        if (delimiter is not null && delimiter != "/")
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "For directory buckets, / is the only supported delimiter.")
                .With("ArgumentName", "delimiter").With("ArgumentValue", delimiter);
        }

        if (!string.IsNullOrEmpty(prefix) && !prefix.EndsWith('/'))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "For directory buckets, only prefixes that end in a delimiter (/) are supported.")
                .With("ArgumentName", "prefix").With("ArgumentValue", prefix);
        }

        if (startAfter is not null)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "StartAfter is not supported for directory buckets.")
                .With("ArgumentName", "start-after").With("ArgumentValue", startAfter);
        }
    }

    public static S3Response ListObjectsV2(S3Request r)
    {
        var p = Params.Parse(r);
        var token = r.Query.Get("continuation-token");
        var startAfter = r.Query.Get("start-after");
        var fetchOwner = r.Query.Get("fetch-owner") == "true";
        string? after = startAfter;
        // An empty token is no token (S3 lists from the start and echoes it empty).
        if (!string.IsNullOrEmpty(token))
        {
            after = Tokens.Decode(token) ?? throw new S3Exception(S3ErrorCode.InvalidArgument, "The continuation token provided is incorrect")
                .With("ArgumentName", "continuation-token");
        }

        if (r.Gate?.Bucket.Kind == BucketKind.Directory)
        {
            DirectoryListingRules(p.Prefix, p.Delimiter, startAfter);
        }

        var page = r.Storage.Objects.List(r.Bucket, r.Account, p.Prefix, p.Delimiter, after, p.MaxKeys);
        var xml = new XmlBuilder().Root("ListBucketResult")
            .Element("Name", r.Bucket)
            .Element("Prefix", p.Encode(p.Prefix))
            .Element("Delimiter", p.Delimiter is null ? null : p.Encode(p.Delimiter))
            .Element("MaxKeys", p.MaxKeys)
            .Element("EncodingType", p.Url ? "url" : null)
            .Element("KeyCount", page.Objects.Count + page.CommonPrefixes.Count)
            .Element("IsTruncated", page.IsTruncated)
            .Element("ContinuationToken", token)
            .Element("NextContinuationToken", page.IsTruncated && page.LastReturned is not null ? Tokens.Encode(page.LastReturned) : null)
            .Element("StartAfter", startAfter is null ? null : p.Encode(startAfter));
        foreach (var o in page.Objects)
        {
            Contents(xml, "Contents", o, p, fetchOwner ? r.Services.Accounts : null);
        }

        Prefixes(xml, page.CommonPrefixes, p);
        return S3Response.Xml(xml.Close("ListBucketResult").ToString());
    }

    public static S3Response ListObjectsV1(S3Request r)
    {
        var p = Params.Parse(r);
        var marker = r.Query.Get("marker");
        var page = r.Storage.Objects.List(r.Bucket, r.Account, p.Prefix, p.Delimiter, string.IsNullOrEmpty(marker) ? null : marker, p.MaxKeys);
        var xml = new XmlBuilder().Root("ListBucketResult")
            .Element("Name", r.Bucket)
            // ListObjects (v1) echoes Prefix unencoded even under encoding-type=url (botocore decodes only
            // Delimiter, Marker and NextMarker at the top level of a v1 listing), so a prefix of "\n" round-trips.
            .Element("Prefix", p.Prefix)
            .Element("Marker", p.Encode(marker ?? ""))
            .Element("MaxKeys", p.MaxKeys)
            .Element("Delimiter", p.Delimiter is null ? null : p.Encode(p.Delimiter))
            .Element("EncodingType", p.Url ? "url" : null)
            .Element("IsTruncated", page.IsTruncated)
            // S3 sends NextMarker only with a delimiter; without one, clients continue from the last key.
            .Element("NextMarker", page.IsTruncated && p.Delimiter is not null ? p.Encode(page.LastReturned!) : null);
        foreach (var o in page.Objects)
        {
            Contents(xml, "Contents", o, p, r.Services.Accounts);
        }

        Prefixes(xml, page.CommonPrefixes, p);
        return S3Response.Xml(xml.Close("ListBucketResult").ToString());
    }

    /// <summary>
    /// Buckets here are never versioned, so each object is its own only version, "null", and latest. Clients
    /// (the CLI's rb --force, SDK test suites) call this before deleting a bucket.
    /// </summary>
    public static S3Response ListObjectVersions(S3Request r)
    {
        var p = Params.Parse(r);
        var keyMarker = r.Query.Get("key-marker");
        var versionMarker = r.Query.Get("version-id-marker");
        if (!string.IsNullOrEmpty(versionMarker) && string.IsNullOrEmpty(keyMarker))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "A version-id marker cannot be specified without a key marker.")
                .With("ArgumentName", "version-id-marker");
        }

        var page = r.Storage.Objects.ListVersions(r.Bucket, r.Account, p.Prefix, p.Delimiter, string.IsNullOrEmpty(keyMarker) ? null : keyMarker,
            string.IsNullOrEmpty(versionMarker) ? null : versionMarker, p.MaxKeys);
        var xml = new XmlBuilder().Root("ListVersionsResult")
            .Element("Name", r.Bucket)
            .Element("Prefix", p.Encode(p.Prefix))
            .Element("KeyMarker", p.Encode(keyMarker ?? ""))
            .Element("VersionIdMarker", versionMarker ?? "")
            .Element("MaxKeys", p.MaxKeys)
            .Element("Delimiter", p.Delimiter is null ? null : p.Encode(p.Delimiter))
            .Element("EncodingType", p.Url ? "url" : null)
            .Element("IsTruncated", page.IsTruncated);
        if (page.IsTruncated)
        {
            xml.Element("NextKeyMarker", p.Encode(page.NextKeyMarker!)).Element("NextVersionIdMarker", page.NextVersionIdMarker);
        }

        foreach (var v in page.Versions)
        {
            if (v.IsDeleteMarker)
            {
                xml.Open("DeleteMarker").Element("Key", p.Encode(v.Key)).Element("VersionId", v.VersionId).Element("IsLatest", v.IsLatest)
                    .Element("LastModified", Wire.Timestamp(v.LastModified)).Owner(r.Services.Accounts, v.Owner).Close("DeleteMarker");
                continue;
            }

            xml.Open("Version").Element("Key", p.Encode(v.Key)).Element("VersionId", v.VersionId).Element("IsLatest", v.IsLatest)
                .Element("LastModified", Wire.Timestamp(v.LastModified)).Element("ETag", Wire.Quote(v.ETag));
            Checksum(xml, v);
            xml.Element("Size", v.Size).Element("StorageClass", StorageClass(v)).Owner(r.Services.Accounts, v.Owner).Close("Version");
        }

        Prefixes(xml, page.CommonPrefixes, p);
        return S3Response.Xml(xml.Close("ListVersionsResult").ToString());
    }

    /// <param name="owners">Set when the listing shows owners (V1 always, V2 with fetch-owner).</param>
    private static void Contents(XmlBuilder xml, string element, ObjectInfo o, Params p, Access.Accounts? owners)
    {
        xml.Open(element).Element("Key", p.Encode(o.Key)).Element("LastModified", Wire.Timestamp(o.LastModified))
            .Element("ETag", Wire.Quote(o.ETag));
        Checksum(xml, o);
        xml.Element("Size", o.Size);
        if (owners is not null)
        {
            xml.Owner(owners, o.Owner);
        }

        xml.Element("StorageClass", StorageClass(o)).Close(element);
    }

    private static void Checksum(XmlBuilder xml, ObjectInfo o)
    {
        if (o.Checksum is { } c)
        {
            xml.Element("ChecksumAlgorithm", ChecksumNames.WireName(c.Algorithm)).Element("ChecksumType", ChecksumNames.TypeName(c.Type));
        }
    }

    internal static string StorageClass(ObjectInfo o) => StorageClass(o.Bucket, o.Attributes);

    /// <summary>The storage class an object (or upload) of <paramref name="bucket"/> is in: a directory bucket's are all EXPRESS_ONEZONE.</summary>
    internal static string StorageClass(string bucket, IReadOnlyDictionary<string, string> attributes) =>
        DirectoryBuckets.IsDirectoryName(bucket) ? DirectoryBuckets.StorageClass : attributes.GetValueOrDefault("x-amz-storage-class") ?? "STANDARD";

    private static void Prefixes(XmlBuilder xml, IReadOnlyList<string> prefixes, Params p)
    {
        foreach (var cp in prefixes)
        {
            xml.Open("CommonPrefixes").Element("Prefix", p.Encode(cp)).Close("CommonPrefixes");
        }
    }

    private sealed record Params(string Prefix, string? Delimiter, int MaxKeys, bool Url)
    {
        public static Params Parse(S3Request r)
        {
            var q = r.Query;
            var maxKeys = 1000;
            if (q.Get("max-keys") is { } m)
            {
                if (!int.TryParse(m, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out maxKeys) || maxKeys < 0)
                {
                    throw new S3Exception(S3ErrorCode.InvalidArgument, "Provided max-keys not an integer or within integer range")
                        .With("ArgumentName", "max-keys").With("ArgumentValue", m);
                }

                maxKeys = Math.Min(maxKeys, 1000);
            }

            var encoding = q.Get("encoding-type");
            if (encoding is not null && encoding != "url")
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid Encoding Method specified in Request")
                    .With("ArgumentName", "encoding-type").With("ArgumentValue", encoding);
            }

            var delimiter = q.Get("delimiter");
            return new Params(q.Get("prefix") ?? "", string.IsNullOrEmpty(delimiter) ? null : delimiter, maxKeys, encoding == "url");
        }

        public string Encode(string value) => Url ? UrlEncode(value) : value;
    }

    /// <summary>
    /// encoding-type=url: S3 percent-encodes each UTF-8 byte outside the unreserved set, keeps '/', and writes
    /// space as '+'; the SDKs decode it with form-decoding.
    /// </summary>
    internal static string UrlEncode(string value)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '/')
            {
                sb.Append(c);
            }
            else if (c == ' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
