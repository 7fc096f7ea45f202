using Gateway.Pipeline;

namespace Gateway.Tests.Pipeline;

/// <summary>What the request log keeps of a refused signature: the canonical request with every secret value replaced.</summary>
[TestFixture]
internal sealed class RefusedSignatureTests
{
    [Test]
    public void SecretHeadersAndQueryParametersAreRedactedAndEverythingElseKept()
    {
        var canonical = string.Join('\n',
            "PUT",
            "/b/k",
            "X-Amz-Credential=AK%2F20261206%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-S3session-Token=tok&X-Amz-Security-Token=sts&partNumber=1",
            "host:127.0.0.1:9000",
            "x-amz-copy-source-server-side-encryption-customer-key:c2VjcmV0Mg==",
            "x-amz-date:20261206T120000Z",
            "x-amz-s3session-token:session-secret",
            "x-amz-security-token:sts-secret",
            "x-amz-server-side-encryption-customer-key:c2VjcmV0",
            "x-amz-server-side-encryption-customer-key-md5:bWQ1",
            "",
            "host;x-amz-date",
            "UNSIGNED-PAYLOAD");
        var redacted = RefusedSignature.Redact(canonical).Split('\n');
        Assert.That(redacted, Is.EqualTo(new[]
        {
            "PUT",
            "/b/k",
            "X-Amz-Credential=AK%2F20261206%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-S3session-Token=REDACTED&X-Amz-Security-Token=REDACTED&partNumber=1",
            "host:127.0.0.1:9000",
            "x-amz-copy-source-server-side-encryption-customer-key:REDACTED",
            "x-amz-date:20261206T120000Z",
            "x-amz-s3session-token:REDACTED",
            "x-amz-security-token:REDACTED",
            "x-amz-server-side-encryption-customer-key:REDACTED",
            "x-amz-server-side-encryption-customer-key-md5:bWQ1",
            "",
            "host;x-amz-date",
            "UNSIGNED-PAYLOAD",
        }));
    }
}
