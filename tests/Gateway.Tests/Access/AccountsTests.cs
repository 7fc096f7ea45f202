using Gateway.Access;

namespace Gateway.Tests.Access;

[TestFixture]
internal sealed class AccountsTests
{
    [Test]
    public void TheDefaultAccountTakesItsEmailAndDisplayNameFromSettings()
    {
        var accounts = new Accounts(new GatewayOptions { AccessKey = "root", SecretKey = "s", Email = "root@example.com", DisplayName = "Root" });
        var root = accounts.ByEmail("ROOT@example.com");
        Assert.That((root?.AccessKey, root?.DisplayName), Is.EqualTo(("root", "Root")), "emails are found in any case");
        Assert.That(new Accounts(new GatewayOptions { AccessKey = "root", SecretKey = "s" }).Of("root").DisplayName, Is.EqualTo("root"), "the access key by default");
    }
}
