using GatewayCtl;

namespace Gateway.Tests.GatewayCtl;

/// <summary>
/// The tool's own signer against the AWS examples in "Signature Calculations for the Authorization Header:
/// Transferring Payload in a Single Chunk" (S3 API reference): GET Object with a Range header and GET Bucket
/// (List Objects) with max-keys=2&amp;prefix=J, both on examplebucket.s3.amazonaws.com at 20130524T000000Z.
/// </summary>
[TestFixture]
public sealed class SigV4SignerTests
{
    private const string DocHost = "examplebucket.s3.amazonaws.com";
    private static readonly DateTimeOffset DocTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly SigV4Credentials DocCredentials = new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1");

    private static string Authorization(IReadOnlyList<KeyValuePair<string, string>> headers) =>
        headers.Single(h => h.Key == "Authorization").Value;

    [Test]
    public void AwsDocGetObjectWithRange()
    {
        var headers = SigV4Signer.Sign("GET", "/test.txt", [], DocHost, SigV4Signer.EmptySha256, DocTime, DocCredentials,
            [new("Range", "bytes=0-9")]);

        Assert.That(Authorization(headers), Is.EqualTo(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
        Assert.That(headers.Single(h => h.Key == "x-amz-date").Value, Is.EqualTo("20130524T000000Z"));
        Assert.That(headers.Single(h => h.Key == "x-amz-content-sha256").Value, Is.EqualTo(SigV4Signer.EmptySha256));
    }

    [Test]
    public void AwsDocGetObjectCanonicalRequestAndStringToSign()
    {
        var canonical = SigV4Signer.CanonicalRequest("GET", "/test.txt", [],
            [new("Host", DocHost), new("Range", "bytes=0-9"), new("x-amz-content-sha256", SigV4Signer.EmptySha256), new("x-amz-date", "20130524T000000Z")],
            SigV4Signer.EmptySha256, out var signed);

        Assert.That(canonical, Is.EqualTo(
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            + "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\n"
            + "host;range;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        Assert.That(signed, Is.EqualTo("host;range;x-amz-content-sha256;x-amz-date"));
        Assert.That(SigV4Signer.StringToSign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonical), Is.EqualTo(
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            + "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"));
    }

    [Test]
    public void AwsDocListObjectsWithQuery()
    {
        // Given out of order on purpose: the canonical query sorts by name.
        var headers = SigV4Signer.Sign("GET", "/", [new("prefix", "J"), new("max-keys", "2")], DocHost, SigV4Signer.EmptySha256,
            DocTime, DocCredentials);

        Assert.That(Authorization(headers), Is.EqualTo(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
            + "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
    }

    [TestCase("abc-._~XYZ019", "abc-._~XYZ019")]
    [TestCase("a b+c/d=e&f", "a%20b%2Bc%2Fd%3De%26f")]
    [TestCase("café*", "caf%C3%A9%2A")]
    public void UriEncodeKeepsOnlyUnreserved(string raw, string encoded) =>
        Assert.That(SigV4Signer.UriEncode(raw), Is.EqualTo(encoded));

    [Test]
    public void CanonicalQuerySortsEncodedNamesThenValues() =>
        Assert.That(SigV4Signer.CanonicalQuery([new("sort", "bytes"), new("bucket", "my bucket"), new("account", "a+b"), new("bucket", "a")]),
            Is.EqualTo("account=a%2Bb&bucket=a&bucket=my%20bucket&sort=bytes"));

    [Test]
    public void HeaderValuesAreTrimmedAndInnerSpacesCollapsed()
    {
        var canonical = SigV4Signer.CanonicalRequest("GET", "/", [], [new("Host", "h"), new("X-Amz-Meta-A", "  one   two ")],
            SigV4Signer.EmptySha256, out var signed);
        Assert.That(canonical, Does.Contain("\nx-amz-meta-a:one two\n"));
        Assert.That(signed, Is.EqualTo("host;x-amz-meta-a"));
    }
}
