namespace Gateway.Routing;

/// <summary>
/// What a request is: the operation, the bucket and key it addresses (decoded), its query, and the raw path and
/// query as sent (for SigV4). <see cref="Detail"/> names the unimplemented feature for NotImplemented.
/// </summary>
internal sealed record S3Route(
    S3Operation Operation,
    string? Bucket,
    string? Key,
    QueryString Query,
    string RawPath,
    string RawQuery,
    bool VirtualHosted,
    string? Detail = null)
{
    /// <summary>The resource as S3 names it in error documents: "/bucket/key".</summary>
    public string Resource => Bucket is null ? "/" : Key is null ? "/" + Bucket : "/" + Bucket + "/" + Key;
}
