using Gateway.Pipeline;
using Storage.Faults;
using Storage.Usage;

namespace Gateway.Adapters.Box;

/// <summary>Box upload sessions (<c>/api/2.0/files/upload_sessions</c>) on the storage engine: a session is a multipart upload.</summary>
internal sealed class BoxAdapter(BoxOptions settings) : IAdapter
{
    public AdapterSettings Settings => settings;

    public FrontEnd FrontEnd => FrontEnd.Box;

    public void Route(AdapterContext c)
    {
        var (operation, id) = BoxRoutes.Route(c.Method, c.RawPath);
        c.Operation = operation;
        c.Billing = Billing(operation);
        c.RouteValues = id is null ? [] : [id];
    }

    /// <summary>S3's billing classes for Box's calls: reads, writes, and aborts (like S3's DELETE, not billed).</summary>
    internal static RequestClass Billing(BoxOperation operation) => operation switch
    {
        BoxOperation.GetSession or BoxOperation.ListParts => RequestClass.Read,
        BoxOperation.AbortSession or BoxOperation.Unknown => RequestClass.Other,
        BoxOperation.CreateSession or BoxOperation.UploadPart or BoxOperation.Commit => RequestClass.WriteOrList,
    };

    public string? Token(AdapterContext c) =>
        c.Header("Authorization") is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : null;

    public AdapterException Unauthorized(AdapterContext c) => BoxErrors.Unauthorized();

    /// <summary>A part upload names its session: the session gives the key and, with the Content-Range, the part number.</summary>
    public ValueTask ResolveAsync(AdapterContext c)
    {
        if (c.Operation is BoxOperation.UploadPart)
        {
            new BoxSessions(c, settings).Resolve(c.RouteValues[0]);
        }

        return ValueTask.CompletedTask;
    }

    public async Task<AdapterResponse> HandleAsync(AdapterContext c)
    {
        var sessions = new BoxSessions(c, settings);
        var id = c.RouteValues.Count > 0 ? c.RouteValues[0] : null;
        return (BoxOperation)c.Operation! switch
        {
            BoxOperation.CreateSession => await sessions.CreateAsync().ConfigureAwait(false),
            BoxOperation.GetSession => sessions.Get(id!),
            BoxOperation.UploadPart => await sessions.UploadPartAsync(id!).ConfigureAwait(false),
            BoxOperation.ListParts => sessions.ListParts(id!),
            BoxOperation.Commit => await sessions.CommitAsync(id!).ConfigureAwait(false),
            BoxOperation.AbortSession => sessions.Abort(id!),
            BoxOperation.Unknown => throw BoxErrors.Error(BoxError.NotFound, c.RequestId, "Not Found: the Box adapter serves the upload session API only."),
        };
    }

    public AdapterException Map(StorageException fault, AdapterContext context) => BoxErrors.Map(fault, context.RequestId);

    public AdapterException Error(int status, string code, string message, AdapterContext context) => BoxErrors.Error(status, code, message, context.RequestId);
}
