using System.Diagnostics;
using Gateway.Http;
using Gateway.Streaming;

namespace Gateway.Pipeline;

/// <summary>
/// One request as every front end's pipeline sees it, known before its handler runs: which front end and operation
/// (a closed enum of that front end), who sent it, what it addresses, and, as it runs, its timings, byte counts,
/// status and error code. Hooks read it; each front end's own per-request state derives from it.
/// </summary>
internal abstract class RequestContext(FrontEnd frontEnd, HttpContext http, string requestId, RequestBodyStream body, BytesSent sent)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _handlerStarted;
    private long _finished;

    public FrontEnd FrontEnd { get; } = frontEnd;

    public HttpContext Http { get; } = http;

    public string RequestId { get; } = requestId;

    public string Method => Http.Request.Method;

    /// <summary>The request target exactly as sent (path and query), never normalised.</summary>
    public string RawTarget { get; } = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget
        ?? (http.Request.Path + http.Request.QueryString).ToString();

    /// <summary>The request body as received, counted and bounded by the idle timeout.</summary>
    public RequestBodyStream Body { get; } = body;

    /// <summary>Response body bytes handed to the connection.</summary>
    public BytesSent Sent { get; } = sent;

    /// <summary>When the request arrived (real time, whatever the gateway's clock says).</summary>
    public DateTimeOffset ArrivedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The operation: a member of the front end's own closed enum (S3Operation, BoxOperation, ...).</summary>
    public Enum? Operation { get; set; }

    /// <summary>The authenticated account (an access key); null for an anonymous or not yet authenticated request.</summary>
    public string? Account { get; set; }

    public string? Bucket { get; set; }

    public string? Key { get; set; }

    public string? UploadId { get; set; }

    public int? PartNumber { get; set; }

    /// <summary>The status sent, once the response is written.</summary>
    public int Status { get; private set; }

    /// <summary>The front end's error code, when the answer was an error (S3's "NoSuchKey", Box's "not_found", ...).</summary>
    public string? ErrorCode { get; set; }

    /// <summary>When the request was refused as SignatureDoesNotMatch: what the gateway signed (for the request log).</summary>
    public RefusedSignature? RefusedSignature { get; set; }

    public long BytesIn => Body.Count;

    public long BytesOut => Sent.Count;

    /// <summary>Time from arrival to the handler's start (routing, authentication, hooks); null if no handler ran.</summary>
    public TimeSpan? BeforeHandler => _handlerStarted == 0 ? null : Stopwatch.GetElapsedTime(_started, _handlerStarted);

    /// <summary>Time from arrival to the end of the response (so far, while it runs).</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started, _finished == 0 ? Stopwatch.GetTimestamp() : _finished);

    /// <summary>The operation's name as the README lists it for the front end ("UploadPart", "CreateSession", ...).</summary>
    public string OperationName => Operation?.ToString() ?? "Unknown";

    internal void HandlerStarting() => _handlerStarted = Stopwatch.GetTimestamp();

    internal void Finished(int status)
    {
        Status = status;
        _finished = Stopwatch.GetTimestamp();
    }
}
