using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Streaming;
using Storage.Faults;

namespace Gateway.Adapters;

/// <summary>
/// What every adapter request goes through, as S3 requests go through the Dispatcher: a request id, the body
/// wrapped for its idle timeout and byte count, the handler, every failure answered in the protocol's JSON,
/// the connection closed when a body was left unread, and the traffic metered to the adapter's bucket.
/// </summary>
internal sealed class AdapterPipeline(IAdapter adapter, GatewayServices services, ILogger log)
{
    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var body = new RequestBodyStream(http.Request.BodyReader, services.Options.RequestBodyIdleTimeout);
        http.Response.RegisterForDispose(body); // Its idle timer is linked to the request's token.
        var bodyOut = new CountingStream(http.Response.Body);
        http.Request.Body = body;
        http.Response.Body = bodyOut;
        var c = new AdapterContext(http, services, adapter.Settings, body, requestId);
        try
        {
            await WriteAsync(http, await adapter.HandleAsync(c).ConfigureAwait(false), body).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing was committed and there is nobody to answer.
        }
        catch (Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
        }
        catch (AdapterException e)
        {
            await WriteErrorAsync(http, e, body).ConfigureAwait(false);
        }
        catch (StorageException e)
        {
            await WriteErrorAsync(http, adapter.Map(e, c), body).ConfigureAwait(false);
        }
        catch (S3Exception e)
        {
            // Shared plumbing (the body's idle timeout) speaks S3; the client hears its own protocol.
            await WriteErrorAsync(http, adapter.Error(S3ErrorTable.Lookup(e.Code).Status, S3ErrorTable.Lookup(e.Code).Code, e.Message, c), body).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            log.LogInformation("{Adapter}: bad request body for {Target}: {Message}", adapter.Settings.Name, LogRedaction.Target(c.RawPath), e.Message);
            await WriteErrorAsync(http, adapter.Error(400, "bad_request", "The request body could not be read: " + e.Message, c), body).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            log.LogError(e, "{Adapter}: unhandled error in {Method} {Target} (request {RequestId})", adapter.Settings.Name, http.Request.Method, LogRedaction.Target(c.RawPath), requestId);
            await WriteErrorAsync(http, adapter.Error(500, "internal_server_error", "The gateway met an internal error.", c), body).ConfigureAwait(false);
        }
        finally
        {
            services.Metrics.Record(adapter.Settings.Name + "." + c.Operation, http.Response.StatusCode, body.Count, bodyOut.Count);
            if (c.Account is { } account && c.BucketReady)
            {
                services.Storage.Traffic.Record(adapter.Settings.Bucket, account, services.Clock.UtcNow, c.Billing, body.Count, bodyOut.Count);
            }
        }
    }

    private static async Task WriteAsync(HttpContext http, AdapterResponse response, RequestBodyStream body)
    {
        http.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            http.Response.Headers.Append(name, value);
        }

        Dispatcher.CloseIfBodyLeft(http, body);
        if (response.Json is { } json)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(json);
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = bytes.Length;
            if (!HttpMethods.IsHead(http.Request.Method))
            {
                await http.Response.Body.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
            }
        }
        else if (response.Status != 204)
        {
            http.Response.ContentLength = 0;
        }
    }

    private static async Task WriteErrorAsync(HttpContext http, AdapterException e, RequestBodyStream body)
    {
        if (http.Response.HasStarted)
        {
            http.Abort();
            return;
        }

        http.Response.Clear();
        var response = new AdapterResponse(e.Status, e.Body);
        response.Headers.AddRange(e.Headers);
        await WriteAsync(http, response, body).ConfigureAwait(false);
    }
}
