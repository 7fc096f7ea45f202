using System.Text;

namespace EndToEnd.Tests.Infrastructure;

/// <summary>
/// The raw client's signer against the published examples of the S3 API reference (examplebucket,
/// AKIAIOSFODNN7EXAMPLE, 2013-05-24), so the raw wire tests stand on a signer known to be right.
/// </summary>
[TestFixture]
public sealed class WireSignerTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string AmzDate = "20130524T000000Z";
    private static readonly string Scope = WireSigner.Scope("20130524", "us-east-1");
    private static readonly byte[] Key = WireSigner.SigningKey(Secret, "20130524", "us-east-1");

    private static string HeaderSignature(string method, string target, Dictionary<string, string> headers, string payload)
    {
        var q = target.IndexOf('?');
        var canonical = WireSigner.CanonicalRequest(method, q < 0 ? target : target[..q], q < 0 ? "" : target[(q + 1)..], headers, payload, out _);
        return WireSigner.Sign(Key, WireSigner.StringToSign(AmzDate, Scope, canonical));
    }

    [Test]
    public void GetObjectWithRange() => Assert.That(HeaderSignature("GET", "/test.txt", new()
    {
        ["Host"] = "examplebucket.s3.amazonaws.com",
        ["Range"] = "bytes=0-9",
        ["x-amz-content-sha256"] = WireSigner.EmptySha256,
        ["x-amz-date"] = AmzDate,
    }, WireSigner.EmptySha256), Is.EqualTo("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));

    [Test]
    public void PutObjectWithADollarInTheKey()
    {
        var payload = WireSigner.Sha256Hex(Encoding.UTF8.GetBytes("Welcome to Amazon S3."));
        Assert.That(HeaderSignature("PUT", "/test$file.text", new()
        {
            ["Date"] = "Fri, 24 May 2013 00:00:00 GMT",
            ["Host"] = "examplebucket.s3.amazonaws.com",
            ["x-amz-content-sha256"] = payload,
            ["x-amz-date"] = AmzDate,
            ["x-amz-storage-class"] = "REDUCED_REDUNDANCY",
        }, payload), Is.EqualTo("98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
    }

    [TestCase("/?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")]
    [TestCase("/?max-keys=2&prefix=J", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")]
    public void BucketRequests(string target, string signature) => Assert.That(HeaderSignature("GET", target, new()
    {
        ["Host"] = "examplebucket.s3.amazonaws.com",
        ["x-amz-content-sha256"] = WireSigner.EmptySha256,
        ["x-amz-date"] = AmzDate,
    }, WireSigner.EmptySha256), Is.EqualTo(signature));

    [Test]
    public void PresignedGet()
    {
        const string Query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host";
        var canonical = WireSigner.CanonicalRequest("GET", "/test.txt", Query, new Dictionary<string, string> { ["host"] = "examplebucket.s3.amazonaws.com" },
            WireSigner.UnsignedPayload, out _);
        Assert.That(WireSigner.Sign(Key, WireSigner.StringToSign(AmzDate, Scope, canonical)), Is.EqualTo("aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
    }

    [Test]
    public void ChunkedUploadSeedAndChunkSignatures()
    {
        var seed = HeaderSignature("PUT", "/examplebucket/chunkObject.txt", new()
        {
            ["Host"] = "s3.amazonaws.com",
            ["x-amz-date"] = AmzDate,
            ["x-amz-storage-class"] = "REDUCED_REDUNDANCY",
            ["x-amz-content-sha256"] = WireSigner.StreamingSigned,
            ["Content-Encoding"] = "aws-chunked",
            ["x-amz-decoded-content-length"] = "66560",
            ["Content-Length"] = "66824",
        }, WireSigner.StreamingSigned);
        Assert.That(seed, Is.EqualTo("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"));
        var first = WireSigner.ChunkSignature(Key, AmzDate, Scope, seed, Encoding.ASCII.GetBytes(new string('a', 65536)));
        Assert.That(first, Is.EqualTo("ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"));
        var second = WireSigner.ChunkSignature(Key, AmzDate, Scope, first, Encoding.ASCII.GetBytes(new string('a', 1024)));
        Assert.That(second, Is.EqualTo("0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"));
        Assert.That(WireSigner.ChunkSignature(Key, AmzDate, Scope, second, []), Is.EqualTo("b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"));
    }

    [TestCase("/b/a b", "/b/a%20b")]
    [TestCase("/b/a%20b", "/b/a%20b")]
    [TestCase("/b/€", "/b/%E2%82%AC")]
    [TestCase("/b/k~(1)", "/b/k~%281%29")]
    [TestCase("", "/")]
    public void CanonicalUriEncodesOnce(string raw, string canonical) => Assert.That(WireSigner.CanonicalUri(raw), Is.EqualTo(canonical));

    [Test]
    public void CanonicalQuerySortsAndEncodes() =>
        Assert.That(WireSigner.CanonicalQuery("prefix=a+b&delimiter=%2F&acl&b=2&b=1"), Is.EqualTo("acl=&b=1&b=2&delimiter=%2F&prefix=a%20b"));
}
