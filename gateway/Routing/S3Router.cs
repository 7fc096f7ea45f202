using System.Globalization;
using Gateway.Errors;

namespace Gateway.Routing;

/// <summary>
/// Maps a request to an <see cref="S3Route"/>. A pure function of method, host, raw target and whether an
/// x-amz-copy-source header is present: no I/O, no state, tested against a table of literal requests. Route
/// parameters (part number, upload id) are parsed here, once; invalid combinations become a rejection.
/// </summary>
internal static class S3Router
{
    // Subresources S3 defines that this gateway does not implement. Their presence decides the route,
    // so a PUT ?tagging never falls through to PutObject and overwrites data.
    private static readonly string[] UnimplementedBucketSubresources =
    [
        "accelerate", "analytics", "intelligent-tiering", "inventory", "logging", "metrics",
        "notification", "replication",
        // Only GET, PUT and DELETE name operations on these (AccessSubresources), and only GET on ?session
        // (CreateSession); any other method is not one.
        "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "encryption", "requestPayment", "website", "session",
    ];

    private static readonly string[] UnimplementedObjectSubresources =
    [
        // ?renameObject names RenameObject with PUT only.
        "restore", "select", "torrent", "renameObject",
    ];

    /// <param name="method">The HTTP method.</param>
    /// <param name="host">The Host header (with or without port).</param>
    /// <param name="rawTarget">The request target exactly as sent: "/bucket/key?query".</param>
    /// <param name="hasCopySource">Whether an x-amz-copy-source header is present.</param>
    /// <param name="virtualHostDomains">Domains under which "bucket.domain" addresses a bucket.</param>
    /// <param name="maxPartNumber">The highest part number accepted.</param>
    /// <param name="signedForExpress">
    /// The request is signed for service s3express (<see cref="SignedForExpress"/>): on the service, a GET is
    /// ListDirectoryBuckets rather than ListBuckets (the same request otherwise; the scope is what tells them apart).
    /// </param>
    public static S3Route Route(string method, string host, string rawTarget, bool hasCopySource, IReadOnlyList<string> virtualHostDomains, int maxPartNumber = 10000,
        bool signedForExpress = false)
    {
        var q = rawTarget.IndexOf('?');
        var rawPath = q < 0 ? rawTarget : rawTarget[..q];
        var rawQuery = q < 0 ? "" : rawTarget[(q + 1)..];
        if (rawPath.Length == 0 || rawPath[0] != '/')
        {
            // Absolute-form targets ("http://host/path") are legal HTTP; S3 clients do not send them.
            var scheme = rawPath.IndexOf("://", StringComparison.Ordinal);
            var slash = scheme < 0 ? -1 : rawPath.IndexOf('/', scheme + 3);
            rawPath = slash < 0 ? "/" : rawPath[slash..];
        }

        var query = QueryString.Parse(rawQuery);
        var strict = QueryString.PercentDecodeStrict(rawPath);
        var path = strict ?? QueryString.PercentDecode(rawPath, plusIsSpace: false);
        var vhostBucket = VirtualHostBucket(host, virtualHostDomains);
        string? bucket;
        string? key;
        if (vhostBucket is not null)
        {
            bucket = vhostBucket;
            key = path.Length > 1 ? path[1..] : null;
        }
        else
        {
            var rest = path[1..];
            var slash = rest.IndexOf('/');
            bucket = rest.Length == 0 ? null : slash < 0 ? rest : rest[..slash];
            key = slash < 0 || slash == rest.Length - 1 ? null : rest[(slash + 1)..];
        }

        var op = bucket is null ? ServiceOperation(method, signedForExpress, out var detail)
            : key is null ? BucketOperation(method, query, out detail)
            : ObjectOperation(method, query, hasCopySource, out detail);
        var route = WithParameters(new S3Route(op, bucket, key, query, rawPath, rawQuery, vhostBucket is not null, detail), maxPartNumber);
        // A path that is not UTF-8, or a key holding a C1 control character (U+0080-U+009F), is one S3 cannot
        // parse: 400 InvalidURI (s3-tests' test_object_read_unreadable reads the key "\xae\x8a-").
        return strict is null || (key is not null && HasC1Control(key)) ? route with { Rejection = new S3Exception(S3ErrorCode.InvalidURI) } : route;
    }

    private static bool HasC1Control(string key) => key.AsSpan().IndexOfAnyInRange('\u0080', '\u009f') >= 0;

