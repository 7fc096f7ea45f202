namespace Gateway.WebConsole;

/// <summary>Every page and call of the console. Closed: the console's handler switches over it without a default arm.</summary>
internal enum ConsolePage
{
    Root,
    Style,
    SignIn,
    SignInSubmit,
    SignOut,
    Buckets,
    CreateBucket,
    DeleteBucket,
    Objects,
    ObjectDetails,
    Download,
    DeleteObject,
    Upload,
    Uploads,
    AbortUploads,
    PartMap,
    Usage,
    UsageSeries,
    Clock,
    AdvanceClock,
    Requests,
    Faults,
    AddFault,
    RemoveFault,
    ClearFaults,
    NotFound,
}

/// <summary>A console request: its page and the bucket or upload its path names (decoded).</summary>
internal sealed record ConsoleRoute(ConsolePage Page, string? Bucket = null, string? UploadId = null, string? RuleId = null)
{
    /// <summary>Served without a session: the sign-in form, its answer, and the style sheet.</summary>
    public bool Anonymous => Page is ConsolePage.SignIn or ConsolePage.SignInSubmit or ConsolePage.Style;

    /// <summary>A change: a POST that must carry the session's anti-forgery token.</summary>
    public bool Change => Page is ConsolePage.SignOut or ConsolePage.CreateBucket or ConsolePage.DeleteBucket or ConsolePage.DeleteObject
        or ConsolePage.Upload or ConsolePage.AbortUploads or ConsolePage.AdvanceClock or ConsolePage.AddFault or ConsolePage.RemoveFault or ConsolePage.ClearFaults;

    /// <summary>A JSON call (answered 401 without a session, where a page redirects to the sign-in form).</summary>
    public bool Json => Page is ConsolePage.UsageSeries;
}

/// <summary>Routes a console request: a pure function of the method and the path under /_gateway/console.</summary>
internal static class ConsoleRoutes
{
    public const string Prefix = "/_gateway/console";

    public static ConsoleRoute Match(string method, string path)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var get = method is "GET" or "HEAD";
        var post = method == "POST";
        return segments switch
        {
            [] when get => new(ConsolePage.Root),
            ["console.css"] when get => new(ConsolePage.Style),
            ["sign-in"] when get => new(ConsolePage.SignIn),
            ["sign-in"] when post => new(ConsolePage.SignInSubmit),
            ["sign-out"] when post => new(ConsolePage.SignOut),
            ["buckets"] when get => new(ConsolePage.Buckets),
            ["buckets"] when post => new(ConsolePage.CreateBucket),
            ["buckets", var b] when get => new(ConsolePage.Objects, b),
            ["buckets", var b, "delete"] when post => new(ConsolePage.DeleteBucket, b),
            ["buckets", var b, "object"] when get => new(ConsolePage.ObjectDetails, b),
            ["buckets", var b, "download"] when get => new(ConsolePage.Download, b),
            ["buckets", var b, "delete-object"] when post => new(ConsolePage.DeleteObject, b),
            ["buckets", var b, "upload"] when post => new(ConsolePage.Upload, b),
            ["uploads"] when get => new(ConsolePage.Uploads),
            ["uploads", "abort"] when post => new(ConsolePage.AbortUploads),
            ["uploads", var id] when get => new(ConsolePage.PartMap, UploadId: id),
            ["usage"] when get => new(ConsolePage.Usage),
            ["api", "usage"] when get => new(ConsolePage.UsageSeries),
            ["clock"] when get => new(ConsolePage.Clock),
            ["clock", "advance"] when post => new(ConsolePage.AdvanceClock),
            ["requests"] when get => new(ConsolePage.Requests),
            ["faults"] when get => new(ConsolePage.Faults),
            ["faults"] when post => new(ConsolePage.AddFault),
            ["faults", "clear"] when post => new(ConsolePage.ClearFaults),
            ["faults", var id, "remove"] when post => new(ConsolePage.RemoveFault, RuleId: id),
            _ => new(ConsolePage.NotFound),
        };
    }
}
