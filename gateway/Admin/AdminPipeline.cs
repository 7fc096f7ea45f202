using System.Text.Json;
using Gateway.Auth;
using Gateway.Contract;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Streaming;
using Storage.Faults;

namespace Gateway.Admin;

/// <summary>One call to the gateway's own endpoints.</summary>
internal sealed class AdminCall(HttpContext http, string requestId, RequestBodyStream body, BytesSent sent)
    : RequestContext(FrontEnd.Admin, http, requestId, body, sent)
{
    public AdminEndpoint Endpoint { get; set; } = AdminEndpoints.Unknown;

    public AdminRequest? Request { get; set; }
}

/// <summary>
/// The pipeline of the gateway's own endpoints: ASP.NET Core's endpoint routing has picked the row; this
/// authenticates with SigV4 as S3 requests are (health excepted), runs the hooks and the handler, and answers every
/// failure as {"error", "message"} JSON with the status of S3's error table. Nothing here is billed to a bucket.
/// </summary>
internal sealed class AdminPipeline(GatewayServices services, ILogger<AdminPipeline> log) : FrontEndPipeline<AdminCall>(services, log)
{
    protected override AdminCall Begin(HttpContext http, string requestId, RequestBodyStream body, BytesSent sent)
    {
        var call = new AdminCall(http, requestId, body, sent)
        {
            Endpoint = http.GetEndpoint()?.Metadata.GetMetadata<AdminEndpoint>() ?? AdminEndpoints.Unknown,
        };
        call.Operation = call.Endpoint.Operation;
        http.Response.Headers["x-amz-request-id"] = requestId;
        return call;
    }

    protected override ValueTask<bool> PrepareAsync(AdminCall call)
    {
        var http = call.Http;
        var q = call.RawTarget.IndexOf('?');
        var rawPath = q < 0 ? call.RawTarget : call.RawTarget[..q];
        var headers = RequestHeaders.From(http.Request.Headers);
        if (!call.Endpoint.Anonymous)
        {
            var auth = Services.Verifier.Verify(new AuthRequest(http.Request.Method, call.RawTarget, headers.All));
            call.Account = auth.Anonymous ? null : auth.AccessKey;
        }

        call.Request = new AdminRequest
        {
            Method = http.Request.Method,
            RawPath = rawPath,
            Query = Routing.QueryString.Parse(q < 0 ? "" : call.RawTarget[(q + 1)..]),
            Headers = headers,
            Body = http.Request.Body,
            Caller = call.Account,
            RemoteIp = http.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : null,
            Aborted = http.RequestAborted,
            Services = Services,
        };
        return ValueTask.FromResult(true);
    }

    protected override async Task RunAsync(AdminCall call)
    {
        var response = await call.Endpoint.Handler(call.Request!).ConfigureAwait(false);
        Dispatcher.CloseIfBodyLeft(call.Http, call.Body);
        await ResponseWriter.WriteAsync(call.Http, response, call.Sent, call.Http.RequestAborted).ConfigureAwait(false);
    }

    protected override bool IsAnswerable(Exception e) => e is S3Exception or StorageException or HookAnswerException;

    protected override async Task WriteErrorAsync(AdminCall call, Exception failure)
    {
        var head = HttpMethods.IsHead(call.Method);
        S3Response response;
        if (failure is HookAnswerException { Answer: HookAnswer.Error injected })
        {
            call.ErrorCode = injected.Code;
            response = AdminErrors.Response(injected.Status, injected.Code, injected.Message, head);
        }
        else if (failure is HookAnswerException { Answer: HookAnswer.ErrorAfterSuccess late })
        {
            call.ErrorCode = late.Code;
            response = AdminErrors.Response(500, late.Code, late.Message, head);
        }
        else
        {
            var error = FaultMap.ToS3(failure);
            call.ErrorCode = S3ErrorTable.Lookup(error.Code).Code;
            response = AdminErrors.Response(error, head);
        }

        call.Http.Response.Clear();
        call.Http.Response.Headers["x-amz-request-id"] = call.RequestId;
        Dispatcher.CloseIfBodyLeft(call.Http, call.Body);
        await ResponseWriter.WriteAsync(call.Http, response, call.Sent, call.Http.RequestAborted).ConfigureAwait(false);
    }

    protected override string MetricName(AdminCall call) => "Admin" + call.OperationName;

    /// <summary>The gateway's own endpoints address no bucket: nothing is billed for them.</summary>
    protected override void Bill(AdminCall call)
    {
    }
}

/// <summary>The error answer of the gateway's own endpoints: {"error": code, "message": text}.</summary>
internal static class AdminErrors
{
    public static S3Response Response(S3Exception error, bool head)
    {
        var entry = S3ErrorTable.Lookup(error.Code);
        var response = Response(entry.Status, entry.Code, error.Message, head);
        foreach (var (name, value) in error.ResponseHeaders)
        {
            response.With(name, value);
        }

        return response;
    }

    public static S3Response Response(int status, string code, string message, bool head) =>
        head ? S3Response.Empty(status) : S3Response.Json(JsonSerializer.Serialize(new ErrorBody { Error = code, Message = message }, AdminJson.Default.ErrorBody), status);
}
