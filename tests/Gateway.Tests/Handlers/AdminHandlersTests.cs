using System.Text.Json;
using Gateway.Errors;

namespace Gateway.Tests.Handlers;

/// <summary>The admin API's handlers as values: JSON shaped from storage's usage service, and the access rules.</summary>
[TestFixture]
internal sealed class AdminHandlersTests
{
    private HandlerHarness _h = null!;

    [SetUp]
    public void SetUp()
    {
        _h = new HandlerHarness(o => o.Clock = "virtual");
        _h.Storage.Buckets.Create("bkt", HandlerHarness.Account);
    }

    [TearDown]
    public void TearDown() => _h.Dispose();

    private static JsonElement Json(Gateway.Http.S3Response r) => JsonDocument.Parse(r.BodyText).RootElement;

    [Test]
    public async Task UploadsListsEveryIncompleteUploadWithItsAge()
    {
        await _h.Send("POST", "/bkt/k?uploads", []);
        _h.Storage.VirtualClock!.Advance(TimeSpan.FromHours(2));
        var json = Json(await _h.Send("GET", "/_gateway/uploads"));
        var upload = json.GetProperty("uploads")[0];
        Assert.That((upload.GetProperty("key").GetString(), upload.GetProperty("ageSeconds").GetDouble()), Is.EqualTo(("k", 7200.0)));
        Assert.That(json.GetProperty("totals").GetProperty("uploads").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task AbortStaleAbortsOnlyWhatIsOldEnough()
    {
        await _h.Send("POST", "/bkt/old?uploads", []);
        _h.Storage.VirtualClock!.Advance(TimeSpan.FromDays(2));
        await _h.Send("POST", "/bkt/new?uploads", []);
        foreach (var flag in new[] { "dryRun=true", "dryRun=1", "dryRun" })
        {
            var dry = Json(await _h.Send("POST", "/_gateway/uploads/abort?olderThanSeconds=86400&" + flag));
            Assert.That((dry.GetProperty("dryRun").GetBoolean(), dry.GetProperty("count").GetInt32()), Is.EqualTo((true, 1)), flag);
        }

        foreach (var bad in new[] { "maybe", "ture", "TRUE", "yes", "2" })
        {
            var e = Assert.ThrowsAsync<S3Exception>(() => _h.Send("POST", "/_gateway/uploads/abort?olderThanSeconds=86400&dryRun=" + bad))!;
            Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidArgument), bad);
        }

        Assert.That(_h.Storage.Usage.Uploads(null, null, null), Has.Count.EqualTo(2), "neither a dry run nor a refused one aborts anything");
        var done = Json(await _h.Send("POST", "/_gateway/uploads/abort?olderThanSeconds=86400"));
        Assert.That(done.GetProperty("aborted")[0].GetProperty("key").GetString(), Is.EqualTo("old"));
        Assert.That(_h.Storage.Usage.Uploads(null, null, null).Select(u => u.Key), Is.EqualTo(new[] { "new" }));
    }

    [Test]
    public async Task ClockAdvanceIsForAdminsAndMovesTheVirtualClock()
    {
        var before = _h.Storage.Clock.UtcNow;
        var moved = Json(await _h.Send("POST", "/_gateway/clock/advance?seconds=60"));
        Assert.That(moved.GetProperty("mode").GetString(), Is.EqualTo("virtual"));
        Assert.That(_h.Storage.Clock.UtcNow - before, Is.EqualTo(TimeSpan.FromSeconds(60)));
        var denied = Assert.ThrowsAsync<S3Exception>(() => _h.Send("POST", "/_gateway/clock/advance?seconds=60", account: HandlerHarness.Other))!;
        Assert.That(denied.Code, Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => _h.Send("POST", "/_gateway/clock/advance?seconds=0"))!.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
    }

    [Test]
    public void AnAccountMayNotAskForAnothersUsage()
    {
        var e = Assert.ThrowsAsync<S3Exception>(() => _h.Send("GET", "/_gateway/usage?account=acct", account: HandlerHarness.Other))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.AccessDenied));
    }

    [Test]
    public void UnknownEndpointsAreNotFound()
    {
        var e = Assert.ThrowsAsync<S3Exception>(() => _h.Send("GET", "/_gateway/nothing"))!;
        Assert.That((e.Code, e.Message), Is.EqualTo((S3ErrorCode.NotFound, "No gateway endpoint GET /_gateway/nothing.")));
    }
}
