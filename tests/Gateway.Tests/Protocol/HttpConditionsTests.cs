using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Storage.Objects;

namespace Gateway.Tests.Protocol;

[TestFixture]
internal sealed class HttpConditionsTests
{
    // Last-Modified has milliseconds; HTTP dates have whole seconds, so 12:00:00 GMT is "the same time".
    private static readonly ObjectInfo Obj = new(1, "b", "k", 3, "abc123", new DateTimeOffset(2024, 3, 1, 12, 0, 0, 500, TimeSpan.Zero),
        new Dictionary<string, string>(), null, 0, "acct");

    private const string Same = "Fri, 01 Mar 2024 12:00:00 GMT";
    private const string Before = "Fri, 01 Mar 2024 11:59:59 GMT";
    private const string After = "Fri, 01 Mar 2024 12:00:01 GMT";

    /// <summary>
    /// The headers as a read sends them, parsed by HttpConditions, judged by storage's ReadConditions and mapped by
    /// the fault table: the S3 error a GET (or, with PreconditionFailed, a copy source) would get.
    /// </summary>
    private static S3Exception? CheckRead(ObjectInfo o, string? ifMatch, string? ifNoneMatch, string? ifModifiedSince, string? ifUnmodifiedSince,
        S3ErrorCode onNoneMatch = S3ErrorCode.NotModified)
    {
        var headers = new Dictionary<string, string>();
        foreach (var (name, value) in new[] { ("If-Match", ifMatch), ("If-None-Match", ifNoneMatch), ("If-Modified-Since", ifModifiedSince), ("If-Unmodified-Since", ifUnmodifiedSince) })
        {
            if (value is not null)
            {
                headers[name] = value;
            }
        }

        var failure = HttpConditions.Read(RequestHeaders.From(headers)).Failure(o, notModifiedFails: onNoneMatch == S3ErrorCode.PreconditionFailed);
        return failure is null ? null : FaultMap.ToS3(failure);
    }

    private static S3ErrorCode? Outcome(string? ifMatch, string? ifNoneMatch, string? ifModifiedSince, string? ifUnmodifiedSince,
        S3ErrorCode onNoneMatch = S3ErrorCode.NotModified) =>
        CheckRead(Obj, ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince, onNoneMatch)?.Code;

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
        var e = (CheckRead(Obj, null, "\"abc123\"", null, null, S3ErrorCode.PreconditionFailed))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.PreconditionFailed));
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("Condition", "If-None-Match")));
        e = (CheckRead(Obj, null, null, Same, null, S3ErrorCode.PreconditionFailed))!;
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("Condition", "If-Modified-Since")));
    }

    [Test]
    public void FailedIfMatchNamesTheCondition()
    {
        var e = (CheckRead(Obj, "\"zzz\"", null, null, null))!;
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("Condition", "If-Match")));
        e = (CheckRead(Obj, null, null, null, Before))!;
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
