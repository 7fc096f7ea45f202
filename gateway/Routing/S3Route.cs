using Gateway.Errors;

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
    /// <summary>The part number (UploadPart, UploadPartCopy, and part reads of GetObject / HeadObject), validated.</summary>
    public int? PartNumber { get; init; }

    /// <summary>The upload id of an operation on an incomplete upload; never empty.</summary>
    public string? UploadId { get; init; }

    /// <summary>
    /// Set when the request names a valid operation with invalid route parameters (a part number out of range, an
    /// empty upload id): the error to answer once the request is authenticated.
    /// </summary>
    public S3Exception? Rejection { get; init; }

    /// <summary>The resource as S3 names it in error documents: "/bucket/key".</summary>
    public string Resource => Bucket is null ? "/" : Key is null ? "/" + Bucket : "/" + Bucket + "/" + Key;

    /// <summary>Answered without header or query authentication: form uploads, whose signature is a field of the form.</summary>
    public bool Unauthenticated => Operation is S3Operation.PostObject;
}
