using System.Text;
using Gateway.Handlers;
using Gateway.Xml;

namespace Gateway.Tests.Xml;

[TestFixture]
internal sealed class XmlBuilderTests
{
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    [Test]
    public void RootWithNamespaceAndNestedElements()
    {
        var xml = new XmlBuilder().Root("ListAllMyBucketsResult")
            .Open("Buckets").Open("Bucket").Element("Name", "b").Element("Size", 42L).Element("IsTruncated", false).Close("Bucket").Close("Buckets")
            .Close("ListAllMyBucketsResult").ToString();
        Assert.That(xml, Is.EqualTo(Declaration +
            "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
            "<Buckets><Bucket><Name>b</Name><Size>42</Size><IsTruncated>false</IsTruncated></Bucket></Buckets>" +
            "</ListAllMyBucketsResult>"));
    }

    [Test]
    public void RootWithoutNamespace()
    {
        Assert.That(new XmlBuilder().Root("Error", withNamespace: false).Close("Error").ToString(), Is.EqualTo(Declaration + "<Error></Error>"));
    }

    [Test]
    public void NullElementIsOmittedEmptyIsWritten()
    {
        var xml = new XmlBuilder().Root("R", false).Element("A", (string?)null).Element("B", "").Element("C", true).Element("D", -1L).Close("R").ToString();
        Assert.That(xml, Is.EqualTo(Declaration + "<R><B></B><C>true</C><D>-1</D></R>"));
    }

    [Test]
    public void RawIsWrittenVerbatim()
    {
        Assert.That(new XmlBuilder().Raw("<a x=\"&amp;\"/>").ToString(), Is.EqualTo(Declaration + "<a x=\"&amp;\"/>"));
    }

    [TestCase("plain", "plain")]
    [TestCase("a&b", "a&amp;b")]
    [TestCase("<k>", "&lt;k&gt;")]
    [TestCase("\"q\"", "&quot;q&quot;")]
    [TestCase("it's", "it&apos;s")]
    [TestCase("a\rb\nc\td", "a&#13;b&#10;c&#9;d")]
    [TestCase("\u0000\u0001\u001f", "&#0;&#1;&#31;")]
    [TestCase("\u007f €\U0001F600", "\u007f €\U0001F600")]
    [TestCase("&amp;", "&amp;amp;")]
    public void Escape(string value, string expected)
    {
        var sb = new StringBuilder();
        XmlBuilder.Escape(sb, value);
        Assert.That(sb.ToString(), Is.EqualTo(expected));
        Assert.That(new XmlBuilder().Element("K", value).ToString(), Is.EqualTo(Declaration + "<K>" + expected + "</K>"));
    }

    [Test]
    public void TimestampIsUtcWithMilliseconds()
    {
        Assert.That(XmlBuilder.Timestamp(new DateTimeOffset(2026, 11, 21, 12, 34, 56, 789, TimeSpan.Zero)), Is.EqualTo("2026-11-21T12:34:56.789Z"));
        Assert.That(XmlBuilder.Timestamp(new DateTimeOffset(2026, 11, 21, 14, 34, 56, 789, TimeSpan.FromHours(2))), Is.EqualTo("2026-11-21T12:34:56.789Z"));
        Assert.That(XmlBuilder.Timestamp(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)), Is.EqualTo("2026-01-02T03:04:05.000Z"));
    }

    [TestCase("", "")]
    [TestCase("abcXYZ019", "abcXYZ019")]
    [TestCase("a b/c+d€", "a+b/c%2Bd%E2%82%AC")]
    [TestCase("-_.~/", "-_.~/")]
    [TestCase("a*b'c(d)!", "a%2Ab%27c%28d%29%21")]
    [TestCase("%&=?#", "%25%26%3D%3F%23")]
    [TestCase("é\U0001F600", "%C3%A9%F0%9F%98%80")]
    [TestCase("\u0001\n", "%01%0A")]
    public void ListUrlEncode(string value, string expected)
    {
        Assert.That(ListHandlers.UrlEncode(value), Is.EqualTo(expected));
    }
}
