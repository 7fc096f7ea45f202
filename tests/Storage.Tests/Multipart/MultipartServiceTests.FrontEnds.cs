using NUnit.Framework;
using Storage.Faults;
using Storage.Multipart;
using Storage.Objects;

namespace Storage.Tests.Multipart;

/// <summary>What other front ends (the upload adapters) need of uploads: annotations, lookup by id, reading parts back, their own part minimum.</summary>
internal sealed partial class MultipartServiceTests
{
    [Test]
    public void AnnotationsAreKeptWithTheUploadMergedByKeyAndNotCopiedToTheObject()
    {
        var u = Mp.Create(Bucket, "k", Account, new Dictionary<string, string> { ["content-type"] = "text/plain" }, null, null,
            new UploadExtras(new Dictionary<string, string> { ["file-size"] = "40", ["folder"] = "0" }));
        Assert.That(u.Annotations, Is.EqualTo(new Dictionary<string, string> { ["file-size"] = "40", ["folder"] = "0" }));

        var merged = Mp.Annotate(Bucket, "k", u.UploadId, Account, new Dictionary<string, string> { ["folder"] = "7", ["reported:1"] = "abc" });
        Assert.That(merged.Annotations, Is.EqualTo(new Dictionary<string, string> { ["file-size"] = "40", ["folder"] = "7", ["reported:1"] = "abc" }));
        Assert.That(Mp.Lookup(u.UploadId)!.Annotations, Is.EqualTo(merged.Annotations), "stored, not only returned");
        Assert.That(Mp.ListUploads(Bucket, Account, "", null, null, null, 10).Uploads.Single().Annotations, Is.EqualTo(merged.Annotations));
        Assert.That(Fault(() => Mp.Annotate(Bucket, "other", u.UploadId, Account, new Dictionary<string, string>())), Is.EqualTo(StorageFault.UploadNotFound));
        Assert.That(Fault(() => Mp.Annotate(Bucket, "k", u.UploadId, "intruder", new Dictionary<string, string>())), Is.EqualTo(StorageFault.NotOwner));
    }

    [Test]
    public async Task AnnotationsSurviveARestartAndTheObjectGetsOnlyTheAttributes()
    {
        var u = Mp.Create(Bucket, "k", Account, new Dictionary<string, string> { ["content-type"] = "text/plain" }, null, null,
            new UploadExtras(new Dictionary<string, string> { ["session"] = "box" }, new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        var p = await Part(u, 1, Body(25));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _engine = Open();
        var again = Mp.Lookup(u.UploadId)!;
        Assert.That((again.Annotations["session"], again.ExpiresAt), Is.EqualTo(("box", (DateTimeOffset?)new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero))));
        var done = CompleteParts(again, p);
        Assert.That(done.Object.Attributes, Is.EqualTo(new Dictionary<string, string> { ["content-type"] = "text/plain" }));
        Assert.That(Mp.Lookup(u.UploadId), Is.Null, "a completed upload is gone");
    }

    [Test]
    public async Task OpenPartsReadsTheListedPartsInTheOrderGivenAndOutlivesAnAbort()
    {
        var u = Create("k");
        byte[][] bodies = [Body(20, 1), Body(33, 2), Body(0, 3), Body(7, 4)];
        for (var i = 0; i < bodies.Length; i++)
        {
            await Part(u, i + 1, bodies[i]);
        }

        using (var all = Mp.OpenParts(Bucket, "k", u.UploadId, Account, [1, 2, 3, 4]))
        {
            var ms = new MemoryStream();
            await all.CopyToAsync(ms);
            Assert.That(ms.ToArray(), Is.EqualTo(Concat(bodies)));
        }

        var some = Mp.OpenParts(Bucket, "k", u.UploadId, Account, [4, 2]);
        Mp.Abort(Bucket, "k", u.UploadId, Account);
        var read = new MemoryStream();
        await some.CopyToAsync(read);
        Assert.That(read.ToArray(), Is.EqualTo(Concat(bodies[3], bodies[1])), "the lease keeps the aborted parts readable");
        Assert.That(SegmentFiles(), Is.Not.Empty);
        await some.DisposeAsync();
        Assert.That(SegmentFiles(), Is.Empty, "and frees them when the stream is disposed");

        var v = Create("k2");
        await Part(v, 1, Body(5));
        Assert.That(Fault(() => Mp.OpenParts(Bucket, "k2", v.UploadId, Account, [1, 9])), Is.EqualTo(StorageFault.UnknownPart));
    }

    [Test]
    public async Task AFrontEndMayCompleteWithItsOwnPartMinimum()
    {
        var u = Create("k");
        var p1 = await Part(u, 1, Body(3, 1));
        var p2 = await Part(u, 2, Body(3, 2));
        Assert.That(Fault(() => CompleteParts(u, p1, p2)), Is.EqualTo(StorageFault.PartTooSmall), "the engine's minimum is 20 bytes here");
        var done = Mp.Complete(new CompleteCommand(Bucket, "k", u.UploadId, Account,
            [new CompletePart(1, Quoted(p1.ETag)), new CompletePart(2, Quoted(p2.ETag))], WriteConditions.None, MinPartSize: 1));
        Assert.That(done.Object.Size, Is.EqualTo(6));
    }
}
