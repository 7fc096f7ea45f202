using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Faults;
using Storage.Metadata;
using Storage.Multipart;
using Storage.Objects;
using Storage.Segments;

namespace Storage.Tests.Segments;

/// <summary>
/// A full disk: writes of object data are refused with InsufficientStorage before they would eat into the reserve,
/// leave nothing behind, and deletes and aborts still work. Free space comes from a fake here; the disk-full
/// errors are real ones (/dev/full, SQLite's max_page_count).
/// </summary>
[TestFixture]
internal sealed class DiskSpaceTests
{
    private const string Account = "acct";
    private const string Bucket = "bkt";
    private const long Reserve = 1000;
    private string _dir = "";
    private StorageEngine _engine = null!;
    private Func<long> _free = () => long.MaxValue;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "diskspace-" + Guid.NewGuid().ToString("N"));
        _engine = new StorageEngine(new StorageOptions(_dir, 16, MinFreeSpace: Reserve) { FreeSpace = () => _free() }, SystemClock.Instance);
        _engine.Buckets.Create(Bucket, Account);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<ObjectInfo> Put(string key, int size, long? declared = -1) =>
        _engine.Objects.PutAsync(new PutObjectCommand(Bucket, key, Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(declared == -1 ? size : declared)),
            new MemoryStream(new byte[size]), CancellationToken.None);

    private static StorageFault FaultOf(Func<Task> call) => Assert.CatchAsync<StorageException>(() => call())!.Fault;

    private IEnumerable<string> FilesUnder(string sub) => Directory.EnumerateFiles(Path.Combine(_dir, sub), "*", SearchOption.AllDirectories);

    [Test]
    public async Task AWriteThatWouldEatIntoTheReserveIsRefusedBeforeItsBodyIsRead()
    {
        _free = () => Reserve + 100;
        await Put("fits", 100);
        var body = new MemoryStream(new byte[101]);
        var e = Assert.CatchAsync<StorageException>(() => _engine.Objects.PutAsync(
            new PutObjectCommand(Bucket, "too-big", Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(101)), body, CancellationToken.None))!;
        Assert.That((e.Fault, e.Size, e.Limit), Is.EqualTo((StorageFault.InsufficientStorage, Reserve + 100, Reserve)));
        Assert.That(body.Position, Is.Zero, "refused before the first body byte");
        Assert.That(() => _engine.Objects.Head(Bucket, "too-big", Account), Throws.TypeOf<StorageException>());
    }

    [Test]
    public async Task ABodyOfUnknownLengthIsCheckedAsItGrowsAndLeavesNoFile()
    {
        var calls = 0;
        // Room for the first two segment files, then the disk is at the reserve.
        _free = () => ++calls <= 3 ? Reserve + 32 : Reserve - 1;
        Assert.That(FaultOf(() => Put("k", 100, declared: null)), Is.EqualTo(StorageFault.InsufficientStorage));
        Assert.That(FilesUnder("tmp").Concat(FilesUnder("segments")), Is.Empty, "staged files are deleted");
        Assert.That(_engine.Check().IsConsistent, Is.True);
    }

    [Test]
    public async Task OnAFullDiskPartsAreRefusedAndDeletesAndAbortsStillWork()
    {
        await Put("old", 40);
        var u = _engine.Multipart.Create(Bucket, "mp", Account, new Dictionary<string, string>());
        await _engine.Multipart.UploadPartAsync(new UploadPartCommand(Bucket, "mp", u.UploadId, 1, Account, new BodyChecks(20)), new MemoryStream(new byte[20]), CancellationToken.None);
        _free = () => 0;

        Assert.That(FaultOf(() => _engine.Multipart.UploadPartAsync(new UploadPartCommand(Bucket, "mp", u.UploadId, 2, Account, new BodyChecks(20)),
            new MemoryStream(new byte[20]), CancellationToken.None)), Is.EqualTo(StorageFault.InsufficientStorage));
        Assert.That(FaultOf(() => Put("new", 1)), Is.EqualTo(StorageFault.InsufficientStorage));

        _engine.Objects.Delete(Bucket, "old", Account);
        _engine.Multipart.Abort(Bucket, "mp", u.UploadId, Account);
        Assert.That(FilesUnder("segments"), Is.Empty, "the space is freed");
        Assert.That(_engine.Check().IsConsistent, Is.True);
    }

    [Test]
    public async Task NoReserveMeansNoCheck()
    {
        SqliteConnection.ClearAllPools();
        var dir = Path.Combine(_dir, "none");
        var engine = new StorageEngine(new StorageOptions(dir, 16, MinFreeSpace: 0) { FreeSpace = () => throw new AssertionException("free space was read") }, SystemClock.Instance);
        engine.Buckets.Create(Bucket, Account);
        var info = await engine.Objects.PutAsync(new PutObjectCommand(Bucket, "k", Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(5)),
            new MemoryStream(new byte[5]), CancellationToken.None);
        Assert.That(info.Size, Is.EqualTo(5));
    }

    [Test]
    public void AFileWriteOnAFullDeviceIsDiskFull()
    {
        // /dev/full answers every write with ENOSPC: the real error a full disk gives.
        var e = Assert.Catch<IOException>(() =>
        {
            using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 0);
            full.Write(new byte[4096]);
            full.Flush();
        })!;
        Assert.That(DiskSpace.IsDiskFull(e), Is.True, e.ToString());
        Assert.That(DiskSpace.IsDiskFull(new IOException("something else")), Is.False);
        Assert.That(DiskSpace.IsDiskFull(new UnauthorizedAccessException()), Is.False);
    }

    [Test]
    public void AMetadataCommitOnAFullDatabaseIsInsufficientStorageAndChangesNothing()
    {
        SqliteConnection.ClearAllPools();
        var store = new MetadataStore(Path.Combine(_dir, "full.db"), Reserve);
        store.Write(db => db.Execute("CREATE TABLE t(x BLOB);"));
        // max_page_count caps the database where it is: the next page it needs is SQLITE_FULL, as on a full disk.
        var e = Assert.Throws<StorageException>(() => store.Write(db =>
        {
            var pages = db.Scalar<long>("PRAGMA page_count;");
            db.Execute($"PRAGMA max_page_count = {pages};");
            db.Execute("INSERT INTO t VALUES (randomblob(1000000));");
        }))!;
        Assert.That((e.Fault, e.Limit), Is.EqualTo((StorageFault.InsufficientStorage, Reserve)));
        SqliteConnection.ClearAllPools();
        Assert.That(store.Read(db => db.Scalar<long>("SELECT COUNT(*) FROM t;")), Is.Zero, "the transaction rolled back");
    }
}
