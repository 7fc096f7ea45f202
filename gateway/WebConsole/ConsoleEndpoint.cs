using System.Security.Cryptography;
using System.Text;
using Gateway.Errors;
using Storage.Faults;

namespace Gateway.WebConsole;

/// <summary>A console answer: a page (or JSON, or a style sheet) with its status, or a redirect after a change.</summary>
internal sealed record ConsoleAnswer(int Status, string ContentType, string Body, string? Location = null)
{
    public static ConsoleAnswer Page(string html, int status = 200) => new(status, "text/html; charset=utf-8", html);

    /// <summary>After a change: 303 See Other to the page that shows its result (a reload does not repeat it).</summary>
    public static ConsoleAnswer Redirect(string pathUnderConsole) => new(303, "text/plain", "", ConsoleRoutes.Prefix + pathUnderConsole);
}

/// <summary>
/// The web console at /_gateway/console/ on the S3 port: server-rendered pages over the engine's public API and the
/// gateway's own services, with no script library and nothing from the network. Every page and call but the sign-in
/// form needs a session (a page without one redirects to the form; a JSON call or a change is 401); every change is a
/// POST carrying the session's anti-forgery token (403 without it). An account sees and acts on its own buckets only;
/// an admin (Gateway:Admins) sees every account's. Gateway:Console:Enabled=false answers 404 for all of it.
/// </summary>
internal sealed partial class ConsoleEndpoint(GatewayServices services, ILogger<ConsoleEndpoint> log)
{
    /// <summary>How long a refused sign-in waits before it answers (a guess costs a second).</summary>
    internal static readonly TimeSpan RefusalDelay = TimeSpan.FromSeconds(1);

    private GatewayOptions Options => services.Options;

    public async Task HandleAsync(HttpContext http)
    {
        if (!Options.Console.Enabled)
        {
            http.Response.StatusCode = 404;
            return;
        }

        var path = (http.Request.Path.Value ?? "")[ConsoleRoutes.Prefix.Length..];
        var route = ConsoleRoutes.Match(http.Request.Method, path);
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers["X-Frame-Options"] = "DENY";
        headers["X-Content-Type-Options"] = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'none'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'";

        var now = DateTimeOffset.UtcNow;
        var sessionId = http.Request.Cookies[ConsoleSessions.Cookie];
        var session = services.ConsoleSessions.Find(sessionId, now);
        ConsoleAnswer answer;
        try
        {
            if (route.Anonymous)
            {
                answer = route.Page switch
                {
                    ConsolePage.Style => new ConsoleAnswer(200, "text/css; charset=utf-8", Html.Style),
                    ConsolePage.SignIn => session is null ? SignInPage(null) : ConsoleAnswer.Redirect("/buckets"),
                    _ => await SignInAsync(http, now).ConfigureAwait(false),
                };
            }
            else if (session is null)
            {
                answer = route.Json || !HttpMethods.IsGet(http.Request.Method)
                    ? new ConsoleAnswer(401, "application/json", """{"error":"Unauthorized","message":"Sign in to the console first."}""")
                    : ConsoleAnswer.Redirect("/sign-in");
            }
            else if (route.Change && route.Page != ConsolePage.Upload && !ConsoleSessions.Carries(session, await FormValueAsync(http, "csrf").ConfigureAwait(false)))
            {
                answer = ConsoleAnswer.Page(Html.Page("Refused", session, "<p class=\"error\">This change did not carry the page's anti-forgery token. Reload the page and try again.</p>"), 403);
            }
            else
            {
                answer = await AnswerAsync(http, route, session, sessionId!).ConfigureAwait(false);
                if (answer.Body.Length == 0 && answer.Status == 200 && answer.Location is null)
                {
                    // A download wrote its own response.
                    return;
                }
            }
        }
        catch (Exception e) when (e is S3Exception or StorageException)
        {
            var error = FaultMap.ToS3(e);
            var entry = S3ErrorTable.Lookup(error.Code);
            answer = ConsoleAnswer.Page(Html.Page("Refused", session, $"<p class=\"error\">{Html.E(entry.Code)}: {Html.E(error.Message)}</p>"), entry.Status);
        }
        catch (BadHttpRequestException e)
        {
            log.LogDebug(e, "Console request {Path} could not be read", path);
            answer = ConsoleAnswer.Page(Html.Page("Refused", session, "<p class=\"error\">The request could not be read.</p>"), 400);
        }

        await WriteAsync(http, answer).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext http, ConsoleAnswer answer)
    {
        http.Response.StatusCode = answer.Status;
        if (answer.Location is not null)
        {
            http.Response.Headers.Location = answer.Location;
        }

        http.Response.ContentType = answer.ContentType;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.WriteAsync(answer.Body, http.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>A field of a URL-encoded form (the console's forms are small; a multipart upload reads its own).</summary>
    private static async Task<string?> FormValueAsync(HttpContext http, string name)
    {
        if (!http.Request.HasFormContentType)
        {
            return null;
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        return form.TryGetValue(name, out var v) ? v.ToString() : null;
    }

    private ConsoleAnswer SignInPage(string? refusal, int status = 200) => ConsoleAnswer.Page(Html.Page("Sign in", null,
        (refusal is null ? "" : $"<p class=\"error\" role=\"alert\">{Html.E(refusal)}</p>") +
        $"""
        <form method="post" action="{ConsoleRoutes.Prefix}/sign-in" class="signin">
        <p class="note">Sign in with an account's access key and secret key, as configured for this gateway.</p>
        <label>Access key <input name="accessKey" autocomplete="username" required></label>
        <label>Secret key <input name="secretKey" type="password" autocomplete="current-password" required></label>
        <button type="submit">Sign in</button>
        </form>
        """), status);

    /// <summary>
    /// Checks the form's keys against the configured accounts (the secret compared in constant time); a refusal waits
    /// <see cref="RefusalDelay"/> and says only that the keys were not accepted.
    /// </summary>
    private async Task<ConsoleAnswer> SignInAsync(HttpContext http, DateTimeOffset now)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false) : null;
        var accessKey = form?["accessKey"].ToString() ?? "";
        var secretKey = form?["secretKey"].ToString() ?? "";
        var expected = accessKey.Length > 0 ? services.Verifier.SecretOf(accessKey) : null;
        var match = expected is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(secretKey));
        if (!match)
        {
            await Task.Delay(RefusalDelay, http.RequestAborted).ConfigureAwait(false);
            return SignInPage("Those keys were not accepted: check the access key and the secret key.", 401);
        }

        var (id, _) = services.ConsoleSessions.Start(accessKey, now);
        http.Response.Cookies.Append(ConsoleSessions.Cookie, id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = ConsoleRoutes.Prefix,
            MaxAge = services.ConsoleSessions.Lifetime,
            Secure = http.Request.IsHttps,
        });
        return ConsoleAnswer.Redirect("/buckets");
    }

