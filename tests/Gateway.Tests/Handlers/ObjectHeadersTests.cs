using Gateway.Handlers;

namespace Gateway.Tests.Handlers;

/// <summary>What ObjectHeaders keeps of a request's Content-Encoding.</summary>
[TestFixture]
internal sealed class ObjectHeadersTests
{
    [TestCase("gzip", "gzip")]
    [TestCase("deflate, gzip", "deflate, gzip")]
    [TestCase("deflate,gzip", "deflate,gzip")]
    [TestCase(" gzip ", " gzip ")]
    [TestCase("gzip, aws-chunked", "gzip")]
    [TestCase("aws-chunked, gzip", "gzip")]
    [TestCase("AWS-CHUNKED,deflate,gzip", "deflate, gzip")]
    [TestCase("aws-chunked", null)]
    [TestCase("aws-chunked, aws-chunked", null)]
    public void ContentEncodingIsKeptAsSentButForAwsChunked(string sent, string? stored) =>
        Assert.That(ObjectHeaders.WithoutAwsChunked(sent), Is.EqualTo(stored));
}
