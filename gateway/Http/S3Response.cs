using System.Text;
using Storage.Objects;

namespace Gateway.Http;

/// <summary>
/// What a handler answers: a status, headers and a body, as a value. One writer (<see cref="ResponseWriter"/>)
/// turns it into HTTP.
/// </summary>
internal sealed class S3Response
{
    private S3Response(int status, ResponseBody body)
    {
        Status = status;
        Body = body;
    }

    public int Status { get; }

    public ResponseBody Body { get; }

    /// <summary>Response headers in the order added; a later value for the same name replaces an earlier one.</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public static S3Response Empty(int status = 200) => new(status, ResponseBody.None);

    public static S3Response Xml(string xml, int status = 200) => new(status, new ResponseBody.Bytes(Encoding.UTF8.GetBytes(xml), "application/xml"));

    public static S3Response Json(string json, int status = 200) => new(status, new ResponseBody.Bytes(Encoding.UTF8.GetBytes(json), "application/json"));

    public static S3Response Text(string text, string contentType, int status = 200) => new(status, new ResponseBody.Bytes(Encoding.UTF8.GetBytes(text), contentType));

    /// <summary>A byte range of an open object; the writer streams it and then disposes the reader.</summary>
    public static S3Response Object(ObjectReader reader, long start, long length, bool sendBody, int status = 200) =>
        new(status, new ResponseBody.ObjectRange(reader, start, length, sendBody));

    public S3Response With(string name, string? value)
    {
        if (value is not null)
        {
            Headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
            Headers.Add(new(name, value));
        }

        return this;
    }

    /// <summary>The value of a header set on this response, or null.</summary>
    public string? Header(string name) => Headers.LastOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The body as text (for tests and logs); empty for an object body.</summary>
    public string BodyText => Body is ResponseBody.Bytes b ? Encoding.UTF8.GetString(b.Content) : "";
}

/// <summary>The three kinds of response body.</summary>
internal abstract record ResponseBody
{
    private ResponseBody()
    {
    }

    public static readonly ResponseBody None = new Nothing();

    /// <summary>No body (Content-Length 0, or none for 204 and 304).</summary>
    public sealed record Nothing : ResponseBody;

    /// <summary>A small document built in memory (XML, JSON, text).</summary>
    public sealed record Bytes(byte[] Content, string ContentType) : ResponseBody;

    /// <summary>[Start, Start + Length) of an open object; <paramref name="SendBody"/> false for HEAD.</summary>
    public sealed record ObjectRange(ObjectReader Reader, long Start, long Length, bool SendBody) : ResponseBody;
}
