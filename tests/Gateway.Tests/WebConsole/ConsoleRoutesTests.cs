using Gateway.WebConsole;

namespace Gateway.Tests.WebConsole;

/// <summary>The console's router: a pure function from method and path to page, tested against a table.</summary>
[TestFixture]
internal sealed class ConsoleRoutesTests
{
    [TestCase("GET", "", ConsolePage.Root, null, null)]
    [TestCase("GET", "/", ConsolePage.Root, null, null)]
    [TestCase("GET", "/console.css", ConsolePage.Style, null, null)]
    [TestCase("GET", "/sign-in", ConsolePage.SignIn, null, null)]
    [TestCase("POST", "/sign-in", ConsolePage.SignInSubmit, null, null)]
    [TestCase("POST", "/sign-out", ConsolePage.SignOut, null, null)]
    [TestCase("GET", "/sign-out", ConsolePage.NotFound, null, null)]
    [TestCase("GET", "/buckets", ConsolePage.Buckets, null, null)]
    [TestCase("POST", "/buckets", ConsolePage.CreateBucket, null, null)]
    [TestCase("GET", "/buckets/my%20b", ConsolePage.Objects, "my b", null)]
    [TestCase("POST", "/buckets/b/delete", ConsolePage.DeleteBucket, "b", null)]
    [TestCase("GET", "/buckets/b/delete", ConsolePage.NotFound, null, null)]
    [TestCase("GET", "/buckets/b/object", ConsolePage.ObjectDetails, "b", null)]
    [TestCase("GET", "/buckets/b/download", ConsolePage.Download, "b", null)]
    [TestCase("POST", "/buckets/b/delete-object", ConsolePage.DeleteObject, "b", null)]
    [TestCase("POST", "/buckets/b/upload", ConsolePage.Upload, "b", null)]
    [TestCase("GET", "/uploads", ConsolePage.Uploads, null, null)]
    [TestCase("POST", "/uploads/abort", ConsolePage.AbortUploads, null, null)]
    [TestCase("GET", "/uploads/abc", ConsolePage.PartMap, null, "abc")]
    [TestCase("GET", "/usage", ConsolePage.Usage, null, null)]
    [TestCase("GET", "/api/usage", ConsolePage.UsageSeries, null, null)]
    [TestCase("GET", "/clock", ConsolePage.Clock, null, null)]
    [TestCase("POST", "/clock/advance", ConsolePage.AdvanceClock, null, null)]
    [TestCase("GET", "/requests", ConsolePage.Requests, null, null)]
    [TestCase("GET", "/faults", ConsolePage.Faults, null, null)]
    [TestCase("POST", "/faults", ConsolePage.AddFault, null, null)]
    [TestCase("POST", "/faults/clear", ConsolePage.ClearFaults, null, null)]
    [TestCase("DELETE", "/buckets/b", ConsolePage.NotFound, null, null)]
    [TestCase("GET", "/nothing/here", ConsolePage.NotFound, null, null)]
    public void Routes(string method, string path, ConsolePage page, string? bucket, string? upload)
    {
        Assert.That(ConsoleRoutes.Match("POST", "/faults/f%201/remove"), Is.EqualTo(new ConsoleRoute(ConsolePage.RemoveFault, RuleId: "f 1")));
        var r = ConsoleRoutes.Match(method, path);
        Assert.That((r.Page, r.Bucket, r.UploadId), Is.EqualTo((page, bucket, upload)));
    }

    [Test]
    public void OnlyTheSignInFormAndTheStyleSheetAreServedWithoutASessionAndEveryPostIsAChangeButSigningIn()
    {
        var anonymous = Enum.GetValues<ConsolePage>().Where(p => new ConsoleRoute(p).Anonymous);
        Assert.That(anonymous, Is.EquivalentTo(new[] { ConsolePage.Style, ConsolePage.SignIn, ConsolePage.SignInSubmit }));
        var posts = new[] { "/sign-out", "/buckets", "/buckets/b/delete", "/buckets/b/delete-object", "/buckets/b/upload", "/uploads/abort", "/clock/advance", "/faults",
                "/faults/clear", "/faults/f1/remove" }
            .Select(p => ConsoleRoutes.Match("POST", p));
        Assert.That(posts.All(r => r.Change), Is.True, "every POST but the sign-in form's carries the anti-forgery token");
        Assert.That(ConsoleRoutes.Match("POST", "/sign-in").Change, Is.False);
    }
}
