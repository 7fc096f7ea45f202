using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Faults;
using Storage.Metadata;
using Storage.Multipart;
using Storage.Objects;

namespace Storage.Tests.Objects;

[TestFixture]
internal sealed class ObjectServiceTests
{
    private const string Account = "acct";
    private const string Other = "other";
    private const string Bucket = "bkt";
    private string _dir = "";
    private StorageEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "objects-" + Guid.NewGuid().ToString("N"));
        _engine = Open();
        _engine.Buckets.Create(Bucket, Account);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private StorageEngine Open() => new(new StorageOptions(_dir, 16), SystemClock.Instance);

    private static byte[] Body(int size, int seed = 1)
    {
        var data = new byte[size];
        new Random(seed * 7919 + size).NextBytes(data);
        return data;
    }

    private Task<ObjectInfo> Put(string key, byte[] body, WriteConditions? conditions = null, string bucket = Bucket, string account = Account,
        long? declared = null, byte[]? md5 = null, StorageEngine? engine = null) =>
        (engine ?? _engine).Objects.PutAsync(
            new PutObjectCommand(bucket, key, account, new Dictionary<string, string> { ["content-type"] = "application/x-test" }, conditions ?? WriteConditions.None, new BodyChecks(declared ?? body.Length, md5)),
            new MemoryStream(body), CancellationToken.None);

    private byte[] Read(string key, long start = 0, long? length = null, StorageEngine? engine = null)
    {
        var e = engine ?? _engine;
        using var reader = e.Objects.Open(Bucket, key, Account);
        using var s = reader.OpenRange(start, length ?? reader.Info.Size - start);
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
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

    [Test]
    public async Task PutHeadReadDelete()
    {
        var body = Body(40);
        var info = await Put("dir/k", body);
        Assert.That(info.Size, Is.EqualTo(40));
        Assert.That(info.ETag, Is.EqualTo(Convert.ToHexStringLower(MD5.HashData(body))));
        Assert.That(SegmentFiles(), Has.Count.EqualTo(3));

        var head = _engine.Objects.Head(Bucket, "dir/k", Account);
        Assert.That((head.Size, head.ETag, head.Owner, head.Attributes["content-type"]), Is.EqualTo((40L, info.ETag, Account, "application/x-test")));
        Assert.That(head.LastModified, Is.EqualTo(info.LastModified));

        Assert.That(Read("dir/k"), Is.EqualTo(body));
        Assert.That(Read("dir/k", 14, 5), Is.EqualTo(body.AsSpan(14, 5).ToArray()));
        Assert.That(Read("dir/k", 40, 0), Is.Empty);

        _engine.Objects.Delete(Bucket, "dir/k", Account);
        Assert.That(Fault(() => _engine.Objects.Head(Bucket, "dir/k", Account)), Is.EqualTo(StorageFault.ObjectNotFound));
        Assert.That(SegmentFiles(), Is.Empty);
        Assert.DoesNotThrow(() => _engine.Objects.Delete(Bucket, "dir/k", Account), "deleting a missing key succeeds");
    }

    [Test]
    public async Task EmptyObject()
    {
        var info = await Put("empty", []);
        Assert.That(info.ETag, Is.EqualTo("d41d8cd98f00b204e9800998ecf8427e"));
        Assert.That(Read("empty"), Is.Empty);
        Assert.That(SegmentFiles(), Is.Empty);
    }

    [Test]
    public async Task OpenRangeOutsideTheObjectIsInvalidRange()
    {
        await Put("k", Body(10));
        foreach (var (start, length) in new[] { (-1L, 1L), (0L, 11L), (10L, 1L), (3L, -1L) })
        {
            using var reader = _engine.Objects.Open(Bucket, "k", Account);
            Assert.That(Fault(() => reader.OpenRange(start, length)), Is.EqualTo(StorageFault.RangeOutOfBounds));
        }
    }

    [Test]
    public async Task MissingBucketAndForeignAccount()
    {
        Assert.That(FaultAsync(() => Put("k", Body(3), bucket: "nope")), Is.EqualTo(StorageFault.BucketNotFound));
        Assert.That(FaultAsync(() => Put("k", Body(3), account: Other)), Is.EqualTo(StorageFault.NotOwner));
        await Put("k", Body(3));
        Assert.That(Fault(() => _engine.Objects.Head(Bucket, "k", Other)), Is.EqualTo(StorageFault.NotOwner));
        Assert.That(Fault(() => _engine.Objects.Open(Bucket, "missing", Account)), Is.EqualTo(StorageFault.ObjectNotFound));
        Assert.That(Fault(() => _engine.Objects.List(Bucket, Other, "", null, null, 10)), Is.EqualTo(StorageFault.NotOwner));
        Assert.That(TempFiles(), Is.Empty);
    }

    [Test]
    public async Task WriteConditionsOnPut()
    {
        var first = await Put("k", Body(5, 1));
        Assert.That(FaultAsync(() => Put("k", Body(5, 2), new WriteConditions(true, null))), Is.EqualTo(StorageFault.ConditionFailed));
        Assert.That(FaultAsync(() => Put("missing", Body(5, 2), new WriteConditions(false, "\"abc\""))), Is.EqualTo(StorageFault.ObjectNotFound));
        Assert.That(FaultAsync(() => Put("k", Body(5, 2), new WriteConditions(false, "\"abc\""))), Is.EqualTo(StorageFault.ConditionFailed));
        Assert.That(Read("k"), Is.EqualTo(Body(5, 1)), "failed conditional writes leave the object alone");

        await Put("new", Body(5, 2), new WriteConditions(true, null));
        var second = await Put("k", Body(5, 3), new WriteConditions(false, "\"" + first.ETag + "\""));
        Assert.That(Read("k"), Is.EqualTo(Body(5, 3)));
        Assert.That(second.ETag, Is.Not.EqualTo(first.ETag));
        Assert.That(TempFiles(), Is.Empty);
        Assert.That(SegmentFiles(), Has.Count.EqualTo(2));
    }

    [Test]
    public void IncompleteBodyAndBadDigestLeaveNoFiles()
    {
        Assert.That(FaultAsync(() => Put("k", Body(20), declared: 21)), Is.EqualTo(StorageFault.LengthMismatch));
        Assert.That(FaultAsync(() => Put("k", Body(20), md5: new byte[16])), Is.EqualTo(StorageFault.Md5Mismatch));
        Assert.That(Fault(() => _engine.Objects.Head(Bucket, "k", Account)), Is.EqualTo(StorageFault.ObjectNotFound));
        Assert.That(TempFiles(), Is.Empty);
        Assert.That(SegmentFiles(), Is.Empty);
    }

    [Test]
    public async Task ContentMd5ThatMatchesIsAccepted()
    {
        var body = Body(20);
        await Put("k", body, md5: MD5.HashData(body));
        Assert.That(Read("k"), Is.EqualTo(body));
    }

    [Test]
    public async Task ReplacingAnObjectDeletesTheOldSegmentFiles()
    {
        await Put("k", Body(40, 1));
        var old = SegmentFiles();
        Assert.That(old, Has.Count.EqualTo(3));
        await Put("k", Body(5, 2));
        var now = SegmentFiles();
        Assert.That(now, Has.Count.EqualTo(1));
        Assert.That(now.Overlaps(old), Is.False);
        foreach (var id in old)
        {
            Assert.That(File.Exists(_engine.Segments.PathOf(id)), Is.False);
        }

        Assert.That(Read("k"), Is.EqualTo(Body(5, 2)));
    }

    [Test]
    public async Task AReaderKeepsReplacedSegmentsUntilItIsDone()
    {
        var body = Body(40, 1);
        await Put("k", body);
        using (var reader = _engine.Objects.Open(Bucket, "k", Account))
        using (var s = reader.OpenRange(0, 40))
        {
            await Put("k", Body(5, 2));
            Assert.That(SegmentFiles(), Has.Count.EqualTo(4), "leased files outlive the replace");
            var ms = new MemoryStream();
            s.CopyTo(ms);
            Assert.That(ms.ToArray(), Is.EqualTo(body));
        }

        Assert.That(SegmentFiles(), Has.Count.EqualTo(1), "the last lease deletes them");
    }

    [Test]
    public async Task CopySharesSegmentsAndSurvivesDeletingTheSource()
    {
        var body = Body(40);
        var src = await Put("src", body);
        var before = SegmentFiles();
        var copy = _engine.Objects.Copy(new CopyObjectCommand(Bucket, "src", Bucket, "dst", Account, null, ReadConditions.None, WriteConditions.None));
        Assert.That(SegmentFiles(), Is.EquivalentTo(before), "a copy writes no file");
        Assert.That((copy.Key, copy.Size, copy.ETag), Is.EqualTo(("dst", 40L, src.ETag)));
        Assert.That(copy.Attributes["content-type"], Is.EqualTo("application/x-test"));

        _engine.Objects.Delete(Bucket, "src", Account);
        Assert.That(SegmentFiles(), Is.EquivalentTo(before), "the copy still references them");
        Assert.That(Read("dst"), Is.EqualTo(body));

        _engine.Objects.Delete(Bucket, "dst", Account);
        Assert.That(SegmentFiles(), Is.Empty);
    }

    [Test]
    public async Task CopyWithNewHeadersOntoItselfKeepsTheData()
    {
        var body = Body(40);
        await Put("k", body);
        var before = SegmentFiles();
        var copy = _engine.Objects.Copy(new CopyObjectCommand(Bucket, "k", Bucket, "k", Account, new Dictionary<string, string> { ["content-type"] = "text/plain" }, ReadConditions.None, WriteConditions.None));
        Assert.That(copy.Attributes["content-type"], Is.EqualTo("text/plain"));
        Assert.That(SegmentFiles(), Is.EquivalentTo(before));
        Assert.That(Read("k"), Is.EqualTo(body));
    }

    [Test]
    public async Task CopyChecksTheSourceAndTheDestinationConditions()
    {
        await Put("src", Body(5));
        await Put("dst", Body(6));
        Assert.That(Fault(() => _engine.Objects.Copy(new CopyObjectCommand(Bucket, "missing", Bucket, "x", Account, null, ReadConditions.None, WriteConditions.None))),
            Is.EqualTo(StorageFault.ObjectNotFound));
        Assert.That(Fault(() => _engine.Objects.Copy(new CopyObjectCommand(Bucket, "src", Bucket, "dst", Account, null, ReadConditions.None, new WriteConditions(true, null)))),
            Is.EqualTo(StorageFault.ConditionFailed));
        Assert.That(Fault(() => _engine.Objects.Copy(new CopyObjectCommand(Bucket, "src", Bucket, "x", Account, null,
            new ReadConditions("\"not-the-etag\"", null, null, null), WriteConditions.None))), Is.EqualTo(StorageFault.ConditionFailed), "a failed source condition copies nothing");
        Assert.That(Read("dst"), Is.EqualTo(Body(6)));
        Assert.That(Fault(() => _engine.Objects.Head(Bucket, "x", Account)), Is.EqualTo(StorageFault.ObjectNotFound));
    }

    // ---- Listing ----

    private async Task PutKeys(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            await Put(key, []);
        }
    }

    private static List<string> Entries(ObjectListing page) =>
        page.Objects.Select(o => "K:" + o.Key).Concat(page.CommonPrefixes.Select(p => "P:" + p))
            .OrderBy(e => e[2..], Comparer<string>.Create(KeyOrder.Compare)).ToList();

    [Test]
    public async Task PrefixAndDelimiterRollUp()
    {
        await PutKeys(["a", "a/b", "a/b/c", "a/c", "ab", "b/x/y", "b/z", "c"]);
        var all = _engine.Objects.List(Bucket, Account, "", "/", null, 1000);
        Assert.That(Entries(all), Is.EqualTo(new[] { "K:a", "P:a/", "K:ab", "P:b/", "K:c" }));
        Assert.That(all.IsTruncated, Is.False);
        Assert.That(all.LastReturned, Is.EqualTo("c"));

        var underA = _engine.Objects.List(Bucket, Account, "a/", "/", null, 1000);
        Assert.That(Entries(underA), Is.EqualTo(new[] { "K:a/b", "P:a/b/", "K:a/c" }));

        var prefixOnly = _engine.Objects.List(Bucket, Account, "a", null, null, 1000);
        Assert.That(Entries(prefixOnly), Is.EqualTo(new[] { "K:a", "K:a/b", "K:a/b/c", "K:a/c", "K:ab" }));

        var noMatch = _engine.Objects.List(Bucket, Account, "zz", "/", null, 1000);
        Assert.That(Entries(noMatch), Is.Empty);
        Assert.That(noMatch.LastReturned, Is.Null);
    }

    [Test]
    public async Task MaxKeysCountsKeysAndPrefixesTogether()
    {
        await PutKeys(["a/1", "a/2", "b", "c/1", "d"]);
        var page = _engine.Objects.List(Bucket, Account, "", "/", null, 2);
        Assert.That(Entries(page), Is.EqualTo(new[] { "P:a/", "K:b" }));
        Assert.That(page.IsTruncated, Is.True);
        Assert.That(page.LastReturned, Is.EqualTo("b"));

        page = _engine.Objects.List(Bucket, Account, "", "/", "b", 2);
        Assert.That(Entries(page), Is.EqualTo(new[] { "P:c/", "K:d" }));
        Assert.That(page.IsTruncated, Is.False);

        Assert.That(Entries(_engine.Objects.List(Bucket, Account, "", "/", null, 0)), Is.Empty);
    }

    [Test]
    public async Task ExactlyFullPageIsNotTruncated()
    {
        await PutKeys(["a", "b", "c"]);
        var page = _engine.Objects.List(Bucket, Account, "", null, null, 3);
        Assert.That(page.IsTruncated, Is.False);
        Assert.That(page.Objects, Has.Count.EqualTo(3));
    }

    [TestCase("a/b/c")]
    [TestCase("a/")]
    [TestCase("a/b")]
    [TestCase("a/zzz")]
    public async Task MarkerInsideARolledUpPrefixDoesNotRepeatIt(string marker)
    {
        await PutKeys(["a/b", "a/b/c", "a/c", "b"]);
        var page = _engine.Objects.List(Bucket, Account, "", "/", marker, 10);
        Assert.That(Entries(page), Is.EqualTo(new[] { "K:b" }));
    }

    [Test]
    public async Task ListingIsInUtf8ByteOrder()
    {
        await PutKeys(["\ufffd", "\U0001F600", "a", "\ue000", "z"]);
        var page = _engine.Objects.List(Bucket, Account, "", null, null, 10);
        Assert.That(page.Objects.Select(o => o.Key), Is.EqualTo(new[] { "a", "z", "\ue000", "\ufffd", "\U0001F600" }));
    }

    private static List<string> GenerateKeys(int count)
    {
        string[] parts = ["a", "b", "c", "ab", "é", "\U0001F600", "\ufffd"];
        var rng = new Random(42);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (keys.Count < count)
        {
            var depth = rng.Next(1, 4);
            var key = string.Join("/", Enumerable.Range(0, depth).Select(_ => parts[rng.Next(parts.Length)]));
            if (rng.Next(6) == 0)
            {
                key += "/";
            }

            keys.Add(key);
        }

        return keys.ToList();
    }

    /// <summary>The listing computed in memory from the key set: the oracle for the one-shot listing.</summary>
    private static List<string> Expected(IEnumerable<string> keys, string prefix, string? delimiter)
    {
        var result = new List<string>();
        foreach (var key in keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(Comparer<string>.Create(KeyOrder.Compare)))
        {
            var idx = string.IsNullOrEmpty(delimiter) ? -1 : key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
            var entry = idx < 0 ? "K:" + key : "P:" + key[..(idx + delimiter!.Length)];
            if (result.Count == 0 || result[^1] != entry)
            {
                result.Add(entry);
            }
        }

        return result;
    }

    [Test]
    public async Task PagingVisitsEveryKeyAndPrefixExactlyOnce()
    {
        var keys = GenerateKeys(300);
        await PutKeys(keys);
        foreach (var prefix in new[] { "", "a", "a/", "ab/", "\U0001F600/", "zzz" })
        {
            foreach (var delimiter in new[] { null, "/", "b" })
            {
                var oneShot = _engine.Objects.List(Bucket, Account, prefix, delimiter, null, 100000);
                Assert.That(oneShot.IsTruncated, Is.False);
                var expected = Expected(keys, prefix, delimiter);
                Assert.That(Entries(oneShot), Is.EqualTo(expected), $"one-shot prefix '{prefix}' delimiter '{delimiter}'");

                for (var maxKeys = 1; maxKeys <= 7; maxKeys++)
                {
                    var pages = new List<string>();
                    string? after = null;
                    for (var guard = 0; ; guard++)
                    {
                        Assert.That(guard, Is.LessThan(1000), "paging does not terminate");
                        var page = _engine.Objects.List(Bucket, Account, prefix, delimiter, after, maxKeys);
                        var entries = Entries(page);
                        Assert.That(entries, Has.Count.LessThanOrEqualTo(maxKeys));
                        pages.AddRange(entries);
                        if (!page.IsTruncated)
                        {
                            break;
                        }

                        Assert.That(entries, Has.Count.EqualTo(maxKeys), "a truncated page is full");
                        Assert.That(page.LastReturned, Is.EqualTo(entries[^1][2..]));
                        after = page.LastReturned;
                    }

                    Assert.That(pages, Is.EqualTo(expected), $"paged prefix '{prefix}' delimiter '{delimiter}' max-keys {maxKeys}");
                }
            }
        }
    }

    [Test]
    public async Task AnyMarkerReturnsExactlyTheEntriesAfterIt()
    {
        var keys = GenerateKeys(150);
        await PutKeys(keys);
        var rng = new Random(5);
        string[] extra = ["", "a", "a/", "a0", "ab/", "b", "\U0001F600", "\ufffd/", "zzz", "a/b/c/d"];
        foreach (var delimiter in new[] { null, "/" })
        {
            var expected = Expected(keys, "", delimiter);
            var markers = extra.Concat(Enumerable.Range(0, 60).Select(_ => expected[rng.Next(expected.Count)][2..]))
                .Concat(Enumerable.Range(0, 30).Select(_ => keys[rng.Next(keys.Count)]));
            foreach (var marker in markers)
            {
                var page = _engine.Objects.List(Bucket, Account, "", delimiter, marker, 100000);
                Assert.That(Entries(page), Is.EqualTo(expected.Where(e => KeyOrder.Compare(e[2..], marker) > 0).ToList()),
                    $"marker '{marker}' delimiter '{delimiter}'");
            }
        }
    }

    // ---- Buckets ----

    [Test]
    public void BucketCreateTwiceAndByAnotherOwner()
    {
        Assert.That(Fault(() => _engine.Buckets.Create(Bucket, Account)), Is.EqualTo(StorageFault.BucketAlreadyYours));
        Assert.That(Fault(() => _engine.Buckets.Create(Bucket, Other)), Is.EqualTo(StorageFault.BucketNameTaken));
        Assert.That(_engine.Buckets.Require(Bucket, Account).Owner, Is.EqualTo(Account));
        Assert.That(Fault(() => _engine.Buckets.Require(Bucket, Other)), Is.EqualTo(StorageFault.NotOwner));
        Assert.That(Fault(() => _engine.Buckets.Require("nope", Account)), Is.EqualTo(StorageFault.BucketNotFound));
    }

    [Test]
    public async Task BucketDelete()
    {
        await Put("k", Body(3));
        Assert.That(_engine.Objects.List(Bucket, Account, "", null, null, 1).Objects, Is.Not.Empty);
        Assert.That(Fault(() => _engine.Buckets.Delete(Bucket, Account)), Is.EqualTo(StorageFault.BucketNotEmpty));
        Assert.That(Fault(() => _engine.Buckets.Delete(Bucket, Other)), Is.EqualTo(StorageFault.NotOwner));
        _engine.Objects.Delete(Bucket, "k", Account);
        Assert.That(_engine.Objects.List(Bucket, Account, "", null, null, 1).Objects, Is.Empty);
        _engine.Buckets.Delete(Bucket, Account);
        Assert.That(Fault(() => _engine.Buckets.Require(Bucket, Account)), Is.EqualTo(StorageFault.BucketNotFound));
        Assert.That(Fault(() => _engine.Buckets.Delete(Bucket, Account)), Is.EqualTo(StorageFault.BucketNotFound));
        _engine.Buckets.Create(Bucket, Other);
        Assert.That(_engine.Buckets.Require(Bucket, Other).Owner, Is.EqualTo(Other));
    }

    [Test]
    public async Task BucketDeleteAbortsIncompleteUploadsInTheSameTransaction()
    {
        var u = _engine.Multipart.Create(Bucket, "k", Account, new Dictionary<string, string>());
        await _engine.Multipart.UploadPartAsync(new UploadPartCommand(Bucket, "k", u.UploadId, 1, Account, new BodyChecks(40, null)),
            new MemoryStream(Body(40)), CancellationToken.None);
        Assert.That(SegmentFiles(), Has.Count.EqualTo(3));

        _engine.Buckets.Delete(Bucket, Account);

        Assert.That(SegmentFiles(), Is.Empty);
        Assert.That(_engine.Check().IsConsistent, Is.True);
        _engine.Buckets.Create(Bucket, Account);
        Assert.That(_engine.Multipart.ListUploads(Bucket, Account, "", null, null, null, 10).Uploads, Is.Empty);
        Assert.That(Fault(() => _engine.Multipart.Require(Bucket, "k", u.UploadId, Account)), Is.EqualTo(StorageFault.UploadNotFound));
    }

    [Test]
    public void BucketListPaging()
    {
        foreach (var name in new[] { "b3", "b1", "c1", "b2", "a1" })
        {
            _engine.Buckets.Create(name, Account);
        }

        _engine.Buckets.Create("b0", Other);
        var all = _engine.Buckets.List(Account, null, null, 100);
        Assert.That(all.Buckets.Select(b => b.Name), Is.EqualTo(new[] { "a1", "b1", "b2", "b3", Bucket, "c1" }));
        Assert.That(all.IsTruncated, Is.False);

        var names = new List<string>();
        string? after = null;
        while (true)
        {
            var (page, truncated) = _engine.Buckets.List(Account, null, after, 2);
            Assert.That(page, Has.Count.LessThanOrEqualTo(2));
            names.AddRange(page.Select(b => b.Name));
            if (!truncated)
            {
                break;
            }

            after = page[^1].Name;
        }

        Assert.That(names, Is.EqualTo(all.Buckets.Select(b => b.Name)));

        var prefixed = _engine.Buckets.List(Account, "b", null, 2);
        Assert.That(prefixed.Buckets.Select(b => b.Name), Is.EqualTo(new[] { "b1", "b2" }));
        Assert.That(prefixed.IsTruncated, Is.True);
        Assert.That(_engine.Buckets.List(Account, "b", "b2", 2).Buckets.Select(b => b.Name), Is.EqualTo(new[] { "b3", Bucket }));
        Assert.That(_engine.Buckets.List(Other, null, null, 10).Buckets.Select(b => b.Name), Is.EqualTo(new[] { "b0" }));
    }

    // ---- Engine ----

    [Test]
    public async Task SweepRemovesTempFilesAndUnreferencedSegmentsButKeepsReferencedOnes()
    {
        await Put("k", Body(40));
        var referenced = SegmentFiles();
        File.WriteAllBytes(Path.Combine(_dir, "tmp", "interrupted.tmp"), [1, 2, 3]);
        var stray = Storage.Segments.SegmentStore.NewId();
        Directory.CreateDirectory(Path.GetDirectoryName(_engine.Segments.PathOf(stray))!);
        File.WriteAllBytes(_engine.Segments.PathOf(stray), [4, 5, 6]);

        Assert.That(_engine.Sweep(), Is.EqualTo(2));
        Assert.That(TempFiles(), Is.Empty);
        Assert.That(SegmentFiles(), Is.EquivalentTo(referenced));
        Assert.That(Read("k"), Is.EqualTo(Body(40)));
        Assert.That(_engine.Sweep(), Is.Zero);
    }

    [Test]
    public async Task SweepRunsWhenTheEngineOpens()
    {
        await Put("k", Body(20));
        File.WriteAllBytes(Path.Combine(_dir, "tmp", "interrupted.tmp"), [1]);
        var reopened = Open();
        Assert.That(reopened.SweptAtStart, Is.EqualTo(1));
        Assert.That(Read("k", engine: reopened), Is.EqualTo(Body(20)));
    }

    [Test]
    public async Task MetadataSurvivesReopeningAndTheSchemaIsNotReapplied()
    {
        var body = Body(33);
        var info = await Put("k", body);
        _engine.Buckets.Create("second", Account);

        SqliteConnection.ClearAllPools();
        var reopened = Open();
        Assert.That(reopened.SweptAtStart, Is.Zero);
        var head = reopened.Objects.Head(Bucket, "k", Account);
        Assert.That((head.Size, head.ETag, head.LastModified), Is.EqualTo((info.Size, info.ETag, info.LastModified)));
        Assert.That(Read("k", engine: reopened), Is.EqualTo(body));
        Assert.That(reopened.Buckets.List(Account, null, null, 10).Buckets.Select(b => b.Name), Is.EqualTo(new[] { Bucket, "second" }));

        var versions = reopened.Metadata.Read(Migrations.Applied);
        Assert.That(versions, Is.EqualTo(Migrations.Latest));

        // And the reopened engine keeps working on the same data.
        await Put("k2", Body(3), engine: reopened);
        Assert.That(reopened.Objects.List(Bucket, Account, "", null, null, 10).Objects.Select(o => o.Key), Is.EqualTo(new[] { "k", "k2" }));
    }

    [Test]
    public async Task DeleteIfUnchangedDeletesOnlyTheObjectItWasToldAbout()
    {
        var first = await Put("k", Body(40, 1));
        var second = await Put("k", Body(20, 2));
        Assert.That(_engine.Objects.DeleteIfUnchanged(Bucket, "k", first.Id, DateTimeOffset.UtcNow), Is.False, "a newer object under the key is left alone");
        Assert.That(Read("k"), Is.EqualTo(Body(20, 2)));
        Assert.That(_engine.Objects.DeleteIfUnchanged(Bucket, "k", second.Id, DateTimeOffset.UtcNow), Is.True);
        Assert.Throws<StorageException>(() => _engine.Objects.Head(Bucket, "k", Account));
        Assert.That(_engine.Objects.DeleteIfUnchanged(Bucket, "k", second.Id, DateTimeOffset.UtcNow), Is.False, "already gone");
    }
}
