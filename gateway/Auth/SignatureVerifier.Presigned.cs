using System.Globalization;
using Gateway.Errors;

namespace Gateway.Auth;

/// <summary>
/// Presigned URLs ("Authenticating Requests: Using Query Parameters"): the X-Amz-* parameters, their expiry on the
/// gateway's clock, and the signature over the query without X-Amz-Signature.
/// </summary>
internal sealed partial class SignatureVerifier
{
    private AuthResult VerifyPresigned(AuthRequest request, string rawPath, string rawQuery, List<(string Name, string Raw)> query)
    {
        string? Param(string name)
        {
            var hit = query.FirstOrDefault(p => p.Name == name);
            return hit.Name == null ? null : SigV4.DecodeString(hit.Raw, plusIsSpace: true);
        }

        var algorithm = Param("X-Amz-Algorithm");
        var credential = Param("X-Amz-Credential");
        var dateText = Param("X-Amz-Date");
        var expiresText = Param("X-Amz-Expires");
        var signedHeaders = Param("X-Amz-SignedHeaders");
        var signature = Param("X-Amz-Signature");
        if (algorithm == null || credential == null || dateText == null || expiresText == null || signedHeaders == null || signature == null)
        {
            throw new S3Exception(S3ErrorCode.AuthorizationQueryParametersError);
        }

        if (algorithm != SigV4.Algorithm)
        {
            throw QueryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }

        var scope = ParseCredential(credential, "Error parsing the X-Amz-Credential parameter; ", S3ErrorCode.AuthorizationQueryParametersError);
        if (!TryParseAmzDate(dateText, out var signedAt))
        {
            throw QueryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }

        if (!long.TryParse(expiresText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var expires))
        {
            throw QueryError("X-Amz-Expires should be a number");
        }

        if (expires > MaxPresignSeconds)
        {
            throw QueryError("X-Amz-Expires must be less than a week (in seconds) that is; 604800");
        }

        if (scope.Date != dateText[..8])
        {
            throw QueryError($"Invalid credential date \"{scope.Date}\". This date is not the same as X-Amz-Date: \"{dateText[..8]}\".");
        }

        var signed = ParseSignedHeaders(signedHeaders, S3ErrorCode.AuthorizationQueryParametersError, "");

        // Presigned URLs carry no payload hash unless the client sent one (sigv4-query-string-auth).
        var contentSha = Header(request, "x-amz-content-sha256") ?? Param("X-Amz-Content-Sha256") ?? SigV4.UnsignedPayload;
        var mode = ParsePayloadMode(contentSha);
        // A presigned request of a directory bucket's session carries its token as a query parameter.
        var session = SessionOf(Param("X-Amz-S3session-Token") ?? Header(request, "x-amz-s3session-token"), scope);
        var secret = session?.SecretAccessKey ?? FindSecret(scope.AccessKey);

        var now = _clock();
        // A signing time at the end of the calendar must be refused, not overflow into a 500.
        // A URL presigned to live zero or fewer seconds (boto3's ExpiresIn=0 or -1000) is simply expired: 403,
        // as s3-tests' test_object_raw_put_authenticated_expired expects, not a malformed-query 400.
        var expiresAt = expires < 1 ? signedAt
            : signedAt <= DateTimeOffset.MaxValue.AddSeconds(-expires) ? signedAt.AddSeconds(expires) : DateTimeOffset.MaxValue;
        if (expires < 1 || _expiryClock() > expiresAt)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Request has expired")
                .With("X-Amz-Expires", expiresText)
                .With("Expires", FormatIso(expiresAt))
                .With("ServerTime", FormatIso(_expiryClock()));
        }

        // Not yet valid only if signed later than both clocks allow: the gateway signs the URLs its adapters hand
        // out on its own clock, which may be a virtual one ahead of real time.
        var latest = now > _expiryClock() ? now : _expiryClock();
        if (signedAt - latest > _maxClockSkew)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Request is not valid yet");
        }

        CheckUnsignedAmzHeaders(request, signed);
        var key = SigningKey(secret, scope.Date, scope.Service);
        var scopeText = SigV4.Scope(scope.Date, _region, scope.Service);
        VerifySignature(request, rawPath, rawQuery, "X-Amz-Signature", signed, signedHeaders, contentSha, dateText, scopeText, key, signature, scope.AccessKey);
        return Result(scope, session, mode, contentSha, key, dateText, scopeText, signature, presigned: true);
    }
}
