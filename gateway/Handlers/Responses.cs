using System.Text;

namespace Gateway.Handlers;

/// <summary>Small helpers every handler uses to answer.</summary>
internal static class Responses
{
    public static async Task Xml(this S3Context ctx, string xml, int status = 200)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/xml";
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.Aborted).ConfigureAwait(false);
    }

    public static Task Empty(this S3Context ctx, int status)
    {
        ctx.Response.StatusCode = status;
        if (status != 204 && status != 304)
        {
            ctx.Response.ContentLength = 0;
        }

        return Task.CompletedTask;
    }

    public static string Quote(string etag) => "\"" + etag + "\"";

    /// <summary>HTTP-date (RFC 7231 IMF-fixdate), as S3 sends Last-Modified.</summary>
    public static string HttpDate(DateTimeOffset t) => t.UtcDateTime.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
}
