using Gateway.Admin;

namespace Gateway.Tests.Admin;

/// <summary>The table of the gateway's own endpoints: one row per operation, found by method and path as endpoint routing finds it.</summary>
[TestFixture]
internal sealed class AdminEndpointsTests
{
    [Test]
    public void EveryOperationButUnknownHasExactlyOneRow()
    {
        var named = AdminEndpoints.All.Select(e => e.Operation).ToList();
        Assert.That(named, Is.Unique);
        Assert.That(named.Append(AdminOperation.Unknown), Is.EquivalentTo(Enum.GetValues<AdminOperation>()));
        Assert.That(AdminEndpoints.All.Select(e => string.Join(",", e.Methods) + " " + e.Path), Is.Unique);
        Assert.That(AdminEndpoints.All.Where(e => e.Anonymous).Select(e => e.Operation), Is.EqualTo(new[] { AdminOperation.Health }), "only health answers unsigned callers");
    }

    [TestCase("GET", "/_gateway/health", AdminOperation.Health)]
    [TestCase("HEAD", "/_gateway/health", AdminOperation.Health)]
    [TestCase("GET", "/_gateway/usage", AdminOperation.Usage)]
    [TestCase("GET", "/_gateway/uploads", AdminOperation.Uploads)]
    [TestCase("POST", "/_gateway/uploads/abort", AdminOperation.AbortUploads)]
    [TestCase("GET", "/_gateway/clock", AdminOperation.Clock)]
    [TestCase("POST", "/_gateway/clock/advance", AdminOperation.ClockAdvance)]
    [TestCase("GET", "/_gateway/metrics", AdminOperation.Metrics)]
    [TestCase("GET", "/_gateway/access", AdminOperation.Access)]
    [TestCase("POST", "/_gateway/faults", AdminOperation.AddFaults)]
    [TestCase("GET", "/_gateway/faults", AdminOperation.ListFaults)]
    [TestCase("DELETE", "/_gateway/faults", AdminOperation.ClearFaults)]
    [TestCase("DELETE", "/_gateway/faults/f12", AdminOperation.RemoveFault)]
    [TestCase("GET", "/_gateway/faults/f12", AdminOperation.Unknown)]
    [TestCase("POST", "/_gateway/usage", AdminOperation.Unknown)]
    [TestCase("GET", "/_gateway/uploads/abort", AdminOperation.Unknown)]
    [TestCase("GET", "/_gateway/nothing", AdminOperation.Unknown)]
    [TestCase("DELETE", "/_gateway/clock", AdminOperation.Unknown)]
    public void FindPicksTheRowForMethodAndPath(string method, string path, AdminOperation expected) =>
        Assert.That(AdminEndpoints.Find(method, path).Operation, Is.EqualTo(expected));
}
