using Gateway.Errors;
using Microsoft.Extensions.Primitives;

namespace Gateway.Http;

/// <summary>
/// Cross-origin access for browsers, from Gateway:Cors. A preflight (OPTIONS with Origin and
/// Access-Control-Request-Method) is answered without authentication, since browsers never sign it; actual
/// requests from an allowed origin get Access-Control-Allow-Origin and the exposed headers (ETag above all: a
/// browser uploading parts with presigned URLs must read each part's ETag to complete the upload).
/// </summary>
internal static class Cors
{
    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Origin") && request.Headers.ContainsKey("Access-Control-Request-Method");

    public static void Preflight(HttpContext http, CorsOptions options)
    {
        var origin = http.Request.Headers.Origin.ToString();
        var method = http.Request.Headers.AccessControlRequestMethod.ToString();
        if (!OriginAllowed(options, origin) || !options.AllowedMethods.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            throw new S3Exception(S3ErrorCode.AccessForbidden, "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.");
        }

        var h = http.Response.Headers;
        h.AccessControlAllowOrigin = AllowOriginValue(options, origin);
        h.AccessControlAllowMethods = string.Join(", ", options.AllowedMethods);
        if (http.Request.Headers.AccessControlRequestHeaders is { Count: > 0 } requested)
        {
            h.AccessControlAllowHeaders = requested;
        }

        h.AccessControlExposeHeaders = string.Join(", ", options.ExposeHeaders);
        h.AccessControlMaxAge = options.MaxAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        h.Vary = new StringValues(["Origin", "Access-Control-Request-Headers", "Access-Control-Request-Method"]);
        http.Response.StatusCode = 200;
    }

    /// <summary>Adds the CORS response headers to an actual (non-preflight) request from an allowed origin.</summary>
    public static void Decorate(HttpContext http, CorsOptions options)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || !OriginAllowed(options, origin))
        {
            return;
        }

        http.Response.Headers.AccessControlAllowOrigin = AllowOriginValue(options, origin);
        http.Response.Headers.AccessControlExposeHeaders = string.Join(", ", options.ExposeHeaders);
        http.Response.Headers.Vary = "Origin";
    }

    private static bool OriginAllowed(CorsOptions options, string origin) =>
        origin.Length > 0 && (options.AllowedOrigins.Contains("*") || options.AllowedOrigins.Contains(origin, StringComparer.Ordinal));

    private static string AllowOriginValue(CorsOptions options, string origin) => options.AllowedOrigins.Contains("*") ? "*" : origin;
}
