using System.Text;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Http;

/// <summary>ResponseWriter: a response value becomes status, headers and body; errors become S3's XML or the admin JSON.</summary>
[TestFixture]
internal sealed class ResponseWriterTests
{
    private static async Task<(HttpContext Http, string Body)> Write(S3Response response, string method = "GET")
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        var body = new MemoryStream();
        http.Response.Body = body;
        var sent = new BytesSent();
        await ResponseWriter.WriteAsync(http, response, sent, CancellationToken.None);
        Assert.That(sent.Count, Is.EqualTo(body.Length), "the bytes counted for the meter are the bytes written");
        return (http, Encoding.UTF8.GetString(body.ToArray()));
    }

    [Test]
    public async Task XmlHasItsTypeAndLength()
    {
        var (http, body) = await Write(S3Response.Xml("<a/>", 201).With("ETag", "\"x\""));
        Assert.That((http.Response.StatusCode, http.Response.ContentType, http.Response.ContentLength, http.Response.Headers.ETag.ToString(), body),
            Is.EqualTo((201, "application/xml", 4L, "\"x\"", "<a/>")));
    }

    [Test]
    public async Task HeadGetsTheLengthButNoBody()
    {
        var (http, body) = await Write(S3Response.Xml("<a/>"), "HEAD");
        Assert.That((http.Response.ContentLength, body), Is.EqualTo((4L, "")));
    }

    [Test]
    public async Task EmptyIsLengthZeroExceptFor204And304()
    {
        Assert.That((await Write(S3Response.Empty())).Http.Response.ContentLength, Is.EqualTo(0));
        Assert.That((await Write(S3Response.Empty(204))).Http.Response.ContentLength, Is.Null);
        Assert.That((await Write(S3Response.Empty(304))).Http.Response.ContentLength, Is.Null);
    }

    [Test]
    public void ALaterHeaderValueReplacesAnEarlierOne()
    {
        var r = S3Response.Empty().With("X-A", "1").With("x-a", "2").With("X-B", null);
        Assert.That(r.Headers, Is.EqualTo(new[] { new KeyValuePair<string, string>("x-a", "2") }));
    }

    [Test]
    public void S3ErrorsAreXmlWithTheRequestIds()
    {
        var route = S3Router.Route("GET", "h", "/b/k", false, []);
        var r = ResponseWriter.Error(new S3Exception(S3ErrorCode.NoSuchKey).With("Key", "k"), route.Resource, "RID", "HID", head: false);
        Assert.That((r.Status, r.BodyText), Is.EqualTo((404,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key>" +
            "<Resource>/b/k</Resource><RequestId>RID</RequestId><HostId>HID</HostId></Error>")));
    }

    [Test]
    public void AdminErrorsAreJsonAndHeadErrorsHaveNoBody()
    {
        var r = Gateway.Admin.AdminErrors.Response(new S3Exception(S3ErrorCode.AccessDenied, "no"), head: false);
        Assert.That((r.Status, r.BodyText), Is.EqualTo((403, "{\"error\":\"AccessDenied\",\"message\":\"no\"}")));
        var head = ResponseWriter.Error(new S3Exception(S3ErrorCode.NoSuchKey), "/b/k", "RID", "HID", head: true);
        Assert.That((head.Status, head.Body), Is.EqualTo((404, ResponseBody.None)));
    }

    [Test]
    public void ErrorHeadersTravelWithTheError()
    {
        var r = ResponseWriter.Error(new S3Exception(S3ErrorCode.InvalidRange).WithHeader("Content-Range", "bytes */5"), "/", "R", "H", head: false);
        Assert.That(r.Header("Content-Range"), Is.EqualTo("bytes */5"));
    }
}
