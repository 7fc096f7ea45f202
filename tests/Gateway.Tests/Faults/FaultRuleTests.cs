using System.IO.Pipelines;
using Gateway.Adapters.Box;
using Gateway.Contract;
using Gateway.Faults;
using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Routing;
using Gateway.Streaming;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Faults;

/// <summary>Fault rules: what they accept, what they match, and when they fire (counts and the seeded chance).</summary>
[TestFixture]
internal sealed class FaultRuleTests
{
    private sealed class Context : RequestContext
    {
        public Context(FrontEnd frontEnd, Enum operation, string? bucket = null, string? key = null, int? part = null, string? account = "test", string method = "PUT")
            : base(frontEnd, new DefaultHttpContext { Request = { Method = method } }, "RID", new RequestBodyStream(PipeReader.Create(Stream.Null), TimeSpan.FromSeconds(1)), new BytesSent())
        {
            Operation = operation;
            Bucket = bucket;
            Key = key;
            PartNumber = part;
            Account = account;
        }
    }

    private static FaultRule Rule(string json) =>
        FaultRule.Parse(System.Text.Json.JsonSerializer.Deserialize("{\"rules\":[" + json + "]}", AdminJson.Default.FaultRules)!.Rules[0], "f1");

    [TestCase("""{"fault":{"type":"error","status":503,"code":"SlowDown"}}""")]
    [TestCase("""{"operation":"uploadpart","fault":{"type":"latency","ms":0}}""")]
    [TestCase("""{"frontEnd":"box","operation":"UploadPart","fault":{"type":"reset","afterBytes":0}}""")]
    [TestCase("""{"operation":"CopyObject","fault":{"type":"error-after-200"}}""")]
    [TestCase("""{"key":"logs/*","probability":0,"seed":3,"fault":{"type":"slow-body","bytesPerSecond":1}}""")]
    [TestCase("""{"frontEnd":"TwelveLabs","operation":"ReportChunks","fault":{"type":"timeout"}}""")]
    public void AcceptsWellFormedRules(string json) => Assert.That(() => Rule(json), Throws.Nothing);

    [TestCase("""{"operation":"Fly","fault":{"type":"timeout"}}""", "not an operation of the s3")]
    [TestCase("""{"operation":"7","fault":{"type":"timeout"}}""", "not an operation")]
    [TestCase("""{"frontEnd":"box","operation":"PutObject","fault":{"type":"timeout"}}""", "not an operation of the box")]
    [TestCase("""{"frontEnd":"admin","fault":{"type":"timeout"}}""", "frontEnd must be")]
    [TestCase("""{"fault":{"type":"error","status":302,"code":"X"}}""", "status from 400 to 599")]
    [TestCase("""{"fault":{"type":"error","status":503}}""", "needs a code")]
    [TestCase("""{"operation":"GetObject","fault":{"type":"error-after-200"}}""", "CompleteMultipartUpload, CopyObject and UploadPartCopy")]
    [TestCase("""{"fault":{"type":"error-after-200"}}""", "CompleteMultipartUpload, CopyObject and UploadPartCopy")]
    [TestCase("""{"probability":-0.1,"fault":{"type":"timeout"}}""", "probability")]
    [TestCase("""{"after":-1,"fault":{"type":"timeout"}}""", "after and times")]
    [TestCase("""{"partNumber":0,"fault":{"type":"timeout"}}""", "partNumber")]
    [TestCase("""{"key":"","fault":{"type":"timeout"}}""", "must not be empty")]
    [TestCase("""{"fault":{"type":"latency","ms":-5}}""", "ms from 0")]
    [TestCase("""{"fault":{"type":"slow-body","bytesPerSecond":0}}""", "bytesPerSecond")]
    [TestCase("""{"fault":{"type":"reset"}}""", "afterBytes")]
    [TestCase("""{"fault":{"type":"explode"}}""", "Unknown fault type")]
    public void RefusesBadRulesSayingWhy(string json, string why) =>
        Assert.That(() => Rule(json), Throws.InstanceOf<FaultRuleException>().With.Message.Contains(why));

