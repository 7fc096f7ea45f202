using Gateway.Protocol;
using Gateway.Routing;

namespace Gateway.Tests.Protocol;

/// <summary>Directory buckets' name rule ("Directory bucket naming rules") and the operations S3 answers on them.</summary>
[TestFixture]
internal sealed class DirectoryBucketsTests
{
    [TestCase("data--use1-az4--x-s3", "use1-az4")]
    [TestCase("a--b--x-s3", "b")]
    [TestCase("my-data-2026--usw2-az1--x-s3", "usw2-az1")]
    [TestCase("x--test1-long1-zone-ab1--x-s3", "test1-long1-zone-ab1")]
    [TestCase("a--b--c--x-s3", "c")]
    public void Valid(string name, string zone)
    {
        Assert.That(DirectoryBuckets.TryParseName(name, out var z), Is.True);
        Assert.That(z, Is.EqualTo(zone));
    }

    [TestCase("data--use1-az4")]
    [TestCase("--use1-az4--x-s3")]
    [TestCase("data----x-s3")]
    [TestCase("data-use1-az4--x-s3")]
    [TestCase("Data--use1-az4--x-s3")]
    [TestCase("da.ta--use1-az4--x-s3")]
    [TestCase("data---use1-az4--x-s3")]
    [TestCase("data--use1-az4---x-s3")]
    [TestCase("-data--use1-az4--x-s3")]
    [TestCase("xn--data--use1-az4--x-s3")]
    [TestCase("sthree-data--use1-az4--x-s3")]
    [TestCase("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa--use1-az4--x-s3")]
    public void Invalid(string name) => Assert.That(DirectoryBuckets.TryParseName(name, out _), Is.False);

    [Test]
    public void TheSuffixAloneMarksADirectoryBucketsName()
    {
        Assert.That((DirectoryBuckets.IsDirectoryName("a--b--x-s3"), DirectoryBuckets.IsDirectoryName("a-x-s3"), DirectoryBuckets.IsDirectoryName(null)),
            Is.EqualTo((true, false, false)));
    }

    [Test]
    public void AReadOnlySessionAllowsOnlyOperationsThatDirectoryBucketsHave()
    {
        foreach (var op in Enum.GetValues<S3Operation>().Where(DirectoryBuckets.ReadOnlyAllows))
        {
            Assert.That(DirectoryBuckets.Supports(op), Is.True, op.ToString());
        }

        Assert.That(DirectoryBuckets.ReadOnlyAllows(S3Operation.PutObject) || DirectoryBuckets.ReadOnlyAllows(S3Operation.RenameObject)
                    || DirectoryBuckets.ReadOnlyAllows(S3Operation.DeleteObject), Is.False);
    }
}
