using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Metadata;

namespace Storage.Tests.Metadata;

/// <summary>Writes that queue behind a commit in progress share the next one; each keeps its own result or error.</summary>
[TestFixture]
internal sealed class GroupCommitTests
{
    private string _dir = "";
    private MetadataStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "group-" + Guid.NewGuid().ToString("N"));
        _store = new MetadataStore(Path.Combine(_dir, "metadata.db"));
        _store.Write(db => db.Execute("CREATE TABLE t(k TEXT PRIMARY KEY);"));
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private List<string> Keys() => _store.Read(db => db.List("SELECT k FROM t ORDER BY k;", r => r.GetString(0)));

    [Test]
    public async Task WritesQueuedBehindACommitShareOneAndAFailingOneIsRolledBackAlone()
    {
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = Task.Run(() => _store.Write(db =>
        {
            db.Execute("INSERT INTO t(k) VALUES ('first');");
            holding.Set();
            // Bounded, so a failure below cannot leave this write (and the test run) hanging.
            release.Wait(Deadline);
            return 1;
        }));
        Assert.That(holding.Wait(Deadline), Is.True, "the first write started its transaction");
        var commitsBefore = _store.Commits;

        var a = Task.Run(() => _store.Write(db => db.Execute("INSERT INTO t(k) VALUES ('a');")));
        var bad = Task.Run(() => _store.Write(db =>
        {
            db.Execute("INSERT INTO t(k) VALUES ('half');");
            throw new InvalidOperationException("refused");
#pragma warning disable CS0162 // The lambda must have a result type.
            return 0;
#pragma warning restore CS0162
        }));
        var dup = Task.Run(() => _store.Write(db => db.Execute("INSERT INTO t(k) VALUES ('first');")));
        var c = Task.Run(() => _store.Write(db => db.Execute("INSERT INTO t(k) VALUES ('c');")));
        var deadline = DateTime.UtcNow + Deadline;
        while (_store.Queued < 4)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "four writes queued behind the first");
            await Task.Delay(5);
        }

        release.Set();
        Assert.That(await first, Is.EqualTo(1));
        Assert.That(await a, Is.EqualTo(1));
        Assert.That(await c, Is.EqualTo(1));
        Assert.That(async () => await bad, Throws.InvalidOperationException.With.Message.EqualTo("refused"));
        Assert.That(async () => await dup, Throws.InstanceOf<SqliteException>(), "its own constraint error");
        Assert.That(_store.Commits - commitsBefore, Is.EqualTo(1), "the four queued writes shared one commit");
        Assert.That(Keys(), Is.EqualTo(new[] { "a", "c", "first" }), "the failed writes left nothing");
    }

    [Test]
    public void AWriteAloneThatThrowsCommitsNothing()
    {
        Assert.Throws<InvalidOperationException>(() => _store.Write(db =>
        {
            db.Execute("INSERT INTO t(k) VALUES ('x');");
            throw new InvalidOperationException();
        }));
        Assert.That(Keys(), Is.Empty);
    }

    [Test]
    public async Task ManyConcurrentWritersAllLandAndEachGetsItsOwnResult()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => _store.Write(db =>
        {
            db.Execute("INSERT INTO t(k) VALUES ($k);", ("$k", i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)));
            return i;
        }))));
        Assert.That(results, Is.EqualTo(Enumerable.Range(0, 200)));
        Assert.That(Keys(), Has.Count.EqualTo(200));
    }
}
