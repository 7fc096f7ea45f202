namespace Gateway.Adapters.Box;

internal enum BoxOperation
{
    CreateSession,
    GetSession,
    UploadPart,
    ListParts,
    Commit,
    AbortSession,
    Unknown,
}

/// <summary>Box's upload-session routes under <c>/api/2.0</c>, as a pure function of method and path.</summary>
internal static class BoxRoutes
{
    private const string Base = "/api/2.0/files/upload_sessions";

    public static (BoxOperation Operation, string? SessionId) Route(string method, string path)
    {
        path = path.TrimEnd('/');
        if (path == Base)
        {
            return (method == "POST" ? BoxOperation.CreateSession : BoxOperation.Unknown, null);
        }

        if (!path.StartsWith(Base + "/", StringComparison.Ordinal))
        {
            return (BoxOperation.Unknown, null);
        }

        var rest = path[(Base.Length + 1)..].Split('/');
        return (method, rest) switch
        {
            ("GET", [var id]) => (BoxOperation.GetSession, id),
            ("PUT", [var id]) => (BoxOperation.UploadPart, id),
            ("DELETE", [var id]) => (BoxOperation.AbortSession, id),
            ("GET", [var id, "parts"]) => (BoxOperation.ListParts, id),
            ("POST", [var id, "commit"]) => (BoxOperation.Commit, id),
            _ => (BoxOperation.Unknown, null),
        };
    }
}
