namespace Gateway.Tests;

/// <summary>GatewayOptions: who is an admin, and the price table the billing settings make.</summary>
[TestFixture]
internal sealed class GatewayOptionsTests
{
    [Test]
    public void WithoutAdminsOnlyTheDefaultAccessKeyIsAdmin()
    {
        var o = new GatewayOptions { AccessKey = "root" };
        o.Credentials.Add(new CredentialOptions { AccessKey = "alice", SecretKey = "s" });
        Assert.That((o.IsAdmin("root"), o.IsAdmin("alice"), o.IsAdmin(""), o.IsAdmin("ROOT")), Is.EqualTo((true, false, false, false)));
    }

    [Test]
    public void AnExplicitAdminListReplacesTheDefault()
    {
        var o = new GatewayOptions { AccessKey = "root", Admins = ["alice", "ops"] };
        Assert.That((o.IsAdmin("alice"), o.IsAdmin("ops"), o.IsAdmin("root"), o.IsAdmin("bob")), Is.EqualTo((true, true, false, false)));
    }

    [Test]
    public void BillingSettingsBecomeThePriceTable()
    {
        var b = new BillingOptions { Currency = "EUR", StorageGbMonth = 1, SegmentMonth = 2, EgressGb = 3, WriteRequestsPer1000 = 4, ReadRequestsPer1000 = 5, HoursPerMonth = 6 };
        Assert.That(b.Prices(), Is.EqualTo(new Storage.Usage.PriceTable("EUR", 1, 2, 3, 4, 5, 6)));
        Assert.That(new BillingOptions().Prices(), Is.EqualTo(new Storage.Usage.PriceTable()), "the settings' defaults are the price table's");
    }
}
