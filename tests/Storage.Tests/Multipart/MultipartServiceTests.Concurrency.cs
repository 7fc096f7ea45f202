using NUnit.Framework;
using Storage.Checksums;
using Storage.Faults;
using Storage.Multipart;
using Storage.Objects;

namespace Storage.Tests.Multipart;

internal sealed partial class MultipartServiceTests
{
    // ---- UploadPartCopy ----

    private async Task<PartInfo> CopyPart(UploadInfo u, int n, string sourceKey, (long Start, long Length)? range = null) =>
        (await Mp.CopyPartAsync(new CopyPartCommand(u.Bucket, u.Key, u.UploadId, n, Account, Bucket, sourceKey, range), CancellationToken.None)).Part;

    private Task<ObjectInfo> PutObject(string key, byte[] body) =>
        _engine.Objects.PutAsync(new PutObjectCommand(Bucket, key, Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(body.Length)),
            new MemoryStream(body), CancellationToken.None);

    [Test]
    public async Task CopyPartFromPlainAndMultipartSourcesWritesNoData()
    {
        var plain = Body(50, 1);
        await PutObject("plain", plain);
        var m = Create("mp-src");
        byte[][] mpBodies = [Body(20, 2), Body(21, 3), Body(9, 4)];
        var mpParts = new List<PartInfo>();
        for (var i = 0; i < mpBodies.Length; i++)
        {
            mpParts.Add(await Part(m, i + 1, mpBodies[i]));
        }

        CompleteParts(m, mpParts.ToArray());
        var mpWhole = Concat(mpBodies);
        Assert.That(Read("mp-src"), Is.EqualTo(mpWhole));
        var before = SegmentFiles();

        var u = Create("dst");
        var copies = new (string Source, (long Start, long Length)? Range, byte[] Expected)[]
        {
            ("plain", null, plain),
            ("plain", (5, 30), plain[5..35]),
            ("mp-src", (15, 25), mpWhole[15..40]),
            ("mp-src", (17, 22), mpWhole[17..39]),
            ("mp-src", null, mpWhole),
            ("plain", (47, 3), plain[47..]),
        };
        var parts = new List<PartInfo>();
        for (var i = 0; i < copies.Length; i++)
        {
            var (source, range, expected) = copies[i];
            var part = await CopyPart(u, i + 1, source, range);
            Assert.That((part.PartNumber, part.Size, part.ETag), Is.EqualTo((i + 1, (long)expected.Length, Md5(expected))), $"copy {i + 1}");
            Assert.That(part.Checksum, Is.EqualTo(B64(Crc64Nvme.Compute(expected))), "the upload's (default) checksum of the copied bytes");
            parts.Add(part);
        }

        Assert.That(SegmentFiles(), Is.EquivalentTo(before), "part copies write no segment file");
        Assert.That(AllParts(u).Select(p => p.ETag), Is.EqualTo(parts.Select(p => p.ETag)));

        var result = CompleteParts(u, parts.ToArray());
        var whole = Concat(copies.Select(c => c.Expected).ToArray());
        Assert.That(result.Object.ETag, Is.EqualTo(ExpectedETag(copies.Select(c => c.Expected).ToArray())));
        Assert.That(result.Object.Checksum, Is.EqualTo(new ChecksumValue(ChecksumAlgorithm.Crc64Nvme, ChecksumType.FullObject, B64(Crc64Nvme.Compute(whole)))));
        Assert.That(Read("dst"), Is.EqualTo(whole));
        Assert.That(SegmentFiles(), Is.EquivalentTo(before));

        _engine.Objects.Delete(Bucket, "plain", Account);
        _engine.Objects.Delete(Bucket, "mp-src", Account);
        Assert.That(Read("dst"), Is.EqualTo(whole), "the completed object outlives its sources");
        Assert.That(SegmentFiles(), Is.EquivalentTo(ObjectFiles("dst")));
        _engine.Objects.Delete(Bucket, "dst", Account);
        Assert.That(SegmentFiles(), Is.Empty);
    }

