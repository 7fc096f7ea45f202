using Gateway.Adapters.Box;

namespace Gateway.Tests.Adapters;

/// <summary>Box's routes and part sizes.</summary>
[TestFixture]
internal sealed class BoxRoutesTests
{
    [TestCase("POST", "/api/2.0/files/upload_sessions", BoxOperation.CreateSession, null)]
    [TestCase("POST", "/api/2.0/files/upload_sessions/", BoxOperation.CreateSession, null)]
    [TestCase("GET", "/api/2.0/files/upload_sessions/ABC", BoxOperation.GetSession, "ABC")]
    [TestCase("PUT", "/api/2.0/files/upload_sessions/ABC", BoxOperation.UploadPart, "ABC")]
    [TestCase("DELETE", "/api/2.0/files/upload_sessions/ABC", BoxOperation.AbortSession, "ABC")]
    [TestCase("GET", "/api/2.0/files/upload_sessions/ABC/parts", BoxOperation.ListParts, "ABC")]
    [TestCase("POST", "/api/2.0/files/upload_sessions/ABC/commit", BoxOperation.Commit, "ABC")]
    [TestCase("GET", "/api/2.0/files/upload_sessions", BoxOperation.Unknown, null)]
    [TestCase("POST", "/api/2.0/files/upload_sessions/ABC", BoxOperation.Unknown, null)]
    [TestCase("GET", "/api/2.0/files/upload_sessions/ABC/parts/x", BoxOperation.Unknown, null)]
    [TestCase("POST", "/api/2.0/files/123/upload_sessions", BoxOperation.Unknown, null)]
    [TestCase("GET", "/api/2.0/folders/0", BoxOperation.Unknown, null)]
    public void Routes(string method, string path, BoxOperation operation, string? id) =>
        Assert.That(BoxRoutes.Route(method, path), Is.EqualTo((operation, id)));

    [TestCase(20_000_000, 8L << 20)]
    [TestCase(445_856_194, 8L << 20)]
    [TestCase(1L << 30, 32L << 20)]
    [TestCase(50_000_000_000, 32L << 20)]
    [TestCase(500_000_000_000, 64L << 20)]
    public void PartSizesMatchWhatBoxIsSeenToGive(long fileSize, long partSize)
    {
        var sessions = new BoxSessions(null!, new BoxOptions());
        Assert.That(sessions.PartSizeFor(fileSize), Is.EqualTo(partSize));
        Assert.That((fileSize + partSize - 1) / partSize, Is.LessThanOrEqualTo(10000));
    }
}
