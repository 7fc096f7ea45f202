using Storage.Faults;
using Storage.Usage;

namespace Gateway.Adapters.Box;

/// <summary>Box upload sessions (<c>/api/2.0/files/upload_sessions</c>) on the storage engine: a session is a multipart upload.</summary>
internal sealed class BoxAdapter(BoxOptions settings) : IAdapter
{
    public AdapterSettings Settings => settings;

    public async Task<AdapterResponse> HandleAsync(AdapterContext c)
    {
        var (operation, id) = BoxRoutes.Route(c.Method, c.RawPath);
        c.Operation = operation.ToString();
        var auth = c.Header("Authorization");
        if (auth is null || !auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || c.Authenticate(auth[7..].Trim()) is null)
        {
            throw BoxErrors.Unauthorized();
        }

        var sessions = new BoxSessions(c, settings);
        c.Billing = operation switch
        {
            BoxOperation.GetSession or BoxOperation.ListParts => RequestClass.Read,
            BoxOperation.AbortSession or BoxOperation.Unknown => RequestClass.Other,
            _ => RequestClass.WriteOrList,
        };
        return operation switch
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
