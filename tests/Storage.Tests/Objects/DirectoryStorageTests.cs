using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Checksums;
using Storage.Faults;
using Storage.Multipart;
using Storage.Objects;
using Storage.Tests.Usage;
using Storage.Usage;

namespace Storage.Tests.Objects;

/// <summary>
/// Directory buckets in the engine: a bucket kind of their own, appends that grow an object's segment list without
/// copying (the whole-object CRC carried on), renames that move a row, deletes conditional on size and time, and
/// their own price row. Every test ends with the meter equal to a recount and no segment lost or orphaned.
/// </summary>
[TestFixture]
internal sealed class DirectoryStorageTests
{
    private const string Account = "acct";
    private const string Bucket = "data--use1-az4--x-s3";
    private string _dir = "";
    private StorageEngine _engine = null!;
    private readonly FakeClock _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "directory-" + Guid.NewGuid().ToString("N"));
        // 16-byte segments and no inline segments: every append adds segment files.
        _engine = new StorageEngine(new StorageOptions(_dir, 16, InlineThreshold: 0), _clock);
        _engine.Buckets.Create(Bucket, Account, directoryZone: "use1-az4");
    }

    [TearDown]
    public void TearDown()
    {
        var report = _engine.Check();
        _engine.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        Assert.That((report.MeterMismatches, report.MissingSegments, report.OrphanSegments), Is.EqualTo((Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>())),
            "the meter equals a recount; no segment lost or left behind");
    }

    private static byte[] Bytes(int n, int seed) => Enumerable.Range(0, n).Select(i => (byte)(i * 31 + seed)).ToArray();

    private Task<ObjectInfo> Append(string key, long offset, byte[] data, ExpectedChecksum? checksum = null, IReadOnlyDictionary<string, string>? attributes = null) =>
        _engine.Objects.AppendAsync(new AppendObjectCommand(Bucket, key, Account, offset, attributes ?? new Dictionary<string, string>(), new BodyChecks(data.Length, null, checksum)),
            new MemoryStream(data), CancellationToken.None);

    private Task<ObjectInfo> Put(string key, byte[] data, ChecksumAlgorithm? algorithm = null) =>
        _engine.Objects.PutAsync(new PutObjectCommand(Bucket, key, Account, new Dictionary<string, string>(), WriteConditions.None,
            new BodyChecks(data.Length, null, algorithm is { } a ? ExpectedChecksum.Compute(a) : null)), new MemoryStream(data), CancellationToken.None);

    private byte[] Read(string key)
    {
        using var reader = _engine.Objects.Open(Bucket, key, Account);
        using var s = reader.OpenRange(0, reader.Info.Size);
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    [Test]
    public void ADirectoryBucketIsItsOwnKindAndListedApart()
    {
        _engine.Buckets.Create("general", Account);
        Assert.That(_engine.Buckets.Find(Bucket), Is.Not.Null.And.Property(nameof(BucketInfo.Kind)).EqualTo(BucketKind.Directory).And.Property(nameof(BucketInfo.Zone)).EqualTo("use1-az4"));
        Assert.That(_engine.Buckets.List(Account, null, null, 10).Buckets.Select(b => b.Name), Is.EqualTo(new[] { "general" }));
        Assert.That(_engine.Buckets.List(Account, null, null, 10, BucketKind.Directory).Buckets.Select(b => (b.Name, b.Kind, b.Zone)),
            Is.EqualTo(new[] { (Bucket, BucketKind.Directory, (string?)"use1-az4") }));
        Assert.Throws<ArgumentException>(() => _engine.Buckets.Create("x--use1-az4--x-s3", Account, objectLock: true, directoryZone: "use1-az4"));
    }

    [TestCase(ChecksumAlgorithm.Crc32)]
    [TestCase(ChecksumAlgorithm.Crc32C)]
    [TestCase(ChecksumAlgorithm.Crc64Nvme)]
    public async Task AppendsReadBackAsOneObjectWhoseCrcIsTheWholeObjects(ChecksumAlgorithm algorithm)
    {
        var pieces = new[] { Bytes(21, 1), Bytes(40, 2), Bytes(3, 3), Bytes(16, 4) };
        var first = await Put("log", pieces[0], algorithm);
        var offset = (long)pieces[0].Length;
        ObjectInfo last = first;
        foreach (var piece in pieces.Skip(1))
        {
            last = await Append("log", offset, piece);
            offset += piece.Length;
        }

        var whole = pieces.SelectMany(p => p).ToArray();
        Assert.That(Read("log"), Is.EqualTo(whole));
        Assert.That(last.Checksum, Is.EqualTo(new ChecksumValue(algorithm, ChecksumType.FullObject, BitwiseCrc(algorithm, whole))));
        Assert.That((last.Size, last.Appends, last.ETag), Is.EqualTo((whole.Length, 3, last.ETag)));
        Assert.That(last.ETag, Is.Not.EqualTo(first.ETag), "every append is a new version of the object, with its own ETag");
    }

    /// <summary>
    /// The CRC of <paramref name="data"/> bit by bit from its reflected polynomial (CrcTests' textbook reference,
    /// nothing of storage's own code), as S3 writes it: big-endian, base64.
    /// </summary>
    private static string BitwiseCrc(ChecksumAlgorithm algorithm, byte[] data)
    {
        var name = ChecksumAlgorithms.Of(algorithm).Name;
        var reference = Checksums.CrcTests.Cases.Single(c => c.Name == name);
        var bytes = BitConverter.GetBytes(reference.Bitwise(data)).Take(reference.Width / 8).Reverse().ToArray();
        return Convert.ToBase64String(bytes);
    }

    [Test]
    public async Task AnAppendSharesTheOldSegmentsInsteadOfCopyingThem()
    {
        await Put("log", Bytes(40, 1));
        var before = Directory.GetFiles(_dir, "*", SearchOption.AllDirectories).Where(f => f.Contains("segments", StringComparison.Ordinal)).ToHashSet();
        await Append("log", 40, Bytes(5, 2));
        var after = Directory.GetFiles(_dir, "*", SearchOption.AllDirectories).Where(f => f.Contains("segments", StringComparison.Ordinal)).ToHashSet();
        Assert.That(before.IsSubsetOf(after), Is.True, "the old segment files are still there, unchanged");
        Assert.That(after.Except(before).Count(), Is.EqualTo(1), "one new segment for 5 bytes");
    }

    [Test]
    public async Task AnAppendAtAnotherOffsetOrEmptyOrWithAnotherChecksumIsRefusedAndChangesNothing()
    {
        await Put("log", Bytes(10, 1), ChecksumAlgorithm.Crc32);
        var e = Assert.ThrowsAsync<StorageException>(() => Append("log", 9, Bytes(3, 2)))!;
        Assert.That((e.Fault, e.Size), Is.EqualTo((StorageFault.WriteOffsetMismatch, 10L)));
        Assert.That(Assert.ThrowsAsync<StorageException>(() => Append("log", 10, []))!.Fault, Is.EqualTo(StorageFault.EmptyAppend));
        var mismatch = Assert.ThrowsAsync<StorageException>(() => Append("log", 10, Bytes(3, 2), ExpectedChecksum.Compute(ChecksumAlgorithm.Crc32C)))!;
        Assert.That((mismatch.Fault, mismatch.Algorithm, mismatch.OtherAlgorithm), Is.EqualTo((StorageFault.AppendChecksumMismatch, ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C)));
        var badValue = Assert.ThrowsAsync<StorageException>(() => Append("log", 10, Bytes(3, 2), new ExpectedChecksum(ChecksumAlgorithm.Crc32, "AAAAAA==")))!;
        Assert.That(badValue.Fault, Is.EqualTo(StorageFault.ChecksumMismatch), "the appended bytes' checksum is verified before anything is committed");
        Assert.That(Read("log"), Is.EqualTo(Bytes(10, 1)));
        Assert.That(Assert.ThrowsAsync<StorageException>(() => Append("new", 1, Bytes(3, 2)))!.Fault, Is.EqualTo(StorageFault.WriteOffsetMismatch));
    }

    [Test]
    public async Task AppendAtZeroStartsAnObjectWithItsAttributes()
    {
        var info = await Append("fresh", 0, Bytes(7, 1), attributes: new Dictionary<string, string> { ["content-type"] = "text/plain" });
        Assert.That((info.Size, info.Attributes["content-type"], info.Checksum!.Algorithm), Is.EqualTo((7L, "text/plain", ChecksumAlgorithms.Default)));
        var grown = await Append("fresh", 7, Bytes(2, 2), attributes: new Dictionary<string, string> { ["content-type"] = "other" });
        Assert.That(grown.Attributes["content-type"], Is.EqualTo("text/plain"), "an existing object keeps its attributes");
    }

    [Test]
    public async Task AppendsToAMultipartObjectCarryItsPartsCrcsOnAndCountAsParts()
    {
        var upload = _engine.Multipart.Create(Bucket, "mp", Account, new Dictionary<string, string>(), ChecksumAlgorithm.Crc32C, ChecksumType.Composite);
        var p1 = Bytes(20, 1);
        var p2 = Bytes(9, 2);
        var e1 = (await _engine.Multipart.UploadPartAsync(new UploadPartCommand(Bucket, "mp", upload.UploadId, 1, Account, new BodyChecks(20, null, ExpectedChecksum.Compute(ChecksumAlgorithm.Crc32C))), new MemoryStream(p1), CancellationToken.None)).Part;
        var e2 = (await _engine.Multipart.UploadPartAsync(new UploadPartCommand(Bucket, "mp", upload.UploadId, 2, Account, new BodyChecks(9, null, ExpectedChecksum.Compute(ChecksumAlgorithm.Crc32C))), new MemoryStream(p2), CancellationToken.None)).Part;
        var completed = _engine.Multipart.Complete(new CompleteCommand(Bucket, "mp", upload.UploadId, Account,
            [new CompletePart(1, e1.ETag, ChecksumAlgorithm.Crc32C, e1.Checksum), new CompletePart(2, e2.ETag, ChecksumAlgorithm.Crc32C, e2.Checksum)], WriteConditions.None, MinPartSize: 1));
        Assert.That(completed.Object.Checksum!.Type, Is.EqualTo(ChecksumType.Composite), "a composite checksum: no whole-object value to start from");
        var p3 = Bytes(4, 3);
        var info = await Append("mp", 29, p3);
        var whole = p1.Concat(p2).Concat(p3).ToArray();
        Assert.That(Read("mp"), Is.EqualTo(whole));
        Assert.That(info.Checksum, Is.EqualTo(new ChecksumValue(ChecksumAlgorithm.Crc32C, ChecksumType.FullObject, BitwiseCrc(ChecksumAlgorithm.Crc32C, whole))));
        Assert.That((info.PartsCount, info.Appends), Is.EqualTo((2, 1)));
    }

    [Test]
    public async Task AnObjectTakesAtMostAsManyAppendsAsItMayHaveParts()
    {
        _engine.Dispose();
        SqliteConnection.ClearAllPools();
        _engine = new StorageEngine(new StorageOptions(_dir, 16, StorageLimits.Default with { MaxParts = 3 }, InlineThreshold: 0), _clock);
        await Put("log", Bytes(1, 1));
        await Append("log", 1, Bytes(1, 2));
        await Append("log", 2, Bytes(1, 3));
        var e = Assert.ThrowsAsync<StorageException>(() => Append("log", 3, Bytes(1, 4)))!;
        Assert.That((e.Fault, e.Limit, e.UploadId), Is.EqualTo((StorageFault.TooManyParts, 3L, (string?)null)));
    }

    [Test]
    public async Task AnAppendMayNotGrowAnObjectPastTheLargestObject()
    {
        _engine.Dispose();
        SqliteConnection.ClearAllPools();
        _engine = new StorageEngine(new StorageOptions(_dir, 16, StorageLimits.Default with { MaxObjectSize = 10 }, InlineThreshold: 0), _clock);
        await Put("log", Bytes(8, 1));
        var e = Assert.ThrowsAsync<StorageException>(() => Append("log", 8, Bytes(3, 2)))!;
        Assert.That((e.Fault, e.Limit), Is.EqualTo((StorageFault.TooLarge, 2L)));
        Assert.That((await Append("log", 8, Bytes(2, 2))).Size, Is.EqualTo(10));
    }

    [Test]
    public async Task TwoAppendsRacingAtOneOffsetLandOnce()
    {
        await Put("log", Bytes(4, 1));
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            try
            {
                await Append("log", 4, Bytes(8, i + 10));
                return true;
            }
            catch (StorageException e) when (e.Fault == StorageFault.WriteOffsetMismatch)
            {
                return false;
            }
        }));
        Assert.That(results.Count(ok => ok), Is.EqualTo(1));
        Assert.That(_engine.Objects.Head(Bucket, "log", Account).Size, Is.EqualTo(12));
    }

    [Test]
    public async Task RenameMovesTheRowWithItsSegmentsAndReplacesTheDestination()
    {
        var a = await Put("a", Bytes(33, 1));
        await Put("b", Bytes(5, 2));
        var files = Directory.GetFiles(_dir, "*", SearchOption.AllDirectories).Length;
        _clock.UtcNow = _clock.UtcNow.AddMinutes(1);
        var moved = _engine.Objects.Rename(new RenameObjectCommand(Bucket, "a", "b", Account, ReadConditions.None, WriteConditions.None, ReadConditions.None));
        Assert.That(Read("b"), Is.EqualTo(Bytes(33, 1)));
        Assert.That((moved.ETag, moved.Checksum, moved.LastModified), Is.EqualTo((a.ETag, a.Checksum, _clock.UtcNow)));
        Assert.That(Assert.Throws<StorageException>(() => _engine.Objects.Head(Bucket, "a", Account))!.Fault, Is.EqualTo(StorageFault.ObjectNotFound));
        Assert.That(Directory.GetFiles(_dir, "*", SearchOption.AllDirectories).Length, Is.LessThan(files), "the replaced destination's segment is freed, nothing is copied");
        var gauges = _engine.Usage.Gauges().Single(g => g.Bucket == Bucket);
        Assert.That((gauges.Objects, gauges.ObjectBytes), Is.EqualTo((1L, 33L)));
    }

    [Test]
    public async Task RenameConditionsAreJudgedInItsTransaction()
    {
        var a = await Put("a", Bytes(3, 1));
        await Put("b", Bytes(3, 2));
        StorageFault Fault(RenameObjectCommand c) => Assert.Throws<StorageException>(() => _engine.Objects.Rename(c))!.Fault;
        Assert.Multiple(() =>
        {
            Assert.That(Fault(new(Bucket, "a", "b", Account, ReadConditions.None, new WriteConditions(true, null), ReadConditions.None)), Is.EqualTo(StorageFault.ConditionFailed));
            Assert.That(Fault(new(Bucket, "a", "c", Account, new ReadConditions("\"nope\"", null, null, null), WriteConditions.None, ReadConditions.None)), Is.EqualTo(StorageFault.ConditionFailed));
            Assert.That(Fault(new(Bucket, "a", "c", Account, ReadConditions.None, new WriteConditions(false, a.ETag), ReadConditions.None)), Is.EqualTo(StorageFault.ObjectNotFound));
            Assert.That(Fault(new(Bucket, "a", "b", Account, ReadConditions.None, WriteConditions.None, new ReadConditions(null, null, _clock.UtcNow.AddDays(1), null))),
                Is.EqualTo(StorageFault.ConditionFailed));
            Assert.That(Fault(new(Bucket, "zzz", "c", Account, ReadConditions.None, WriteConditions.None, ReadConditions.None)), Is.EqualTo(StorageFault.ObjectNotFound));
        });
        Assert.That((Read("a"), Read("b")), Is.EqualTo((Bytes(3, 1), Bytes(3, 2))), "a refused rename moves nothing");
    }

    [Test]
    public async Task ADeleteOnSizeAndTimeDeletesOnlyTheObjectItDescribes()
    {
        var o = await Put("k", Bytes(6, 1));
        StorageFault? Fault(WriteConditions c)
        {
            try
            {
                _engine.Objects.Delete(Bucket, "k", Account, conditions: c);
                return null;
            }
            catch (StorageException e)
            {
                return e.Fault;
            }
        }

        Assert.That(Fault(WriteConditions.None with { IfMatchSize = 5 }), Is.EqualTo(StorageFault.ConditionFailed));
        Assert.That(Fault(WriteConditions.None with { IfMatchLastModified = o.LastModified.AddSeconds(1) }), Is.EqualTo(StorageFault.ConditionFailed));
        Assert.That(Fault(WriteConditions.None with { IfMatchSize = 6, IfMatchLastModified = o.LastModified.AddMilliseconds(400) }), Is.Null, "time to the second");
        Assert.That(Fault(WriteConditions.None with { IfMatchSize = 6 }), Is.Null, "nothing left: nothing to judge");
    }

    [Test]
    public async Task ADirectoryBucketIsPricedWithItsOwnRowAndKeepsItAfterItIsDeleted()
    {
        _engine.Buckets.Create("general", Account);
        await Put("k", Bytes(1000, 1));
        await _engine.Objects.PutAsync(new PutObjectCommand("general", "k", Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(1000)),
            new MemoryStream(Bytes(1000, 1)), CancellationToken.None);
        _clock.UtcNow = _clock.UtcNow.AddHours(10);
        var prices = new PriceTable(StorageGbMonth: 1e6, SegmentMonth: 0, WriteRequestsPer1000: 0, ReadRequestsPer1000: 0)
        {
            Directory = new PriceTable(StorageGbMonth: 2e6, SegmentMonth: 0, WriteRequestsPer1000: 0, ReadRequestsPer1000: 0),
        };
        var report = _engine.Usage.Report(null, null, null, prices);
        var general = report.Buckets.Single(b => b.Bucket == "general");
        var directory = report.Buckets.Single(b => b.Bucket == Bucket);
        Assert.That((general.Kind, directory.Kind), Is.EqualTo((BucketKind.General, BucketKind.Directory)));
        Assert.That(directory.EstimatedCost, Is.EqualTo(2 * general.EstimatedCost).Within(1e-9), "the same bytes for the same hours at twice the price");
        Assert.That(report.Totals.EstimatedCost, Is.EqualTo(general.EstimatedCost + directory.EstimatedCost).Within(1e-9));

        _engine.Objects.Delete(Bucket, "k", Account);
        _engine.Buckets.Delete(Bucket, Account);
        var after = _engine.Usage.Report(null, Bucket, null, prices).Buckets.Single();
        Assert.That(after.Kind, Is.EqualTo(BucketKind.Directory), "the month's row remembers the bucket's kind");
    }
}
