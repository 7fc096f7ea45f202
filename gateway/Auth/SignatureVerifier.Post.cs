using System.Security.Cryptography;
using System.Text;
using Gateway.Errors;

namespace Gateway.Auth;

/// <summary>
/// The signature of a browser form upload: the form's policy field, signed with SigV4 (x-amz-algorithm,
/// x-amz-credential, x-amz-date, x-amz-signature: hex HMAC-SHA256 of the base64 policy with the day's signing key)
/// or SigV2 (AWSAccessKeyId and signature: base64 HMAC-SHA1 of the base64 policy).
/// </summary>
internal sealed partial class SignatureVerifier
{
    /// <summary>The account that signed the form, or null for an unsigned (anonymous) form. Field names are case-insensitive.</summary>
    public AuthResult? VerifyPostForm(IReadOnlyDictionary<string, string> fields)
    {
        string? F(string name) => fields.TryGetValue(name, out var v) ? v : null;
        var policy = F("policy");
        if (F("x-amz-signature") is { } v4Signature)
        {
            var algorithm = F("x-amz-algorithm") ?? throw MissingField("x-amz-algorithm");
            var credential = F("x-amz-credential") ?? throw MissingField("x-amz-credential");
            var date = F("x-amz-date") ?? throw MissingField("x-amz-date");
            if (policy is null)
            {
                throw MissingField("policy");
            }

            if (algorithm != SigV4.Algorithm)
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "Unsupported x-amz-algorithm: " + algorithm).With("ArgumentName", "x-amz-algorithm");
            }

            var scope = ParseCredential(credential, "Error parsing the X-Amz-Credential parameter; ", S3ErrorCode.InvalidArgument);
            if (!TryParseAmzDate(date, out _) || date[..8] != scope.Date)
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid x-amz-date: " + date).With("ArgumentName", "x-amz-date");
            }

            var key = SigningKey(FindSecret(scope.AccessKey), scope.Date, scope.Service);
            Compare(SigV4.Sign(key, policy), v4Signature, scope.AccessKey, policy);
            return new AuthResult(scope.AccessKey, PayloadMode.Unsigned, null, null, Presigned: false, SignatureVersion: 4);
        }

        var accessKey = F("AWSAccessKeyId");
        var signature = F("signature");
        if (accessKey is null && signature is null)
        {
            return null;
        }

        if (!_sigV2)
        {
            throw SigV2Disabled();
        }

        if (accessKey is null || signature is null || policy is null)
        {
            throw MissingField(accessKey is null ? "AWSAccessKeyId" : signature is null ? "Signature" : "policy");
        }

        var secret = FindSecret(accessKey);
        Compare(Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(policy))), signature, accessKey, policy);
        return new AuthResult(accessKey, PayloadMode.Unsigned, null, null, Presigned: false, SignatureVersion: 2);
    }

    private static void Compare(string expected, string provided, string accessKey, string policy)
    {
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(provided.Trim())))
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch)
                .With("AWSAccessKeyId", accessKey)
                .With("StringToSign", policy)
                .With("SignatureProvided", provided);
        }
    }

    private static S3Exception MissingField(string name) =>
        new S3Exception(S3ErrorCode.InvalidArgument, $"Bucket POST must contain a field named '{name}'.  If it is specified, please check the order of the fields.")
            .With("ArgumentName", name).With("ArgumentValue", "");
}
