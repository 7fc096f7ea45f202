using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gateway.Errors;

namespace Gateway.Auth;

/// <summary>
/// Verifies a request's signature: AWS Signature Version 4 in the Authorization header ("Authenticating Requests:
/// Using the Authorization Header") or the query ("Authenticating Requests: Using Query Parameters"), and the legacy
/// Version 2 in either (SignatureVerifier.V2.cs). Error codes and messages follow what S3 answers so that SDK error
/// handling behaves the same.
/// </summary>
internal sealed partial class SignatureVerifier
{
    /// <summary>The secret of an account, or null: for signing what the gateway itself hands out (presigned URLs).</summary>
    public string? SecretOf(string accessKey) => _credentials.FindSecret(accessKey);

    /// <summary>S3 caps presigned URLs at seven days ("Authenticating Requests: Using Query Parameters", X-Amz-Expires).</summary>
    public const int MaxPresignSeconds = 604800;

    private const string CredentialFormat = "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"";
    private const int MaxCachedKeys = 1024;

    private readonly ICredentialStore _credentials;
    private readonly string _region;
    private readonly TimeSpan _maxClockSkew;
    private readonly Func<DateTimeOffset> _clock;
    private readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), byte[]> _keys = new();
    private readonly ExpressSessions? _sessions;

    private readonly Func<DateTimeOffset> _expiryClock;
    private readonly bool _sigV2;

    /// <param name="credentials">The accounts' secrets.</param>
    /// <param name="region">The region requests must be signed for (SigV4).</param>
    /// <param name="maxClockSkew">How far a header-signed request's time may be from real time.</param>
    /// <param name="clock">Real time: header-signed requests must be within <paramref name="maxClockSkew"/> of it.</param>
    /// <param name="expiryClock">
    /// The gateway's clock for presigned-URL expiry (default: <paramref name="clock"/>). With a virtual clock,
    /// advancing it expires presigned URLs, while clients signing with real time keep working.
    /// </param>
    /// <param name="sigV2">Whether Signature Version 2 requests are verified (true) or refused with a message that says how to switch.</param>
    /// <param name="sessions">Reads directory-bucket session tokens (null: requests carrying one are refused as InvalidToken).</param>
    public SignatureVerifier(ICredentialStore credentials, string region, TimeSpan maxClockSkew, Func<DateTimeOffset> clock, Func<DateTimeOffset>? expiryClock = null,
        bool sigV2 = true, ExpressSessions? sessions = null)
    {
        _sessions = sessions;
        _sigV2 = sigV2;
        _expiryClock = expiryClock ?? clock;
        _credentials = credentials;
        _region = region;
        _maxClockSkew = maxClockSkew;
        _clock = clock;
    }

    /// <summary>Verifies the request's signature; throws <see cref="S3Exception"/> with S3's code when it does not hold.</summary>
    public AuthResult Verify(AuthRequest request)
    {
        var (rawPath, rawQuery) = SplitTarget(request.RawTarget);
        var query = SigV4.SplitQuery(rawQuery).Select(p => (Name: SigV4.DecodeString(p.Name, false), Raw: p.Value)).ToList();
        var authorization = Header(request, "authorization");
        var presigned = query.Any(p => p.Name is "X-Amz-Algorithm" or "X-Amz-Credential" or "X-Amz-Signature");
        var presignedV2 = query.Any(p => p.Name is "AWSAccessKeyId" or "Signature");

        if (authorization != null && (presigned || presignedV2))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument,
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
                .With("ArgumentName", "Authorization").With("ArgumentValue", authorization);
        }

        if (authorization != null)
        {
            return authorization.StartsWith("AWS ", StringComparison.Ordinal)
                ? VerifyV2Header(request, rawPath, rawQuery, authorization)
                : VerifyHeader(request, rawPath, rawQuery, authorization);
        }

        if (presigned)
        {
            return VerifyPresigned(request, rawPath, rawQuery, query);
        }

        if (presignedV2)
        {
            return VerifyV2Query(request, rawPath, rawQuery, query);
        }

        return Anonymous(request);
    }

    /// <summary>
    /// An unsigned request. Its body may still declare a SHA-256 (checked like a signed one's) or arrive aws-chunked
    /// without signatures; a signed streaming body needs a signature this request does not have.
    /// </summary>
    private static AuthResult Anonymous(AuthRequest request)
    {
        var mode = Header(request, "x-amz-content-sha256") is { } sha ? ParsePayloadMode(sha) : PayloadMode.Unsigned;
        return mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer
            ? throw new S3Exception(S3ErrorCode.AccessDenied, "A signed streaming payload needs a signed request.")
            : AuthResult.AnonymousWith(mode, mode == PayloadMode.SignedHex ? Header(request, "x-amz-content-sha256")!.ToLowerInvariant() : null);
    }

    private AuthResult VerifyHeader(AuthRequest request, string rawPath, string rawQuery, string authorization)
    {
        if (!authorization.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal))
        {
            throw HeaderMalformed("The authorization header is malformed; the authorization mechanism must be AWS4-HMAC-SHA256.");
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in authorization[(SigV4.Algorithm.Length + 1)..].Split(','))
        {
            var item = part.Trim();
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var value = item[(eq + 1)..].Trim();
            switch (item[..eq].Trim())
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        if (credential == null || signedHeaders == null || signature == null)
        {
            throw HeaderMalformed("The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.");
        }

        var scope = ParseCredential(credential, "The authorization header is malformed; ", S3ErrorCode.AuthorizationHeaderMalformed);

        // The signing time is x-amz-date, or the Date header when x-amz-date is absent (sig-v4-header-based-auth).
        var amzDateText = Header(request, "x-amz-date");
        DateTimeOffset requestTime;
        string amzDate;
        if (amzDateText != null)
        {
            if (!TryParseAmzDate(amzDateText, out requestTime))
            {
                throw new S3Exception(S3ErrorCode.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
            }

            amzDate = amzDateText;
        }
        // botocore signs with the Date header when one is set, in RFC 2822's "-0000" form; S3 accepts every HTTP date form.
        else if (Header(request, "date") is { } dateText && TryParseHttpDate(dateText, out requestTime))
        {
            amzDate = requestTime.UtcDateTime.ToString(SigV4.AmzDateFormat, CultureInfo.InvariantCulture);
        }
        else
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
        }

        if (scope.Date != amzDate[..8])
        {
            throw HeaderMalformed($"The authorization header is malformed; Invalid credential date \"{scope.Date}\". This date is not the same as X-Amz-Date: \"{amzDate[..8]}\".");
        }

        var signed = ParseSignedHeaders(signedHeaders, S3ErrorCode.AuthorizationHeaderMalformed, "The authorization header is malformed; ");

        // S3 refuses header-signed requests without the payload hash header (sig-v4-header-based-auth, x-amz-content-sha256).
        var contentSha = Header(request, "x-amz-content-sha256")
                         ?? throw new S3Exception(S3ErrorCode.InvalidRequest, "Missing required header for this request: x-amz-content-sha256");
        var mode = ParsePayloadMode(contentSha);

        var session = SessionOf(Header(request, "x-amz-s3session-token"), scope);
        var secret = session?.SecretAccessKey ?? FindSecret(scope.AccessKey);

        var now = _clock();
        if ((requestTime - now).Duration() > _maxClockSkew)
        {
            throw new S3Exception(S3ErrorCode.RequestTimeTooSkewed)
                .With("RequestTime", amzDateText ?? Header(request, "date") ?? "")
                .With("ServerTime", FormatIso(now))
                .With("MaxAllowedSkewMilliseconds", ((long)_maxClockSkew.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        }

        CheckUnsignedAmzHeaders(request, signed);
        var key = SigningKey(secret, scope.Date, scope.Service);
        var scopeText = SigV4.Scope(scope.Date, _region, scope.Service);
        VerifySignature(request, rawPath, rawQuery, null, signed, signedHeaders, contentSha, amzDate, scopeText, key, signature, scope.AccessKey);
        return Result(scope, session, mode, contentSha, key, amzDate, scopeText, signature, presigned: false);
    }

    private static AuthResult Result(CredentialScope scope, ExpressSession? session, PayloadMode mode, string contentSha, byte[] key, string amzDate, string scopeText,
        string signature, bool presigned)
    {
        var chunk = mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer
            ? new ChunkSigningContext(key, amzDate, scopeText, signature)
            : null;
        var hash = mode == PayloadMode.SignedHex ? contentSha.ToLowerInvariant() : null;
        // A session acts for the account that created it.
        return new AuthResult(session?.Account ?? scope.AccessKey, mode, hash, chunk, presigned) { Service = scope.Service, Session = session };
    }

    /// <summary>
    /// The directory-bucket session a request's token stands for (null without a token): only on requests signed for
    /// s3express, issued by this gateway unaltered, named by the Credential's key id, and not expired on the gateway's
    /// clock. Whether it may act on the bucket it addresses is the access step's to decide.
    /// </summary>
    private ExpressSession? SessionOf(string? token, CredentialScope scope)
    {
        if (token is null)
        {
            return null;
        }

        if (scope.Service != SigV4.ExpressService)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "x-amz-s3session-token is valid only on requests signed for the s3express service.");
        }

        var session = (_sessions ?? throw new S3Exception(S3ErrorCode.InvalidToken)).Read(token);
        if (session.AccessKeyId != scope.AccessKey)
        {
            throw new S3Exception(S3ErrorCode.InvalidToken, "The session token does not belong to the access key id the request was signed with.");
        }

        var now = _expiryClock();
        return now >= session.Expires
            ? throw new S3Exception(S3ErrorCode.ExpiredToken).With("Expiration", FormatIso(session.Expires)).With("ServerTime", FormatIso(now))
            : session;
    }

    /// <summary>
    /// Computes the canonical request the S3 way and compares in constant time. Clients differ in how they
    /// escape keys, so when the canonical path fails the path exactly as sent is tried too, and for a query
    /// containing '+' the literal-plus reading; each candidate is still a proof of the secret.
    /// </summary>
    private static void VerifySignature(AuthRequest request, string rawPath, string rawQuery, string? exclude, IReadOnlyList<string> signed,
        string signedHeadersText, string payloadHash, string amzDate, string scope, byte[] key, string provided, string accessKey)
    {
        var headers = SigV4.CanonicalHeaders(request.Headers, signed);
        var canonicalUri = SigV4.CanonicalUri(rawPath);
        var canonicalQuery = SigV4.CanonicalQuery(rawQuery, plusIsSpace: true, exclude);
        var providedBytes = Encoding.ASCII.GetBytes(provided);

        bool Matches(string uri, string queryText, out string canonicalRequest, out string stringToSign)
        {
            canonicalRequest = SigV4.CanonicalRequest(request.Method, uri, queryText, headers, signedHeadersText, payloadHash);
            stringToSign = SigV4.StringToSign(amzDate, scope, canonicalRequest);
            var expected = Encoding.ASCII.GetBytes(SigV4.Sign(key, stringToSign));
            return CryptographicOperations.FixedTimeEquals(expected, providedBytes);
        }

        if (Matches(canonicalUri, canonicalQuery, out var firstRequest, out var firstStringToSign))
        {
            return;
        }

        var rawUri = rawPath.Length == 0 ? "/" : rawPath;
        var literalPlusQuery = rawQuery.Contains('+', StringComparison.Ordinal) ? SigV4.CanonicalQuery(rawQuery, plusIsSpace: false, exclude) : null;
        if ((rawUri != canonicalUri && Matches(rawUri, canonicalQuery, out _, out _))
            || (literalPlusQuery != null && Matches(canonicalUri, literalPlusQuery, out _, out _))
            || (literalPlusQuery != null && rawUri != canonicalUri && Matches(rawUri, literalPlusQuery, out _, out _)))
        {
            return;
        }

        throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch)
            .With("AWSAccessKeyId", accessKey)
            .With("StringToSign", firstStringToSign)
            .With("SignatureProvided", provided)
            .With("StringToSignBytes", SigV4.SpacedHex(firstStringToSign))
            .With("CanonicalRequest", firstRequest)
            .With("CanonicalRequestBytes", SigV4.SpacedHex(firstRequest));
    }

    private readonly record struct CredentialScope(string AccessKey, string Date, string Service);

    private CredentialScope ParseCredential(string credential, string prefix, S3ErrorCode code)
    {
        var parts = credential.Split('/');
        if (parts.Length != 5 || parts[0].Length == 0 || parts[1].Length != 8 || !parts[1].All(char.IsAsciiDigit))
        {
            throw new S3Exception(code, $"{prefix}the Credential is mal-formed; expecting {CredentialFormat}.");
        }

        if (parts[2] != _region)
        {
            throw new S3Exception(code, $"{prefix}the region '{parts[2]}' is wrong; expecting '{_region}'").With("Region", _region);
        }

        // One endpoint serves both: general purpose buckets are signed for s3, directory buckets for s3express (whether
        // the operation's bucket agrees with it is the access step's to check).
        if (parts[3] is not (SigV4.Service or SigV4.ExpressService))
        {
            throw new S3Exception(code, $"{prefix}incorrect service '{parts[3]}'. This endpoint belongs to '{SigV4.Service}'.");
        }

        if (parts[4] != SigV4.Terminator)
        {
            throw new S3Exception(code, $"{prefix}incorrect terminal '{parts[4]}'. This endpoint uses '{SigV4.Terminator}'.");
        }

        return new CredentialScope(parts[0], parts[1], parts[3]);
    }

    /// <summary>SignedHeaders must be lowercase, ';'-separated and include host (sig-v4-header-based-auth, "SignedHeaders").</summary>
    private static List<string> ParseSignedHeaders(string text, S3ErrorCode code, string prefix)
    {
        var names = text.Split(';').ToList();
        if (names.Any(n => n.Length == 0 || n != n.ToLowerInvariant()))
        {
            throw new S3Exception(code, $"{prefix}SignedHeaders must be a lowercase, semicolon-separated list of header names.");
        }

        if (!names.Contains("host"))
        {
            throw new S3Exception(code, $"{prefix}the host header must be signed.");
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// S3 rejects x-amz-* headers that the signature does not cover, so that nobody can add, say,
    /// x-amz-copy-source to a captured request. x-amz-content-sha256 is exempt: its value is the last line
    /// of the canonical request, so the signature covers it anyway.
    /// </summary>
    private static void CheckUnsignedAmzHeaders(AuthRequest request, IReadOnlyList<string> signed)
    {
        var unsigned = request.Headers
            .Select(h => h.Key.ToLowerInvariant())
            .Where(n => n.StartsWith("x-amz-", StringComparison.Ordinal) && n != "x-amz-content-sha256" && !signed.Contains(n))
            .Distinct()
            .ToList();
        if (unsigned.Count > 0)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "There were headers present in the request which were not signed")
                .With("HeadersNotSigned", string.Join(", ", unsigned));
        }
    }

    /// <summary>The accepted x-amz-content-sha256 values ("Authenticating Requests: Using the Authorization Header", table of values).</summary>
    private static PayloadMode ParsePayloadMode(string value) => value switch
    {
        SigV4.UnsignedPayload => PayloadMode.Unsigned,
        SigV4.StreamingSignedPayload => PayloadMode.StreamingSigned,
        SigV4.StreamingSignedPayloadTrailer => PayloadMode.StreamingSignedTrailer,
        SigV4.StreamingUnsignedPayloadTrailer => PayloadMode.StreamingUnsignedTrailer,
        _ when SigV4.IsSha256Hex(value) => PayloadMode.SignedHex,
        _ => throw new S3Exception(S3ErrorCode.InvalidArgument,
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.")
            .With("ArgumentName", "x-amz-content-sha256").With("ArgumentValue", value),
    };

    private string FindSecret(string accessKey) =>
        _credentials.FindSecret(accessKey)
        ?? throw new S3Exception(S3ErrorCode.InvalidAccessKeyId).With("AWSAccessKeyId", accessKey);

    private byte[] SigningKey(string secret, string date, string service = SigV4.Service)
    {
        if (_keys.Count > MaxCachedKeys)
        {
            _keys.Clear();
        }

        return _keys.GetOrAdd((secret, date, _region, service), k => SigV4.DeriveSigningKey(k.Secret, k.Date, k.Region, k.Service));
    }

    private static (string Path, string Query) SplitTarget(string rawTarget)
    {
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? (rawTarget, "") : (rawTarget[..q], rawTarget[(q + 1)..]);
    }

    private static string? Header(AuthRequest request, string name)
    {
        string? result = null;
        foreach (var (key, value) in request.Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                result = result == null ? value : result + "," + value;
            }
        }

        return result;
    }

    private static bool TryParseAmzDate(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, SigV4.AmzDateFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    private static string FormatIso(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static S3Exception HeaderMalformed(string message) => new(S3ErrorCode.AuthorizationHeaderMalformed, message);

    private static S3Exception QueryError(string message) => new(S3ErrorCode.AuthorizationQueryParametersError, message);
}
