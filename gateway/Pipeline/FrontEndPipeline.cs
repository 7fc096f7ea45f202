using System.Security.Cryptography;
using Gateway.Http;
using Gateway.Streaming;

namespace Gateway.Pipeline;

/// <summary>
/// What every request goes through, whatever its front end: a request id, the body wrapped for its idle timeout and
/// byte count; route and authenticate (the front end's); the context handed to the hooks, which may answer in the
/// handler's place; the handler and the writing of its answer; every failure answered in the front end's words; and,
/// whatever happened, the request counted, billed and reported to the hooks. A front end supplies the steps; the
/// order and the failure handling are here, once.
/// </summary>
internal abstract class FrontEndPipeline<TContext>(GatewayServices services, ILogger log)
    where TContext : RequestContext
{
    protected GatewayServices Services => services;

    protected ILogger Log => log;

    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var body = new RequestBodyStream(http.Request.BodyReader, services.Options.RequestBodyIdleTimeout);
        http.Response.RegisterForDispose(body); // Its idle timer.
        http.Request.Body = body;
        var context = Begin(http, requestId, body, new BytesSent());
        try
        {
            if (await PrepareAsync(context).ConfigureAwait(false))
            {
                if (await services.Hooks.BeforeHandlerAsync(context).ConfigureAwait(false) is { } answer)
                {
                    await FailAsync(context, new HookAnswerException(answer)).ConfigureAwait(false);
                }
                else
                {
                    context.HandlerStarting();
                    await RunAsync(context).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing was committed and there is nobody to answer.
        }
        catch (Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // Likewise: the client closed the connection mid-body.
        }
        catch (BadHttpRequestException e)
        {
            log.LogInformation("Bad request body for {Target}: {Message} ({FrontEnd})", LogRedaction.Target(context.RawTarget), e.Message, FrontEnds.Name(context.FrontEnd));
            await FailAsync(context, e).ConfigureAwait(false);
        }
        catch (Errors.S3Exception e) when (e.Code == Errors.S3ErrorCode.RequestTimeout)
        {
            // A client that stopped sending mid-body: expected traffic, one line, no stack trace.
            log.LogInformation("Request {RequestId} ({FrontEnd} {Method} {Target}) dropped: its body sent nothing for {Timeout} s after {BytesIn} bytes; nothing was stored",
                requestId, FrontEnds.Name(context.FrontEnd), http.Request.Method, LogRedaction.Target(context.RawTarget), services.Options.RequestBodyIdleTimeout.TotalSeconds, context.BytesIn);
            await FailAsync(context, e).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (!IsAnswerable(e))
            {
                log.LogError(e, "Unhandled error in {FrontEnd} {Method} {Target} (request {RequestId})", FrontEnds.Name(context.FrontEnd), http.Request.Method,
                    LogRedaction.Target(context.RawTarget), requestId);
            }

            await FailAsync(context, e).ConfigureAwait(false);
        }
        finally
        {
            context.Finished(http.Response.StatusCode);
            services.Metrics.Record(MetricName(context), context.Status, context.BytesIn, context.BytesOut);
            Bill(context);
            services.Hooks.Completed(context);
        }
    }

    /// <summary>Makes the front end's per-request state.</summary>
    protected abstract TContext Begin(HttpContext http, string requestId, RequestBodyStream body, BytesSent sent);

    /// <summary>
    /// Routes and authenticates, filling the context (operation, account, bucket, key, upload, part). Throws the
    /// front end's error for a request it refuses; false when it answered the request itself (a CORS preflight).
    /// </summary>
    protected abstract ValueTask<bool> PrepareAsync(TContext context);

    /// <summary>Runs the operation's handler and writes its answer.</summary>
    protected abstract Task RunAsync(TContext context);

    /// <summary>Whether the front end answers this failure in its own words (anything else is logged as unexpected first).</summary>
    protected abstract bool IsAnswerable(Exception e);

    /// <summary>
    /// Writes the front end's answer to a failure: its own errors, storage faults, the shared plumbing's (a stalled
    /// or bad body), a hook's answer (<see cref="HookAnswerException"/>), and, for anything else, its internal error.
    /// Sets <see cref="RequestContext.ErrorCode"/>.
    /// </summary>
    protected abstract Task WriteErrorAsync(TContext context, Exception failure);

    /// <summary>The request's line in the metrics (by default the operation's name).</summary>
    protected virtual string MetricName(TContext context) => context.OperationName;

    /// <summary>Adds the request to its bucket's traffic on the meter, when it is billable.</summary>
    protected abstract void Bill(TContext context);

    private async Task FailAsync(TContext context, Exception failure)
    {
        if (context.Http.Response.HasStarted)
        {
            // Mid-body failure of a streamed response: the status is gone, so cut the connection; the client sees a
            // short body and never mistakes it for the whole answer.
            context.Http.Abort();
            return;
        }

        await WriteErrorAsync(context, failure).ConfigureAwait(false);
    }
}

/// <summary>A hook's answer on its way to the front end's error writer.</summary>
internal sealed class HookAnswerException(HookAnswer answer) : Exception("A request hook answered in the handler's place.")
{
    public HookAnswer Answer { get; } = answer;
}