    /// <summary>
    /// Parses the part number and upload id of the operations that take them. A part upload needs both (a bad part
    /// number is InvalidArgument; a missing or empty upload id names no upload); a read may name a part.
    /// </summary>
    private static S3Route WithParameters(S3Route route, int maxPartNumber)
    {
        var q = route.Query;
        switch (route.Operation)
        {
            case S3Operation.UploadPart or S3Operation.UploadPartCopy:
                if (!TryPartNumber(q.Get("partNumber"), maxPartNumber, out var n))
                {
                    return route with { Rejection = BadPartNumber(q.Get("partNumber"), maxPartNumber) };
                }

                return q.Get("uploadId") is { Length: > 0 } id
                    ? route with { PartNumber = n, UploadId = id }
                    : route with { PartNumber = n, Rejection = new S3Exception(S3ErrorCode.NoSuchUpload) };
            case S3Operation.ListParts or S3Operation.CompleteMultipartUpload or S3Operation.AbortMultipartUpload:
                return q.Get("uploadId") is { Length: > 0 } upload
                    ? route with { UploadId = upload }
                    : route with { Rejection = new S3Exception(S3ErrorCode.NoSuchUpload) };
            case S3Operation.GetObject or S3Operation.HeadObject when q.Has("partNumber"):
                return TryPartNumber(q.Get("partNumber"), maxPartNumber, out var part)
                    ? route with { PartNumber = part }
                    : route with { Rejection = BadPartNumber(q.Get("partNumber"), maxPartNumber) };
            default:
                return route;
        }
    }

