using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Objects;

namespace Storage.Tests.Objects;

/// <summary>The bucket rows a front end reads on every request: served from memory, never staler than the last change.</summary>
[TestFixture]
internal sealed class BucketCacheTests
{
    private static readonly BucketInfo A = new("a", "owner", DateTimeOffset.UnixEpoch);

    [Test]
    public void ARowIsLoadedOnceUntilItChanges()
    {
        var cache = new BucketCache();
        var loads = 0;
        BucketInfo? Load()
        {
            loads++;
            return A;
        }

        Assert.That(cache.Get("a", Load), Is.SameAs(A));
        Assert.That(cache.Get("a", Load), Is.SameAs(A));
        Assert.That(loads, Is.EqualTo(1));
        cache.Changed("a");
        cache.Get("a", Load);
        Assert.That(loads, Is.EqualTo(2));
    }

    [Test]
    public void AMissingBucketIsNotKept()
    {
        var cache = new BucketCache();
        Assert.That(cache.Get("a", () => null), Is.Null);
        Assert.That(cache.Get("a", () => A), Is.SameAs(A), "created since: read again");
    }

    [Test]
    public void ARowReadWhileItChangedIsNotKept()
    {
        var cache = new BucketCache();
        var stale = A with { Owner = "before" };
        // The change lands between the read and its keeping: what was read may be from before it.
        Assert.That(cache.Get("a", () =>
        {
            cache.Changed("a");
            return stale;
        }), Is.SameAs(stale));
        Assert.That(cache.Get("a", () => A), Is.SameAs(A));
    }

    [Test]
    public void EveryBucketChangeThroughTheEngineIsSeenByTheNextFind()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bucket-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var engine = new StorageEngine(new StorageOptions(dir, 1024), SystemClock.Instance);
            Assert.That(engine.Buckets.Find("bkt"), Is.Null);
            engine.Buckets.Create("bkt", "acct");
            Assert.That(engine.Buckets.Find("bkt")!.Owner, Is.EqualTo("acct"));
            engine.Buckets.SetDocument("bkt", "acct", BucketDocument.Policy, "{}");
            Assert.That(engine.Buckets.Find("bkt")!.Access.Policy, Is.EqualTo("{}"));
            engine.Buckets.SetVersioning("bkt", "acct", VersioningState.Enabled);
            Assert.That(engine.Buckets.Find("bkt")!.Versioning, Is.EqualTo(VersioningState.Enabled));
            engine.Buckets.SetObjectLock("bkt", "acct", null);
            Assert.That(engine.Buckets.Find("bkt")!.ObjectLock, Is.True);
            engine.Buckets.SetDocument("bkt", "acct", BucketDocument.Encryption, "e");
            Assert.That(engine.Buckets.Find("bkt")!.Access.Encryption, Is.EqualTo("e"));
            engine.Buckets.Delete("bkt", "acct");
            Assert.That(engine.Buckets.Find("bkt"), Is.Null);
            engine.Buckets.Create("bkt", "other");
            Assert.That(engine.Buckets.Find("bkt")!.Owner, Is.EqualTo("other"), "a bucket re-created by someone else");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
