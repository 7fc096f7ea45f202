using Gateway.Errors;
using Gateway.Http;
using Storage;

namespace Gateway.Admin;

/// <summary>
/// One call to the gateway's own endpoints, as its handler sees it (independent of ASP.NET, so handlers run in
/// unit tests without a server): who made it, the query, the headers and the body.
/// </summary>
internal sealed class AdminRequest
{
    public required string Method { get; init; }

    /// <summary>The path as sent ("/_gateway/usage").</summary>
    public required string RawPath { get; init; }

    public required Routing.QueryString Query { get; init; }

    public RequestHeaders Headers { get; init; } = RequestHeaders.Empty;

    public Stream Body { get; init; } = Stream.Null;

    /// <summary>The access key that signed the request; null for an unsigned one.</summary>
    public string? Caller { get; init; }

    public string? RemoteIp { get; init; }

    public CancellationToken Aborted { get; init; }

    public required GatewayServices Services { get; init; }

    public StorageEngine Storage => Services.Storage;

    public GatewayOptions Options => Services.Options;

    /// <summary>The caller; an unsigned request gets nothing from the gateway's own endpoints but health (403).</summary>
    public string Account => Caller ?? throw new S3Exception(S3ErrorCode.AccessDenied);

    public bool IsAdmin => Caller is { } caller && Options.IsAdmin(caller);
}
