using Gateway.Auth;
using Gateway.Routing;
using Storage;

namespace Gateway.Handlers;

/// <summary>Everything a handler needs about one authenticated, routed request.</summary>
internal sealed class S3Context(HttpContext http, S3Route route, AuthResult auth, GatewayServices services)
{
    public HttpContext Http { get; } = http;

    public HttpRequest Request => Http.Request;

    public HttpResponse Response => Http.Response;

    public S3Route Route { get; } = route;

    public AuthResult Auth { get; } = auth;

    public GatewayServices Services { get; } = services;

    public StorageEngine Storage => Services.Storage;

    public GatewayOptions Options => Services.Options;

    /// <summary>The account is the access key that signed the request.</summary>
    public string Account => Auth.AccessKey;

    public string Bucket => Route.Bucket ?? throw new InvalidOperationException("No bucket in route.");

    public string Key => Route.Key ?? throw new InvalidOperationException("No key in route.");

    public CancellationToken Aborted => Http.RequestAborted;

    public string? Header(string name)
    {
        var v = Request.Headers[name];
        return v.Count == 0 ? null : v.ToString();
    }
}

/// <summary>The long-lived services of one running gateway.</summary>
internal sealed class GatewayServices(GatewayOptions options, StorageEngine storage, SigV4Verifier verifier, IClock clock)
{
    public GatewayOptions Options { get; } = options;

    public StorageEngine Storage { get; } = storage;

    public SigV4Verifier Verifier { get; } = verifier;

    public IClock Clock { get; } = clock;

    public DateTimeOffset StartedAt { get; } = clock.UtcNow;

    /// <summary>Real start time, for uptime (the gateway clock may be virtual).</summary>
    public DateTimeOffset StartedAtReal { get; } = DateTimeOffset.UtcNow;

    public GatewayMetrics Metrics { get; } = new();
}
