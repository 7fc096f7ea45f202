using System.Text;
using Gateway.Errors;
using Gateway.Streaming;
using Gateway.Xml;

namespace Gateway.Tests.Xml;

/// <summary>RequestXml: the size cap, the depth limit, and what is MalformedXML.</summary>
[TestFixture]
internal sealed class RequestXmlTests
{
    private static Task<System.Xml.Linq.XDocument?> Read(string xml, int cap = RequestXml.DefaultCap)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        var body = new DecodedBody(new MemoryStream(bytes), new BodyDeclaration(false, bytes.Length, null, null, null, null), null);
        return RequestXml.ReadAsync(body, cap, CancellationToken.None, allowEmpty: true);
    }

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth));

    [Test]
    public async Task ADocumentAsDeepAsTheLimitIsRead()
    {
        var doc = await Read(Nested(RequestXml.MaxDepth));
        Assert.That(doc!.Descendants().Count(), Is.EqualTo(RequestXml.MaxDepth));
    }

    [TestCase(RequestXml.MaxDepth + 1)]
    [TestCase(200_000)]
    public void ADeeperDocumentIsMalformedXml(int depth)
    {
        var e = Assert.ThrowsAsync<S3Exception>(() => Read(Nested(depth)))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.MalformedXML));
        Assert.That(e.Message, Does.Contain("nested deeper than 32 levels"));
    }

    [Test]
    public async Task ALifecycleFilterWithAndIsWellInsideTheLimit()
    {
        const string Xml = "<LifecycleConfiguration><Rule><Filter><And><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter></Rule></LifecycleConfiguration>";
        Assert.That((await Read(Xml))!.Root!.Name.LocalName, Is.EqualTo("LifecycleConfiguration"));
    }

    [TestCase("not xml")]
    [TestCase("<a><b></a>")]
    [TestCase("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>")]
    public void GarbageAndDtdsAreMalformedXml(string xml) =>
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => Read(xml))!.Code, Is.EqualTo(S3ErrorCode.MalformedXML));

    [Test]
    public void ADocumentOverTheCapIsMalformedXml() =>
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => Read("<a>" + new string('x', 100) + "</a>", cap: 50))!.Code, Is.EqualTo(S3ErrorCode.MalformedXML));

    [Test]
    public async Task AnEmptyBodyIsNoDocumentWhereThatIsAllowed() => Assert.That(await Read(""), Is.Null);
}
