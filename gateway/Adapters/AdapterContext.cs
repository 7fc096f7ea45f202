using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Streaming;
using Storage;
using Storage.Faults;
using Storage.Usage;

namespace Gateway.Adapters;

/// <summary>
/// One request to an adapter: the pipeline's context (operation, account, what it addresses, counts) and what the
/// adapter reads of the request (path segments, query, headers, the body stream). Handlers read it and return an
/// <see cref="AdapterResponse"/>.
/// </summary>
internal sealed class AdapterContext(FrontEnd frontEnd, HttpContext http, GatewayServices services, AdapterSettings settings, RequestBodyStream body, BytesSent sent, string requestId)
    : RequestContext(frontEnd, http, requestId, body, sent)
{
    public GatewayServices Services { get; } = services;

    public StorageEngine Storage => Services.Storage;

    public AdapterSettings Settings { get; } = settings;

    /// <summary>The path as sent, without the query (still percent-encoded).</summary>
    public string RawPath => RawTarget.IndexOf('?') is var q and >= 0 ? RawTarget[..q] : RawTarget;

    public Routing.QueryString Query { get; } = Routing.QueryString.Parse(http.Request.QueryString.HasValue ? http.Request.QueryString.Value![1..] : "");

    /// <summary>The values the adapter's route took from the path (a session id, an intake's organisation and slug, ...).</summary>
    public IReadOnlyList<string> RouteValues { get; set; } = [];

    /// <summary>What the adapter read to describe the request before its handler (a Box session), for the handler to use.</summary>
    public object? Resolved { get; set; }

    /// <summary>How the request is billed to the adapter's bucket (S3's classes).</summary>
    public RequestClass Billing { get; set; } = RequestClass.Other;

    /// <summary>Set once the bucket is known to exist in the account: only then is traffic billed.</summary>
    public bool BucketReady { get; private set; }

    public string? Header(string name) => Http.Request.Headers.TryGetValue(name, out var v) && v.Count > 0 ? v.ToString() : null;

    /// <summary>
    /// Maps the presented token to its account (constant-time compares) and makes sure the adapter's bucket exists
    /// in that account. Null when the token is unknown; the caller answers in its protocol's words.
    /// </summary>
    public string? Authenticate(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var presented = Encoding.UTF8.GetBytes(token);
        AdapterToken? match = null;
        foreach (var t in Settings.Tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(t.Token)) && t.Token.Length > 0)
            {
                match = t;
            }
        }

        if (match is null)
        {
            return null;
        }

        Account = match.AccessKey.Length == 0 ? Services.Options.AccessKey : match.AccessKey;
        Bucket = Settings.Bucket;
        EnsureBucket();
        return Account;
    }

    private void EnsureBucket()
    {
        try
        {
            Storage.Buckets.Require(Settings.Bucket, Account!);
        }
        catch (StorageException e) when (e.Fault == StorageFault.BucketNotFound)
        {
            try
            {
                Storage.Buckets.Create(Settings.Bucket, Account!);
            }
            catch (StorageException again) when (again.Fault == StorageFault.BucketAlreadyYours)
            {
                // Created by a concurrent first request.
            }
            catch (StorageException taken) when (taken.Fault == StorageFault.BucketNameTaken)
            {
                throw TakenBucket();
            }
        }
        catch (StorageException e) when (e.Fault == StorageFault.NotOwner)
        {
            throw TakenBucket();
        }

        BucketReady = true;
    }

    private Errors.S3Exception TakenBucket() => new(Errors.S3ErrorCode.BucketAlreadyExists,
        $"The {Settings.Name} adapter's bucket '{Settings.Bucket}' belongs to another account: tokens of different accounts need different Bucket settings.");

    /// <summary>The signing secret of the request's account (for the presigned URLs an adapter hands out).</summary>
    public string Secret => Services.Verifier.SecretOf(Account!) ?? throw new InvalidOperationException("The adapter's account has no credentials.");

    /// <summary>
    /// The S3 front end's address as this client reaches it: <c>Gateway:Adapters:S3Url</c>, else the host the
    /// client used for the adapter with the S3 listener's scheme and port.
    /// </summary>
    public Uri S3BaseUri
    {
        get
        {
            if (Services.Options.Adapters.S3Url.Length > 0)
            {
                return new Uri(Services.Options.Adapters.S3Url);
            }

            var s3 = Services.S3Address ?? throw new InvalidOperationException("The S3 listener's address is not known yet.");
            var host = Http.Request.Host.Host.Length > 0 ? Http.Request.Host.Host : s3.Host;
            return new UriBuilder(s3.Scheme, host, s3.Port).Uri;
        }
    }

    /// <summary>Reads a small JSON body (at most <paramref name="cap"/> bytes); null for an empty body; <paramref name="bad"/> makes the protocol's error.</summary>
    public async Task<JsonNode?> ReadJsonAsync(int cap, Func<string, AdapterException> bad)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await Body.ReadAsync(chunk, Http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > cap)
            {
                throw bad($"The request body is larger than {cap} bytes.");
            }

            buffer.Write(chunk, 0, n);
        }

        if (buffer.Length == 0)
        {
            return null;
        }

        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw bad("The request body is not valid JSON: it is not UTF-8.");
        }

        try
        {
            // Duplicate names are refused, not resolved (System.Text.Json's default throws on first access, a 500).
            return JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 32, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw bad("The request body is not valid JSON: " + e.Message);
        }
    }
}
