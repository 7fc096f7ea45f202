using NUnit.Framework;
using Storage.Usage;

namespace Storage.Tests.Usage;

/// <summary>PriceTable.Cost: each component priced as documented.</summary>
[TestFixture]
internal sealed class PriceTableTests
{
    [Test]
    public void CostOfOneGbMonthIsTheStoragePrice()
    {
        var prices = new PriceTable();
        Assert.That(prices.Cost(1e9 * 730, 0, 0, 0, 0), Is.EqualTo(prices.StorageGbMonth));
        Assert.That(prices.Cost(1e9 * 730, 0, 0, 0, 0), Is.EqualTo(0.004));
        Assert.That(prices.Cost(0, 730, 0, 0, 0), Is.EqualTo(0.0000088));
        Assert.That(prices.Cost(0, 0, 0, 0, 0), Is.Zero);
    }

    [Test]
    public void CostAddsEveryComponent()
    {
        var prices = new PriceTable
        {
            StorageGbMonth = 2,
            SegmentMonth = 0.5,
            EgressGb = 3,
            WriteRequestsPer1000 = 4,
            ReadRequestsPer1000 = 8,
            HoursPerMonth = 100,
        };
        // 3 GB-months * 2 + 20 segment-months * 0.5 + 2 GB * 3 + 1.5 thousand writes * 4 + 0.25 thousand reads * 8
        Assert.That(prices.Cost(3e9 * 100, 20 * 100, 2_000_000_000, 1500, 250), Is.EqualTo(6 + 10 + 6 + 6 + 2).Within(1e-9));
        Assert.That(prices.Cost(0, 0, 500_000_000, 0, 0), Is.EqualTo(1.5).Within(1e-12), "egress is per decimal GB");
        Assert.That(prices.Cost(0, 0, 0, 1, 0), Is.EqualTo(0.004).Within(1e-15));
    }
}
