using Gateway.Errors;
using Gateway.Protocol;

namespace Gateway.Tests.Protocol;

[TestFixture]
internal sealed class ByteRangeTests
{
    [TestCase("bytes=0-0", 10, 0, 1)]
    [TestCase("bytes=0-", 10, 0, 10)]
    [TestCase("bytes=3-", 10, 3, 7)]
    [TestCase("bytes=9-", 10, 9, 1)]
    [TestCase("bytes=2-5", 10, 2, 4)]
    [TestCase("bytes=0-9", 10, 0, 10)]
    [TestCase("bytes=5-100", 10, 5, 5)]
    [TestCase("bytes=0-9223372036854775806", 10, 0, 10)]
    [TestCase("bytes=-5", 10, 5, 5)]
    [TestCase("bytes=-1", 10, 9, 1)]
    [TestCase("bytes=-10", 10, 0, 10)]
    [TestCase("bytes=-50", 10, 0, 10)]
    [TestCase("BYTES=1-2", 10, 1, 2)]
    [TestCase(" bytes=1-2 ", 10, 1, 2)]
    [TestCase("bytes=0-0", 1, 0, 1)]
    public void Satisfiable(string header, long size, long start, long length)
    {
        var range = ByteRange.Parse(header, size);
        Assert.That(range, Is.EqualTo(new ByteRange(start, length)));
        Assert.That(range!.Value.End, Is.EqualTo(start + length - 1));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("bytes=")]
    [TestCase("bytes=-")]
    [TestCase("bytes=abc")]
    [TestCase("bytes=a-b")]
    [TestCase("bytes=1-a")]
    [TestCase("bytes=5")]
    [TestCase("bytes=5-2")]
    [TestCase("bytes=+1-2")]
    [TestCase("bytes=-+2")]
    [TestCase("bytes=0-1,3-4")]
    [TestCase("bytes=0-1, 20-30")]
    [TestCase("items=0-1")]
    [TestCase("0-1")]
    [TestCase("bytes 0-1")]
    public void NotASingleByteRangeMeansTheWholeObject(string? header)
    {
        Assert.That(ByteRange.Parse(header, 10), Is.Null);
    }

    [TestCase("bytes=10-", 10)]
    [TestCase("bytes=10-20", 10)]
    [TestCase("bytes=11-", 10)]
    [TestCase("bytes=-0", 10)]
    [TestCase("bytes=0-", 0)]
    [TestCase("bytes=0-0", 0)]
    [TestCase("bytes=-1", 0)]
    [TestCase("bytes=-0", 0)]
    public void UnsatisfiableIsInvalidRangeWithContentRange(string header, long size)
    {
        var e = Assert.Throws<S3Exception>(() => ByteRange.Parse(header, size))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidRange));
        Assert.That(S3ErrorTable.Lookup(e.Code).Status, Is.EqualTo(416));
        Assert.That(e.ResponseHeaders, Is.EqualTo(new[] { new KeyValuePair<string, string>("Content-Range", "bytes */" + size) }));
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("ActualObjectSize", size.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }
}
