using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gateway.Errors;

namespace Gateway.Auth;

/// <summary>
/// AWS Signature Version 2 ("Signing and Authenticating REST Requests" in the S3 developer guide): HMAC-SHA1 over
/// the verb, Content-MD5, Content-Type, the date (or, presigned, Expires), the x-amz-* headers and the canonical
/// resource. SDK defaults still produce it for presigned URLs (boto3's generate_presigned_url, aws s3 presign,
/// s3cmd signurl), so it is on unless Gateway:SigV2 is false.
/// </summary>
internal sealed partial class SignatureVerifier
{
    /// <summary>The query parameters that name a subresource and so belong in SigV2's canonical resource (as botocore's signer lists them).</summary>
    private static readonly HashSet<string> SubResources = new(StringComparer.Ordinal)
    {
        "accelerate", "acl", "cors", "defaultObjectAcl", "delete", "inventory", "lifecycle", "location", "logging", "metrics", "analytics",
        "notification", "object-lock", "partNumber", "policy", "replication", "requestPayment", "restore", "select", "select-type",
        "storageClass", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
        "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
        "response-content-type", "response-expires",
    };

    private static S3Exception SigV2Disabled() => new(S3ErrorCode.InvalidRequest,
        "Signature Version 2 is turned off on this gateway (Gateway:SigV2=false). Sign with AWS4-HMAC-SHA256: " +
        "in boto3, Config(signature_version='s3v4'); in the AWS CLI, 'aws configure set default.s3.signature_version s3v4'.");

    /// <summary>"Authorization: AWS AccessKeyId:Signature".</summary>
    private AuthResult VerifyV2Header(AuthRequest request, string rawPath, string rawQuery, string authorization)
    {
        if (!_sigV2)
        {
            throw SigV2Disabled();
        }

        var credential = authorization[4..].Trim();
        var colon = credential.LastIndexOf(':');
        if (colon <= 0 || colon == credential.Length - 1)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature")
                .With("ArgumentName", "Authorization").With("ArgumentValue", authorization);
        }

        var accessKey = credential[..colon];
        var signature = credential[(colon + 1)..];

