namespace Gateway.Pipeline;

/// <summary>One finished request as the request log keeps it: what it was and how it ended, never a secret.</summary>
internal sealed record RequestEntry(
    long Sequence,
    DateTimeOffset Time,
    FrontEnd FrontEnd,
    string Operation,
    string Method,
    string? Account,
    string? Bucket,
    string? Key,
    int Status,
    string? ErrorCode,
    long BytesIn,
    long BytesOut,
    TimeSpan Duration,
    string RequestId)
{
    /// <summary>For a request refused as SignatureDoesNotMatch: what the gateway computed, secrets taken out.</summary>
    public RefusedSignature? Signature { get; init; }
}

/// <summary>
/// What the gateway signed when a client's signature did not match: the canonical request and string to sign it
/// computed, and the headers the client said it signed. Values that are secrets (an SSE-C key, a security or session
/// token) are replaced by REDACTED; the signatures themselves are never kept.
/// </summary>
internal sealed record RefusedSignature(string AccessKeyId, string SignedHeaders, string CanonicalRequest, string StringToSign)
{
    private static readonly string[] SecretHeaders =
    [
        "x-amz-server-side-encryption-customer-key", "x-amz-copy-source-server-side-encryption-customer-key", "x-amz-security-token", "x-amz-s3session-token",
    ];

    private static readonly string[] SecretParameters = ["X-Amz-Security-Token", "X-Amz-S3session-Token"];

    /// <summary>The canonical request with every secret value replaced.</summary>
    public static string Redact(string canonicalRequest)
    {
        var lines = canonicalRequest.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (var h in SecretHeaders)
            {
                if (lines[i].StartsWith(h + ":", StringComparison.Ordinal))
                {
                    lines[i] = h + ":REDACTED";
                }
            }
        }

        if (lines.Length > 2)
        {
            // The canonical query: name=value pairs joined by '&'.
            lines[2] = string.Join('&', lines[2].Split('&').Select(p =>
                SecretParameters.Any(n => p.StartsWith(n + "=", StringComparison.Ordinal)) ? p[..(p.IndexOf('=') + 1)] + "REDACTED" : p));
        }

        return string.Join('\n', lines);
    }
}

/// <summary>
/// The last requests of every front end, in memory only: a bounded ring (Gateway:RequestLogSize entries, the oldest
/// dropped first) filled by a hook when each request has finished. It keeps what a person needs to see why a request
/// ended as it did (operation, bucket, key, status, error code, bytes, duration), and nothing that would let anyone
/// repeat it: no header, no query string, no signature, no key material.
/// </summary>
internal sealed class RequestLog(int capacity) : IRequestHook
{
    private readonly RequestEntry?[] _ring = new RequestEntry?[Math.Max(capacity, 0)];
    private readonly Lock _gate = new();
    private long _next;

    public int Capacity => _ring.Length;

    public ValueTask<HookAnswer?> BeforeHandlerAsync(RequestContext context) => ValueTask.FromResult<HookAnswer?>(null);

    public void Completed(RequestContext context)
    {
        // Health probes (a container's HEALTHCHECK every 15 s, a load balancer's) would push every real request out of
        // the ring in a few hours and tell nobody anything.
        if (_ring.Length == 0 || context.Operation is Admin.AdminOperation.Health)
        {
            return;
        }

        lock (_gate)
        {
            _ring[_next % _ring.Length] = new RequestEntry(
                _next, context.ArrivedAt, context.FrontEnd, context.OperationName, context.Method, context.Account,
                context.Bucket, context.Key, context.Status, context.ErrorCode, context.BytesIn, context.BytesOut,
                context.Elapsed, context.RequestId)
            {
                Signature = context.RefusedSignature,
            };
            _next++;
        }
    }

    /// <summary>The newest entries first that <paramref name="match"/> accepts, at most <paramref name="limit"/>, older than <paramref name="before"/> when given.</summary>
    public List<RequestEntry> Latest(int limit, Func<RequestEntry, bool> match, long? before = null)
    {
        var found = new List<RequestEntry>();
        lock (_gate)
        {
            var oldest = Math.Max(0, _next - _ring.Length);
            for (var s = Math.Min(_next, before ?? long.MaxValue) - 1; s >= oldest && found.Count < limit; s--)
            {
                if (_ring[s % _ring.Length] is { } e && match(e))
                {
                    found.Add(e);
                }
            }
        }

        return found;
    }
}
