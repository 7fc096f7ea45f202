using System.Text.Json.Nodes;
using Gateway.Errors;
using Gateway.Protocol;
using Gateway.Routing;

namespace Gateway.Http;

/// <summary>The one place a response value becomes HTTP, and an error becomes a response value.</summary>
internal static class ResponseWriter
{
    private const int CopyBufferSize = 256 * 1024;

    public static async Task WriteAsync(HttpContext http, S3Response response, CancellationToken ct)
    {
        var r = http.Response;
        r.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            // A value that still holds a control character or a character beyond ISO-8859-1 is sent as RFC 2047
            // words rather than failing the response with a 500.
            r.Headers[name] = HeaderText.IsLatin1Text(value) ? value : HeaderText.MimeEncode(value);
        }

        var head = HttpMethods.IsHead(http.Request.Method);
        switch (response.Body)
        {
            case ResponseBody.Nothing:
                if (response.Status is not (204 or 304))
                {
                    r.ContentLength = 0;
                }

                break;
            case ResponseBody.Bytes b:
                r.ContentType = b.ContentType;
                r.ContentLength = b.Content.Length;
                if (!head)
                {
                    await r.Body.WriteAsync(b.Content, ct).ConfigureAwait(false);
                }

                break;
            case ResponseBody.ObjectRange o:
                using (o.Reader)
                {
                    r.ContentLength = o.Length;
                    if (o.SendBody && !head)
                    {
                        await using var body = o.Reader.OpenRange(o.Start, o.Length);
                        await body.CopyToAsync(r.Body, CopyBufferSize, ct).ConfigureAwait(false);
                    }
                }

                break;
        }
    }

    /// <summary>
    /// The error response: S3's error XML for S3 requests, {"error", "message"} JSON for the gateway's own
    /// endpoints; status, code and default message from the one table. HEAD and 304 answers carry no body.
    /// </summary>
    public static S3Response Error(S3Exception error, S3Route? route, string resource, string requestId, string hostId, bool head)
    {
        var entry = S3ErrorTable.Lookup(error.Code);
        S3Response response;
        if (head || entry.Status == 304)
        {
            response = S3Response.Empty(entry.Status);
        }
        else if (route?.IsAdmin == true)
        {
            response = S3Response.Json(new JsonObject { ["error"] = entry.Code, ["message"] = error.Message }.ToJsonString(), entry.Status);
        }
        else
        {
            response = S3Response.Xml(ErrorDocument.Build(error, resource, requestId, hostId), entry.Status);
        }

        foreach (var (name, value) in error.ResponseHeaders)
        {
            response.With(name, value);
        }

        return response;
    }
}
