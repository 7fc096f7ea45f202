using Gateway.Access;
using Gateway.Errors;

namespace Gateway.Tests.Access;

/// <summary>Bucket policies: validation with S3's messages, and evaluation statement by statement.</summary>
[TestFixture]
internal sealed class BucketPolicyTests
{
    private static readonly Account Alice = new("alice", Accounts.CanonicalId("alice"), "Alice", null);
    private static readonly Account Bob = new("bob", Accounts.CanonicalId("bob"), "bob", null);

    private static string Policy(params string[] statements) => "{\"Version\":\"2012-10-17\",\"Statement\":[" + string.Join(",", statements) + "]}";

    private static PolicyEffect Eval(string policy, Account? who, string action, string resource, ConditionKeys? keys = null) =>
        BucketPolicy.Parse(policy, "bkt").Evaluate(new PolicyRequest(who, action, resource, keys ?? new ConditionKeys())).Effect;

    [TestCase("", "Policies must be valid JSON and the first byte must be '{'")]
    [TestCase("[1]", "Policies must be valid JSON and the first byte must be '{'")]
    [TestCase("{\"Version\":\"2012-10-17\"}", "Missing required field Statement")]
    [TestCase("{\"Version\":\"2019-01-01\",\"Statement\":[]}", "The policy must contain a valid version string")]
    [TestCase("{\"Statement\":[{\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"}]}", "Missing required field Effect")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Maybe\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"}]}", "Invalid effect: Maybe")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"}]}", "Missing required field Principal")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"arn:aws:s3:::bkt/*\"}]}", "Missing required field Action")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObjekt\",\"Resource\":\"arn:aws:s3:::bkt/*\"}]}", "Policy has invalid action")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ec2:RunInstances\",\"Resource\":\"arn:aws:s3:::bkt/*\"}]}", "Policy has invalid action")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"}]}", "Missing required field Resource")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::other/*\"}]}", "Policy has invalid resource")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"bkt/*\"}]}", "Policy has invalid resource")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"bob\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"}]}", "Invalid policy: NotPrincipal with Allow is not supported")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\",\"Condition\":{\"StringSortOf\":{\"aws:Referer\":\"x\"}}}]}", "Invalid Condition type : StringSortOf")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"someone\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"}]}", "Invalid principal in policy")]
    [TestCase("{\"Statement\":[{\"Effect\":\"Deny\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"}]}", "Policies must be valid JSON and the first byte must be '{'")]
    [TestCase("{\"Statement\":[],\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"}]}", "Policies must be valid JSON and the first byte must be '{'")]
    public void BadPoliciesAreMalformedPolicyWithS3sMessage(string text, string message)
    {
        var e = Assert.Throws<S3Exception>(() => BucketPolicy.Parse(text, "bkt"))!;
        Assert.That((e.Code, e.Message), Is.EqualTo((S3ErrorCode.MalformedPolicy, message)));
    }

    [TestCase("arn:aws:s3:::bkt")]
    [TestCase("arn:aws:s3:::bkt/*")]
    [TestCase("arn:aws:s3:::b*")]
    [TestCase("arn:aws:s3:::*")]
    [TestCase("*")]
    public void ResourcesMayNameTheBucketByWildcard(string resource) =>
        Assert.That(BucketPolicy.Parse(Policy($"{{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"{resource}\"}}"), "bkt").Statements, Has.Count.EqualTo(1));

    [Test]
    public void AllowNeedsAMatchingPrincipalActionAndResource()
    {
        var p = Policy("{\"Sid\":\"read\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::alice:root\"},\"Action\":[\"s3:GetObject\",\"s3:List*\"],\"Resource\":[\"arn:aws:s3:::bkt\",\"arn:aws:s3:::bkt/public/*\"]}");
        Assert.That(Eval(p, Alice, "s3:GetObject", "arn:aws:s3:::bkt/public/a"), Is.EqualTo(PolicyEffect.Allow));
        Assert.That(Eval(p, Alice, "s3:getobject", "arn:aws:s3:::bkt/public/a"), Is.EqualTo(PolicyEffect.Allow), "actions compare without case");
        Assert.That(Eval(p, Alice, "s3:ListBucket", "arn:aws:s3:::bkt"), Is.EqualTo(PolicyEffect.Allow));
        Assert.That(Eval(p, Alice, "s3:GetObject", "arn:aws:s3:::bkt/private/a"), Is.EqualTo(PolicyEffect.None));
        Assert.That(Eval(p, Alice, "s3:GetObject", "arn:aws:s3:::bkt/PUBLIC/a"), Is.EqualTo(PolicyEffect.None), "resources compare with case");
        Assert.That(Eval(p, Alice, "s3:PutObject", "arn:aws:s3:::bkt/public/a"), Is.EqualTo(PolicyEffect.None));
        Assert.That(Eval(p, Bob, "s3:GetObject", "arn:aws:s3:::bkt/public/a"), Is.EqualTo(PolicyEffect.None));
        Assert.That(Eval(p, null, "s3:GetObject", "arn:aws:s3:::bkt/public/a"), Is.EqualTo(PolicyEffect.None));
        Assert.That(BucketPolicy.Parse(p, "bkt").Evaluate(new PolicyRequest(Alice, "s3:GetObject", "arn:aws:s3:::bkt/public/a", new ConditionKeys())).Statement, Is.EqualTo("read"));
    }

    [TestCase("\"*\"", true, true)]
    [TestCase("{\"AWS\":\"*\"}", true, true)]
    [TestCase("{\"AWS\":\"alice\"}", true, false)]
    [TestCase("{\"AWS\":[\"arn:aws:iam::alice:user/Alice\"]}", true, false)]
    [TestCase("{\"AWS\":\"arn:aws:iam::alice:user/alice\"}", true, false)]
    [TestCase("{\"AWS\":\"arn:aws:iam::bob:root\"}", false, false)]
    [TestCase("{\"CanonicalUser\":\"2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90\"}", true, false)]
    public void PrincipalsNameAccountsOrEveryone(string principal, bool alice, bool anonymous)
    {
        var p = Policy($"{{\"Effect\":\"Allow\",\"Principal\":{principal},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"}}");
        Assert.That(Eval(p, Alice, "s3:GetObject", "arn:aws:s3:::bkt/k") == PolicyEffect.Allow, Is.EqualTo(alice));
        Assert.That(Eval(p, null, "s3:GetObject", "arn:aws:s3:::bkt/k") == PolicyEffect.Allow, Is.EqualTo(anonymous));
    }

    [Test]
    public void AliceCanonicalIdIsTheOneTheCaseAboveNames() => Assert.That(Alice.CanonicalId, Is.EqualTo("2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90"));

    [Test]
    public void AnExplicitDenyWinsWhereverItStands()
    {
        var p = Policy(
            "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::bkt/*\"}",
            "{\"Sid\":\"no-secrets\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/secret/*\"}");
        Assert.That(Eval(p, Alice, "s3:GetObject", "arn:aws:s3:::bkt/secret/x"), Is.EqualTo(PolicyEffect.Deny));
        Assert.That(Eval(p, Alice, "s3:GetObject", "arn:aws:s3:::bkt/open/x"), Is.EqualTo(PolicyEffect.Allow));
        Assert.That(Eval(p, Alice, "s3:PutObject", "arn:aws:s3:::bkt/secret/x"), Is.EqualTo(PolicyEffect.Allow));
    }

    [Test]
    public void NotPrincipalNotActionAndNotResourceInvert()
    {
        var p = Policy("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"alice\"},\"NotAction\":\"s3:GetObject\",\"NotResource\":\"arn:aws:s3:::bkt/tmp/*\"}");
        Assert.That(Eval(p, Bob, "s3:PutObject", "arn:aws:s3:::bkt/k"), Is.EqualTo(PolicyEffect.Deny));
        Assert.That(Eval(p, null, "s3:PutObject", "arn:aws:s3:::bkt/k"), Is.EqualTo(PolicyEffect.Deny));
        Assert.That(Eval(p, Alice, "s3:PutObject", "arn:aws:s3:::bkt/k"), Is.EqualTo(PolicyEffect.None), "not the principal");
        Assert.That(Eval(p, Bob, "s3:GetObject", "arn:aws:s3:::bkt/k"), Is.EqualTo(PolicyEffect.None), "not the action");
        Assert.That(Eval(p, Bob, "s3:PutObject", "arn:aws:s3:::bkt/tmp/k"), Is.EqualTo(PolicyEffect.None), "not the resource");
    }

    [Test]
    public void ConditionsMustAllHold()
    {
        var p = Policy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"," +
            "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"::1\"]},\"Bool\":{\"aws:SecureTransport\":\"true\"}}}");
        ConditionKeys Keys(string ip, string secure) => new ConditionKeys().Set("aws:SourceIp", ip).Set("aws:SecureTransport", secure);
        Assert.That(Eval(p, null, "s3:GetObject", "arn:aws:s3:::bkt/k", Keys("10.1.2.3", "true")), Is.EqualTo(PolicyEffect.Allow));
        Assert.That(Eval(p, null, "s3:GetObject", "arn:aws:s3:::bkt/k", Keys("::1", "true")), Is.EqualTo(PolicyEffect.Allow));
        Assert.That(Eval(p, null, "s3:GetObject", "arn:aws:s3:::bkt/k", Keys("11.1.2.3", "true")), Is.EqualTo(PolicyEffect.None));
        Assert.That(Eval(p, null, "s3:GetObject", "arn:aws:s3:::bkt/k", Keys("10.1.2.3", "false")), Is.EqualTo(PolicyEffect.None));
    }

    [Test]
    public void PublicMeansEveryoneWithoutAPinningCondition()
    {
        static bool IsPublic(string statement) => BucketPolicy.Parse(Policy(statement), "bkt").IsPublic;
        Assert.That(IsPublic("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"}"), Is.True);
        Assert.That(IsPublic("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\",\"Condition\":{\"StringLike\":{\"aws:Referer\":\"http://x/*\"}}}"), Is.True,
            "a referer can be forged: still public");
        Assert.That(IsPublic("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}"), Is.False);
        Assert.That(IsPublic("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"alice\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"}"), Is.False);
        Assert.That(IsPublic("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"}"), Is.False);
    }

    [TestCase("a*c", "abbbc", true)]
    [TestCase("a*c", "ac", true)]
    [TestCase("a*c", "abcd", false)]
    [TestCase("a?c", "abc", true)]
    [TestCase("a?c", "ac", false)]
    [TestCase("*", "", true)]
    [TestCase("**x", "x", true)]
    [TestCase("a*b*c", "aXbYbZc", true)]
    [TestCase("a*b*c", "aXcYb", false)]
    [TestCase("abc", "ABC", false)]
    public void WildcardsMatchAsIamDoes(string pattern, string value, bool expected) =>
        Assert.That(Wildcard.Matches(pattern, value, ignoreCase: false), Is.EqualTo(expected));
}
