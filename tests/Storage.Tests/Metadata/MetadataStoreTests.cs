using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Metadata;

namespace Storage.Tests.Metadata;

/// <summary>MetadataStore and Db: transactions commit or roll back whole, reads see one snapshot, queries stream.</summary>
[TestFixture]
internal sealed class MetadataStoreTests
{
    private string _dir = "";
    private MetadataStore _db = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "metadata-" + Guid.NewGuid().ToString("N"));
        _db = new MetadataStore(Path.Combine(_dir, "metadata.db"));
        _db.Write(db => db.Execute("CREATE TABLE t(n INTEGER NOT NULL);"));
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private long Count() => _db.Read(db => db.Scalar<long>("SELECT COUNT(*) FROM t;"));

    [Test]
    public async Task EveryConnectionHasTheDurabilitySettingsAlsoWhenReusedFromThePool()
    {
        // Concurrent reads open several pooled handles; each is configured once and keeps its settings.
        var settings = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => _db.Read(db =>
            (db.Scalar<long>("PRAGMA synchronous;"), db.Scalar<long>("PRAGMA foreign_keys;"), db.Scalar<long>("PRAGMA busy_timeout;"))))));
        var writes = _db.Write(db => (db.Scalar<long>("PRAGMA synchronous;"), db.Scalar<long>("PRAGMA foreign_keys;"), db.Scalar<long>("PRAGMA busy_timeout;")));
        Assert.That(settings.Append(writes), Is.All.EqualTo((2L, 1L, 10000L)), "synchronous=FULL, foreign keys on, busy timeout 10 s");
    }

    [Test]
    public void AFailedWriteLeavesNothing()
    {
        Assert.Throws<InvalidOperationException>(() => _db.Write(db =>
        {
            db.Execute("INSERT INTO t(n) VALUES (1);");
            throw new InvalidOperationException("fails after the insert");
        }));
        Assert.That(Count(), Is.Zero);
    }

    [Test]
    public void ExecuteEachBindsEveryItem()
    {
        _db.Write(db => db.ExecuteEach("INSERT INTO t(n) VALUES ($n);", [3, 1, 2], n => [("$n", n)]));
        Assert.That(_db.Read(db => db.List("SELECT n FROM t ORDER BY n;", r => r.GetInt64(0))), Is.EqualTo(new[] { 1L, 2L, 3L }));
        _db.Write(db => db.ExecuteEach("INSERT INTO t(n) VALUES ($n);", Array.Empty<int>(), n => [("$n", n)]));
        Assert.That(Count(), Is.EqualTo(3), "no items, no statement");
    }

    [Test]
    public void QueryStopsReadingWhenTheCallerStops()
    {
        _db.Write(db => db.ExecuteEach("INSERT INTO t(n) VALUES ($n);", Enumerable.Range(0, 100), n => [("$n", n)]));
        var mapped = 0;
        var first = _db.Read(db => db.Query("SELECT n FROM t ORDER BY n;", r =>
        {
            mapped++;
            return r.GetInt64(0);
        }).Take(3).ToList());
        Assert.That((first, mapped), Is.EqualTo((new List<long> { 0, 1, 2 }, 3)));
    }

    [Test]
    public void AReadSeesOneSnapshot()
    {
        _db.Write(db => db.Execute("INSERT INTO t(n) VALUES (1);"));
        var (before, after) = _db.Read(db =>
        {
            var b = db.Scalar<long>("SELECT COUNT(*) FROM t;");
            _db.Write(w => w.Execute("INSERT INTO t(n) VALUES (2);"));
            return (b, db.Scalar<long>("SELECT COUNT(*) FROM t;"));
        });
        Assert.That((before, after), Is.EqualTo((1L, 1L)), "a commit during the read is not seen by it");
        Assert.That(Count(), Is.EqualTo(2));
    }

    [Test]
    public void FirstAndScalarOfNothingAreDefault()
    {
        Assert.That(_db.Read(db => db.First("SELECT n FROM t;", r => (long?)r.GetInt64(0))), Is.Null);
        Assert.That(_db.Read(db => db.Scalar<long?>("SELECT MAX(n) FROM t;")), Is.Null);
    }

    [Test]
    public void TheSchemaIsAtTheLatestVersionAndReopeningKeepsIt()
    {
        Assert.That(_db.Read(Migrations.Applied), Is.EqualTo(Migrations.Latest));
        var again = new MetadataStore(Path.Combine(_dir, "metadata.db"));
        Assert.That(again.Read(Migrations.Applied), Is.EqualTo(Migrations.Latest));
    }
}
