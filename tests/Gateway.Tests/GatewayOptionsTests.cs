using Microsoft.Extensions.Configuration;

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
        var b = new BillingOptions
        {
            Currency = "EUR",
            StorageGbMonth = 1,
            SegmentMonth = 2,
            EgressGb = 3,
            WriteRequestsPer1000 = 4,
            ReadRequestsPer1000 = 5,
            HoursPerMonth = 6,
            Directory = new DirectoryBillingOptions { StorageGbMonth = 7, WriteRequestsPer1000 = 8, ReadRequestsPer1000 = 9 },
        };
        Assert.That(b.Prices(), Is.EqualTo(new Storage.Usage.PriceTable("EUR", 1, 2, 3, 4, 5, 6) { Directory = new("EUR", 7, 2, 3, 8, 9, 6) }),
            "directory buckets' row has its own storage and request prices, the rest from the general one");
        Assert.That(new BillingOptions().Prices() with { Directory = null }, Is.EqualTo(new Storage.Usage.PriceTable()), "the settings' defaults are the price table's");
        Assert.That(new BillingOptions().Prices().Directory, Is.EqualTo(new Storage.Usage.PriceTable(StorageGbMonth: 0.08, WriteRequestsPer1000: 0.0012, ReadRequestsPer1000: 0.00004)));
    }

    private static IEnumerable<KeyValuePair<string, string?>> Settings(params (string Key, string Value)[] settings) =>
        settings.Select(s => new KeyValuePair<string, string?>("Gateway:" + s.Key, s.Value));

    private static GatewayOptions Load(params (string Key, string Value)[] settings) =>
        GatewayOptions.Load(new ConfigurationBuilder().AddInMemoryCollection(Settings(settings)).Build());

    [Test]
    public void AListIsTakenWholeFromTheHighestPrioritySourceThatSetsIt()
    {
        var o = GatewayOptions.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(Settings(("Cors:AllowedMethods:0", "PUT"), ("Cors:AllowedMethods:1", "POST"), ("Credentials:0:AccessKey", "a"), ("Credentials:0:SecretKey", "b"), ("Credentials:1:AccessKey", "c"), ("Credentials:1:SecretKey", "d")))
            .AddInMemoryCollection(Settings(("Cors:AllowedMethods:0", "GET"), ("Credentials:0:AccessKey", "x")))
            .Build());
        Assert.That(o.Cors.AllowedMethods, Is.EqualTo(new[] { "GET" }), "index 1 of the lower source is not merged in");
        Assert.That(o.Credentials.Select(c => (c.AccessKey, c.SecretKey)), Is.EqualTo(new[] { ("x", "") }));
    }

    [Test]
    public void AConfiguredListReplacesItsDefaultAtAnyDepth()
    {
        var o = Load(("VirtualHostDomains:0", "s3.test"), ("Cors:AllowedMethods:0", "GET"), ("Admins:0", "ops"), ("Credentials:0:AccessKey", "a"), ("Credentials:0:SecretKey", "b"));
        Assert.That(o.VirtualHostDomains, Is.EqualTo(new[] { "s3.test" }));
        Assert.That(o.Cors.AllowedMethods, Is.EqualTo(new[] { "GET" }));
        Assert.That(o.Admins, Is.EqualTo(new[] { "ops" }));
        Assert.That(o.Credentials.Select(c => (c.AccessKey, c.SecretKey)), Is.EqualTo(new[] { ("a", "b") }));
    }

    [Test]
    public void AListTheConfigurationLeavesAloneKeepsItsDefault()
    {
        var o = Load(("Region", "eu-west-1"), ("Cors:MaxAgeSeconds", "5"));
        Assert.That(o.Region, Is.EqualTo("eu-west-1"));
        Assert.That(o.VirtualHostDomains, Is.EqualTo(new GatewayOptions().VirtualHostDomains));
        Assert.That(o.Cors.AllowedMethods, Is.EqualTo(new CorsOptions().AllowedMethods));
        Assert.That(o.Cors.ExposeHeaders, Is.EqualTo(new CorsOptions().ExposeHeaders));
    }

    [Test]
    public void TheShippedAppsettingsBindToTheEmbeddedDefaults()
    {
        // appsettings.json repeats the defaults; binding it must not double any list.
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "..", "appsettings.json");
        var o = GatewayOptions.Load(new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path)).Build());
        var d = new GatewayOptions();
        Assert.That(o.VirtualHostDomains, Is.EqualTo(d.VirtualHostDomains));
        Assert.That(o.Cors.AllowedMethods, Is.EqualTo(d.Cors.AllowedMethods));
        Assert.That(o.Credentials, Is.Empty);
        Assert.That(o.Admins, Is.Empty);
    }

    [Test]
    public void EveryListSettingIsInTheTableThatReplacesDefaults()
    {
        // Reflection here, in the test, so the gateway needs none: every List<> property reachable from the options
        // through the gateway's own option classes must be a row of ListSettings, or a configured list would be
        // appended to its default instead of replacing it.
        var found = new List<string>();
        void Walk(Type type, string path)
        {
            foreach (var p in type.GetProperties().Where(p => p.CanWrite))
            {
                var key = path.Length == 0 ? p.Name : path + ":" + p.Name;
                if (p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(List<>))
                {
                    found.Add(key);
                }
                else if (p.PropertyType.IsClass && p.PropertyType != typeof(string) && (p.PropertyType.Namespace ?? "").StartsWith("Gateway", StringComparison.Ordinal))
                {
                    Walk(p.PropertyType, key);
                }
            }
        }

        Walk(typeof(GatewayOptions), "");

        Assert.That(found, Has.Count.GreaterThan(10));
        Assert.That(GatewayOptions.ListSettings.Select(l => l.Path), Is.EquivalentTo(found));
    }

    [Test]
    public void AConfiguredAdapterTokenListReplacesItsDefaultToken()
    {
        var tokens = GatewayOptions.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Adapters:Box:Tokens:0:Token"] = "mine",
        }).Build());
        Assert.That(tokens.Adapters.Box.Tokens.Select(t => t.Token), Is.EqualTo(new[] { "mine" }), "the default token is replaced, not kept beside");
        Assert.That(tokens.Adapters.Veza.Tokens.Select(t => t.Token), Is.EqualTo(new[] { "test" }), "another adapter keeps its default");
    }
}
