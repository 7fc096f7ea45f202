using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Faults;
using Storage.Multipart;
using Storage.Objects;
using Storage.Tests.Usage;

namespace Storage.Tests.Objects;

/// <summary>Object lock in storage: buckets with it, default retention, what retention and legal holds forbid, judged by the clock.</summary>
[TestFixture]
internal sealed class ObjectLockStorageTests
{
    private const string Account = "acct";
    private const string Bucket = "locked";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private string _dir = "";
    private FakeClock _clock = null!;
    private StorageEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "lock-" + Guid.NewGuid().ToString("N"));
        _clock = new FakeClock(T0);
        _engine = new StorageEngine(new StorageOptions(_dir, 16), _clock);
        _engine.Buckets.Create(Bucket, Account, objectLock: true);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<ObjectInfo> Put(string key, LockSettings? settings = null, string bucket = Bucket) => _engine.Objects.PutAsync(
        new PutObjectCommand(bucket, key, Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(3)) { Lock = settings },
        new MemoryStream(new byte[3]), CancellationToken.None);

    private StorageFault Fails(TestDelegate action) => Assert.Throws<StorageException>(action)!.Fault;

    [Test]
    public async Task ALockBucketIsVersionedForGoodAndAppliesItsDefaultRetention()
    {
        var b = _engine.Buckets.Require(Bucket, Account);
        Assert.That((b.ObjectLock, b.Versioning), Is.EqualTo((true, VersioningState.Enabled)));
        Assert.That(Fails(() => _engine.Buckets.SetVersioning(Bucket, Account, VersioningState.Suspended)), Is.EqualTo(StorageFault.InvalidBucketState));
        _engine.Buckets.SetObjectLock(Bucket, Account, new DefaultRetention(RetentionMode.Governance, 2, null));
        var v = await Put("k");
        Assert.That(v.Retention, Is.EqualTo(new Retention(RetentionMode.Governance, v.LastModified.AddDays(2))));
        var explicitly = await Put("k", new LockSettings(new Retention(RetentionMode.Compliance, T0.AddDays(9)), true));
        Assert.That((explicitly.Retention!.Mode, explicitly.LegalHold), Is.EqualTo((RetentionMode.Compliance, true)));
        Assert.That(_engine.Objects.Head(Bucket, "k", Account, versionId: explicitly.VersionId).LegalHold, Is.True);
    }

    [Test]
    public async Task ObjectLockNeedsABucketWithItOrWithVersioningEnabled()
    {
        _engine.Buckets.Create("plain", Account);
        Assert.That(Assert.ThrowsAsync<StorageException>(() => Put("k", new LockSettings(null, true), "plain"))!.Fault, Is.EqualTo(StorageFault.ObjectLockNotEnabled));
        Assert.That(Fails(() => _engine.Buckets.SetObjectLock("plain", Account, null)), Is.EqualTo(StorageFault.InvalidBucketState));
        _engine.Buckets.SetVersioning("plain", Account, VersioningState.Enabled);
        _engine.Buckets.SetObjectLock("plain", Account, null);
        Assert.That(_engine.Buckets.Require("plain", Account).ObjectLock, Is.True);
        Assert.That((await Put("k", new LockSettings(null, true), "plain")).LegalHold, Is.True);
    }

    [Test]
    public async Task GovernanceRetentionYieldsOnlyToABypassAndComplianceOnlyToTheClock()
    {
        var gov = await Put("g", new LockSettings(new Retention(RetentionMode.Governance, T0.AddDays(1)), false));
        var comp = await Put("c", new LockSettings(new Retention(RetentionMode.Compliance, T0.AddDays(1)), false));
        Assert.That(Fails(() => _engine.Objects.Delete(Bucket, "g", Account, gov.VersionId)), Is.EqualTo(StorageFault.ObjectLocked));
        Assert.That(Fails(() => _engine.Objects.Delete(Bucket, "c", Account, comp.VersionId, bypassGovernance: true)), Is.EqualTo(StorageFault.ObjectLocked));
        Assert.That(_engine.Objects.Delete(Bucket, "g", Account).DeleteMarker, Is.True, "a delete without a version id only adds a marker");
        _engine.Objects.Delete(Bucket, "g", Account, gov.VersionId, bypassGovernance: true);
        Assert.That(Fails(() => _engine.Objects.Head(Bucket, "g", Account, versionId: gov.VersionId)), Is.EqualTo(StorageFault.VersionNotFound));
        _clock.UtcNow = T0.AddDays(1).AddSeconds(1);
        _engine.Objects.Delete(Bucket, "c", Account, comp.VersionId);
        Assert.That(_engine.Check().IsConsistent, Is.True);
    }

    [Test]
    public async Task RetentionChangesFollowS3sRules()
    {
        var v = await Put("k", new LockSettings(new Retention(RetentionMode.Governance, T0.AddDays(2)), false));
        Retention Gov(int days) => new(RetentionMode.Governance, T0.AddDays(days));
        Retention Comp(int days) => new(RetentionMode.Compliance, T0.AddDays(days));
        Assert.That(_engine.Objects.SetRetention(Bucket, "k", Account, Gov(3)).Retention, Is.EqualTo(Gov(3)), "extending is allowed");
        Assert.That(Fails(() => _engine.Objects.SetRetention(Bucket, "k", Account, Gov(1))), Is.EqualTo(StorageFault.ObjectLocked));
        Assert.That(Fails(() => _engine.Objects.SetRetention(Bucket, "k", Account, Comp(5))), Is.EqualTo(StorageFault.ObjectLocked), "governance to compliance needs the bypass");
        _engine.Objects.SetRetention(Bucket, "k", Account, Gov(1), bypassGovernance: true);
        _engine.Objects.SetRetention(Bucket, "k", Account, Comp(4), bypassGovernance: true);
        Assert.That(Fails(() => _engine.Objects.SetRetention(Bucket, "k", Account, Gov(9), bypassGovernance: true)), Is.EqualTo(StorageFault.ObjectLocked));
        Assert.That(Fails(() => _engine.Objects.SetRetention(Bucket, "k", Account, null, bypassGovernance: true)), Is.EqualTo(StorageFault.ObjectLocked));
        Assert.That(_engine.Objects.Head(Bucket, "k", Account, versionId: v.VersionId).Retention, Is.EqualTo(Comp(4)));
        _clock.UtcNow = T0.AddDays(5);
        Assert.That(_engine.Objects.SetRetention(Bucket, "k", Account, null).Retention, Is.Null, "after its date a retention can go");
    }

    [Test]
    public async Task ALegalHoldForbidsDeletionWhateverTheBypassUntilItIsLifted()
    {
        var v = await Put("k");
        _engine.Objects.SetLegalHold(Bucket, "k", Account, true);
        Assert.That(Fails(() => _engine.Objects.Delete(Bucket, "k", Account, v.VersionId, bypassGovernance: true)), Is.EqualTo(StorageFault.ObjectLocked));
        _engine.Objects.SetLegalHold(Bucket, "k", Account, false);
        _engine.Objects.Delete(Bucket, "k", Account, v.VersionId);
        Assert.That(_engine.Check().IsConsistent, Is.True);
    }

    [Test]
    public async Task AMultipartUploadCarriesItsLockToTheObjectAndLifecycleSparesLockedVersions()
    {
        var upload = _engine.Multipart.Create(Bucket, "mp", Account, new Dictionary<string, string>(),
            extras: new UploadExtras(Lock: new LockSettings(new Retention(RetentionMode.Governance, T0.AddDays(10)), false)));
        Assert.That(_engine.Multipart.Lookup(upload.UploadId)!.Lock!.Retention!.Until, Is.EqualTo(T0.AddDays(10)));
        var part = await _engine.Multipart.UploadPartAsync(new UploadPartCommand(Bucket, "mp", upload.UploadId, 1, Account, new BodyChecks(5, null)),
            new MemoryStream(new byte[5]), CancellationToken.None);
        var done = _engine.Multipart.Complete(new CompleteCommand(Bucket, "mp", upload.UploadId, Account, [new CompletePart(1, part.Part.ETag)], WriteConditions.None));
        Assert.That(done.Object.Retention!.Until, Is.EqualTo(T0.AddDays(10)));
        await Put("mp");
        _engine.Lifecycle.Put(Bucket, Account, [new Storage.Lifecycle.LifecycleRule("nc", true, "", null, null) { NoncurrentDays = 1 }]);
        _clock.UtcNow = T0.AddDays(5);
        Assert.That(_engine.Lifecycle.Sweep().ExpiredVersions, Is.Zero, "a version under retention outlives its noncurrent days");
        _clock.UtcNow = T0.AddDays(11);
        Assert.That(_engine.Lifecycle.Sweep().ExpiredVersions, Is.EqualTo(1));
    }
}
