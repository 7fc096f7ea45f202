using System.Globalization;
using System.Text;
using Gateway.Auth;
using Gateway.Errors;

namespace Gateway.Tests.Auth;

/// <summary>Credentials, a fixed clock and a small independent signer built on the SigV4 primitives.</summary>
internal static class TestSigning
{
    public const string DocAccessKey = "AKIAIOSFODNN7EXAMPLE";
    public const string DocSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    public static readonly DateTimeOffset DocTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

    public static SignatureVerifier Verifier(DateTimeOffset now, string region = "us-east-1") =>
        new(new Store(), region, TimeSpan.FromMinutes(15), () => now);

    public static S3Exception Fails(SignatureVerifier verifier, AuthRequest request, S3ErrorCode code)
    {
        var e = Assert.Throws<S3Exception>(() => verifier.Verify(request))!;
        Assert.That(e.Code, Is.EqualTo(code), e.Message);
        return e;
    }

    public static string? Extra(S3Exception e, string name) => e.Extra.FirstOrDefault(x => x.Key == name).Value;

    /// <summary>
    /// Signs a header-auth request; host, x-amz-date (or, given <paramref name="dateHeader"/>, a Date header with
    /// that text, as botocore sends one) and x-amz-content-sha256 are added and signed.
    /// </summary>
    public static AuthRequest SignHeader(string method, string rawTarget, DateTimeOffset at, string payloadHash = SigV4.EmptySha256,
        IEnumerable<KeyValuePair<string, string>>? extraHeaders = null, string accessKey = DocAccessKey, string secret = DocSecret,
        string region = "us-east-1", string host = "localhost:9000", string? dateHeader = null, string service = SigV4.Service)
    {
        var amzDate = at.UtcDateTime.ToString(SigV4.AmzDateFormat, CultureInfo.InvariantCulture);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", host),
            dateHeader is null ? new("x-amz-date", amzDate) : new("Date", dateHeader),
            new("x-amz-content-sha256", payloadHash),
        };
        headers.AddRange(extraHeaders ?? []);
        var signed = headers.Select(h => h.Key.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();
        var signedText = string.Join(';', signed);
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? rawTarget : rawTarget[..q];
        var query = q < 0 ? "" : rawTarget[(q + 1)..];
        var canonical = SigV4.CanonicalRequest(method, SigV4.CanonicalUri(path), SigV4.CanonicalQuery(query, true),
            SigV4.CanonicalHeaders(headers, signed), signedText, payloadHash);
        var scope = SigV4.Scope(amzDate[..8], region, service);
        var key = SigV4.DeriveSigningKey(secret, amzDate[..8], region, service);
        var signature = SigV4.Sign(key, SigV4.StringToSign(amzDate, scope, canonical));
        headers.Add(new("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={signedText}, Signature={signature}"));
        return new AuthRequest(method, rawTarget, headers);
    }

    /// <summary>Builds a presigned target (path?query&amp;X-Amz-...) signed over the host header only.</summary>
    public static string Presign(string method, string rawTarget, DateTimeOffset at, long expiresSeconds, string host = "localhost:9000",
        string accessKey = DocAccessKey, string secret = DocSecret, string region = "us-east-1")
    {
        var amzDate = at.UtcDateTime.ToString(SigV4.AmzDateFormat, CultureInfo.InvariantCulture);
        var scope = SigV4.Scope(amzDate[..8], region);
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? rawTarget : rawTarget[..q];
        var query = new StringBuilder(q < 0 ? "" : rawTarget[(q + 1)..]);
        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=").Append(SigV4.UriEncode($"{accessKey}/{scope}", false))
            .Append("&X-Amz-Date=").Append(amzDate).Append("&X-Amz-Expires=").Append(expiresSeconds.ToString(CultureInfo.InvariantCulture))
            .Append("&X-Amz-SignedHeaders=host");
        var canonical = SigV4.CanonicalRequest(method, SigV4.CanonicalUri(path), SigV4.CanonicalQuery(query.ToString(), true),
            $"host:{host}\n", "host", SigV4.UnsignedPayload);
        var key = SigV4.DeriveSigningKey(secret, amzDate[..8], region, "s3");
        var signature = SigV4.Sign(key, SigV4.StringToSign(amzDate, scope, canonical));
        return $"{path}?{query}&X-Amz-Signature={signature}";
    }

    public static KeyValuePair<string, string>[] HostOnly(string host = "localhost:9000") => [new("Host", host)];

    internal sealed class Store : ICredentialStore
    {
        public string? FindSecret(string accessKey) => accessKey switch
        {
            DocAccessKey => DocSecret,
            "test" => "test",
            _ => null,
        };
    }
}
