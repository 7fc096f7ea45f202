using System.Xml.Linq;
using Gateway.Errors;
using Gateway.Handlers;
using Storage.Lifecycle;
using Storage.Objects;

namespace Gateway.Tests.Handlers;

/// <summary>LifecycleHandlers.Parse on literal request documents.</summary>
[TestFixture]
internal sealed class LifecycleHandlersTests
{
    private const string Ns = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

    private static List<LifecycleRule> Parse(string xml) => LifecycleHandlers.Parse(XDocument.Parse(xml));

    private static string Doc(string rules, string ns = Ns) => $"<LifecycleConfiguration{ns}>{rules}</LifecycleConfiguration>";

    private static S3Exception Error(string xml) => Assert.Throws<S3Exception>(() => Parse(xml))!;

    [Test]
    public void FilterPrefixWithExpirationInTheS3Namespace()
    {
        var rules = Parse(Doc("<Rule><ID>logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule>"));
        Assert.That(rules, Is.EqualTo(new[] { new LifecycleRule("logs", true, "logs/", 30, null) }));
    }

    [Test]
    public void WithoutNamespaceLegacyPrefixAndBothActions()
    {
        var rules = Parse(Doc(
            "<Rule><ID>a</ID><Prefix>tmp/</Prefix><Status>Disabled</Status>" +
            "<Expiration><Days>2</Days></Expiration><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>" +
            "<Rule><ID>b</ID><Filter></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>" +
            "<Rule><ID>c</ID><Filter/><Status>Enabled</Status><Expiration><Days>365</Days></Expiration></Rule>",
            ns: ""));
        Assert.That(rules, Is.EqualTo(new[]
        {
            new LifecycleRule("a", false, "tmp/", 2, 1) { LegacyPrefix = true },
            new LifecycleRule("b", true, "", null, 7),
            new LifecycleRule("c", true, "", 365, null),
        }));
    }

    [Test]
    public void NoFilterAndNoPrefixMeansEveryKey()
    {
        var rules = Parse(Doc("<Rule><ID>all</ID><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"));
        Assert.That(rules.Single().Prefix, Is.EqualTo(""));
    }

    [Test]
    public void MissingIdGetsAUniqueOne()
    {
        const string Rule = "<Rule><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>";
        var rules = Parse(Doc(Rule + Rule));
        Assert.That(rules, Has.Count.EqualTo(2));
        Assert.That(rules.Select(r => r.Id), Is.All.Not.Empty);
        Assert.That(rules.Select(r => r.Id), Is.Unique);
        Assert.That(rules.Select(r => r.Id.Length), Is.All.LessThanOrEqualTo(255));
    }

