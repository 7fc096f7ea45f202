using NUnit.Framework;
using Storage.Multipart;
using Storage.Objects;

namespace Storage.Tests;

/// <summary>StorageEngine.Empty: every bucket, version, upload, part, usage row and segment goes, in one step, and the folder checks clean.</summary>
internal sealed partial class StorageEngineTests
{
    private const string Other = "other";

    /// <summary>Buckets of two accounts with what storage can hold: file and inline segments, versions and markers, uploads, a copy sharing segments across accounts, lifecycle rules and traffic.</summary>
    private async Task Fill()
    {
        _engine.Buckets.Create("v", Account);
        _engine.Buckets.SetVersioning("v", Account, VersioningState.Enabled);
        _engine.Buckets.Create("theirs", Other);
        await Put("a", 20);
        await Put("inline", 3);
        foreach (var (bucket, account) in new[] { ("v", Account), ("theirs", Other) })
        {
            await _engine.Objects.PutAsync(new PutObjectCommand(bucket, "k", account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(17)),
                new MemoryStream(new byte[17]), CancellationToken.None);
        }

        await _engine.Objects.PutAsync(new PutObjectCommand("v", "k", Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(9)),
            new MemoryStream(new byte[9]), CancellationToken.None);
        _engine.Objects.Delete("v", "k", Account);
        // Another account's copy shares the source's segments.
        _engine.Objects.Copy(new CopyObjectCommand("bkt", "a", "theirs", "copy", Other, null, ReadConditions.None, WriteConditions.None) { SourceAccount = Account });
        var upload = _engine.Multipart.Create("bkt", "mp", Account, new Dictionary<string, string>());
        await _engine.Multipart.UploadPartAsync(new UploadPartCommand("bkt", "mp", upload.UploadId, 1, Account, new BodyChecks(30)), new MemoryStream(new byte[30]), CancellationToken.None);
        _engine.Lifecycle.Put("bkt", Account, [new Storage.Lifecycle.LifecycleRule("r", true, "", 30, null)]);
        _engine.Traffic.Record("bkt", Account, _engine.Clock.UtcNow, Storage.Usage.RequestClass.WriteOrList, 10, 0);
    }

    [Test]
    public async Task EmptyLeavesAFolderWithNoRowAndNoFileThatChecksClean()
    {
        await Fill();
        Assert.That(_engine.Check().SegmentFiles, Is.Not.Empty);

        var result = _engine.Empty();

        Assert.That(result.Buckets, Is.EqualTo(new[] { "bkt", "theirs", "v" }));
        Assert.That((result.Versions, result.Uploads, result.Parts), Is.EqualTo((7L, 1L, 1L)), "a, inline, copy, theirs/k and v's two versions and marker; one upload with one part");
        Assert.That(result.Bytes, Is.EqualTo(20 + 3 + 20 + 17 + 17 + 9 + 30));
        // With 8-byte segments (and bodies of up to 8 bytes inline): 3 files for "a" (shared by the copy), 3 for each
        // 17-byte version, 2 for the 9-byte one, 4 for the part.
        Assert.That(result.SegmentFiles, Is.EqualTo(15));
        var check = _engine.Check();
        Assert.That(check.IsConsistent, Is.True);
        Assert.That((check.Gauges.Count, check.Recount.Count, check.ReferencedSegments.Count, check.SegmentFiles.Count, check.InlineSegments.Count),
            Is.EqualTo((0, 0, 0, 0, 0)));
        Assert.That(Directory.EnumerateFiles(Path.Combine(_dir, "segments"), "*", SearchOption.AllDirectories), Is.Empty);
        var rows = _engine.Metadata.Read(db => db.Scalar<long>(
            "SELECT (SELECT COUNT(*) FROM buckets) + (SELECT COUNT(*) FROM objects) + (SELECT COUNT(*) FROM object_segments) + (SELECT COUNT(*) FROM object_parts) " +
            "+ (SELECT COUNT(*) FROM uploads) + (SELECT COUNT(*) FROM parts) + (SELECT COUNT(*) FROM part_segments) + (SELECT COUNT(*) FROM completed_uploads) " +
            "+ (SELECT COUNT(*) FROM usage_gauges) + (SELECT COUNT(*) FROM usage_periods) + (SELECT COUNT(*) FROM lifecycle) + (SELECT COUNT(*) FROM inline_segments);"));
        Assert.That(rows, Is.Zero, "no row of any bucket, object, version, upload, part, segment or usage is left");
        _engine.Traffic.Flush();
        Assert.That(_engine.Metadata.Read(db => db.Scalar<long>("SELECT COUNT(*) FROM usage_periods;")), Is.Zero, "traffic counted before the reset is not written back after it");

        // The engine carries on: the same names can be made again, and the folder checks clean after a restart.
        _engine.Buckets.Create("bkt", Account);
        await Put("again", 12);
        _engine.Dispose();
        Assert.That(StorageEngine.CheckFolder(_dir).IsConsistent, Is.True);
    }

    [Test]
    public async Task EmptyingOneAccountKeepsTheOthersAndTheSegmentsTheyShare()
    {
        await Fill();
        var result = _engine.Empty(Account);
        Assert.That(result.Buckets, Is.EqualTo(new[] { "bkt", "v" }));
        // With 8-byte segments: v's 17- and 9-byte versions (3 + 2 files) and the 30-byte part (4); "a"'s 3 files stay with the copy.
        Assert.That(result.SegmentFiles, Is.EqualTo(9));
        var check = _engine.Check();
        Assert.That(check.IsConsistent, Is.True);
        Assert.That(check.Gauges.Select(g => g.Bucket), Is.EqualTo(new[] { "theirs" }));
        Assert.That(_engine.Buckets.List(Other, null, null, 10).Buckets.Select(b => b.Name), Is.EqualTo(new[] { "theirs" }));
        Assert.That(_engine.Buckets.List(Account, null, null, 10).Buckets, Is.Empty);
        // The copy in the other account still reads: its segments were shared with a deleted object and are kept.
        using var copy = _engine.Objects.Open("theirs", "copy", Other);
        await using var stream = copy.OpenRange(0, copy.Info.Size);
        var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        Assert.That(buffer.ToArray(), Is.EqualTo(new byte[20]));
    }
}
