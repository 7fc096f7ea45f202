using Gateway.Http;

namespace Gateway.Admin;

/// <summary>The gateway's own endpoints. Closed: each is one row of <see cref="AdminEndpoints.All"/>.</summary>
internal enum AdminOperation
{
    Health,
    Usage,
    Uploads,
    AbortUploads,
    Clock,
    ClockAdvance,
    Metrics,
    Access,
    AddFaults,
    ListFaults,
    ClearFaults,
    RemoveFault,
    Checksum,
    Check,
    Reset,
    Requests,

    /// <summary>Anything else under /_gateway/: 404 once authenticated.</summary>
    Unknown,
}

/// <summary>One endpoint: its methods and path under /_gateway, whether it needs a signature, and its handler.</summary>
internal sealed record AdminEndpoint(AdminOperation Operation, string[] Methods, string Path, bool Anonymous, Func<AdminRequest, Task<S3Response>> Handler);

/// <summary>
/// The table of the gateway's own endpoints (tools/ADMIN-API.md). The host maps each row as an ASP.NET Core
/// endpoint under /_gateway, ahead of the S3 catch-all; the handler tests find rows here by method and path.
/// </summary>
internal static class AdminEndpoints
{
    public const string Prefix = "/_gateway";

    public static IReadOnlyList<AdminEndpoint> All { get; } =
    [
        new(AdminOperation.Health, ["GET", "HEAD"], "/health", Anonymous: true, r => Task.FromResult(AdminHandlers.Health(r))),
        new(AdminOperation.Usage, ["GET"], "/usage", false, r => Task.FromResult(AdminHandlers.Usage(r))),
        new(AdminOperation.Uploads, ["GET"], "/uploads", false, r => Task.FromResult(AdminHandlers.Uploads(r))),
        new(AdminOperation.AbortUploads, ["POST"], "/uploads/abort", false, r => Task.FromResult(AdminHandlers.AbortStale(r))),
        new(AdminOperation.Clock, ["GET"], "/clock", false, r => Task.FromResult(AdminHandlers.Clock(r))),
        new(AdminOperation.ClockAdvance, ["POST"], "/clock/advance", false, r => Task.FromResult(AdminHandlers.Advance(r))),
        new(AdminOperation.Metrics, ["GET"], "/metrics", false, r => Task.FromResult(AdminHandlers.Metrics(r))),
        new(AdminOperation.Access, ["GET"], "/access", false, r => Task.FromResult(AccessExplain.Explain(r))),
        new(AdminOperation.AddFaults, ["POST"], "/faults", false, FaultHandlers.Add),
        new(AdminOperation.ListFaults, ["GET"], "/faults", false, r => Task.FromResult(FaultHandlers.List(r))),
        new(AdminOperation.ClearFaults, ["DELETE"], "/faults", false, r => Task.FromResult(FaultHandlers.Clear(r))),
        new(AdminOperation.RemoveFault, ["DELETE"], "/faults/{id}", false, r => Task.FromResult(FaultHandlers.Remove(r))),
        new(AdminOperation.Checksum, ["POST"], "/checksum", false, ChecksumHandlers.Compute),
        new(AdminOperation.Check, ["GET"], "/check", false, r => Task.FromResult(AdminHandlers.Check(r))),
        new(AdminOperation.Reset, ["POST"], "/reset", false, r => Task.FromResult(AdminHandlers.Reset(r))),
        new(AdminOperation.Requests, ["GET"], "/requests", false, r => Task.FromResult(RequestLogHandlers.List(r))),
    ];

    /// <summary>What answers a path under /_gateway that no row names, with any method.</summary>
    public static AdminEndpoint Unknown { get; } = new(AdminOperation.Unknown, [], "/{**rest}", false, r => Task.FromResult(AdminHandlers.Unknown(r)));

    /// <summary>The row for a request (path with the /_gateway prefix), as endpoint routing would pick it ("{name}" takes one segment).</summary>
    public static AdminEndpoint Find(string method, string path) =>
        All.FirstOrDefault(e => e.Methods.Contains(method) && Matches(Prefix + e.Path, path)) ?? Unknown;

    private static bool Matches(string template, string path)
    {
        var t = template.Split('/');
        var p = path.Split('/');
        return t.Length == p.Length && t.Zip(p).All(x => x.First == x.Second || (x.First.StartsWith('{') && x.Second.Length > 0));
    }

    /// <summary>Maps every row, and the catch-all, onto <paramref name="group"/> (the /_gateway route group).</summary>
    public static void Map(IEndpointRouteBuilder group, RequestDelegate pipeline)
    {
        foreach (var e in All)
        {
            group.MapMethods(e.Path, e.Methods, pipeline).WithMetadata(e);
        }

        group.Map(Unknown.Path, pipeline).WithMetadata(Unknown);
    }
}
