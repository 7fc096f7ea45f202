using Gateway.Auth;
using Gateway.Errors;
using Gateway.Routing;
using Storage;

namespace Gateway.Http;

/// <summary>
/// Everything a handler needs about one routed, authenticated request, independent of ASP.NET: handlers read
/// this and return an <see cref="S3Response"/>, so they run in unit tests without a server.
/// </summary>
internal sealed class S3Request
{
    public required string Method { get; init; }

    public required S3Route Route { get; init; }

    /// <summary>
    /// Who signed the request; null for unauthenticated routes (health) and, until its handler verifies the form's
    /// signed policy, for a form upload (which then sets it, so the request is billed to its signer).
    /// </summary>
    public AuthResult? Auth { get; set; }

    public required RequestHeaders Headers { get; init; }

    /// <summary>The request body as received (still aws-chunked, if it is).</summary>
    public Stream Body { get; init; } = Stream.Null;

    /// <summary>"http" or "https", and the Host header, for the Location of a completed upload.</summary>
    public string Scheme { get; init; } = "http";

    public string Host { get; init; } = "localhost";

    public CancellationToken Aborted { get; init; }

    public required GatewayServices Services { get; init; }

    public StorageEngine Storage => Services.Storage;

    public GatewayOptions Options => Services.Options;

    /// <summary>The access key that signed the request; null for an anonymous (unsigned) one.</summary>
    public string? Requester => Auth is { Anonymous: false } a ? a.AccessKey : null;

    /// <summary>The addressed bucket's access state, once the dispatcher has read it (null for requests outside a bucket).</summary>
    public Access.BucketGate? Gate { get; set; }

    /// <summary>The client's address (aws:SourceIp).</summary>
    public string? RemoteIp { get; init; }

    /// <summary>
    /// The account storage acts for: the addressed bucket's owner once access has been decided (a request another
    /// account was allowed to make acts on the owner's bucket), else the signer. Anonymous requests outside a bucket
    /// never get here (they are refused first).
    /// </summary>
    public string Account => Gate?.Owner.AccessKey ?? Requester ?? throw new S3Exception(Errors.S3ErrorCode.AccessDenied);

    public string Bucket => Route.Bucket ?? throw new InvalidOperationException("No bucket in route.");

    public string Key => Route.Key ?? throw new InvalidOperationException("No key in route.");

    public string UploadId => Route.UploadId ?? throw new InvalidOperationException("No upload id in route.");

    public int PartNumber => Route.PartNumber ?? throw new InvalidOperationException("No part number in route.");

    public Routing.QueryString Query => Route.Query;

    public string? Header(string name) => Headers.Get(name);
}
