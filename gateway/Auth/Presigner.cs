using System.Globalization;

namespace Gateway.Auth;

/// <summary>
/// Makes SigV4 presigned URLs for the S3 front end, as the SDKs do (host the only signed header, UNSIGNED-PAYLOAD):
/// the upload adapters hand them out for their chunk and part uploads, so a client PUTs straight to S3.
/// </summary>
internal static class Presigner
{
    /// <param name="method">The HTTP method the URL is for.</param>
    /// <param name="baseUri">The S3 front end's address (scheme, host, port) as the client will reach it.</param>
    /// <param name="bucket">The bucket (path-style).</param>
    /// <param name="key">The object key.</param>
    /// <param name="query">More query parameters (partNumber, uploadId), signed with the rest.</param>
    /// <param name="accessKey">The signing account.</param>
    /// <param name="secret">Its secret.</param>
    /// <param name="region">The region in the credential scope.</param>
    /// <param name="signedAt">The signing time (the gateway's clock, which the verifier checks expiry against).</param>
    /// <param name="expires">How long the URL is valid (at most seven days, as S3 allows).</param>
    public static string Presign(string method, Uri baseUri, string bucket, string key, IEnumerable<(string Name, string Value)> query,
        string accessKey, string secret, string region, DateTimeOffset signedAt, TimeSpan expires)
    {
        var amzDate = signedAt.UtcDateTime.ToString(SigV4.AmzDateFormat, CultureInfo.InvariantCulture);
        var scope = SigV4.Scope(amzDate[..8], region);
        var host = baseUri.IsDefaultPort ? baseUri.Host : baseUri.Host + ":" + baseUri.Port.ToString(CultureInfo.InvariantCulture);
        var path = "/" + SigV4.UriEncode(bucket, keepSlash: false) + "/" + SigV4.UriEncode(key, keepSlash: true);
        var pairs = query.Select(p => (p.Name, p.Value)).Concat(
        [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", accessKey + "/" + scope),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
            ("X-Amz-SignedHeaders", "host"),
        ]).Select(p => (SigV4.UriEncode(p.Item1, keepSlash: false), SigV4.UriEncode(p.Item2, keepSlash: false))).ToList();
        var canonicalQuery = SigV4.CanonicalQuery(pairs);
        var canonical = SigV4.CanonicalRequest(method, path, canonicalQuery, "host:" + host + "\n", "host", SigV4.UnsignedPayload);
        var signature = SigV4.Sign(SigV4.DeriveSigningKey(secret, amzDate[..8], region, SigV4.Service), SigV4.StringToSign(amzDate, scope, canonical));
        return $"{baseUri.Scheme}://{host}{path}?{canonicalQuery}&X-Amz-Signature={signature}";
    }
}
