using Gateway.Http;

namespace Gateway.Tests.Http;

/// <summary>LogRedaction: what of a request target may be logged.</summary>
[TestFixture]
internal sealed class LogRedactionTests
{
    [TestCase("/b/k", "/b/k")]
    [TestCase("/b/k?uploads", "/b/k?uploads")]
    [TestCase("/b/k?partNumber=1&uploadId=abc", "/b/k?partNumber=1&uploadId=abc")]
    [TestCase("/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261201%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261201T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=abcdef",
        "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Date=20261201T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=REDACTED")]
    [TestCase("/b/k?AWSAccessKeyId=AKID&Expires=1&Signature=c2ln%3D", "/b/k?AWSAccessKeyId=REDACTED&Expires=1&Signature=REDACTED")]
    [TestCase("/b/k?x-amz-signature=s&X-AMZ-SECURITY-TOKEN=t", "/b/k?x-amz-signature=REDACTED&X-AMZ-SECURITY-TOKEN=REDACTED")]
    [TestCase("/b/k?X%2DAmz%2DSignature=s", "/b/k?X%2DAmz%2DSignature=REDACTED")]
    [TestCase("/b/k?Signature", "/b/k?Signature=REDACTED")]
    public void SignaturesCredentialsAndTokensAreMasked(string target, string logged) => Assert.That(LogRedaction.Target(target), Is.EqualTo(logged));
}
