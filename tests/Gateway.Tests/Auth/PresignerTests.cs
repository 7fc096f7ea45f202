using Gateway.Auth;
using Gateway.Errors;
using static Gateway.Tests.Auth.TestSigning;

namespace Gateway.Tests.Auth;

/// <summary>Presigner: the URLs the adapters hand out verify as the SDKs' do, and only for what they were made for.</summary>
[TestFixture]
internal sealed class PresignerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Url(string key = "dir/a b+c.bin", TimeSpan? expires = null, DateTimeOffset? at = null) =>
        Presigner.Presign("PUT", new Uri("http://127.0.0.1:9000"), "bkt", key, [("partNumber", "3"), ("uploadId", "u/1")],
            DocAccessKey, DocSecret, "us-east-1", at ?? Now, expires ?? TimeSpan.FromMinutes(15));

    private static AuthRequest Request(string url, string method = "PUT") => new(method, new Uri(url).PathAndQuery, HostOnly("127.0.0.1:9000"));

    [Test]
    public void APresignedUploadPartUrlVerifiesAndCarriesItsParameters()
    {
        var url = Url();
        Assert.That(url, Does.StartWith("http://127.0.0.1:9000/bkt/dir/a%20b%2Bc.bin?"));
        Assert.That(url, Does.Contain("partNumber=3").And.Contain("uploadId=u%2F1").And.Contain("X-Amz-Expires=900"));
        var result = Verifier(Now.AddMinutes(14)).Verify(Request(url));
        Assert.That((result.AccessKey, result.Presigned), Is.EqualTo((DocAccessKey, true)));
    }

    [Test]
    public void ItIsRefusedForAnotherMethodTargetOrAfterItsLifetime()
    {
        var url = Url();
        Fails(Verifier(Now), Request(url, "GET"), S3ErrorCode.SignatureDoesNotMatch);
        Fails(Verifier(Now), Request(url.Replace("partNumber=3", "partNumber=4", StringComparison.Ordinal)), S3ErrorCode.SignatureDoesNotMatch);
        Fails(Verifier(Now.AddMinutes(16)), Request(url), S3ErrorCode.AccessDenied);
    }

    [Test]
    public void AUrlSignedOnAClockAheadOfRealTimeIsValidOnThatClock()
    {
        // A virtual gateway clock two days ahead: the URL is signed and checked on it.
        var ahead = Now.AddDays(2);
        var verifier = new SignatureVerifier(new Store(), "us-east-1", TimeSpan.FromMinutes(15), () => Now, () => ahead);
        Assert.That(verifier.Verify(Request(Url(at: ahead))).Presigned, Is.True);
    }
}
