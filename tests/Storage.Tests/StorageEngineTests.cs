using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Metadata;
using Storage.Objects;

namespace Storage.Tests;

/// <summary>StorageEngine.Check and CheckFolder: the consistency check finds what is wrong, and only that.</summary>
[TestFixture]
internal sealed partial class StorageEngineTests
{
    private const string Account = "acct";
    private string _dir = "";
    private StorageEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "engine-" + Guid.NewGuid().ToString("N"));
        _engine = new StorageEngine(new StorageOptions(_dir, 8), SystemClock.Instance);
        _engine.Buckets.Create("bkt", Account);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private Task Put(string key, int size) => _engine.Objects.PutAsync(
        new PutObjectCommand("bkt", key, Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(size)), new MemoryStream(new byte[size]), CancellationToken.None);

    [Test]
    public async Task ACleanFolderIsConsistent()
    {
        await Put("a", 20);
        var check = _engine.Check();
        Assert.That(check.IsConsistent, Is.True);
        Assert.That(check.SegmentFiles, Has.Count.EqualTo(3));
        Assert.That(check.Gauges.Single().ObjectBytes, Is.EqualTo(20));
    }

    [Test]
    public async Task AnOrphanFileIsFoundAndCheckFolderDoesNotSweepIt()
    {
        await Put("a", 5);
        var orphan = _engine.Segments.PathOf("00112233445566778899aabbccddeeff");
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        await File.WriteAllBytesAsync(orphan, [1]);
        Assert.That(_engine.Check().IsConsistent, Is.False);
        var folder = StorageEngine.CheckFolder(_dir);
        Assert.That(folder.SegmentFiles.Except(folder.ReferencedSegments), Is.EqualTo(new[] { "00112233445566778899aabbccddeeff" }));
        Assert.That(File.Exists(orphan), Is.True, "checking changes nothing");
        Assert.That(_engine.Sweep(), Is.EqualTo(1));
        Assert.That(_engine.Check().IsConsistent, Is.True);
    }

    [Test]
    public async Task AMissingFileAndAMeterThatDriftedAreFound()
    {
        await Put("a", 20);
        var id = _engine.Check().ReferencedSegments.First();
        File.Delete(_engine.Segments.PathOf(id));
        Assert.That(_engine.Check().IsConsistent, Is.False, "a referenced segment without its file");

        await Put("b", 5);
        _engine.Metadata.Write(db => UsageRows.AddToGauges(db, "bkt", new Storage.Usage.UsageDelta(1, 0, 0, 0, 0, 0, 0)));
        var check = _engine.Check();
        Assert.That(check.Gauges.Single().Objects, Is.Not.EqualTo(check.Recount.Single().Objects));
    }
}
