namespace Gateway.Pipeline;

/// <summary>
/// Something every request passes through, whatever its front end, with no edit to any handler: the request log,
/// fault injection. Hooks run in the order the host registered them.
/// </summary>
internal interface IRequestHook
{
    /// <summary>
    /// Runs once the request is routed and authenticated and before its handler. Returning an answer makes the
    /// front end send it in the handler's place (the handler does not run); null lets the request go on.
    /// </summary>
    ValueTask<HookAnswer?> BeforeHandlerAsync(RequestContext context);

    /// <summary>Runs once the response (or the failure) has been written and accounted; the context is final.</summary>
    void Completed(RequestContext context);
}

/// <summary>What a hook answers in a handler's place. Each front end renders it in its protocol's words.</summary>
internal abstract record HookAnswer
{
    private HookAnswer()
    {
    }

    /// <summary>An error with this status and code, in the front end's error document (S3's XML, an adapter's JSON).</summary>
    public sealed record Error(int Status, string Code, string Message, IReadOnlyList<KeyValuePair<string, string>> Headers) : HookAnswer;

    /// <summary>
    /// S3's "200 OK with an error in its body" (CompleteMultipartUpload, CopyObject, UploadPartCopy): status 200, then
    /// whitespace and an error document. Only the S3 front end gives this answer; others answer it as an internal error.
    /// </summary>
    public sealed record ErrorAfterSuccess(string Code, string Message) : HookAnswer;
}

/// <summary>The ordered hooks of one gateway (the host owns the list; tests add their own).</summary>
internal sealed class RequestHooks
{
    private readonly Lock _gate = new();
    private volatile IRequestHook[] _hooks = [];

    public void Add(IRequestHook hook)
    {
        lock (_gate)
        {
            _hooks = [.. _hooks, hook];
        }
    }

    public void Remove(IRequestHook hook)
    {
        lock (_gate)
        {
            _hooks = _hooks.Where(h => !ReferenceEquals(h, hook)).ToArray();
        }
    }

    public async ValueTask<HookAnswer?> BeforeHandlerAsync(RequestContext context)
    {
        foreach (var hook in _hooks)
        {
            if (await hook.BeforeHandlerAsync(context).ConfigureAwait(false) is { } answer)
            {
                return answer;
            }
        }

        return null;
    }

    public void Completed(RequestContext context)
    {
        foreach (var hook in _hooks)
        {
            hook.Completed(context);
        }
    }
}