    private static bool TryPartNumber(string? text, int max, out int n) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out n) && n >= 1 && n <= max;

    private static S3Exception BadPartNumber(string? text, int max) =>
        new S3Exception(S3ErrorCode.InvalidArgument, $"Part number must be an integer between 1 and {max}, inclusive")
            .With("ArgumentName", "partNumber").With("ArgumentValue", text ?? "");

    private static string? VirtualHostBucket(string host, IReadOnlyList<string> domains)
    {
        var h = host;
        var colon = h.LastIndexOf(':');
        if (colon > 0 && h.IndexOf(']') < colon)
        {
            h = h[..colon];
        }

        foreach (var domain in domains)
        {
            if (h.Length > domain.Length + 1 && h.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase))
            {
                return h[..^(domain.Length + 1)];
            }
        }

        return null;
    }

    /// <summary>
    /// Whether a request's credential scope names service s3express (in the Authorization header or a presigned URL's
    /// X-Amz-Credential): read from the text alone, before the signature is verified, as routing comes first.
    /// </summary>
    public static bool SignedForExpress(string? authorization, string rawQuery) =>
        (authorization is not null && authorization.Contains("/s3express/aws4_request", StringComparison.Ordinal))
        || rawQuery.Contains("%2Fs3express%2Faws4_request", StringComparison.OrdinalIgnoreCase)
        || rawQuery.Contains("/s3express/aws4_request", StringComparison.Ordinal);

    private static S3Operation ServiceOperation(string method, bool signedForExpress, out string? detail)
    {
        detail = null;
        if (method is "GET")
        {
            return signedForExpress ? S3Operation.ListDirectoryBuckets : S3Operation.ListBuckets;
        }

        detail = method + " on the service";
        return S3Operation.NotImplemented;
    }

    /// <summary>The access subresources, by method: each is one operation.</summary>
    private static readonly (string Method, string Subresource, S3Operation Operation)[] AccessSubresources =
    [
        ("GET", "policyStatus", S3Operation.GetBucketPolicyStatus),
        ("GET", "policy", S3Operation.GetBucketPolicy), ("PUT", "policy", S3Operation.PutBucketPolicy), ("DELETE", "policy", S3Operation.DeleteBucketPolicy),
        ("GET", "ownershipControls", S3Operation.GetBucketOwnershipControls), ("PUT", "ownershipControls", S3Operation.PutBucketOwnershipControls),
        ("DELETE", "ownershipControls", S3Operation.DeleteBucketOwnershipControls),
        ("GET", "publicAccessBlock", S3Operation.GetPublicAccessBlock), ("PUT", "publicAccessBlock", S3Operation.PutPublicAccessBlock),
        ("DELETE", "publicAccessBlock", S3Operation.DeletePublicAccessBlock),
        ("GET", "encryption", S3Operation.GetBucketEncryption), ("PUT", "encryption", S3Operation.PutBucketEncryption),
        ("DELETE", "encryption", S3Operation.DeleteBucketEncryption),
    ];

    private static S3Operation BucketOperation(string method, QueryString q, out string? detail)
    {
        detail = null;
        foreach (var (m, sub, op) in AccessSubresources)
        {
            if (m == method && q.Has(sub))
            {
                return op;
            }
        }

        switch (method)
        {
            case "GET":
                if (q.Has("location"))
                {
                    return S3Operation.GetBucketLocation;
                }

                if (q.Has("session"))
                {
                    return S3Operation.CreateSession;
                }

                if (q.Has("acl"))
                {
                    return S3Operation.GetBucketAcl;
                }

                if (q.Has("versioning"))
                {
                    return S3Operation.GetBucketVersioning;
                }

                if (q.Has("versions"))
                {
                    return S3Operation.ListObjectVersions;
                }

                if (q.Has("uploads"))
                {
                    return S3Operation.ListMultipartUploads;
                }

                if (q.Has("lifecycle"))
                {
                    return S3Operation.GetBucketLifecycle;
                }

                if (q.Has("tagging"))
                {
                    return S3Operation.GetBucketTagging;
                }

                if (q.Has("object-lock"))
                {
                    return S3Operation.GetObjectLockConfiguration;
                }

                if (q.Has("cors"))
                {
                    return S3Operation.GetBucketCors;
                }

                if (Unimplemented(q, UnimplementedBucketSubresources, out detail))
                {
                    return S3Operation.NotImplemented;
                }

                return q.Get("list-type") == "2" ? S3Operation.ListObjectsV2 : S3Operation.ListObjects;
            case "HEAD":
                return S3Operation.HeadBucket;
            case "PUT":
                if (q.Has("acl"))
                {
                    return S3Operation.PutBucketAcl;
                }

                if (q.Has("lifecycle"))
                {
                    return S3Operation.PutBucketLifecycle;
                }

                if (q.Has("tagging"))
                {
                    return S3Operation.PutBucketTagging;
                }

                if (q.Has("versioning"))
                {
                    return S3Operation.PutBucketVersioning;
                }

                if (q.Has("object-lock"))
                {
                    return S3Operation.PutObjectLockConfiguration;
                }

                if (q.Has("cors"))
                {
                    return S3Operation.PutBucketCors;
                }

                if (Unimplemented(q, UnimplementedBucketSubresources, out detail))
                {
                    return S3Operation.NotImplemented;
                }

                return S3Operation.CreateBucket;
            case "DELETE":
                if (q.Has("lifecycle"))
                {
                    return S3Operation.DeleteBucketLifecycle;
                }

                if (q.Has("tagging"))
                {
                    return S3Operation.DeleteBucketTagging;
                }

                if (q.Has("cors"))
                {
                    return S3Operation.DeleteBucketCors;
                }

                if (Unimplemented(q, UnimplementedBucketSubresources, out detail))
                {
                    return S3Operation.NotImplemented;
                }

                return S3Operation.DeleteBucket;
            case "POST":
                if (q.Has("delete"))
                {
                    return S3Operation.DeleteObjects;
                }

                if (Unimplemented(q, UnimplementedBucketSubresources, out detail))
                {
                    return S3Operation.NotImplemented;
                }

                return S3Operation.PostObject;
            default:
                detail = method;
                return S3Operation.NotImplemented;
        }
    }

    private static S3Operation ObjectOperation(string method, QueryString q, bool hasCopySource, out string? detail)
    {
        detail = null;
        switch (method)
        {
            case "GET":
                if (q.Has("acl"))
                {
                    return S3Operation.GetObjectAcl;
                }

                if (q.Has("attributes"))
                {
                    return S3Operation.GetObjectAttributes;
                }

                if (q.Has("tagging"))
                {
                    return S3Operation.GetObjectTagging;
                }

                if (q.Has("retention"))
                {
                    return S3Operation.GetObjectRetention;
                }

                if (q.Has("legal-hold"))
                {
                    return S3Operation.GetObjectLegalHold;
                }

                if (q.Has("uploadId"))
                {
                    return S3Operation.ListParts;
                }

                if (Unimplemented(q, UnimplementedObjectSubresources, out detail))
                {
                    return S3Operation.NotImplemented;
                }

                return S3Operation.GetObject;
            case "HEAD":
                return S3Operation.HeadObject;
            case "PUT":
                if (q.Has("acl"))
                {
                    return S3Operation.PutObjectAcl;
                }

                if (q.Has("renameObject"))
                {
                    return S3Operation.RenameObject;
                }

                if (q.Has("tagging"))
                {
                    return S3Operation.PutObjectTagging;
                }

                if (q.Has("retention"))
                {
                    return S3Operation.PutObjectRetention;
                }

                if (q.Has("legal-hold"))
                {
                    return S3Operation.PutObjectLegalHold;
                }

                if (Unimplemented(q, UnimplementedObjectSubresources, out detail))
                {
                    return S3Operation.NotImplemented;
                }

                if (q.Has("uploadId") || q.Has("partNumber"))
                {
                    return hasCopySource ? S3Operation.UploadPartCopy : S3Operation.UploadPart;
                }

                return hasCopySource ? S3Operation.CopyObject : S3Operation.PutObject;
            case "POST":
                if (q.Has("uploads"))
                {
                    return S3Operation.CreateMultipartUpload;
                }

                if (q.Has("uploadId"))
                {
                    return S3Operation.CompleteMultipartUpload;
                }

                if (Unimplemented(q, UnimplementedObjectSubresources, out detail))
                {
                    return S3Operation.NotImplemented;
                }

                detail = "POST on an object";
                return S3Operation.NotImplemented;
            case "DELETE":
                if (q.Has("uploadId"))
                {
                    return S3Operation.AbortMultipartUpload;
                }

                if (q.Has("tagging"))
                {
                    return S3Operation.DeleteObjectTagging;
                }

                if (Unimplemented(q, UnimplementedObjectSubresources, out detail))
                {
                    return S3Operation.NotImplemented;
                }

                return S3Operation.DeleteObject;
            default:
                detail = method;
                return S3Operation.NotImplemented;
        }
    }

    private static bool Unimplemented(QueryString q, string[] names, out string? detail)
    {
        foreach (var name in names)
        {
            if (q.Has(name))
            {
                detail = "?" + name;
                return true;
            }
        }

        detail = null;
        return false;
    }
}
