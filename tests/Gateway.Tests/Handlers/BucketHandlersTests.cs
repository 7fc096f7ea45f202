using Gateway.Errors;
using Storage.Faults;

namespace Gateway.Tests.Handlers;

/// <summary>CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation, GetBucketVersioning and ListBuckets as values.</summary>
[TestFixture]
internal sealed class BucketHandlersTests
{
    private HandlerHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new HandlerHarness();

    [TearDown]
    public void TearDown() => _h.Dispose();

    [Test]
    public async Task CreateHeadListDelete()
    {
        var created = await _h.Send("PUT", "/new-bucket");
        Assert.That((created.Status, created.Header("Location")), Is.EqualTo((200, "/new-bucket")));
        var head = await _h.Send("HEAD", "/new-bucket");
        Assert.That(head.Header("x-amz-bucket-region"), Is.EqualTo("us-east-1"));
        var list = await _h.Send("GET", "/");
        Assert.That(list.BodyText, Does.Contain("<Name>new-bucket</Name>").And.Contain("<BucketRegion>us-east-1</BucketRegion>"));
        Assert.That((await _h.Send("DELETE", "/new-bucket")).Status, Is.EqualTo(204));
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => _h.Send("HEAD", "/new-bucket"))!.Code, Is.EqualTo(S3ErrorCode.NoSuchBucket));
    }

    [TestCase("ab")]
    [TestCase("Upper")]
    [TestCase("a..b")]
    [TestCase("192.168.1.1")]
    [TestCase("a.-b")]
    [TestCase("a-.b")]
    public void InvalidNamesAreRefused(string name) =>
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/" + name))!.Code, Is.EqualTo(S3ErrorCode.InvalidBucketName));

    [Test]
    public void ALocationConstraintForAnotherRegionIsRefused()
    {
        var e = Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/loc-bucket",
            "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidLocationConstraint));
    }

    [Test]
    public async Task LocationOfUsEast1IsEmptyAndANewBucketShowsNoVersioning()
    {
        await _h.Send("PUT", "/b-one");
        Assert.That((await _h.Send("GET", "/b-one?location")).BodyText,
            Is.EqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"));
        Assert.That((await _h.Send("GET", "/b-one?versioning")).BodyText,
            Is.EqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"));
    }

    [Test]
    public async Task ListBucketsPagesWithAContinuationToken()
    {
        foreach (var n in new[] { "b-a", "b-b", "b-c" })
        {
            await _h.Send("PUT", "/" + n);
        }

        var first = (await _h.Send("GET", "/?max-buckets=2")).BodyText;
        Assert.That(first, Does.Contain("<Name>b-a</Name>").And.Contain("<Name>b-b</Name>").And.Not.Contain("b-c"));
        var token = System.Text.RegularExpressions.Regex.Match(first, "<ContinuationToken>([^<]+)</ContinuationToken>").Groups[1].Value;
        var second = (await _h.Send("GET", "/?max-buckets=2&continuation-token=" + Uri.EscapeDataString(token))).BodyText;
        Assert.That(second, Does.Contain("<Name>b-c</Name>").And.Not.Contain("ContinuationToken"));
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => _h.Send("GET", "/?max-buckets=0"))!.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
    }

    [Test]
    public async Task RecreatingYourOwnBucketIs200InUsEast1AndBucketAlreadyOwnedByYouElsewhere()
    {
        await _h.Send("PUT", "/mine-bucket");
        Assert.That((await _h.Send("PUT", "/mine-bucket")).Status, Is.EqualTo(200));
        Assert.That(Assert.ThrowsAsync<StorageException>(() => _h.Send("PUT", "/mine-bucket", account: HandlerHarness.Other))!.Fault, Is.EqualTo(StorageFault.BucketNameTaken));

        using var eu = new HandlerHarness(o => o.Region = "eu-west-1");
        await eu.Send("PUT", "/mine-bucket");
        Assert.That(Assert.ThrowsAsync<StorageException>(() => eu.Send("PUT", "/mine-bucket"))!.Fault, Is.EqualTo(StorageFault.BucketAlreadyYours));
        Assert.That((await eu.Send("PUT", "/eu-bucket", "<CreateBucketConfiguration><LocationConstraint>EU</LocationConstraint></CreateBucketConfiguration>")).Status,
            Is.EqualTo(200), "EU is the legacy name of eu-west-1");
    }
}