        // The signing time: x-amz-date when present (then the Date line of the string to sign is empty), else Date.
        var amzDate = Header(request, "x-amz-date");
        var dateText = amzDate ?? Header(request, "date");
        if (dateText is null || !TryParseHttpDate(dateText, out var requestTime))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
        }

        var secret = FindSecret(accessKey);
        var now = _clock();
        if ((requestTime - now).Duration() > _maxClockSkew)
        {
            throw new S3Exception(S3ErrorCode.RequestTimeTooSkewed)
                .With("RequestTime", dateText)
                .With("ServerTime", FormatIso(now))
                .With("MaxAllowedSkewMilliseconds", ((long)_maxClockSkew.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        }

        var dateLine = amzDate is null ? dateText : "";
        VerifyV2Signature(request, rawPath, rawQuery, dateLine, secret, accessKey, signature, queryAmzHeaders: false);
        return new AuthResult(accessKey, PayloadMode.Unsigned, null, null, Presigned: false, SignatureVersion: 2);
    }

    /// <summary>A presigned SigV2 URL: AWSAccessKeyId, Signature and Expires (seconds since the epoch) in the query.</summary>
    private AuthResult VerifyV2Query(AuthRequest request, string rawPath, string rawQuery, List<(string Name, string Raw)> query)
    {
        if (!_sigV2)
        {
            throw SigV2Disabled();
        }

        string? Param(string name) => query.FirstOrDefault(p => p.Name == name) is { Name: not null } hit ? SigV4.DecodeString(hit.Raw, plusIsSpace: true) : null;
        var accessKey = Param("AWSAccessKeyId");
        var signature = Param("Signature");
        var expires = Param("Expires");
        if (string.IsNullOrEmpty(accessKey) || signature is null || expires is null)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        }

        if (!long.TryParse(expires, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var expiresAt))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Invalid date (should be seconds since epoch): " + expires);
        }

        var secret = FindSecret(accessKey);
        var now = _expiryClock();
        // Expires is the first second the URL is no longer valid in (a URL presigned with ExpiresIn=0 is dead on arrival).
        if (now.ToUnixTimeSeconds() >= expiresAt)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Request has expired")
                .With("Expires", FormatIso(DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(expiresAt, 0, 253402300799))))
                .With("ServerTime", FormatIso(now));
        }

        VerifyV2Signature(request, rawPath, rawQuery, expires, secret, accessKey, signature, queryAmzHeaders: true);
        return new AuthResult(accessKey, PayloadMode.Unsigned, null, null, Presigned: true, SignatureVersion: 2);
    }

    /// <summary>
    /// Builds the string to sign and compares HMAC-SHA1 signatures in constant time. Clients differ in how they
    /// escape the path and whether a bucket's resource ends in '/', so the path as sent is tried first and then the
    /// other forms, each still a proof of the secret; a presigned URL's x-amz-* query parameters count as headers,
    /// since signers move signed headers into the query.
    /// </summary>
    private static void VerifyV2Signature(AuthRequest request, string rawPath, string rawQuery, string dateLine, string secret, string accessKey,
        string provided, bool queryAmzHeaders)
    {
        var amz = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Headers)
        {
            var lower = name.ToLowerInvariant();
            if (lower.StartsWith("x-amz-", StringComparison.Ordinal))
            {
                (amz.TryGetValue(lower, out var list) ? list : amz[lower] = []).Add(value.Trim());
            }
        }

        string? contentMd5 = Header(request, "content-md5"), contentType = Header(request, "content-type");
        if (queryAmzHeaders)
        {
            foreach (var (name, raw) in SigV4.SplitQuery(rawQuery))
            {
                var decoded = SigV4.DecodeString(name, plusIsSpace: true).ToLowerInvariant();
                var value = SigV4.DecodeString(raw, plusIsSpace: true);
                if (decoded.StartsWith("x-amz-", StringComparison.Ordinal) && !amz.ContainsKey(decoded))
                {
                    amz[decoded] = [value.Trim()];
                }
                else if (decoded == "content-md5")
                {
                    contentMd5 ??= value;
                }
                else if (decoded == "content-type")
                {
                    contentType ??= value;
                }
            }
        }

        var amzLines = string.Concat(amz.Select(h => h.Key + ":" + string.Join(',', h.Value) + "\n"));
        var prefix = $"{request.Method}\n{contentMd5?.Trim() ?? ""}\n{contentType?.Trim() ?? ""}\n{dateLine}\n{amzLines}";
        var bucket = request.VirtualHostBucket is { } b ? "/" + b : "";
        var subresources = V2SubResources(rawQuery);
        var providedBytes = Encoding.ASCII.GetBytes(provided);
        var key = Encoding.UTF8.GetBytes(secret);
        string? first = null;
        // A bucket's own resource is "/bucket/" (S3's rule, which botocore follows for path-style bucket requests).
        var paths = new[] { rawPath.Length == 0 ? "/" : rawPath, SigV4.CanonicalUri(rawPath) }
            .SelectMany(p => bucket.Length == 0 && p.Length > 1 && p.IndexOf('/', 1) < 0 ? new[] { p, p + "/" } : [p])
            .Distinct(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var stringToSign = prefix + bucket + path + subresources;
            first ??= stringToSign;
            var expected = Encoding.ASCII.GetBytes(Convert.ToBase64String(HMACSHA1.HashData(key, Encoding.UTF8.GetBytes(stringToSign))));
            if (CryptographicOperations.FixedTimeEquals(expected, providedBytes))
            {
                return;
            }
        }

        throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch)
            .With("AWSAccessKeyId", accessKey)
            .With("StringToSign", first!)
            .With("SignatureProvided", provided)
            .With("StringToSignBytes", SigV4.SpacedHex(first!));
    }

    /// <summary>"?name[=value]&amp;..." of the subresources in the query, sorted by name, values decoded.</summary>
    internal static string V2SubResources(string rawQuery)
    {
        var parts = rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => SubResources.Contains(p[0]))
            .OrderBy(p => p[0], StringComparer.Ordinal)
            .Select(p => p.Length == 1 ? p[0] : p[0] + "=" + SigV4.DecodeString(p[1], plusIsSpace: false))
            .ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>
    /// RFC 1123 (and the other HTTP date forms). The day name is not checked against the date (.NET refuses a
    /// mismatch; the date itself decides); dates before the epoch are invalid, as S3 treats them.
    /// </summary>
    internal static bool TryParseHttpDate(string text, out DateTimeOffset value)
    {
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        var date = comma is > 0 and < 10 ? text[(comma + 1)..] : text;
        return DateTimeOffset.TryParse(date.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
            && value >= DateTimeOffset.UnixEpoch;
    }
}
