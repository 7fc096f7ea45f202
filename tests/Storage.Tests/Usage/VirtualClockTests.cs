using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Objects;
using Storage.Usage;

namespace Storage.Tests.Usage;

[TestFixture]
internal sealed class VirtualClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 13, 0, 0, TimeSpan.Zero);
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Path.Combine(Path.GetTempPath(), "vclock-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private StorageEngine Open(DateTimeOffset start) => new(new StorageOptions(_dir, 16, VirtualClock: true), new FakeClock(start));

    private static VirtualClock Virtual(StorageEngine e) => (VirtualClock)e.Clock;

    [Test]
    public void StartsAtTheGivenTimeAndStandsStill()
    {
        var engine = Open(Start);
        Assert.That(engine.Clock, Is.InstanceOf<VirtualClock>());
        Assert.That(engine.Clock.UtcNow, Is.EqualTo(Start));
        Assert.That(engine.Clock.UtcNow, Is.EqualTo(Start));
    }

    [Test]
    public void AdvancePersistsAcrossReopeningAndIgnoresANewStartTime()
    {
        var first = Open(Start);
        Assert.That(Virtual(first).Advance(TimeSpan.FromHours(5)), Is.EqualTo(Start.AddHours(5)));
        Assert.That(first.Clock.UtcNow, Is.EqualTo(Start.AddHours(5)));
        SqliteConnection.ClearAllPools();

        var reopened = Open(new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.That(reopened.Clock.UtcNow, Is.EqualTo(Start.AddHours(5)));
        Assert.That(Virtual(reopened).Advance(TimeSpan.FromSeconds(90)), Is.EqualTo(Start.AddHours(5).AddSeconds(90)));
        SqliteConnection.ClearAllPools();

        var earlier = Open(Start.AddYears(-3));
        Assert.That(earlier.Clock.UtcNow, Is.EqualTo(Start.AddHours(5).AddSeconds(90)));
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(-3_600_000)]
    public void AdvanceByZeroOrLessThrowsAndLeavesTheClock(int ms)
    {
        var engine = Open(Start);
        Assert.Throws<ArgumentOutOfRangeException>(() => Virtual(engine).Advance(TimeSpan.FromMilliseconds(ms)));
        Assert.That(engine.Clock.UtcNow, Is.EqualTo(Start));
        SqliteConnection.ClearAllPools();
        Assert.That(Open(Start.AddDays(1)).Clock.UtcNow, Is.EqualTo(Start));
    }

    [Test]
    public async Task ServicesMeterByTheVirtualClock()
    {
        var engine = Open(Start);
        engine.Buckets.Create("bkt", "acct");
        var info = await engine.Objects.PutAsync(
            new PutObjectCommand("bkt", "k", "acct", new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(40)),
            new MemoryStream(new byte[40]), CancellationToken.None);
        Assert.That(info.LastModified, Is.EqualTo(Start));

        Virtual(engine).Advance(TimeSpan.FromHours(3));
        var usage = engine.Usage.Report(null, "bkt", null, new PriceTable()).Buckets.Single();
        Assert.That((usage.Objects.ByteHours, usage.Objects.SegmentHours), Is.EqualTo((40.0 * 3, 3.0 * 3)));
    }
}
