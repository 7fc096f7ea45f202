using Gateway.Pipeline;
using Storage.Faults;

namespace Gateway.Adapters;

/// <summary>
/// One upload protocol's front end, in the steps its pipeline runs: route (a pure function of method and path),
/// the token it presents, what the request addresses that only storage knows, and the handler; and its one table
/// of errors.
/// </summary>
internal interface IAdapter
{
    AdapterSettings Settings { get; }

    FrontEnd FrontEnd { get; }

    /// <summary>
    /// Names the operation from method and path alone (no I/O): sets <see cref="RequestContext.Operation"/>, the
    /// billing class, the route values and, where the path names one, the upload id. An unknown route is the
    /// protocol's Unknown operation, refused by the handler once the caller is authenticated.
    /// </summary>
    void Route(AdapterContext context);

    /// <summary>The API token the request presents, or null.</summary>
    string? Token(AdapterContext context);

    /// <summary>The protocol's answer to a missing or unknown token.</summary>
    AdapterException Unauthorized(AdapterContext context);

    /// <summary>
    /// Fills in what the request addresses that only storage knows (a Box part's key and part number from its
    /// session), before the hooks see the context; what it read is kept for the handler (<see cref="AdapterContext.Resolved"/>).
    /// </summary>
    ValueTask ResolveAsync(AdapterContext context);

    /// <summary>Answers the authenticated request; throws <see cref="AdapterException"/> for the protocol's errors.</summary>
    Task<AdapterResponse> HandleAsync(AdapterContext context);

    /// <summary>The protocol's answer to a storage fault (its one fault table).</summary>
    AdapterException Map(StorageException fault, AdapterContext context);

    /// <summary>The protocol's error body for a generic failure the pipeline meets (a bad or stalled body, an internal error, a hook's answer).</summary>
    AdapterException Error(int status, string code, string message, AdapterContext context);
}