    [Test]
    public void DuplicateIdIsInvalidArgument()
    {
        var e = Error(Doc(
            "<Rule><ID>same</ID><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>" +
            "<Rule><ID>same</ID><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>"));
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("ArgumentValue", "same")));
    }

    [Test]
    public void IdOf255CharactersIsAcceptedAnd256IsNot()
    {
        var ok = new string('i', 255);
        Assert.That(Parse(Doc($"<Rule><ID>{ok}</ID><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>")).Single().Id, Is.EqualTo(ok));
        var e = Error(Doc($"<Rule><ID>{ok}x</ID><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"));
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(e.Extra, Does.Contain(new KeyValuePair<string, string>("ArgumentName", "ID")));
    }

    [TestCase("<Status>enabled</Status>")]
    [TestCase("<Status>On</Status>")]
    [TestCase("<Status></Status>")]
    [TestCase("")]
    public void StatusOtherThanEnabledOrDisabledIsMalformed(string status)
    {
        var e = Error(Doc($"<Rule><ID>r</ID>{status}<Expiration><Days>1</Days></Expiration></Rule>"));
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.MalformedXML));
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("abc")]
    [TestCase("1.5")]
    [TestCase("")]
    [TestCase("99999999999")]
    public void ExpirationDaysMustBeAPositiveInteger(string days)
    {
        var e = Error(Doc($"<Rule><ID>r</ID><Status>Enabled</Status><Expiration><Days>{days}</Days></Expiration></Rule>"));
        Assert.That((e.Code, e.Message), Is.EqualTo((S3ErrorCode.InvalidArgument, "'Days' for Expiration action must be a positive integer")));
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("abc")]
    public void DaysAfterInitiationMustBeAPositiveInteger(string days)
    {
        var e = Error(Doc($"<Rule><ID>r</ID><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>{days}</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>"));
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain("DaysAfterInitiation"));
    }

    [TestCase("<Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition>")]
    [TestCase("<NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>")]
    public void OtherActionsAreNotImplemented(string element)
    {
        var e = Error(Doc($"<Rule><ID>r</ID><Status>Enabled</Status>{element}</Rule>"));
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.NotImplemented));
    }

    [Test]
    public void RuleWithoutActionsIsInvalidRequest()
    {
        var e = Error(Doc("<Rule><ID>r</ID><Filter><Prefix>a/</Prefix></Filter><Status>Enabled</Status></Rule>"));
        Assert.That((e.Code, e.Message), Is.EqualTo((S3ErrorCode.InvalidRequest, "At least one action needs to be specified in a rule")));
    }

    [TestCase("<LifecycleConfiguration/>")]
    [TestCase("<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></LifecycleConfiguration>")]
    [TestCase("<NotLifecycle><Rule><ID>r</ID><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></NotLifecycle>")]
    public void NoRulesOrWrongRootIsMalformed(string xml) => Assert.That(Error(xml).Code, Is.EqualTo(S3ErrorCode.MalformedXML));

    [Test]
    public void FilterAndLegacyPrefixTogetherAreMalformed()
    {
        var e = Error(Doc("<Rule><ID>r</ID><Prefix>a/</Prefix><Filter><Prefix>b/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"));
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.MalformedXML));
    }

    [Test]
    public void AThousandRulesAreAcceptedAndMoreAreNot()
    {
        static string Rules(int n) => string.Concat(Enumerable.Range(0, n).Select(i => $"<Rule><ID>r{i}</ID><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"));
        Assert.That(Parse(Doc(Rules(1000))), Has.Count.EqualTo(1000));
        Assert.That(Error(Doc(Rules(1001))).Code, Is.EqualTo(S3ErrorCode.MalformedXML));
    }

    [Test]
    public void TagAndSizeFiltersAloneOrUnderAnd()
    {
        var rules = Parse(Doc(
            "<Rule><ID>t</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>" +
            "<Rule><ID>and</ID><Filter><And><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag><Tag><Key>j</Key><Value></Value></Tag>" +
            "<ObjectSizeGreaterThan>100</ObjectSizeGreaterThan><ObjectSizeLessThan>200</ObjectSizeLessThan></And></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>" +
            "<Rule><ID>gt</ID><Filter><ObjectSizeGreaterThan>5</ObjectSizeGreaterThan></Filter><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule>"));
        Assert.That(rules[0], Is.EqualTo(new LifecycleRule("t", true, "", 1, null) { Tags = [new Tag("k", "v")] }));
        Assert.That(rules[1], Is.EqualTo(new LifecycleRule("and", true, "a/", 2, null) { Tags = [new Tag("k", "v"), new Tag("j", "")], SizeGreaterThan = 100, SizeLessThan = 200 }));
        Assert.That(rules[2], Is.EqualTo(new LifecycleRule("gt", true, "", 3, null) { SizeGreaterThan = 5 }));
    }

    [Test]
    public void NoncurrentExpirationAndExpiredDeleteMarkers()
    {
        var rules = Parse(Doc(
            "<Rule><ID>n</ID><Filter><Prefix>p/</Prefix></Filter><Status>Enabled</Status>" +
            "<NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays><NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>" +
            "<Rule><ID>m</ID><Filter/><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>"));
        Assert.That(rules[0], Is.EqualTo(new LifecycleRule("n", true, "p/", null, null) { NoncurrentDays = 30, NewerNoncurrentVersions = 3 }));
        Assert.That(rules[1], Is.EqualTo(new LifecycleRule("m", true, "", null, null) { ExpiredObjectDeleteMarker = true }));
    }

    [TestCase("<Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Expiration><Days>1</Days></Expiration>", S3ErrorCode.MalformedXML)]
    [TestCase("<Filter><And></And></Filter><Expiration><Days>1</Days></Expiration>", S3ErrorCode.MalformedXML)]
    [TestCase("<Filter><ObjectSizeGreaterThan>x</ObjectSizeGreaterThan></Filter><Expiration><Days>1</Days></Expiration>", S3ErrorCode.MalformedXML)]
    [TestCase("<Filter><And><ObjectSizeGreaterThan>9</ObjectSizeGreaterThan><ObjectSizeLessThan>9</ObjectSizeLessThan></And></Filter><Expiration><Days>1</Days></Expiration>", S3ErrorCode.InvalidArgument)]
    [TestCase("<Filter><And><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key><Value>2</Value></Tag></And></Filter><Expiration><Days>1</Days></Expiration>", S3ErrorCode.InvalidRequest)]
    [TestCase("<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>", S3ErrorCode.InvalidRequest)]
    [TestCase("<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>", S3ErrorCode.InvalidRequest)]
    [TestCase("<Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>", S3ErrorCode.InvalidArgument)]
    [TestCase("<Expiration><ExpiredObjectDeleteMarker>yes</ExpiredObjectDeleteMarker></Expiration>", S3ErrorCode.MalformedXML)]
    [TestCase("<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>", S3ErrorCode.InvalidArgument)]
    [TestCase("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>101</NewerNoncurrentVersions></NoncurrentVersionExpiration>", S3ErrorCode.InvalidArgument)]
    public void BadFiltersAndActionsAreRefused(string inner, S3ErrorCode code)
    {
        Assert.That(Error(Doc($"<Rule><ID>r</ID><Status>Enabled</Status>{inner}</Rule>")).Code, Is.EqualTo(code));
    }

    [Test]
    public void ExpirationByDateAtMidnightUtc()
    {
        var rules = Parse(Doc("<Rule><ID>d</ID><Filter/><Status>Enabled</Status><Expiration><Date>2027-01-01T00:00:00Z</Date></Expiration></Rule>"));
        Assert.That(rules.Single(), Is.EqualTo(new LifecycleRule("d", true, "", null, null) { ExpirationDate = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero) }));
        Assert.That(Error(Doc("<Rule><ID>d</ID><Status>Enabled</Status><Expiration><Date>2027-01-01T10:00:00Z</Date></Expiration></Rule>")).Message,
            Is.EqualTo("'Date' must be at midnight GMT"));
        Assert.That(Error(Doc("<Rule><ID>d</ID><Status>Enabled</Status><Expiration><Date>20200101</Date></Expiration></Rule>")).Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(Error(Doc("<Rule><ID>d</ID><Status>Enabled</Status><Expiration><Days>1</Days><Date>2027-01-01T00:00:00Z</Date></Expiration></Rule>")).Code,
            Is.EqualTo(S3ErrorCode.MalformedXML));
    }

    [Test]
    public void ATransitionsMalformedDateIsTheClientsErrorBeforeTheMissingFeature()
    {
        var bad = Error(Doc("<Rule><ID>t</ID><Filter/><Status>Enabled</Status><Transition><Date>20220927</Date><StorageClass>GLACIER</StorageClass></Transition></Rule>"));
        Assert.That(bad.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        var notMidnight = Error(Doc("<Rule><ID>t</ID><Filter/><Status>Enabled</Status><Transition><Date>2030-01-01T10:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition></Rule>"));
        Assert.That(notMidnight.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        var wellFormed = Error(Doc("<Rule><ID>t</ID><Filter/><Status>Enabled</Status><Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition></Rule>"));
        Assert.That(wellFormed.Code, Is.EqualTo(S3ErrorCode.NotImplemented));
    }
}
