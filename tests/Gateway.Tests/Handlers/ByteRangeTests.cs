using Gateway.Errors;
using Gateway.Handlers;
using Storage.Metadata;

namespace Gateway.Tests.Handlers;

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

[TestFixture]
internal sealed class HttpConditionsTests
{
    // Last-Modified has milliseconds; HTTP dates have whole seconds, so 12:00:00 GMT is "the same time".
    private static readonly ObjectInfo Obj = new(1, "b", "k", 3, "abc123", new DateTimeOffset(2024, 3, 1, 12, 0, 0, 500, TimeSpan.Zero),
        new Dictionary<string, string>(), null, 0, "acct");

    private const string Same = "Fri, 01 Mar 2024 12:00:00 GMT";
    private const string Before = "Fri, 01 Mar 2024 11:59:59 GMT";
    private const string After = "Fri, 01 Mar 2024 12:00:01 GMT";

    private static S3ErrorCode? Outcome(string? ifMatch, string? ifNoneMatch, string? ifModifiedSince, string? ifUnmodifiedSince,
        S3ErrorCode onNoneMatch = S3ErrorCode.NotModified)
    {
        try
        {
            HttpConditions.CheckRead(Obj, ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince, onNoneMatch);
            return null;
        }
        catch (S3Exception e)
        {
            return e.Code;
        }
    }

    [Test]
    public void NoConditionsPass() => Assert.That(Outcome(null, null, null, null), Is.Null);

    [TestCase("\"abc123\"")]
    [TestCase("abc123")]
    [TestCase("*")]
    [TestCase("\"zzz\", \"abc123\"")]
    [TestCase("\"zzz\",\"abc123\"")]
    [TestCase(" \"abc123\" ")]
    public void IfMatchThatMatchesPasses(string ifMatch) => Assert.That(Outcome(ifMatch, null, null, null), Is.Null);

    [TestCase("\"zzz\"")]
    [TestCase("\"abc\"")]
    [TestCase("\"abc123x\"")]
    [TestCase("\"zzz\", \"yyy\"")]
    public void IfMatchThatFailsIs412(string ifMatch) => Assert.That(Outcome(ifMatch, null, null, null), Is.EqualTo(S3ErrorCode.PreconditionFailed));

    [Test]
    public void IfMatchWinsOverIfUnmodifiedSince()
    {
        Assert.That(Outcome("\"abc123\"", null, null, Before), Is.Null);
        Assert.That(Outcome(null, null, null, Before), Is.EqualTo(S3ErrorCode.PreconditionFailed));
    }

    [Test]
    public void IfUnmodifiedSinceComparesWholeSeconds()
    {
        Assert.That(Outcome(null, null, null, Same), Is.Null);
        Assert.That(Outcome(null, null, null, After), Is.Null);
        Assert.That(Outcome(null, null, null, Before), Is.EqualTo(S3ErrorCode.PreconditionFailed));
    }

    [TestCase("\"abc123\"")]
    [TestCase("W/\"abc123\"")]
    [TestCase("*")]
    [TestCase("\"zzz\", W/\"abc123\"")]
    public void IfNoneMatchThatMatchesIs304(string ifNoneMatch) => Assert.That(Outcome(null, ifNoneMatch, null, null), Is.EqualTo(S3ErrorCode.NotModified));

    [Test]
    public void IfNoneMatchThatDoesNotMatchPasses() => Assert.That(Outcome(null, "\"zzz\"", null, null), Is.Null);

    [Test]
    public void IfNoneMatchWinsOverIfModifiedSince()
    {
        // Not modified since After, but the ETag differs: If-None-Match decides, the object is sent.
        Assert.That(Outcome(null, "\"zzz\"", After, null), Is.Null);
        Assert.That(Outcome(null, null, After, null), Is.EqualTo(S3ErrorCode.NotModified));
    }

    [Test]
    public void IfModifiedSinceComparesWholeSeconds()
    {
        Assert.That(Outcome(null, null, Same, null), Is.EqualTo(S3ErrorCode.NotModified));
        Assert.That(Outcome(null, null, After, null), Is.EqualTo(S3ErrorCode.NotModified));
        Assert.That(Outcome(null, null, Before, null), Is.Null);
    }

    [Test]
    public void PreconditionFailedWinsOverNotModified()
    {
        Assert.That(Outcome("\"zzz\"", "\"abc123\"", null, null), Is.EqualTo(S3ErrorCode.PreconditionFailed));
        Assert.That(Outcome(null, null, Same, Before), Is.EqualTo(S3ErrorCode.PreconditionFailed));
    }

    [Test]
    public void IfMatchPassingAndIfNoneMatchMatchingIs304()
    {
        Assert.That(Outcome("\"abc123\"", "\"abc123\"", null, null), Is.EqualTo(S3ErrorCode.NotModified));
    }

