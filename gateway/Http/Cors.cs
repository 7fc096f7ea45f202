using Gateway.Errors;
using Gateway.Protocol;
using Gateway.Routing;
using Microsoft.Extensions.Primitives;

namespace Gateway.Http;

/// <summary>
/// Cross-origin access for browsers: a bucket's own CORS configuration (Put/GetBucketCors) when it has one, and
/// the gateway-wide Gateway:Cors otherwise. A preflight (OPTIONS with Origin and Access-Control-Request-Method) is
/// answered without authentication, since browsers never sign it; actual requests that a rule allows get
/// Access-Control-Allow-Origin and the exposed headers (ETag above all: a browser uploading parts with presigned
/// URLs must read each part's ETag to complete the upload).
/// </summary>
internal static class Cors
{
    private const string Forbidden = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / " +
        "Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Origin") && request.Headers.ContainsKey("Access-Control-Request-Method");

    /// <summary>Gateway:Cors as one rule: its origins and methods, any request header, its exposed headers and max age.</summary>
    public static CorsRule GatewayRule(CorsOptions o) => new(null, o.AllowedOrigins, o.AllowedMethods, ["*"], o.ExposeHeaders, o.MaxAgeSeconds);

    /// <summary>The rules a request from a browser is judged by: its bucket's CORS configuration, or Gateway:Cors.</summary>
    public static IReadOnlyList<CorsRule> RulesFor(GatewayServices services, S3Route route) =>
        route.Bucket is { } bucket && services.Storage.Buckets.Document(bucket, Storage.Objects.BucketDocument.Cors) is { } json ? CorsRules.FromJson(json) : [GatewayRule(services.Options.Cors)];

    public static void Preflight(HttpContext http, IReadOnlyList<CorsRule> rules)
    {
        var origin = http.Request.Headers.Origin.ToString();
        var method = http.Request.Headers.AccessControlRequestMethod.ToString();
        var requested = http.Request.Headers.AccessControlRequestHeaders.ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var rule = CorsRules.Match(rules, origin, method, requested) ?? throw new S3Exception(S3ErrorCode.AccessForbidden, Forbidden);
        var h = http.Response.Headers;
        h.AccessControlAllowOrigin = AllowOrigin(rule, origin);
        h.AccessControlAllowMethods = string.Join(", ", rule.AllowedMethods);
        if (requested.Length > 0)
        {
            h.AccessControlAllowHeaders = string.Join(", ", requested);
        }

        if (rule.ExposeHeaders.Count > 0)
        {
            h.AccessControlExposeHeaders = string.Join(", ", rule.ExposeHeaders);
        }

        if (rule.MaxAgeSeconds is { } age)
        {
            h.AccessControlMaxAge = age.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        h.Vary = new StringValues(["Origin", "Access-Control-Request-Headers", "Access-Control-Request-Method"]);
        http.Response.StatusCode = 200;
    }

    /// <summary>
    /// Adds the CORS response headers to an actual (non-preflight) request that a rule allows. The method judged is
    /// the Access-Control-Request-Method a request carries, else its own (s3-tests' test_cors_origin_response shows
    /// this with a PUT that names GET).
    /// </summary>
    public static void Decorate(HttpContext http, IReadOnlyList<CorsRule> rules)
    {
        var origin = http.Request.Headers.Origin.ToString();
        var method = http.Request.Headers.AccessControlRequestMethod is { Count: > 0 } named ? named.ToString() : http.Request.Method;
        if (origin.Length == 0 || CorsRules.Match(rules, origin, method, []) is not { } rule)
        {
            return;
        }

        http.Response.Headers.AccessControlAllowOrigin = AllowOrigin(rule, origin);
        http.Response.Headers.AccessControlAllowMethods = string.Join(", ", rule.AllowedMethods);
        if (rule.ExposeHeaders.Count > 0)
        {
            http.Response.Headers.AccessControlExposeHeaders = string.Join(", ", rule.ExposeHeaders);
        }

        http.Response.Headers.Vary = "Origin";
    }

    /// <summary>A rule allowing every origin answers "*", as S3 does; otherwise the request's origin.</summary>
    private static string AllowOrigin(CorsRule rule, string origin) => rule.AllowedOrigins.Contains("*") ? "*" : origin;
}
