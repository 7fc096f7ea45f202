using Storage.Faults;

namespace Gateway.Adapters;

/// <summary>One upload protocol's front end: it routes and answers requests, and maps failures to its own errors.</summary>
internal interface IAdapter
{
    AdapterSettings Settings { get; }

    /// <summary>Answers one request (authentication included); throws <see cref="AdapterException"/> for the protocol's errors.</summary>
    Task<AdapterResponse> HandleAsync(AdapterContext context);

    /// <summary>The protocol's answer to a storage fault (its one fault table).</summary>
    AdapterException Map(StorageException fault, AdapterContext context);

    /// <summary>The protocol's error body for a generic failure the pipeline meets (a bad or stalled body, an internal error).</summary>
    AdapterException Error(int status, string code, string message, AdapterContext context);
}