    [Test]
    public void UnparseableDatesAreIgnored()
    {
        Assert.That(Outcome(null, null, "not a date", "yesterday-ish"), Is.Null);
    }

    [Test]
    public void CopySourceConditionsAnswer412WithTheCondition()
    {
        var e = Assert.Throws<S3Exception>(() => HttpConditions.CheckRead(Obj, null, "\"abc123\"", null, null, S3ErrorCode.PreconditionFailed))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.PreconditionFailed));
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("Condition", "If-None-Match")));
        e = Assert.Throws<S3Exception>(() => HttpConditions.CheckRead(Obj, null, null, Same, null, S3ErrorCode.PreconditionFailed))!;
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("Condition", "If-Modified-Since")));
    }

    [Test]
    public void FailedIfMatchNamesTheCondition()
    {
        var e = Assert.Throws<S3Exception>(() => HttpConditions.CheckRead(Obj, "\"zzz\"", null, null, null))!;
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("Condition", "If-Match")));
        e = Assert.Throws<S3Exception>(() => HttpConditions.CheckRead(Obj, null, null, null, Before))!;
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("Condition", "If-Unmodified-Since")));
    }

    [Test]
    public void ParseDateAcceptsHttpDatesAndIso()
    {
        Assert.That(HttpConditions.ParseDate(Same), Is.EqualTo(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero)));
        Assert.That(HttpConditions.ParseDate("2024-03-01T12:00:00Z"), Is.EqualTo(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero)));
        Assert.That(HttpConditions.ParseDate(null), Is.Null);
        Assert.That(HttpConditions.ParseDate(" "), Is.Null);
        Assert.That(HttpConditions.ParseDate("garbage"), Is.Null);
    }
}

[TestFixture]
internal sealed class BucketNamesTests
{
    [TestCase("abc")]
    [TestCase("a.b-c")]
    [TestCase("my-bucket.2024")]
    [TestCase("123")]
    [TestCase("192.168.1")]
    [TestCase("a-b-c")]
    [TestCase("xn-abc")]
    [TestCase("s3alias")]
    [TestCase("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Valid(string name)
    {
        Assert.That(BucketNames.IsValid(name), Is.True);
    }

    [TestCase("")]
    [TestCase("ab")]
    [TestCase("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [TestCase("Abc")]
    [TestCase("abC")]
    [TestCase("a_b")]
    [TestCase("a b")]
    [TestCase("a/b")]
    [TestCase("abé")]
    [TestCase("-abc")]
    [TestCase("abc-")]
    [TestCase(".abc")]
    [TestCase("abc.")]
    [TestCase("a..b")]
    [TestCase("192.168.1.1")]
    [TestCase("10.0.0.255")]
    [TestCase("xn--abc")]
    [TestCase("sthree-x")]
    [TestCase("amzn-s3-demo-bucket")]
    [TestCase("x-s3alias")]
    [TestCase("x--ol-s3")]
    [TestCase("x.mrap")]
    [TestCase("x--x-s3")]
    [TestCase("x--table-s3")]
    public void Invalid(string name)
    {
        Assert.That(BucketNames.IsValid(name), Is.False);
    }

    [Test]
    public void LengthBoundsAreInclusive()
    {
        Assert.That(new string('a', 63), Has.Length.EqualTo(63));
        Assert.That(BucketNames.IsValid(new string('a', 3)), Is.True);
        Assert.That(BucketNames.IsValid(new string('a', 63)), Is.True);
        Assert.That(BucketNames.IsValid(new string('a', 64)), Is.False);
    }
}

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
    [TestCase("b/k?versionId=null", "b", "k")]
    [TestCase("/b/a%3Fb?versionId=null", "b", "a?b")]
    [TestCase(" b/k ", "b", "k")]
    public void Parses(string header, string bucket, string key)
    {
        Assert.That(CopySource.Parse(header), Is.EqualTo((bucket, key)));
    }

    [TestCase("b")]
    [TestCase("/b")]
    [TestCase("b/")]
    [TestCase("/b/")]
    [TestCase("")]
    [TestCase("/")]
    public void MissingKeyIsInvalidArgument(string header)
    {
        var e = Assert.Throws<S3Exception>(() => CopySource.Parse(header))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("ArgumentName", "x-amz-copy-source")));
    }

    [TestCase("b/k?versionId=3HL4kqtJlcpXroDTDmJ")]
    [TestCase("b/k?versionId=")]
    public void OtherVersionIdIsNoSuchKey(string header)
    {
        var e = Assert.Throws<S3Exception>(() => CopySource.Parse(header))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.NoSuchKey));
    }
}
