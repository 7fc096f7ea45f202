using System.Xml.Linq;
using Gateway.Errors;
using Gateway.Protocol;

namespace Gateway.Tests.Protocol;

[TestFixture]
internal sealed class CorsRulesTests
{
    // s3-tests' test_cors_origin_response patterns, with the origins it expects allowed and refused.
    [TestCase("*suffix", "foo.suffix", true)]
    [TestCase("*suffix", "foo.suffix.get", false)]
    [TestCase("start*end", "startend", true)]
    [TestCase("start*end", "start12end", true)]
    [TestCase("start*end", "0start12end", false)]
    [TestCase("prefix*", "prefix", true)]
    [TestCase("prefix*", "prefix.suffix", true)]
    [TestCase("*", "https://anything", true)]
    [TestCase("https://app.example", "https://app.example", true)]
    [TestCase("https://app.example", "https://APP.example", false)]
    [TestCase("ab*ba", "aba", false)]
    public void OriginPatternsHaveOneWildcard(string pattern, string origin, bool matches)
    {
        Assert.That(CorsRules.Matches(pattern, origin, ignoreCase: false), Is.EqualTo(matches));
    }

    private static readonly CorsRule Get = new("g", ["*.example"], ["GET", "HEAD"], ["x-amz-*", "content-type"], ["ETag"], 600);
    private static readonly CorsRule Put = new("p", ["https://up.example"], ["PUT"], ["*"], [], null);

    [Test]
    public void TheFirstRuleAllowingOriginMethodAndEveryHeaderApplies()
    {
        Assert.That(CorsRules.Match([Get, Put], "a.example", "GET", ["X-Amz-Date", "Content-Type"]), Is.SameAs(Get));
        Assert.That(CorsRules.Match([Get, Put], "a.example", "GET", ["authorization"]), Is.Null, "a header no rule allows");
        Assert.That(CorsRules.Match([Get, Put], "https://up.example", "PUT", ["anything"]), Is.SameAs(Put));
        Assert.That(CorsRules.Match([Get, Put], "https://up.example", "DELETE", []), Is.Null);
        Assert.That(CorsRules.Match([Get, Put], "https://up.example", "GET", []), Is.SameAs(Get), "*.example covers it too");
        Assert.That(CorsRules.Match([Get, Put], "a.example", "put", []), Is.Null, "methods are case-sensitive");
    }

    [Test]
    public void TheDocumentRoundTripsExactly()
    {
        var rules = CorsRules.FromXml(XDocument.Parse(
            "<CORSConfiguration><CORSRule><ID>g</ID><AllowedOrigin>*.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>" +
            "<AllowedHeader>x-amz-*</AllowedHeader><AllowedHeader>content-type</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>" +
            "<CORSRule><AllowedOrigin>https://up.example</AllowedOrigin><AllowedMethod>PUT</AllowedMethod></CORSRule></CORSConfiguration>"));
        Assert.That(CorsRules.ToXml(rules), Is.EqualTo(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
            "<CORSRule><ID>g</ID><AllowedHeader>x-amz-*</AllowedHeader><AllowedHeader>content-type</AllowedHeader><AllowedMethod>GET</AllowedMethod>" +
            "<AllowedMethod>HEAD</AllowedMethod><AllowedOrigin>*.example</AllowedOrigin><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>" +
            "<CORSRule><AllowedMethod>PUT</AllowedMethod><AllowedOrigin>https://up.example</AllowedOrigin></CORSRule></CORSConfiguration>"));
        Assert.That(CorsRules.FromJson(CorsRules.ToJson(rules)).Select(r => r.Id), Is.EqualTo(new[] { "g", null }));
        Assert.That(CorsRules.Match(CorsRules.FromJson(CorsRules.ToJson(rules)), "a.example", "HEAD", ["x-amz-date"])?.Id, Is.EqualTo("g"));
    }

    [TestCase("<CORSConfiguration/>", S3ErrorCode.MalformedXML)]
    [TestCase("<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>", S3ErrorCode.MalformedXML)]
    [TestCase("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>", S3ErrorCode.MalformedXML)]
    [TestCase("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule></CORSConfiguration>", S3ErrorCode.InvalidRequest)]
    [TestCase("<CORSConfiguration><CORSRule><AllowedOrigin>*a*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>", S3ErrorCode.InvalidRequest)]
    [TestCase("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>x</MaxAgeSeconds></CORSRule></CORSConfiguration>", S3ErrorCode.MalformedXML)]
    [TestCase("<Other/>", S3ErrorCode.MalformedXML)]
    public void BadDocumentsAreRefused(string xml, S3ErrorCode code)
    {
        Assert.That(Assert.Throws<S3Exception>(() => CorsRules.FromXml(XDocument.Parse(xml)))!.Code, Is.EqualTo(code));
    }
}