    [Test]
    public void OmittedFieldsMatchEverythingAndGivenOnesMustAllHold()
    {
        var any = Rule("""{"fault":{"type":"timeout"}}""");
        Assert.That(any.Matches(new Context(FrontEnd.S3, S3Operation.GetObject)), Is.True);
        Assert.That(any.Matches(new Context(FrontEnd.Box, BoxOperation.UploadPart)), Is.False, "s3 is the default front end");

        var narrow = Rule("""{"operation":"UploadPart","bucket":"b","key":"logs/*","partNumber":2,"account":"test","method":"put","fault":{"type":"timeout"}}""");
        Assert.That(narrow.Matches(new Context(FrontEnd.S3, S3Operation.UploadPart, "b", "logs/2026/x", 2)), Is.True, "a key prefix ending in *");
        Assert.That(narrow.Matches(new Context(FrontEnd.S3, S3Operation.UploadPart, "b", "logs", 2)), Is.False);
        Assert.That(narrow.Matches(new Context(FrontEnd.S3, S3Operation.UploadPart, "c", "logs/x", 2)), Is.False);
        Assert.That(narrow.Matches(new Context(FrontEnd.S3, S3Operation.UploadPart, "b", "logs/x", 3)), Is.False);
        Assert.That(narrow.Matches(new Context(FrontEnd.S3, S3Operation.UploadPartCopy, "b", "logs/x", 2)), Is.False);
        Assert.That(narrow.Matches(new Context(FrontEnd.S3, S3Operation.UploadPart, "b", "logs/x", 2, account: "other")), Is.False);
        Assert.That(narrow.Matches(new Context(FrontEnd.S3, S3Operation.UploadPart, "b", "logs/x", 2, method: "POST")), Is.False);
        var exact = Rule("""{"key":"a*b","fault":{"type":"timeout"}}""");
        Assert.That(exact.Matches(new Context(FrontEnd.S3, S3Operation.GetObject, key: "axxb")), Is.False, "only a trailing * makes a prefix: 'a*b' is a key");
        Assert.That(exact.Matches(new Context(FrontEnd.S3, S3Operation.GetObject, key: "a*b")), Is.True);

        var box = Rule("""{"frontEnd":"box","operation":"UploadPart","partNumber":1,"fault":{"type":"timeout"}}""");
        Assert.That(box.Matches(new Context(FrontEnd.Box, BoxOperation.UploadPart, part: 1)), Is.True);
        Assert.That(box.Matches(new Context(FrontEnd.S3, S3Operation.UploadPart, part: 1)), Is.False);
    }

    [Test]
    public void AfterAndTimesCountMatches()
    {
        var rule = Rule("""{"after":2,"times":3,"fault":{"type":"timeout"}}""");
        var fired = Enumerable.Range(0, 8).Select(_ => rule.Decide()).ToArray();
        Assert.That(fired, Is.EqualTo(new[] { false, false, true, true, true, false, false, false }));
        Assert.That((rule.Matched, rule.Fired), Is.EqualTo((8L, 3L)));
    }

    [Test]
    public void ASeededChanceRepeatsAndIsNearItsProbability()
    {
        static string Run(int seed)
        {
            var rule = Rule("{\"probability\":0.3,\"seed\":" + seed.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"fault\":{\"type\":\"timeout\"}}");
            return string.Concat(Enumerable.Range(0, 1000).Select(_ => rule.Decide() ? 'x' : '.'));
        }

        var a = Run(7);
        Assert.That(Run(7), Is.EqualTo(a), "the same seed fires the same requests");
        Assert.That(Run(8), Is.Not.EqualTo(a));
        Assert.That(a.Count(c => c == 'x'), Is.InRange(240, 360), "about 30 % of 1000");
        Assert.That(string.Concat(Enumerable.Range(0, 50).Select(_ => Rule("""{"probability":0,"fault":{"type":"timeout"}}""").Decide() ? 'x' : '.')), Does.Not.Contain("x"));
    }
}
