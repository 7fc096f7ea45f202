using Gateway.Errors;
using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Streaming;
using Storage.Faults;

namespace Gateway.Adapters;

/// <summary>
/// An adapter's pipeline, the same steps as S3's: route (pure), authenticate the token, resolve what the request
/// addresses, the hooks, the handler; every failure answered in the protocol's JSON, the connection closed when a
/// body was left unread, and the traffic metered to the adapter's bucket.
/// </summary>
internal sealed class AdapterPipeline(IAdapter adapter, GatewayServices services, ILogger log) : FrontEndPipeline<AdapterContext>(services, log)
{
    protected override AdapterContext Begin(HttpContext http, string requestId, RequestBodyStream body, BytesSent sent)
    {
        var c = new AdapterContext(adapter.FrontEnd, http, Services, adapter.Settings, body, sent, requestId);
        adapter.Route(c);
        return c;
    }

    protected override async ValueTask<bool> PrepareAsync(AdapterContext c)
    {
        if (c.Authenticate(adapter.Token(c)) is null)
        {
            throw adapter.Unauthorized(c);
        }

        await adapter.ResolveAsync(c).ConfigureAwait(false);
        return true;
    }

    protected override async Task RunAsync(AdapterContext c) =>
        await WriteAsync(c, await adapter.HandleAsync(c).ConfigureAwait(false)).ConfigureAwait(false);

    protected override bool IsAnswerable(Exception e) => e is AdapterException or StorageException or S3Exception or HookAnswerException;

    protected override async Task WriteErrorAsync(AdapterContext c, Exception failure)
    {
        var error = failure switch
        {
            AdapterException e => e,
            StorageException e => adapter.Map(e, c),
            // Shared plumbing (the body's idle timeout) speaks S3; the client hears its own protocol.
            S3Exception e => adapter.Error(S3ErrorTable.Lookup(e.Code).Status, S3ErrorTable.Lookup(e.Code).Code, e.Message, c),
            HookAnswerException { Answer: HookAnswer.Error injected } => Injected(injected, c),
            HookAnswerException { Answer: HookAnswer.ErrorAfterSuccess late } => adapter.Error(500, late.Code, late.Message, c),
            BadHttpRequestException e => adapter.Error(400, "bad_request", "The request body could not be read: " + e.Message, c),
            _ => adapter.Error(500, "internal_server_error", "The gateway met an internal error.", c),
        };
        c.ErrorCode = error.Body?["code"]?.ToString() ?? error.Body?["error"]?.ToString() ?? error.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        c.Http.Response.Clear();
        var response = new AdapterResponse(error.Status, error.Body);
        response.Headers.AddRange(error.Headers);
        await WriteAsync(c, response).ConfigureAwait(false);
    }

    /// <summary>A hook's error in the protocol's error body, with the hook's status and headers.</summary>
    private AdapterException Injected(HookAnswer.Error injected, AdapterContext c)
    {
        var e = adapter.Error(injected.Status, injected.Code, injected.Message, c);
        var answer = new AdapterException(injected.Status, e.Body, injected.Message);
        foreach (var (name, value) in injected.Headers)
        {
            answer.WithHeader(name, value);
        }

        return answer;
    }

    protected override string MetricName(AdapterContext c) => adapter.Settings.Name + "." + c.OperationName;

    protected override void Bill(AdapterContext c)
    {
        if (c.Account is { } account && c.BucketReady)
        {
            Services.Storage.Traffic.Record(adapter.Settings.Bucket, account, Services.Clock.UtcNow, c.Billing, c.BytesIn, c.BytesOut);
        }
    }

    private static async Task WriteAsync(AdapterContext c, AdapterResponse response)
    {
        var http = c.Http;
        http.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            http.Response.Headers.Append(name, value);
        }

        Dispatcher.CloseIfBodyLeft(http, c.Body);
        if (response.Json is { } json)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = bytes.Length;
            if (!HttpMethods.IsHead(http.Request.Method))
            {
                await http.Response.Body.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
                c.Sent.Add(bytes.Length);
            }
        }
        else if (response.Status != 204)
        {
            http.Response.ContentLength = 0;
        }
    }
}
