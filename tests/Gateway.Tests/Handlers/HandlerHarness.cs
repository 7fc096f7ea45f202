using System.Text;
using Gateway.Auth;
using Gateway.Http;
using Gateway.Routing;
using Microsoft.Data.Sqlite;
using Storage;

namespace Gateway.Tests.Handlers;

/// <summary>
/// Handlers without a server: the gateway's services composed as the host composes them (a real storage engine in
/// a temp folder), requests built as values (routed by the real router, or found in the admin endpoint table,
/// authenticated as an account with an unsigned payload) and the handler's response value.
/// </summary>
internal sealed class HandlerHarness : IDisposable
{
    public const string Account = "acct";
    public const string Other = "other";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "handlers-" + Guid.NewGuid().ToString("N"));

    public HandlerHarness(Action<GatewayOptions>? configure = null)
    {
        Options = new GatewayOptions
        {
            DataDir = _dir,
            SegmentSize = 64,
            AccessKey = Account,
            SecretKey = "s",
            MinPartSize = 5,
            SpareSpace = 0, // No 4 MiB file per harness: the spare space is tested end to end on a real tmpfs.
            Credentials = [new CredentialOptions { AccessKey = Other, SecretKey = "o", Email = "other@example.com" }],
        };
        configure?.Invoke(Options);
        Services = GatewayServices.Create(Options);
        Storage = Services.Storage;
    }

    public GatewayOptions Options { get; }

    /// <summary>The service requests are signed for: "s3", or "s3express" (directory buckets, ListDirectoryBuckets).</summary>
    public string Service { get; set; } = SigV4.Service;

    /// <summary>The directory-bucket session requests are signed with (null: the account's own keys).</summary>
    public ExpressSession? Session { get; set; }

    public StorageEngine Storage { get; }

    public GatewayServices Services { get; }

    /// <summary>A routed request as an account (null: nobody, unsigned) sends it; the body is declared by Content-Length and sent unsigned.</summary>
    public S3Request Request(string method, string target, byte[]? body = null, Dictionary<string, string>? headers = null, string? account = Account)
    {
        var all = new Dictionary<string, string>(headers ?? [], StringComparer.OrdinalIgnoreCase);
        if (body is not null || method is "PUT" or "POST")
        {
            all.TryAdd("Content-Length", (body?.Length ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return new S3Request
        {
            Method = method,
            Route = S3Router.Route(method, "127.0.0.1:9000", target, all.ContainsKey("x-amz-copy-source"), Options.VirtualHostDomains, Options.MaxPartNumber,
                Service == SigV4.ExpressService),
            Auth = account is null ? AuthResult.AnonymousWith(PayloadMode.Unsigned, null)
                : new AuthResult(account, PayloadMode.Unsigned, null, null, false) { Service = Service, Session = Session },
            Headers = RequestHeaders.From(all),
            Body = new MemoryStream(body ?? []),
            Host = "127.0.0.1:9000",
            Services = Services,
        };
    }

    public Task<S3Response> Send(string method, string target, byte[]? body = null, Dictionary<string, string>? headers = null, string? account = Account)
    {
        if (target.StartsWith(Gateway.Admin.AdminEndpoints.Prefix + "/", StringComparison.Ordinal))
        {
            return SendAdmin(method, target, body, account);
        }

        var r = Request(method, target, body, headers, account);
        return r.Route.Rejection is { } e ? throw e : Dispatcher.Run(r);
    }

    /// <summary>A call to the gateway's own endpoints, to the handler the endpoint table names for it.</summary>
    private Task<S3Response> SendAdmin(string method, string target, byte[]? body, string? account)
    {
        var q = target.IndexOf('?');
        var path = q < 0 ? target : target[..q];
        return Gateway.Admin.AdminEndpoints.Find(method, path).Handler(new Gateway.Admin.AdminRequest
        {
            Method = method,
            RawPath = path,
            Query = QueryString.Parse(q < 0 ? "" : target[(q + 1)..]),
            Body = new MemoryStream(body ?? []),
            Caller = account,
            Services = Services,
        });
    }

    public Task<S3Response> Send(string method, string target, string body, Dictionary<string, string>? headers = null, string? account = Account) =>
        Send(method, target, Encoding.UTF8.GetBytes(body), headers, account);

    /// <summary>Reads an object response's bytes (and disposes its reader).</summary>
    public static async Task<byte[]> BodyOf(S3Response response)
    {
        var o = (ResponseBody.ObjectRange)response.Body;
        using (o.Reader)
        {
            await using var s = o.Reader.OpenRange(o.Start, o.Length);
            var ms = new MemoryStream();
            await s.CopyToAsync(ms);
            return ms.ToArray();
        }
    }

    public void Dispose()
    {
        Storage.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
