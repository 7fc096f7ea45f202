using Gateway.Errors;
using Gateway.Handlers;

namespace Gateway.Tests.Handlers;

[TestFixture]
internal sealed class CopySourceTests
{
    [TestCase("b/k", "b", "k")]
    [TestCase("/b/k", "b", "k")]
    [TestCase("b/a%20b", "b", "a b")]
    [TestCase("b/a+b", "b", "a+b")]
    [TestCase("b/a%2Bb", "b", "a+b")]
    [TestCase("b/dir/", "b", "dir/")]
    [TestCase("b/a/b/c", "b", "a/b/c")]
    [TestCase("b/%E2%82%AC", "b", "€")]
    [TestCase(" b/k ", "b", "k")]
    public void Parses(string header, string bucket, string key)
    {
        Assert.That(CopyHandlers.ParseSource(header), Is.EqualTo((bucket, key, (string?)null)));
    }

    [TestCase("b/k?versionId=null", "b", "k", "null")]
    [TestCase("/b/a%3Fb?versionId=null", "b", "a?b", "null")]
    [TestCase("b/k?versionId=3HL4kqtJlcpXroDTDmJ", "b", "k", "3HL4kqtJlcpXroDTDmJ")]
    public void ParsesTheVersion(string header, string bucket, string key, string version)
    {
        Assert.That(CopyHandlers.ParseSource(header), Is.EqualTo((bucket, key, version)));
    }

    [TestCase("b")]
    [TestCase("/b")]
    [TestCase("b/")]
    [TestCase("/b/")]
    [TestCase("")]
    [TestCase("/")]
    public void MissingKeyIsInvalidArgument(string header)
    {
        var e = Assert.Throws<S3Exception>(() => CopyHandlers.ParseSource(header))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("ArgumentName", "x-amz-copy-source")));
    }

    [Test]
    public void AnEmptyVersionIdIsInvalidArgument()
    {
        var e = Assert.Throws<S3Exception>(() => CopyHandlers.ParseSource("b/k?versionId="))!;
        Assert.That((e.Code, e.Message), Is.EqualTo((S3ErrorCode.InvalidArgument, "Version id cannot be the empty string")));
    }
}