    [Test]
    public async Task CopyPartErrorsAndAbortKeepTheSource()
    {
        var plain = Body(40);
        await PutObject("src", plain);
        var files = SegmentFiles();
        var u = Create("dst", ChecksumAlgorithm.Sha256);
        Assert.That(FaultAsync(() => CopyPart(u, 1, "src", (30, 11))), Is.EqualTo(StorageFault.CopyRangeOutOfBounds));
        Assert.That(FaultAsync(() => CopyPart(u, 1, "missing")), Is.EqualTo(StorageFault.ObjectNotFound));
        Assert.That(FaultAsync(() => CopyPart(u with { Key = "other" }, 1, "src")), Is.EqualTo(StorageFault.UploadNotFound));
        var p = await CopyPart(u, 1, "src", (0, 16));
        Assert.That(p.Checksum, Is.EqualTo(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(plain.AsSpan(0, 16)))));
        Mp.Abort(Bucket, "dst", u.UploadId, Account);
        Assert.That(SegmentFiles(), Is.EquivalentTo(files), "aborting frees nothing the source still uses");
        Assert.That(Read("src"), Is.EqualTo(plain));
    }

    [Test]
    public async Task CompleteOntoTheCopySourceKeepsCopiedRangesAndFreesTheRest()
    {
        var old = Body(40, 1);
        await PutObject("k", old);
        var u = Create("k");
        var listed = await CopyPart(u, 1, "k", (0, 32));
        var unlisted = await CopyPart(u, 2, "k", (32, 8));
        var tail = await Part(u, 3, Body(5, 2));
        CompleteParts(u, listed, tail);
        Assert.That(Read("k"), Is.EqualTo(Concat(old[..32], Body(5, 2))));
        Assert.That(SegmentFiles(), Is.EquivalentTo(ObjectFiles("k")), $"the old object's last segment (only in unlisted part {unlisted.PartNumber}) is freed");
        Assert.That(SegmentFiles(), Has.Count.EqualTo(3));
        _engine.Objects.Delete(Bucket, "k", Account);
        Assert.That(SegmentFiles(), Is.Empty);
    }

    // ---- Races ----

    [TestCase(false)]
    [TestCase(true)]
    public async Task CopyPartRacingADeleteOrReplaceOfItsSourceCopiesTheSnapshotItRead(bool replace)
    {
        var original = Body(40, 1);
        await PutObject("src", original);
        var u = Create("dst");
        Mp.AfterCopyRead = async () =>
        {
            Mp.AfterCopyRead = null;
            if (replace)
            {
                await PutObject("src", Body(40, 2));
            }
            else
            {
                _engine.Objects.Delete(Bucket, "src", Account);
            }
        };

        var part = await CopyPart(u, 1, "src", (4, 30));

        Assert.That((part.Size, part.ETag), Is.EqualTo((30L, Md5(original[4..34]))), "the bytes of the source as it was when the copy began");
        CompleteParts(u, part);
        Assert.That(Read("dst"), Is.EqualTo(original[4..34]));
        var check = _engine.Check();
        Assert.That(check.IsConsistent, Is.True, "every referenced segment has a file, and none is left over");
        _engine.Objects.Delete(Bucket, "dst", Account);
        if (!replace)
        {
            Assert.That(SegmentFiles(), Is.Empty);
        }
    }


    [Test]
    public async Task ParallelPartUploadsAllLand()
    {
        var u = Create("k");
        var bodies = Enumerable.Range(1, 16).Select(i => Body(20 + i, i)).ToArray();
        var parts = await Task.WhenAll(bodies.Select((b, i) => Task.Run(() => Part(u, i + 1, b))));
        Assert.That(AllParts(u).Select(p => (p.PartNumber, p.ETag)), Is.EqualTo(bodies.Select((b, i) => (i + 1, Md5(b)))));
        Assert.That(SegmentFiles(), Has.Count.EqualTo(bodies.Sum(b => (b.Length + SegmentSize - 1) / SegmentSize)));
        CompleteParts(u, parts.OrderBy(p => p.PartNumber).ToArray());
        Assert.That(Read("k"), Is.EqualTo(Concat(bodies)));
        Assert.That(TempFiles(), Is.Empty);
    }

    [Test]
    public async Task ConcurrentUploadsOfOnePartNumberLeaveOneIntact()
    {
        for (var round = 0; round < 10; round++)
        {
            var key = "k" + round;
            var u = Create(key);
            var a = Body(45, 100 + round);
            var b = Body(45, 200 + round);
            await Task.WhenAll(Task.Run(() => Part(u, 1, a)), Task.Run(() => Part(u, 1, b)));
            var listed = AllParts(u);
            Assert.That(listed, Has.Count.EqualTo(1));
            Assert.That(listed[0].ETag, Is.AnyOf(Md5(a), Md5(b)));
            CompleteParts(u, listed[0]);
            var read = Read(key);
            Assert.That(read, listed[0].ETag == Md5(a) ? Is.EqualTo(a) : Is.EqualTo(b), "the listed body, never a mix");
            Assert.That(SegmentFiles(), Is.EquivalentTo(ObjectFiles(key)), "no orphan files");
            _engine.Objects.Delete(Bucket, key, Account);
        }

        Assert.That(TempFiles(), Is.Empty);
    }

    private static async Task<StorageFault?> Outcome(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (StorageException e)
        {
            return e.Fault;
        }
    }

    [Test]
    public async Task CompleteRacingAbortHasOneWinner()
    {
        var completes = 0;
        var aborts = 0;
        for (var round = 0; round < 20; round++)
        {
            var key = "k" + round;
            var u = Create(key);
            var p1 = await Part(u, 1, Body(30, round));
            var p2 = await Part(u, 2, Body(10, round));
            var unlisted = await Part(u, 3, Body(17, round));
            CompleteResult? completed = null;
            var outcomes = await Task.WhenAll(
                Task.Run(() => Outcome(() =>
                {
                    completed = CompleteParts(u, p1, p2);
                    return Task.CompletedTask;
                })),
                Task.Run(() => Outcome(() =>
                {
                    Mp.Abort(Bucket, key, u.UploadId, Account);
                    return Task.CompletedTask;
                })));
            var (completeFault, abortFault) = (outcomes[0], outcomes[1]);
            Assert.That(Fault(() => Mp.ListParts(Bucket, key, u.UploadId, Account, 0, 10)), Is.EqualTo(StorageFault.UploadNotFound));
            if (completeFault is null)
            {
                completes++;
                Assert.That(completed!.Retried, Is.False);
                Assert.That(abortFault, Is.EqualTo(StorageFault.UploadNotFound));
                Assert.That(Read(key), Is.EqualTo(Concat(Body(30, round), Body(10, round))));
                Assert.That(SegmentFiles(), Is.EquivalentTo(ObjectFiles(key)), "the object's files, and not the unlisted part's");
                _engine.Objects.Delete(Bucket, key, Account);
            }
            else
            {
                aborts++;
                Assert.That((completeFault, abortFault), Is.EqualTo(((StorageFault?)StorageFault.UploadNotFound, (StorageFault?)null)));
                Assert.That(Fault(() => _engine.Objects.Head(Bucket, key, Account)), Is.EqualTo(StorageFault.ObjectNotFound));
            }

            Assert.That(SegmentFiles(), Is.Empty, $"round {round}: nothing left behind, the unlisted part {unlisted.PartNumber} included");
        }

        Assert.That(completes + aborts, Is.EqualTo(20));
    }

    [Test]
    public async Task CompleteRacingANewPartLeavesOnlyTheObject()
    {
        var landed = 0;
        for (var round = 0; round < 20; round++)
        {
            var key = "k" + round;
            var u = Create(key);
            var p1 = await Part(u, 1, Body(30, round));
            var p2 = await Part(u, 2, Body(10, round));
            var results = await Task.WhenAll(
                Task.Run(() => Outcome(() =>
                {
                    CompleteParts(u, p1, p2);
                    return Task.CompletedTask;
                })),
                Task.Run(() => Outcome(() => Part(u, 3, Body(50, 1000 + round)))));
            Assert.That(results[0], Is.Null, "Complete succeeds either way");
            Assert.That(results[1], Is.Null.Or.EqualTo(StorageFault.UploadNotFound));
            landed += results[1] is null ? 1 : 0;
            Assert.That(Read(key), Is.EqualTo(Concat(Body(30, round), Body(10, round))));
            Assert.That(SegmentFiles(), Is.EquivalentTo(ObjectFiles(key)), "a part that landed first was unlisted and freed; a refused one left nothing");
            Assert.That(TempFiles(), Is.Empty);
            _engine.Objects.Delete(Bucket, key, Account);
        }

        Assert.That(landed, Is.InRange(0, 20));
    }

    [Test]
    public async Task ReadersOfAKeyReplacedByCompleteSeeOneWholeObject()
    {
        var old = Body(70, 1);
        await PutObject("k", old);
        var u = Create("k");
        byte[][] bodies = [Body(33, 2), Body(20, 3), Body(40, 4)];
        var parts = new List<PartInfo>();
        for (var i = 0; i < bodies.Length; i++)
        {
            parts.Add(await Part(u, i + 1, bodies[i]));
        }

        var fresh = Concat(bodies);

        // A reader that opened the old object before Complete reads it to the end afterwards.
        var held = _engine.Objects.Open(Bucket, "k", Account);
        var heldStream = held.OpenRange(0, held.Info.Size);

        var done = 0;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var seen = new List<byte[]>();
            while (Volatile.Read(ref done) == 0 || seen.Count < 3)
            {
                seen.Add(Read("k"));
            }

            return seen;
        })).ToArray();
        var completer = Task.Run(() =>
        {
            try
            {
                CompleteParts(u, parts.ToArray());
            }
            finally
            {
                Volatile.Write(ref done, 1);
            }
        });
        await completer;
        var reads = (await Task.WhenAll(readers)).SelectMany(r => r).ToList();
        foreach (var r in reads)
        {
            Assert.That(r.SequenceEqual(old) || r.SequenceEqual(fresh), Is.True, $"a read of {r.Length} bytes is the old or the new object");
        }

        Assert.That(Read("k"), Is.EqualTo(fresh));
        var ms = new MemoryStream();
        heldStream.CopyTo(ms);
        Assert.That(ms.ToArray(), Is.EqualTo(old));
        heldStream.Dispose();
        held.Dispose();
        Assert.That(SegmentFiles(), Is.EquivalentTo(ObjectFiles("k")), "the old files go with the last lease");
    }

    // ---- Restart ----

    [Test]
    public async Task AnUploadSurvivesReopeningTheEngine()
    {
        var u = Create("k", ChecksumAlgorithm.Crc32C, ChecksumType.FullObject);
        var a = Body(35, 1);
        var b = Body(12, 2);
        await Part(u, 1, a, B64(Crc32C.Compute(a)));
        await Part(u, 2, b, B64(Crc32C.Compute(b)));
        var files = SegmentFiles();
        Assert.That(_engine.Sweep(), Is.EqualTo(0), "a sweep keeps the parts' files");
        Assert.That(SegmentFiles(), Is.EquivalentTo(files));

        // An interrupted write leaves a temp file; the start-up sweep removes it and nothing else.
        await File.WriteAllBytesAsync(_engine.Segments.NewTempPath(), [1, 2, 3]);
        SqliteClear();
        _engine = Open();
        Assert.That(_engine.SweptAtStart, Is.EqualTo(1));
        Assert.That(SegmentFiles(), Is.EquivalentTo(files));
        Assert.That(TempFiles(), Is.Empty);

        var uploads = Mp.ListUploads(Bucket, Account, "", null, null, null, 10).Uploads;
        Assert.That(uploads.Select(x => (x.UploadId, x.Key, x.ChecksumAlgorithm, x.ChecksumType)), Is.EqualTo(new[] { (u.UploadId, "k", (ChecksumAlgorithm?)ChecksumAlgorithm.Crc32C, (ChecksumType?)ChecksumType.FullObject) }));
        var listed = AllParts(u);
        Assert.That(listed.Select(p => (p.PartNumber, p.ETag, p.Size)), Is.EqualTo(new[] { (1, Md5(a), 35L), (2, Md5(b), 12L) }));

        var result = CompleteParts(u, listed.ToArray());
        Assert.That(Read("k"), Is.EqualTo(Concat(a, b)));
        Assert.That(result.Object.Checksum, Is.EqualTo(new ChecksumValue(ChecksumAlgorithm.Crc32C, ChecksumType.FullObject, B64(Crc32C.Compute(Concat(a, b))))));
        Assert.That(SegmentFiles(), Is.EquivalentTo(files));
    }

    private static void SqliteClear() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
}
