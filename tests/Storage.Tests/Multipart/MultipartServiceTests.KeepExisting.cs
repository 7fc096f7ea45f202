using NUnit.Framework;
using Storage.Multipart;

namespace Storage.Tests.Multipart;

/// <summary>Parts that keep an existing part (protocols whose parts are immutable): the check is part of the commit.</summary>
internal sealed partial class MultipartServiceTests
{
    private Task<UploadedPart> KeepingPart(UploadInfo u, int n, byte[] body) =>
        Mp.UploadPartAsync(new UploadPartCommand(u.Bucket, u.Key, u.UploadId, n, Account, new BodyChecks(body.Length)) { Upload = u, KeepExisting = true },
            new MemoryStream(body), CancellationToken.None);

    [Test]
    public async Task APartThatKeepsTheExistingOneLeavesItAndWritesNothing()
    {
        var u = Create("keep");
        var first = await KeepingPart(u, 1, Body(40, 1));
        var before = SegmentFiles();
        var again = await KeepingPart(u, 1, Body(40, 2));
        Assert.That((first.Kept, again.Kept), Is.EqualTo((false, true)));
        Assert.That(again.Part, Is.EqualTo(first.Part), "the part already there is the answer");
        Assert.That(SegmentFiles(), Is.EquivalentTo(before), "the second body's files were taken back");
        Assert.That(AllParts(u).Single().ETag, Is.EqualTo(Md5(Body(40, 1))));
        Assert.That(_engine.Check().IsConsistent, Is.True);
    }

    [Test]
    public async Task TwoConcurrentUploadsOfOnePartKeepExactlyOne()
    {
        for (var round = 0; round < 10; round++)
        {
            var u = Create("race-" + round);
            var bodies = Enumerable.Range(0, 4).Select(i => Body(100, (round * 10) + i)).ToArray();
            var results = await Task.WhenAll(bodies.Select(b => Task.Run(() => KeepingPart(u, 1, b))));
            Assert.That(results.Count(r => !r.Kept), Is.EqualTo(1), "exactly one was stored");
            var stored = results.Single(r => !r.Kept).Part;
            Assert.That(results.Where(r => r.Kept).Select(r => r.Part), Is.All.EqualTo(stored), "the others were told of the stored part");
            Assert.That(AllParts(u).Single().ETag, Is.EqualTo(stored.ETag));
            Assert.That(bodies.Select(Md5), Does.Contain(stored.ETag));
        }

        Assert.That(_engine.Check().IsConsistent, Is.True, "the meter counts each kept part once, and no file of a refused body is left");
    }
}
