using System.Text.Json;
using Gateway.Access;
using Gateway.Errors;

namespace Gateway.Tests.Access;

/// <summary>Condition operators one by one, with IfExists and the set qualifiers.</summary>
[TestFixture]
internal sealed class PolicyConditionTests
{
    private static bool Holds(string block, ConditionKeys keys) =>
        PolicyCondition.ParseBlock(JsonDocument.Parse(block).RootElement).All(c => c.Holds(keys));

    private static ConditionKeys Key(string name, params string[] values) => new ConditionKeys().Set(name, values);

    [TestCase("StringEquals", "abc", "abc", true)]
    [TestCase("StringEquals", "abc", "ABC", false)]
    [TestCase("StringNotEquals", "abc", "abd", true)]
    [TestCase("StringNotEquals", "abc", "abc", false)]
    [TestCase("StringEqualsIgnoreCase", "abc", "ABC", true)]
    [TestCase("StringNotEqualsIgnoreCase", "abc", "ABC", false)]
    [TestCase("StringLike", "public/*", "public/a/b", true)]
    [TestCase("StringLike", "public/*", "private/a", false)]
    [TestCase("StringNotLike", "public/*", "private/a", true)]
    [TestCase("NumericEquals", "10", "10.0", true)]
    [TestCase("NumericLessThan", "10", "9", true)]
    [TestCase("NumericLessThan", "10", "10", false)]
    [TestCase("NumericLessThanEquals", "10", "10", true)]
    [TestCase("NumericGreaterThan", "10", "11", true)]
    [TestCase("NumericGreaterThanEquals", "10", "9", false)]
    [TestCase("NumericNotEquals", "10", "11", true)]
    [TestCase("NumericEquals", "10", "ten", false)]
    [TestCase("DateLessThan", "2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z", true)]
    [TestCase("DateGreaterThan", "2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z", false)]
    [TestCase("DateEquals", "2026-01-01T00:00:00Z", "1767225600", true)]
    [TestCase("DateEquals", "2026-01-01T00:00:00Z", "not a date", false)]
    [TestCase("Bool", "true", "TRUE", true)]
    [TestCase("Bool", "true", "false", false)]
    [TestCase("IpAddress", "192.168.0.0/16", "192.168.4.5", true)]
    [TestCase("IpAddress", "192.168.0.0/16", "192.169.4.5", false)]
    [TestCase("IpAddress", "2001:db8::/32", "2001:db8::1", true)]
    [TestCase("NotIpAddress", "192.168.0.0/16", "10.0.0.1", true)]
    [TestCase("ArnLike", "arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt/k", true)]
    [TestCase("ArnNotEquals", "arn:aws:s3:::bkt", "arn:aws:s3:::bkt", false)]
    public void OperatorsCompareOneValue(string op, string policyValue, string requestValue, bool expected) =>
        Assert.That(Holds($"{{\"{op}\":{{\"k\":\"{policyValue}\"}}}}", Key("k", requestValue)), Is.EqualTo(expected));

    [Test]
    public void AnyOfThePolicysValuesWillDo()
    {
        Assert.That(Holds("{\"StringEquals\":{\"k\":[\"a\",\"b\"]}}", Key("k", "b")), Is.True);
        Assert.That(Holds("{\"StringNotEquals\":{\"k\":[\"a\",\"b\"]}}", Key("k", "b")), Is.False, "a negated operator needs the value to match none");
        Assert.That(Holds("{\"NumericLessThan\":{\"s3:max-keys\":10}}", Key("S3:MAX-KEYS", "5")), Is.True, "numbers may be JSON numbers; key names ignore case");
    }

    [Test]
    public void AMissingKeyFailsPositiveOperatorsAndPassesNegatedAndIfExists()
    {
        var none = new ConditionKeys();
        Assert.That(Holds("{\"StringEquals\":{\"k\":\"a\"}}", none), Is.False);
        Assert.That(Holds("{\"StringNotEquals\":{\"k\":\"a\"}}", none), Is.True);
        Assert.That(Holds("{\"StringEqualsIfExists\":{\"k\":\"a\"}}", none), Is.True);
        Assert.That(Holds("{\"StringEqualsIfExists\":{\"k\":\"a\"}}", Key("k", "b")), Is.False, "IfExists still compares a key that is there");
        Assert.That(Holds("{\"StringLikeIfExists\":{\"aws:Referer\":\"http://www.example.com/*\"}}", Key("aws:Referer", "http://www.example.com/x")), Is.True);
    }

    [Test]
    public void NullTestsPresence()
    {
        Assert.That(Holds("{\"Null\":{\"k\":\"true\"}}", new ConditionKeys()), Is.True);
        Assert.That(Holds("{\"Null\":{\"k\":\"true\"}}", Key("k", "v")), Is.False);
        Assert.That(Holds("{\"Null\":{\"k\":false}}", Key("k", "v")), Is.True);
    }

    [Test]
    public void SetQualifiersCompareEveryValue()
    {
        var keys = Key("s3:RequestObjectTagKeys", "a", "b");
        Assert.That(Holds("{\"ForAllValues:StringEquals\":{\"s3:RequestObjectTagKeys\":[\"a\",\"b\",\"c\"]}}", keys), Is.True);
        Assert.That(Holds("{\"ForAllValues:StringEquals\":{\"s3:RequestObjectTagKeys\":[\"a\"]}}", keys), Is.False);
        Assert.That(Holds("{\"ForAnyValue:StringEquals\":{\"s3:RequestObjectTagKeys\":[\"b\",\"z\"]}}", keys), Is.True);
        Assert.That(Holds("{\"ForAnyValue:StringEquals\":{\"s3:RequestObjectTagKeys\":[\"z\"]}}", keys), Is.False);
        Assert.That(Holds("{\"ForAllValues:StringEquals\":{\"s3:RequestObjectTagKeys\":[\"z\"]}}", new ConditionKeys()), Is.True, "vacuously true without values");
        Assert.That(Holds("{\"ForAnyValue:StringEquals\":{\"s3:RequestObjectTagKeys\":[\"z\"]}}", new ConditionKeys()), Is.False);
    }

    [TestCase("{\"StringAlmost\":{\"k\":\"v\"}}")]
    [TestCase("{\"NullIfExists\":{\"k\":\"true\"}}")]
    [TestCase("{\"StringEquals\":\"v\"}")]
    [TestCase("{\"StringEquals\":{\"k\":{\"nested\":1}}}")]
    public void UnknownOrMisshapenConditionsAreMalformed(string block) =>
        Assert.That(Assert.Throws<S3Exception>(() => PolicyCondition.ParseBlock(JsonDocument.Parse(block).RootElement))!.Code, Is.EqualTo(S3ErrorCode.MalformedPolicy));
}
