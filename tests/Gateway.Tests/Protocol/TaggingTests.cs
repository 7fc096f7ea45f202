using System.Xml.Linq;
using Gateway.Errors;
using Gateway.Protocol;
using Storage.Objects;

namespace Gateway.Tests.Protocol;

[TestFixture]
internal sealed class TaggingTests
{
    private static string Pairs(IEnumerable<Tag> tags) => string.Join(";", tags.Select(t => $"{t.Key}={t.Value}"));

    private static XDocument Doc(params (string Key, string Value)[] tags) =>
        XDocument.Parse("<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>" +
            string.Concat(tags.Select(t => $"<Tag><Key>{System.Security.SecurityElement.Escape(t.Key)}</Key><Value>{System.Security.SecurityElement.Escape(t.Value)}</Value></Tag>")) +
            "</TagSet></Tagging>");

    // s3-tests' test_put_obj_with_tags sends "foo=bar&bar" and reads back bar="" then foo: a tag set is in key order.
    [TestCase("foo=bar&bar", "bar=;foo=bar")]
    [TestCase("Hello=World&foo=bar", "Hello=World;foo=bar")]
    [TestCase("key", "key=")]
    [TestCase("key=", "key=")]
    [TestCase("&", "")]
    [TestCase("&&a=1&&", "a=1")]
    [TestCase("", "")]
    [TestCase("a%20b=c%2Bd", "a b=c+d")]
    [TestCase("a+b=c+d", "a b=c d")]
    [TestCase("k=%C3%A9t%C3%A9", "k=été")]
    [TestCase("k=a=b", "k=a=b")]
    public void Header_is_a_query_string_of_distinct_keys(string header, string expected)
    {
        Assert.That(Pairs(Tagging.FromHeader(header)), Is.EqualTo(expected));
    }