    private async Task<ConsoleAnswer> AnswerAsync(HttpContext http, ConsoleRoute route, ConsoleSession session, string sessionId)
    {
        switch (route.Page)
        {
            case ConsolePage.Root:
                return ConsoleAnswer.Redirect("/buckets");
            case ConsolePage.SignOut:
                services.ConsoleSessions.End(sessionId);
                http.Response.Cookies.Delete(ConsoleSessions.Cookie, new CookieOptions { Path = ConsoleRoutes.Prefix });
                return ConsoleAnswer.Redirect("/sign-in");
            case ConsolePage.Buckets:
                return ConsoleAnswer.Page(BucketsPage(http, session));
            case ConsolePage.CreateBucket:
                return CreateBucket(await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false), session);
            case ConsolePage.DeleteBucket:
                services.Storage.Buckets.Delete(RequireBucket(session, route.Bucket!).Name, RequireBucket(session, route.Bucket!).Owner);
                return ConsoleAnswer.Redirect("/buckets");
            case ConsolePage.Objects:
                return ConsoleAnswer.Page(ObjectsPage(http, session, RequireBucket(session, route.Bucket!)));
            case ConsolePage.ObjectDetails:
                return ConsoleAnswer.Page(ObjectPage(http, session, RequireBucket(session, route.Bucket!)));
            case ConsolePage.Download:
                await DownloadAsync(http, RequireBucket(session, route.Bucket!)).ConfigureAwait(false);
                return new ConsoleAnswer(200, "", "");
            case ConsolePage.DeleteObject:
                return DeleteObject(await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false), RequireBucket(session, route.Bucket!));
            case ConsolePage.Upload:
                return await UploadAsync(http, session, RequireBucket(session, route.Bucket!)).ConfigureAwait(false);
            case ConsolePage.Uploads:
                return ConsoleAnswer.Page(UploadsPage(http, session));
            case ConsolePage.AbortUploads:
                return AbortUploads(await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false), session);
            case ConsolePage.PartMap:
                return ConsoleAnswer.Page(PartMapPage(session, route.UploadId!));
            case ConsolePage.Usage:
                return ConsoleAnswer.Page(UsagePage(http, session));
            case ConsolePage.UsageSeries:
                return new ConsoleAnswer(200, "application/json; charset=utf-8", UsageSeriesJson(http, session));
            case ConsolePage.Clock:
                return ConsoleAnswer.Page(ClockPage(session, null));
            case ConsolePage.AdvanceClock:
                return ConsoleAnswer.Page(AdvanceClock(await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false), session));
            case ConsolePage.Requests:
                return ConsoleAnswer.Page(RequestsPage(http, session));
            case ConsolePage.Faults:
                return ConsoleAnswer.Page(FaultsPage(session, null));
            case ConsolePage.AddFault:
                return AddFault(await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false), session);
            case ConsolePage.RemoveFault:
                return RemoveFault(session, route.RuleId!);
            case ConsolePage.ClearFaults:
                return ClearFaults(session);
            case ConsolePage.NotFound:
                return ConsoleAnswer.Page(Html.Page("Not found", session, "<p class=\"error\">No console page has this address.</p>"), 404);
            case ConsolePage.Style or ConsolePage.SignIn or ConsolePage.SignInSubmit:
                break;
        }

        // The anonymous pages are answered before a session is required; ConsoleRoutesTests checks every page is named above.
        throw new InvalidOperationException("Console page answered elsewhere: " + route.Page);
    }

    private bool IsAdmin(ConsoleSession session) => Options.IsAdmin(session.Account);

    /// <summary>
    /// The bucket, if the session's account owns it or is an admin; NoSuchBucket otherwise (another account's bucket
    /// is not even confirmed to exist).
    /// </summary>
    private Storage.Objects.BucketInfo RequireBucket(ConsoleSession session, string bucket)
    {
        var info = services.Storage.Buckets.Find(bucket);
        return info is not null && (info.Owner == session.Account || IsAdmin(session))
            ? info
            : throw new S3Exception(S3ErrorCode.NoSuchBucket).With("BucketName", bucket);
    }
}
