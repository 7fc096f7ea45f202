using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Checksums;
using Storage.Faults;
using Storage.Multipart;
using Storage.Objects;

namespace Storage.Tests.Multipart;

/// <summary>
/// MultipartService against a real engine in a temp folder, with 16-byte segments (so parts span several
/// segment files) and a 20-byte minimum part size.
/// </summary>
[TestFixture]
internal sealed partial class MultipartServiceTests
{
    private const string Account = "acct";
    private const string Bucket = "bkt";
    private const string Bucket2 = "bkt2";
    private const int SegmentSize = 16;
    private const int MinPart = 20;
    private string _dir = "";
    private StorageEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "multipart-" + Guid.NewGuid().ToString("N"));
        _engine = Open();
        _engine.Buckets.Create(Bucket, Account);
        _engine.Buckets.Create(Bucket2, Account);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private StorageEngine Open() =>
        new(new StorageOptions(_dir, SegmentSize, new StorageLimits(long.MaxValue, MinPart, 1 << 20, 10000, 10000, long.MaxValue)), SystemClock.Instance);

    private MultipartService Mp => _engine.Multipart;

    private static byte[] Body(int size, int seed = 1)
    {
        var data = new byte[size];
        new Random(seed * 7919 + size).NextBytes(data);
        return data;
    }

    private static string Md5(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));

    private static string Quoted(string etag) => "\"" + etag + "\"";

    /// <summary>The multipart ETag computed here, independently of MultipartRules.</summary>
    private static string ExpectedETag(params byte[][] parts) =>
        Convert.ToHexStringLower(MD5.HashData(parts.SelectMany(p => MD5.HashData(p)).ToArray())) + "-" + parts.Length;

    private static string B64(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return Convert.ToBase64String(b);
    }

    private static string B64(ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, v);
        return Convert.ToBase64String(b);
    }

    private UploadInfo Create(string key, ChecksumAlgorithm? algorithm = null, ChecksumType? type = null, string bucket = Bucket) =>
        Mp.Create(bucket, key, Account, new Dictionary<string, string> { ["content-type"] = "application/x-mp" }, algorithm, type);

    /// <summary>Stores a part; a <paramref name="checksum"/> is declared as the upload's (tracked) algorithm's.</summary>
    private async Task<PartInfo> Part(UploadInfo u, int n, byte[] body, string? checksum = null, string? key = null, string? bucket = null, string? uploadId = null)
    {
        var declared = checksum is null ? null : new ExpectedChecksum(MultipartRules.Effective(u.ChecksumAlgorithm), checksum);
        var uploaded = await Mp.UploadPartAsync(new UploadPartCommand(bucket ?? u.Bucket, key ?? u.Key, uploadId ?? u.UploadId, n, Account, new BodyChecks(body.Length, null, declared)),
            new MemoryStream(body), CancellationToken.None);
        return uploaded.Part;
    }

    private CompleteResult Complete(UploadInfo u, params (int Number, string ETag)[] parts) =>
        Mp.Complete(new CompleteCommand(u.Bucket, u.Key, u.UploadId, Account, parts.Select(p => new CompletePart(p.Number, p.ETag)).ToList(),
            WriteConditions.None));

    /// <summary>Completes with the parts as stored; an upload with an algorithm lists each part's checksum, as clients must for a composite one.</summary>
    private CompleteResult CompleteParts(UploadInfo u, params PartInfo[] parts) =>
        Mp.Complete(new CompleteCommand(u.Bucket, u.Key, u.UploadId, Account,
            parts.Select(p => new CompletePart(p.PartNumber, Quoted(p.ETag), u.ChecksumAlgorithm, u.ChecksumAlgorithm is null ? null : p.Checksum)).ToList(), WriteConditions.None));

    private List<PartInfo> AllParts(UploadInfo u) => Mp.ListParts(u.Bucket, u.Key, u.UploadId, Account, 0, 100000).Parts.ToList();

    private byte[] Read(string key, string bucket = Bucket, StorageEngine? engine = null)
    {
        var e = engine ?? _engine;
        using var reader = e.Objects.Open(bucket, key, Account);
        using var s = reader.OpenRange(0, reader.Info.Size);
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>The segment files the object at the key references.</summary>
    private HashSet<string> ObjectFiles(string key, string bucket = Bucket)
    {
        using var reader = _engine.Objects.Open(bucket, key, Account);
        return reader.Segments.Select(s => s.SegmentId).ToHashSet();
    }

    /// <summary>Every stored segment: the segment files and the inline segments (small bodies kept as rows).</summary>
    private HashSet<string> SegmentFiles()
    {
        var check = _engine.Check();
        return check.SegmentFiles.Concat(check.InlineSegments).ToHashSet();
    }

    private string[] TempFiles() => Directory.GetFiles(Path.Combine(_dir, "tmp"));

    private static StorageFault Fault(TestDelegate action) => Assert.Throws<StorageException>(action)!.Fault;

    private static StorageFault FaultAsync(AsyncTestDelegate action) => Assert.ThrowsAsync<StorageException>(action)!.Fault;

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    // ---- Lifecycle ----

    [Test]
    public async Task UploadListCompleteAndReadBack()
    {
        var u = Create("dir/obj");
        Assert.That((u.Bucket, u.Key, u.Owner, u.ChecksumAlgorithm, u.ChecksumType), Is.EqualTo((Bucket, "dir/obj", Account, (string?)null, (string?)null)));
        byte[][] bodies = [Body(40, 1), Body(33, 2), Body(5, 3)];
        var parts = new List<PartInfo>();
        for (var i = 0; i < bodies.Length; i++)
        {
            parts.Add(await Part(u, i + 1, bodies[i]));
            Assert.That(parts[i].ETag, Is.EqualTo(Md5(bodies[i])));
            Assert.That(parts[i].Size, Is.EqualTo(bodies[i].Length));
        }

        var listed = AllParts(u);
        Assert.That(listed.Select(p => (p.PartNumber, p.Size, p.ETag)),
            Is.EqualTo(bodies.Select((b, i) => (i + 1, (long)b.Length, Md5(b)))));
        Assert.That(SegmentFiles(), Has.Count.EqualTo(3 + 3 + 1), "ceil(40/16) + ceil(33/16) + ceil(5/16)");
        var before = SegmentFiles();

        var result = CompleteParts(u, listed.ToArray());
        Assert.That(result.Retried, Is.False);
        Assert.That(result.Object.ETag, Is.EqualTo(ExpectedETag(bodies)));
        Assert.That((result.Object.Size, result.Object.PartsCount), Is.EqualTo((78L, 3)));
        Assert.That(result.Object.Attributes["content-type"], Is.EqualTo("application/x-mp"));
        Assert.That(SegmentFiles(), Is.EquivalentTo(before), "Complete writes and deletes no file");
        Assert.That(TempFiles(), Is.Empty);
        Assert.That(ObjectFiles("dir/obj"), Is.EquivalentTo(before));
        Assert.That(Read("dir/obj"), Is.EqualTo(Concat(bodies)));

        var head = _engine.Objects.Head(Bucket, "dir/obj", Account);
        Assert.That((head.ETag, head.Size, head.PartsCount), Is.EqualTo((result.Object.ETag, 78L, 3)));
        Assert.That(_engine.Objects.Parts(head.Id).Select(p => (p.PartNumber, p.Size, p.ETag)),
            Is.EqualTo(listed.Select(p => (p.PartNumber, p.Size, p.ETag))));

        // The upload is gone.
        Assert.That(Fault(() => Mp.ListParts(Bucket, "dir/obj", u.UploadId, Account, 0, 1000)), Is.EqualTo(StorageFault.UploadNotFound));
        Assert.That(Mp.ListUploads(Bucket, Account, "", null, null, null, 1000).Uploads, Is.Empty);

        _engine.Objects.Delete(Bucket, "dir/obj", Account);
        Assert.That(SegmentFiles(), Is.Empty);
    }

    [TestCase(0, 0)]
    [TestCase(1, 1)]
    [TestCase(15, 1)]
    [TestCase(16, 1)]
    [TestCase(17, 2)]
    [TestCase(48, 3)]
    [TestCase(49, 4)]
    public async Task APartIsStoredInCeilSizeOverSegmentSizeFiles(int size, int files)
    {
        var u = Create("k");
        var body = Body(size);
        await Part(u, 7, body);
        Assert.That(SegmentFiles(), Has.Count.EqualTo(files));
        Assert.That(TempFiles(), Is.Empty);
        CompleteParts(u, AllParts(u).ToArray());
        Assert.That(Read("k"), Is.EqualTo(body));
    }

    [Test]
    public async Task ReuploadingAPartReplacesItAndFreesTheOldFiles()
    {
        var u = Create("k");
        await Part(u, 1, Body(40, 1));
        var old = SegmentFiles();
        Assert.That(old, Has.Count.EqualTo(3));
        var second = await Part(u, 1, Body(20, 2));
        var now = SegmentFiles();
        Assert.That(now, Has.Count.EqualTo(2));
        Assert.That(now.Overlaps(old), Is.False, "the replaced part's files are deleted");
        Assert.That(AllParts(u).Select(p => (p.PartNumber, p.ETag, p.Size)), Is.EqualTo(new[] { (1, Md5(Body(20, 2)), 20L) }));

        Assert.That(Fault(() => Complete(u, (1, Md5(Body(40, 1))))), Is.EqualTo(StorageFault.UnknownPart), "the old ETag no longer matches");
        CompleteParts(u, second);
        Assert.That(Read("k"), Is.EqualTo(Body(20, 2)));
    }

    [Test]
    public async Task AbortFreesEveryPartAndLaterCallsAreNoSuchUpload()
    {
        var u = Create("k");
        var p1 = await Part(u, 1, Body(40, 1));
        await Part(u, 2, Body(25, 2));
        var other = Create("k");
        await Part(other, 1, Body(17, 3));
        var otherFiles = SegmentFiles();
        Assert.That(otherFiles, Has.Count.EqualTo(3 + 2 + 2));

        Mp.Abort(Bucket, "k", u.UploadId, Account);
        Assert.That(SegmentFiles(), Has.Count.EqualTo(2), "only the other upload's part is left");
        Assert.That(AllParts(other).Select(p => p.PartNumber), Is.EqualTo(new[] { 1 }));

        Assert.That(FaultAsync(() => Part(u, 3, Body(5))), Is.EqualTo(StorageFault.UploadNotFound));
        Assert.That(Fault(() => Mp.ListParts(Bucket, "k", u.UploadId, Account, 0, 1000)), Is.EqualTo(StorageFault.UploadNotFound));
        Assert.That(Fault(() => CompleteParts(u, p1)), Is.EqualTo(StorageFault.UploadNotFound));
        Assert.That(Fault(() => Mp.Abort(Bucket, "k", u.UploadId, Account)), Is.EqualTo(StorageFault.UploadNotFound));
        Assert.That(Fault(() => Mp.Require(Bucket, "k", u.UploadId, Account)), Is.EqualTo(StorageFault.UploadNotFound));
        Assert.That(SegmentFiles(), Has.Count.EqualTo(2));
        Assert.That(TempFiles(), Is.Empty);
        Assert.That(Mp.ListUploads(Bucket, Account, "", null, null, null, 1000).Uploads.Select(x => x.UploadId), Is.EqualTo(new[] { other.UploadId }));
        Assert.That(Fault(() => _engine.Objects.Head(Bucket, "k", Account)), Is.EqualTo(StorageFault.ObjectNotFound));
    }

    [Test]
    public async Task AValidUploadIdUnderAnotherKeyOrBucketIsNoSuchUpload()
    {
        var u = Create("k");
        var p1 = await Part(u, 1, Body(30));
        var files = SegmentFiles();
        foreach (var (bucket, key) in new[] { (Bucket, "k2"), (Bucket, "K"), (Bucket2, "k") })
        {
            var wrong = u with { Bucket = bucket, Key = key };
            Assert.That(FaultAsync(() => Part(wrong, 2, Body(30, 2))), Is.EqualTo(StorageFault.UploadNotFound), $"{bucket}/{key}");
            Assert.That(Fault(() => Mp.ListParts(bucket, key, u.UploadId, Account, 0, 1000)), Is.EqualTo(StorageFault.UploadNotFound));
            Assert.That(Fault(() => CompleteParts(wrong, p1)), Is.EqualTo(StorageFault.UploadNotFound));
            Assert.That(Fault(() => Mp.Abort(bucket, key, u.UploadId, Account)), Is.EqualTo(StorageFault.UploadNotFound));
        }

        Assert.That(Fault(() => Mp.ListParts(Bucket, "k", "0123456789abcdef", Account, 0, 1000)), Is.EqualTo(StorageFault.UploadNotFound));
        Assert.That(SegmentFiles(), Is.EquivalentTo(files));
        Assert.That(TempFiles(), Is.Empty);
        Assert.That(AllParts(u).Select(p => p.ETag), Is.EqualTo(new[] { p1.ETag }));
        CompleteParts(u, p1);
        Assert.That(Read("k"), Is.EqualTo(Body(30)));
    }

    // ---- Complete errors ----

    [Test]
    public async Task CompleteErrorsChangeNothing()
    {
        var u = Create("k");
        var p1 = await Part(u, 1, Body(20, 1));
        var p2 = await Part(u, 2, Body(10, 2));
        var p3 = await Part(u, 3, Body(25, 3));
        var files = SegmentFiles();
        var e1 = Quoted(p1.ETag);
        var e2 = Quoted(p2.ETag);
        var e3 = Quoted(p3.ETag);

        void Expect(StorageFault fault, params (int, string)[] parts)
        {
            Assert.That(Fault(() => Complete(u, parts)), Is.EqualTo(fault), string.Join(",", parts));
            Assert.That(AllParts(u).Select(p => p.PartNumber), Is.EqualTo(new[] { 1, 2, 3 }), "the upload and its parts are still there");
            Assert.That(Fault(() => _engine.Objects.Head(Bucket, "k", Account)), Is.EqualTo(StorageFault.ObjectNotFound), "no object was created");
            Assert.That(SegmentFiles(), Is.EquivalentTo(files), "no file was created or deleted");
        }

        Expect(StorageFault.PartsOutOfOrder, (2, e2), (1, e1));
        Expect(StorageFault.PartsOutOfOrder, (1, e1), (3, e3), (2, e2));
        Expect(StorageFault.PartsOutOfOrder, (1, e1), (1, e1));
        Expect(StorageFault.PartsOutOfOrder, (1, e1), (3, e3), (3, e3));
        Expect(StorageFault.UnknownPart, (1, e1), (4, e3));
        Expect(StorageFault.UnknownPart, (5, e1));
        Expect(StorageFault.UnknownPart, (1, e2));
        Expect(StorageFault.UnknownPart, (1, e1), (3, Quoted(new string('0', 32))));
        Expect(StorageFault.UnknownPart, (1, ""));
        Expect(StorageFault.UnknownPart, (1, "*"));
        Expect(StorageFault.UnknownPart, (1, "\"*\""));
        Expect(StorageFault.UnknownPart, (1, e2 + "," + e1));
        // Part 2 (10 bytes) is below the 20-byte minimum and is not last.
        Expect(StorageFault.PartTooSmall, (1, e1), (2, e2), (3, e3));
        Expect(StorageFault.PartTooSmall, (2, e2), (3, e3));

        // Quoted and unquoted ETags are both accepted; the small part may be last.
        var result = Complete(u, (1, p1.ETag), (2, e2));
        Assert.That(result.Object.ETag, Is.EqualTo(ExpectedETag(Body(20, 1), Body(10, 2))));
        Assert.That(Read("k"), Is.EqualTo(Concat(Body(20, 1), Body(10, 2))));
    }

    [Test]
    public async Task ASingleTinyPartIsAnObject()
    {
        var u = Create("tiny");
        var p = await Part(u, 3, [42]);
        var result = CompleteParts(u, p);
        Assert.That(result.Object.ETag, Is.EqualTo(ExpectedETag([42])));
        Assert.That(Read("tiny"), Is.EqualTo(new byte[] { 42 }));
    }

    [Test]
    public async Task UnlistedPartsAreDiscardedAndTheirFilesFreed()
    {
        var u = Create("k");
        var p1 = await Part(u, 1, Body(32, 1));
        await Part(u, 2, Body(40, 2));
        var p3 = await Part(u, 3, Body(21, 3));
        await Part(u, 4, Body(3, 4));
        Assert.That(SegmentFiles(), Has.Count.EqualTo(2 + 3 + 2 + 1));
        CompleteParts(u, p1, p3);
        Assert.That(SegmentFiles(), Has.Count.EqualTo(2 + 2));
        Assert.That(SegmentFiles(), Is.EquivalentTo(ObjectFiles("k")));
        Assert.That(Read("k"), Is.EqualTo(Concat(Body(32, 1), Body(21, 3))));
        Assert.That(_engine.Objects.Parts(_engine.Objects.Head(Bucket, "k", Account).Id).Select(p => p.PartNumber), Is.EqualTo(new[] { 1, 3 }));
    }

    [Test]
    public async Task RetriedCompleteReturnsTheSameObjectWhileItStands()
    {
        var u = Create("k");
        var p1 = await Part(u, 1, Body(20, 1));
        var p2 = await Part(u, 2, Body(7, 2));
        var first = CompleteParts(u, p1, p2);
        var files = SegmentFiles();

        var again = CompleteParts(u, p1, p2);
        Assert.That(again.Retried, Is.True);
        Assert.That((again.Object.ETag, again.Object.Size, again.Object.Id), Is.EqualTo((first.Object.ETag, first.Object.Size, first.Object.Id)));
        Assert.That(SegmentFiles(), Is.EquivalentTo(files));
        Assert.That(Read("k"), Is.EqualTo(Concat(Body(20, 1), Body(7, 2))));

        // Replaced by another object: the upload is gone for good.
        await _engine.Objects.PutAsync(new PutObjectCommand(Bucket, "k", Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(3)),
            new MemoryStream(Body(3, 9)), CancellationToken.None);
        Assert.That(Fault(() => CompleteParts(u, p1, p2)), Is.EqualTo(StorageFault.UploadNotFound));

        // Replaced by another multipart upload.
        var v = Create("k2");
        var q1 = await Part(v, 1, Body(20, 5));
        CompleteParts(v, q1);
        var w = Create("k2");
        var r1 = await Part(w, 1, Body(20, 6));
        CompleteParts(w, r1);
        Assert.That(Fault(() => CompleteParts(v, q1)), Is.EqualTo(StorageFault.UploadNotFound));
        Assert.That(CompleteParts(w, r1).Retried, Is.True);

        // Deleted.
        _engine.Objects.Delete(Bucket, "k2", Account);
        Assert.That(Fault(() => CompleteParts(w, r1)), Is.EqualTo(StorageFault.UploadNotFound));
        Assert.That(Fault(() => _engine.Objects.Head(Bucket, "k2", Account)), Is.EqualTo(StorageFault.ObjectNotFound), "a refused retry creates nothing");
    }

    // ---- Checksums ----

    [Test]
    public async Task Crc32CompositeObjectChecksum()
    {
        var u = Create("k", ChecksumAlgorithm.Crc32, ChecksumType.Composite);
        byte[][] bodies = [Body(37, 1), Body(20, 2), Body(9, 3)];
        var parts = new List<PartInfo>();
        for (var i = 0; i < bodies.Length; i++)
        {
            parts.Add(await Part(u, i + 1, bodies[i], B64(Crc32.Compute(bodies[i]))));
        }

        Assert.That(AllParts(u).Select(p => p.Checksum), Is.EqualTo(bodies.Select(b => B64(Crc32.Compute(b)))));
        var result = CompleteParts(u, parts.ToArray());
        var concat = bodies.SelectMany(b => Convert.FromBase64String(B64(Crc32.Compute(b)))).ToArray();
        Assert.That(result.Object.Checksum, Is.EqualTo(new ChecksumValue(ChecksumAlgorithm.Crc32, ChecksumType.Composite, B64(Crc32.Compute(concat)) + "-3")));
        Assert.That(_engine.Objects.Head(Bucket, "k", Account).Checksum, Is.EqualTo(result.Object.Checksum));
        Assert.That(_engine.Objects.Parts(result.Object.Id).Select(p => p.Checksum), Is.EqualTo(bodies.Select(b => B64(Crc32.Compute(b)))));
    }

    [Test]
    public async Task Crc32WithoutTypeDefaultsToComposite()
    {
        var u = Create("k", ChecksumAlgorithm.Crc32);
        var body = Body(25);
        var p = await Part(u, 1, body, B64(Crc32.Compute(body)));
        var result = CompleteParts(u, p);
        Assert.That(result.Object.Checksum,
            Is.EqualTo(new ChecksumValue(ChecksumAlgorithm.Crc32, ChecksumType.Composite, B64(Crc32.Compute(Convert.FromBase64String(B64(Crc32.Compute(body))))) + "-1")));
    }

    [Test]
    public async Task Crc32FullObjectChecksumIsTheCrcOfTheWholeObject()
    {
        var u = Create("k", ChecksumAlgorithm.Crc32, ChecksumType.FullObject);
        byte[][] bodies = [Body(33, 1), Body(48, 2), Body(1, 3)];
        var parts = new List<PartInfo>();
        for (var i = 0; i < bodies.Length; i++)
        {
            parts.Add(await Part(u, i + 1, bodies[i], B64(Crc32.Compute(bodies[i]))));
        }

        var result = CompleteParts(u, parts.ToArray());
        Assert.That(result.Object.Checksum, Is.EqualTo(new ChecksumValue(ChecksumAlgorithm.Crc32, ChecksumType.FullObject, B64(Crc32.Compute(Read("k"))))));
        Assert.That(Read("k"), Is.EqualTo(Concat(bodies)));
    }

    [Test]
    public async Task NoAlgorithmWithCrc64NvmePartsIsFullObjectCrc64Nvme()
    {
        var u = Create("k");
        byte[][] bodies = [Body(50, 1), Body(20, 2), Body(13, 3)];
        var parts = new List<PartInfo>();
        for (var i = 0; i < bodies.Length; i++)
        {
            parts.Add(await Part(u, i + 1, bodies[i], B64(Crc64Nvme.Compute(bodies[i]))));
        }

        var result = CompleteParts(u, parts.ToArray());
        Assert.That(result.Object.Checksum, Is.EqualTo(new ChecksumValue(ChecksumAlgorithm.Crc64Nvme, ChecksumType.FullObject, B64(Crc64Nvme.Compute(Concat(bodies))))));
    }

    [Test]
    public async Task CompleteComparesAListedChecksumWithTheStoredOne()
    {
        var u = Create("k", ChecksumAlgorithm.Crc32C, ChecksumType.Composite);
        var body = Body(30);
        var p = await Part(u, 1, body, B64(Crc32C.Compute(body)));
        var wrong = new CompleteCommand(Bucket, "k", u.UploadId, Account, [new CompletePart(1, p.ETag, ChecksumAlgorithm.Crc32C, B64(Crc32C.Compute(body) ^ 1))], WriteConditions.None);
        Assert.That(Fault(() => Mp.Complete(wrong)), Is.EqualTo(StorageFault.PartChecksumMismatch));
        var right = wrong with { Parts = [new CompletePart(1, p.ETag, ChecksumAlgorithm.Crc32C, B64(Crc32C.Compute(body)))] };
        Assert.That(Mp.Complete(right).Object.Checksum!.Algorithm, Is.EqualTo(ChecksumAlgorithm.Crc32C));
    }
}
