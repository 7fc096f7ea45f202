namespace EndToEnd.Tests;

/// <summary>
/// The JavaScript SDK v3 (tests/js, installed by tools/test.sh) with its default settings: the presigned PutObject and
/// UploadPart URLs a browser app makes with getSignedUrl, used with fetch, as AWS accepts them.
/// </summary>
public sealed class JavaScriptSdkTests
{
    [Test]
    public async Task Default_presigned_uploads_from_getSignedUrl_work_as_on_AWS()
    {
        var root = Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "js"));
        Assert.That(Directory.Exists(Path.Combine(root, "node_modules", "@aws-sdk", "client-s3")), Is.True,
            "the JS SDK is installed by tools/test.sh (npm ci in tests/js)");
        var node = Processes.Which("node");
        Assert.That(node, Is.Not.Null, "node is required");
        var r = await Processes.RunAsync(node!, [Path.Combine(root, "presigned-upload.mjs"), SharedGateway.Instance.Endpoint, Names.Bucket("js")],
            new Dictionary<string, string>());
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr + r.Stdout);
        Assert.That(r.Stdout, Does.Contain("js-presigned-ok"));
    }
}