    [TestCase("a=1&a=2")]
    [TestCase("a&a")]
    [TestCase("k=%FF")]
    [TestCase("%C3=v")]
    public void Header_with_repeated_keys_or_bad_encoding_is_InvalidArgument(string header)
    {
        var e = Assert.Throws<S3Exception>(() => Tagging.FromHeader(header))!;
        Assert.Multiple(() =>
        {
            Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
            Assert.That(e.Message, Does.StartWith("The header 'x-amz-tagging' shall be encoded as UTF-8"));
            Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("ArgumentValue", header)));
        });
    }

    [Test]
    public void Header_tags_follow_the_object_rules()
    {
        Assert.That(Assert.Throws<S3Exception>(() => Tagging.FromHeader("=v"))!.Code, Is.EqualTo(S3ErrorCode.InvalidTag));
        Assert.That(Assert.Throws<S3Exception>(() => Tagging.FromHeader("aws:x=1"))!.Code, Is.EqualTo(S3ErrorCode.InvalidTag));
        var eleven = string.Join("&", Enumerable.Range(0, 11).Select(i => $"k{i}=v"));
        Assert.That(Assert.Throws<S3Exception>(() => Tagging.FromHeader(eleven))!.Code, Is.EqualTo(S3ErrorCode.BadRequest));
    }

    [Test]
    public void Document_is_read_and_sorted_by_key()
    {
        var tags = Tagging.FromXml(Doc(("b", "2"), ("a", ""), ("B", "3")), TagScope.Object);
        Assert.That(Pairs(tags), Is.EqualTo("B=3;a=;b=2"));
    }

    [Test]
    public void Limits_at_the_edge_pass()
    {
        var tags = Enumerable.Range(0, 10).Select(i => (new string((char)('a' + i), 128), new string('v', 256))).ToArray();
        Assert.That(Tagging.FromXml(Doc(tags), TagScope.Object), Has.Count.EqualTo(10));
        var fifty = Enumerable.Range(0, 50).Select(i => ($"k{i:00}", "v")).ToArray();
        Assert.That(Tagging.FromXml(Doc(fifty), TagScope.Bucket), Has.Count.EqualTo(50));
        // 128 characters, not bytes: "é" is two UTF-8 bytes, "😀" two UTF-16 units.
        Assert.That(Tagging.FromXml(Doc((new string('é', 128), new string('é', 256))), TagScope.Object), Has.Count.EqualTo(1));
        Assert.That(Tagging.FromXml(Doc((string.Concat(Enumerable.Repeat("\U0001D400", 128)), "")), TagScope.Object), Has.Count.EqualTo(1));
        Assert.That(Pairs(Tagging.FromXml(Doc(("a b+c-d=e.f_g:h/i@j", "1 2")), TagScope.Object)), Is.EqualTo("a b+c-d=e.f_g:h/i@j=1 2"));
    }

    [Test]
    public void Too_many_tags_is_BadRequest_as_S3_answers_it()
    {
        var e = Assert.Throws<S3Exception>(() => Tagging.FromXml(Doc(Enumerable.Range(0, 11).Select(i => ($"k{i}", "v")).ToArray()), TagScope.Object))!;
        Assert.That((e.Code, e.Message), Is.EqualTo((S3ErrorCode.BadRequest, "Object tags cannot be greater than 10")));
        var b = Assert.Throws<S3Exception>(() => Tagging.FromXml(Doc(Enumerable.Range(0, 51).Select(i => ($"k{i}", "v")).ToArray()), TagScope.Bucket))!;
        Assert.That(b.Code, Is.EqualTo(S3ErrorCode.BadRequest));
    }

    [Test]
    public void Bad_keys_and_values_are_InvalidTag_naming_the_tag()
    {
        var longKey = Assert.Throws<S3Exception>(() => Tagging.FromXml(Doc((new string('k', 129), "v")), TagScope.Object))!;
        Assert.That((longKey.Code, longKey.Message), Is.EqualTo((S3ErrorCode.InvalidTag, "The TagKey you have provided is invalid")));
        var emptyKey = Assert.Throws<S3Exception>(() => Tagging.FromXml(Doc(("", "v")), TagScope.Object))!;
        Assert.That(emptyKey.Message, Is.EqualTo("The TagKey you have provided is invalid"));
        var longValue = Assert.Throws<S3Exception>(() => Tagging.FromXml(Doc(("k", new string('v', 257))), TagScope.Object))!;
        Assert.Multiple(() =>
        {
            Assert.That((longValue.Code, longValue.Message), Is.EqualTo((S3ErrorCode.InvalidTag, "The TagValue you have provided is invalid")));
            Assert.That(longValue.Extra, Does.Contain(new KeyValuePair<string, string>("TagKey", "k")));
        });
        foreach (var bad in new[] { "a&b", "a,b", "a*b", "a<b", "a#b" })
        {
            Assert.That(Assert.Throws<S3Exception>(() => Tagging.FromXml(Doc(("k", bad)), TagScope.Object))!.Message,
                Is.EqualTo("The TagValue you have provided is invalid"), bad);
            Assert.That(Assert.Throws<S3Exception>(() => Tagging.FromXml(Doc((bad, "v")), TagScope.Object))!.Message,
                Is.EqualTo("The TagKey you have provided is invalid"), bad);
        }
    }

    [Test]
    public void Duplicate_keys_and_the_aws_prefix_are_InvalidTag()
    {
        var dup = Assert.Throws<S3Exception>(() => Tagging.FromXml(Doc(("a", "1"), ("a", "2")), TagScope.Bucket))!;
        Assert.Multiple(() =>
        {
            Assert.That((dup.Code, dup.Message), Is.EqualTo((S3ErrorCode.InvalidTag, "Cannot provide multiple Tags with the same key")));
            Assert.That(dup.Extra, Does.Contain(new KeyValuePair<string, string>("TagKey", "a")));
        });
        Assert.That(Assert.Throws<S3Exception>(() => Tagging.FromXml(Doc(("aws:k", "v")), TagScope.Object))!.Message,
            Is.EqualTo("Your TagKey cannot be prefixed with aws:"));
        Assert.That(Assert.Throws<S3Exception>(() => Tagging.FromXml(Doc(("aws:k", "v")), TagScope.Bucket))!.Message,
            Is.EqualTo("System tags cannot be added/updated by requester"));
        Assert.That(Tagging.FromXml(Doc(("AWS-k", "v")), TagScope.Object), Has.Count.EqualTo(1));
    }

    [TestCase("<Tagging/>")]
    [TestCase("<TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet>")]
    [TestCase("<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>")]
    [TestCase("<Tagging><TagSet><Tag><Value>b</Value></Tag></TagSet></Tagging>")]
    [TestCase("<Tagging><TagSet><Tag><Key>a</Key><Key>c</Key><Value>b</Value></Tag></TagSet></Tagging>")]
    [TestCase("<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value><Extra/></Tag></TagSet></Tagging>")]
    [TestCase("<Tagging><TagSet><Other><Key>a</Key><Value>b</Value></Other></TagSet></Tagging>")]
    [TestCase("<Tagging><TagSet/><TagSet/></Tagging>")]
    public void Documents_of_another_shape_are_MalformedXML(string xml)
    {
        Assert.That(Assert.Throws<S3Exception>(() => Tagging.FromXml(XDocument.Parse(xml), TagScope.Object))!.Code, Is.EqualTo(S3ErrorCode.MalformedXML));
    }

    [Test]
    public void An_empty_TagSet_is_no_tags()
    {
        Assert.That(Tagging.FromXml(XDocument.Parse("<Tagging><TagSet/></Tagging>"), TagScope.Object), Is.Empty);
    }

    [Test]
    public void Answer_document_is_exact()
    {
        Assert.That(Tagging.ToXml([new Tag("a", "1"), new Tag("b&", "")]), Is.EqualTo(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>" +
            "<Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b&amp;</Key><Value></Value></Tag></TagSet></Tagging>"));
        Assert.That(Tagging.ToXml([]), Is.EqualTo(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet></TagSet></Tagging>"));
    }
}
