using System.Text;
using Gateway.Errors;
using Gateway.Protocol;

namespace Gateway.Tests.Protocol;

/// <summary>PostPolicy: the form upload's policy document, parsed and judged against the fields as S3 does.</summary>
[TestFixture]
internal sealed class PostPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    private static PostPolicy Policy(string conditions, string expiration = "2026-12-01T13:00:00Z") =>
        PostPolicy.Parse(B64($$"""{"expiration": "{{expiration}}", "conditions": [{{conditions}}]}"""));

    private static Dictionary<string, string> Fields(params (string, string)[] fields) =>
        fields.ToDictionary(f => f.Item1, f => f.Item2, StringComparer.OrdinalIgnoreCase);

    private static S3Exception Denied(PostPolicy p, Dictionary<string, string> fields, string bucket = "bkt")
    {
        var e = Assert.Throws<S3Exception>(() => p.Check(fields, bucket, Now))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.AccessDenied));
        return e;
    }

    [Test]
    public void MatchingFieldsPass()
    {
        var p = Policy("""{"bucket": "bkt"}, ["starts-with", "$key", "up/"], {"acl": "private"}, ["eq", "$x-amz-meta-a", "1"], ["content-length-range", 1, 10]""");
        Assert.DoesNotThrow(() => p.Check(Fields(("key", "up/f"), ("acl", "private"), ("x-amz-meta-a", "1"), ("policy", "p"), ("signature", "s"), ("AWSAccessKeyId", "k")), "bkt", Now));
        Assert.That(p.LengthRange, Is.EqualTo((1L, 10L)));
    }

    [Test]
    public void NamesAndOperatorsAreCaseInsensitiveButTheDocumentsKeysAreNot()
    {
        var p = Policy("""{"bUcKeT": "bkt"}, ["StArTs-WiTh", "$KeY", "foo"]""");
        Assert.DoesNotThrow(() => p.Check(Fields(("kEy", "foo.txt")), "bkt", Now));
        Assert.That(Assert.Throws<S3Exception>(() => PostPolicy.Parse(B64("""{"EXPIRATION": "2026-12-01T13:00:00Z", "conditions": []}""")))!.Code,
            Is.EqualTo(S3ErrorCode.InvalidPolicyDocument));
        Assert.That(Assert.Throws<S3Exception>(() => PostPolicy.Parse(B64("""{"expiration": "2026-12-01T13:00:00Z", "CONDITIONS": []}""")))!.Message,
            Is.EqualTo("Invalid Policy: Policy missing conditions."));
    }

    [TestCase("2026-12-01T13:00:00.000Z")]
    [TestCase("2026-12-01T13:00:00Z")]
    public void ExpirationFormats(string expiration) => Assert.That(Policy("", expiration).Expiration, Is.EqualTo(new DateTimeOffset(2026, 12, 1, 13, 0, 0, TimeSpan.Zero)));

    [TestCase("2026-12-01 13:00:00+00:00")]
    [TestCase("tomorrow")]
    public void BadExpirationsAreInvalidPolicies(string expiration) =>
        Assert.That(Assert.Throws<S3Exception>(() => Policy("", expiration))!.Code, Is.EqualTo(S3ErrorCode.InvalidPolicyDocument));

    [Test]
    public void AnExpiredPolicyIsDenied() =>
        Assert.That(Denied(Policy("", "2026-12-01T11:59:59Z"), Fields()).Message, Is.EqualTo("Invalid according to Policy: Policy expired."));

    [Test]
    public void AFailedConditionNamesIt()
    {
        var e = Denied(Policy("""["starts-with", "$key", "foo"]"""), Fields(("key", "bar")));
        Assert.That(e.Message, Is.EqualTo("Invalid according to Policy: Policy Condition failed: [\"starts-with\", \"$key\", \"foo\"]"));
        Denied(Policy("""["starts-with", "$x-amz-meta-foo", "bar"]"""), Fields(), bucket: "bkt");
        Denied(Policy("""{"bucket": "bkt"}"""), Fields(), bucket: "other");
        Denied(Policy("""["eq", "$x-amz-meta-foo", ""]"""), Fields(("x-amz-meta-foo", "barclamp")));
    }

    [Test]
    public void AFieldNoConditionNamesIsDeniedButSomeAreExempt()
    {
        var e = Denied(Policy("""{"key": "k"}"""), Fields(("key", "k"), ("x-amz-meta-extra", "1"), ("Content-Type", "text/plain")));
        Assert.That(e.Message, Is.EqualTo("Invalid according to Policy: Extra input fields: Content-Type, x-amz-meta-extra"));
        Assert.DoesNotThrow(() => Policy("""{"key": "k"}""").Check(Fields(("key", "k"), ("x-ignore-anything", "1"), ("x-amz-checksum-sha256", "v"),
            ("policy", "p"), ("x-amz-signature", "s"), ("file", "")), "bkt", Now));
    }

    [Test]
    public void ContentTypeStartsWithAppliesToEachListedType()
    {
        var p = Policy("""["starts-with", "$Content-Type", "image/"]""");
        Assert.DoesNotThrow(() => p.Check(Fields(("Content-Type", "image/png, image/jpeg")), "bkt", Now));
        Denied(p, Fields(("Content-Type", "image/png, text/plain")));
    }

    [TestCase("""["content-length-range", 0]""")]
    [TestCase("""["content-length-range", -1, 0]""")]
    [TestCase("""["content-length-range", 5, 1]""")]
    [TestCase("""{ }""")]
    [TestCase("""["eq", "key", "x"]""")]
    [TestCase("""["in", "$key", "x"]""")]
    public void MalformedConditionsAreInvalidPolicies(string condition) =>
        Assert.That(Assert.Throws<S3Exception>(() => Policy(condition))!.Code, Is.EqualTo(S3ErrorCode.InvalidPolicyDocument));

    [Test]
    public void NotBase64OrNotJsonIsInvalid()
    {
        Assert.That(Assert.Throws<S3Exception>(() => PostPolicy.Parse("%%%"))!.Code, Is.EqualTo(S3ErrorCode.InvalidPolicyDocument));
        Assert.That(Assert.Throws<S3Exception>(() => PostPolicy.Parse(B64("[1, 2]")))!.Code, Is.EqualTo(S3ErrorCode.InvalidPolicyDocument));
    }
}
