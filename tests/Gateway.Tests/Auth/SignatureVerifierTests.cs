using Gateway.Auth;
using Gateway.Errors;
using static Gateway.Tests.Auth.TestSigning;

namespace Gateway.Tests.Auth;

[TestFixture]
public sealed class SignatureVerifierTests
{
    private static readonly DateTimeOffset Now = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static AuthRequest Replace(AuthRequest request, string name, string? value)
    {
        var headers = request.Headers.Where(h => !string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (value != null)
        {
            headers.Add(new(name, value));
        }

        return request with { Headers = headers };
    }

    [Test]
    public void SignedRequestVerifies()
    {
        var result = Verifier(Now).Verify(SignHeader("GET", "/bucket/a%20b?x=1&y", Now));
        Assert.That(result.AccessKey, Is.EqualTo(DocAccessKey));
    }

    [Test]
    public void NoAuthIsAnonymous()
    {
        var result = Verifier(Now).Verify(new AuthRequest("GET", "/bucket/key", HostOnly()));
        Assert.That((result.Anonymous, result.AccessKey, result.Payload), Is.EqualTo((true, "", PayloadMode.Unsigned)));
    }

    [Test]
    public void AnAnonymousBodyMayDeclareItsHashButNotASignedStream()
    {
        var hash = new string('a', 64);
        var declared = Verifier(Now).Verify(new AuthRequest("PUT", "/bucket/key", [.. HostOnly(), new("x-amz-content-sha256", hash.ToUpperInvariant())]));
        Assert.That((declared.Anonymous, declared.Payload, declared.PayloadSha256Hex), Is.EqualTo((true, PayloadMode.SignedHex, hash)));
        Fails(Verifier(Now), new AuthRequest("PUT", "/bucket/key", [.. HostOnly(), new("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")]), S3ErrorCode.AccessDenied);
    }

    [TestCase("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240301/us-east-1/s3/aws4_request")]
    [TestCase("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240301/us-east-1/s3, SignedHeaders=host, Signature=00")]
    [TestCase("Bearer abc")]
    public void MalformedAuthorization(string authorization)
    {
        var request = Replace(SignHeader("GET", "/b/k", Now), "Authorization", authorization);
        Fails(Verifier(Now), request, S3ErrorCode.AuthorizationHeaderMalformed);
    }

    [Test]
    public void SigV2TurnedOffIsInvalidRequest()
    {
        // SigV2 is on by default (SignatureVerifierV2Tests); Gateway:SigV2=false refuses it.
        var request = Replace(SignHeader("GET", "/b/k", Now), "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:abc=");
        Fails(new SignatureVerifier(new StoreForV2(), "us-east-1", TimeSpan.FromMinutes(15), () => Now, sigV2: false), request, S3ErrorCode.InvalidRequest);
    }

    private sealed class StoreForV2 : ICredentialStore
    {
        public string? FindSecret(string accessKey) => accessKey == TestSigning.DocAccessKey ? TestSigning.DocSecret : null;
    }

    [Test]
    public void WrongRegionNamesTheExpectedOne()
    {
        var e = Fails(Verifier(Now), SignHeader("GET", "/b/k", Now, region: "eu-west-1"), S3ErrorCode.AuthorizationHeaderMalformed);
        Assert.That(e.Message, Is.EqualTo("The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'"));
        Assert.That(Extra(e, "Region"), Is.EqualTo("us-east-1"));
    }

    [TestCase("s4/aws4_request", "incorrect service 's4'")]
    [TestCase("s3/aws4_reques", "incorrect terminal 'aws4_reques'")]
    public void WrongServiceOrTerminator(string tail, string fragment)
    {
        var request = SignHeader("GET", "/b/k", Now);
        var auth = request.Headers.Single(h => h.Key == "Authorization").Value.Replace("s3/aws4_request", tail, StringComparison.Ordinal);
        var e = Fails(Verifier(Now), Replace(request, "Authorization", auth), S3ErrorCode.AuthorizationHeaderMalformed);
        Assert.That(e.Message, Does.Contain(fragment));
    }

    [Test]
    public void UnknownKey()
    {
        var e = Fails(Verifier(Now), SignHeader("GET", "/b/k", Now, accessKey: "NOPE"), S3ErrorCode.InvalidAccessKeyId);
        Assert.That(Extra(e, "AWSAccessKeyId"), Is.EqualTo("NOPE"));
    }

    [Test]
    public void WrongSecretReportsWhatWasSigned()
    {
        var e = Fails(Verifier(Now), SignHeader("GET", "/b/k", Now, secret: "wrong"), S3ErrorCode.SignatureDoesNotMatch);
        Assert.That(Extra(e, "AWSAccessKeyId"), Is.EqualTo(DocAccessKey));
        Assert.That(Extra(e, "StringToSign"), Does.StartWith("AWS4-HMAC-SHA256\n20240301T120000Z\n20240301/us-east-1/s3/aws4_request\n"));
        Assert.That(Extra(e, "StringToSignBytes"), Does.StartWith("41 57 53 34 2d"));
        Assert.That(Extra(e, "CanonicalRequest"), Does.StartWith("GET\n/b/k\n\nhost:localhost:9000\n"));
        Assert.That(Extra(e, "CanonicalRequestBytes"), Does.StartWith("47 45 54 0a"));
        Assert.That(Extra(e, "SignatureProvided"), Has.Length.EqualTo(64));
    }

    [Test]
    public void TamperedPathOrHeaderFails()
    {
        var request = SignHeader("GET", "/b/k", Now, extraHeaders: [new("x-amz-meta-a", "1")]);
        Fails(Verifier(Now), request with { RawTarget = "/b/other" }, S3ErrorCode.SignatureDoesNotMatch);
        Fails(Verifier(Now), Replace(request, "x-amz-meta-a", "2"), S3ErrorCode.SignatureDoesNotMatch);
    }

    [Test]
    public void RawPathFallbackAcceptsAClientThatSignedItsOwnEscaping()
    {
        // A client that signs the path exactly as it sends it, with a lowercase escape S3's canonical form would not produce.
        var signed = SignHeader("GET", "/b/k", Now);
        var auth = signed.Headers.Single(h => h.Key == "Authorization").Value;
        var headers = signed.Headers.Where(h => h.Key != "Authorization").ToList();
        var canonical = SigV4.CanonicalRequest("GET", "/b/a%2bb", "", SigV4.CanonicalHeaders(headers, ["host", "x-amz-content-sha256", "x-amz-date"]),
            "host;x-amz-content-sha256;x-amz-date", SigV4.EmptySha256);
        var key = SigV4.DeriveSigningKey(DocSecret, "20240301", "us-east-1", "s3");
        var sig = SigV4.Sign(key, SigV4.StringToSign("20240301T120000Z", "20240301/us-east-1/s3/aws4_request", canonical));
        headers.Add(new("Authorization", auth[..auth.IndexOf("Signature=", StringComparison.Ordinal)] + "Signature=" + sig));
        Assert.DoesNotThrow(() => Verifier(Now).Verify(new AuthRequest("GET", "/b/a%2bb", headers)));
    }

    [Test]
    public void UnsignedAmzHeaderIsRejected()
    {
        var request = SignHeader("PUT", "/b/k", Now);
        var e = Fails(Verifier(Now), request with { Headers = [.. request.Headers, new("x-amz-copy-source", "/b/secret")] }, S3ErrorCode.AccessDenied);
        Assert.That(Extra(e, "HeadersNotSigned"), Is.EqualTo("x-amz-copy-source"));
    }

    [TestCase(16, true)]
    [TestCase(-16, true)]
    [TestCase(14, false)]
    [TestCase(-14, false)]
    public void ClockSkew(int minutes, bool rejected)
    {
        var request = SignHeader("GET", "/b/k", Now.AddMinutes(minutes));
        if (!rejected)
        {
            Assert.DoesNotThrow(() => Verifier(Now).Verify(request));
            return;
        }

        var e = Fails(Verifier(Now), request, S3ErrorCode.RequestTimeTooSkewed);
        Assert.That(Extra(e, "ServerTime"), Is.EqualTo("2024-03-01T12:00:00Z"));
        Assert.That(Extra(e, "MaxAllowedSkewMilliseconds"), Is.EqualTo("900000"));
        Assert.That(Extra(e, "RequestTime"), Is.Not.Null);
    }

    [Test]
    public void MissingContentSha256IsInvalidRequest()
    {
        var e = Fails(Verifier(Now), Replace(SignHeader("GET", "/b/k", Now), "x-amz-content-sha256", null), S3ErrorCode.InvalidRequest);
        Assert.That(e.Message, Is.EqualTo("Missing required header for this request: x-amz-content-sha256"));
    }

    [TestCase("STREAMING-NONSENSE")]
    [TestCase("abc")]
    public void UnknownContentSha256IsInvalidArgument(string value) =>
        Fails(Verifier(Now), SignHeader("PUT", "/b/k", Now, payloadHash: value), S3ErrorCode.InvalidArgument);

    [TestCase(SigV4.UnsignedPayload, (int)PayloadMode.Unsigned)]
    [TestCase(SigV4.StreamingSignedPayload, (int)PayloadMode.StreamingSigned)]
    [TestCase(SigV4.StreamingSignedPayloadTrailer, (int)PayloadMode.StreamingSignedTrailer)]
    [TestCase(SigV4.StreamingUnsignedPayloadTrailer, (int)PayloadMode.StreamingUnsignedTrailer)]
    public void PayloadModes(string value, int modeValue)
    {
        var mode = (PayloadMode)modeValue;
        var result = Verifier(Now).Verify(SignHeader("PUT", "/b/k", Now, payloadHash: value));
        Assert.That(result.Payload, Is.EqualTo(mode));
        Assert.That(result.Chunk != null, Is.EqualTo(mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer));
    }

    [Test]
    public void HostMustBeSigned()
    {
        var request = SignHeader("GET", "/b/k", Now);
        var auth = request.Headers.Single(h => h.Key == "Authorization").Value.Replace("SignedHeaders=host;", "SignedHeaders=", StringComparison.Ordinal);
        Fails(Verifier(Now), Replace(request, "Authorization", auth), S3ErrorCode.AuthorizationHeaderMalformed);
    }

    [TestCase("Fri, 01 Mar 2024 12:00:00 GMT")]
    [TestCase("Fri, 01 Mar 2024 12:00:00 -0000")]
    [TestCase("Fri, 01 Mar 2024 12:00:00 +0000")]
    [TestCase("Fri, 01 Mar 2024 13:00:00 +0100")]
    public void WithoutXAmzDateTheDateHeaderInAnyHttpFormIsTheSigningTime(string date)
    {
        var request = SignHeader("PUT", "/bucket/key", Now, dateHeader: date);
        Assert.That(Verifier(Now).Verify(request).AccessKey, Is.EqualTo(DocAccessKey));
    }

    [Test]
    public void AnUnreadableDateHeaderIsAccessDenied() =>
        Fails(Verifier(Now), SignHeader("PUT", "/bucket/key", Now, dateHeader: "yesterday"), S3ErrorCode.AccessDenied);

    [Test]
    public void PresignedVerifies()
    {
        var target = Presign("GET", "/bucket/some%20key?versionId=3", Now, 3600);
        var result = Verifier(Now.AddMinutes(59)).Verify(new AuthRequest("GET", target, HostOnly()));
        Assert.That(result, Is.EqualTo(new AuthResult(DocAccessKey, PayloadMode.Unsigned, null, null, true)));
    }

    [Test]
    public void PresignedExpired()
    {
        var target = Presign("GET", "/bucket/key", Now, 3600);
        var e = Fails(Verifier(Now.AddSeconds(3601)), new AuthRequest("GET", target, HostOnly()), S3ErrorCode.AccessDenied);
        Assert.That(e.Message, Is.EqualTo("Request has expired"));
        Assert.That(Extra(e, "X-Amz-Expires"), Is.EqualTo("3600"));
        Assert.That(Extra(e, "Expires"), Is.EqualTo("2024-03-01T13:00:00Z"));
        Assert.That(Extra(e, "ServerTime"), Is.EqualTo("2024-03-01T13:00:01Z"));
    }

    [Test]
    public void PresignedExpiresBeyondAWeekIsAQueryError() =>
        Fails(Verifier(Now), new AuthRequest("GET", Presign("GET", "/b/k", Now, 604801), HostOnly()), S3ErrorCode.AuthorizationQueryParametersError);

    [TestCase(0)]
    [TestCase(-5)]
    [TestCase(-1000)]
    [TestCase(long.MinValue)]
    public void PresignedToLiveNoSecondsIsExpired(long seconds)
    {
        var e = Fails(Verifier(Now), new AuthRequest("PUT", Presign("PUT", "/b/k", Now, seconds), HostOnly()), S3ErrorCode.AccessDenied);
        Assert.That(e.Message, Is.EqualTo("Request has expired"));
    }

    [Test]
    public void PresignedSevenDaysIsAllowed() =>
        Assert.DoesNotThrow(() => Verifier(Now.AddDays(6)).Verify(new AuthRequest("GET", Presign("GET", "/b/k", Now, 604800), HostOnly())));

    [TestCase("X-Amz-Date")]
    [TestCase("X-Amz-Expires")]
    [TestCase("X-Amz-SignedHeaders")]
    [TestCase("X-Amz-Credential")]
    public void PresignedMissingParameter(string name)
    {
        var target = Presign("GET", "/b/k", Now, 60);
        var parts = target.Split('?');
        var query = string.Join('&', parts[1].Split('&').Where(p => !p.StartsWith(name + "=", StringComparison.Ordinal)));
        Fails(Verifier(Now), new AuthRequest("GET", parts[0] + "?" + query, HostOnly()), S3ErrorCode.AuthorizationQueryParametersError);
    }

    [Test]
    public void PresignedWrongRegion()
    {
        var e = Fails(Verifier(Now), new AuthRequest("GET", Presign("GET", "/b/k", Now, 60, region: "eu-west-1"), HostOnly()),
            S3ErrorCode.AuthorizationQueryParametersError);
        Assert.That(e.Message, Is.EqualTo("Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; expecting 'us-east-1'"));
    }

    [Test]
    public void PresignedTamperedAndUnknownKey()
    {
        var target = Presign("GET", "/b/k", Now, 60);
        Fails(Verifier(Now), new AuthRequest("GET", target.Replace("/b/k", "/b/x", StringComparison.Ordinal), HostOnly()), S3ErrorCode.SignatureDoesNotMatch);
        Fails(Verifier(Now), new AuthRequest("GET", Presign("GET", "/b/k", Now, 60, accessKey: "NOPE"), HostOnly()), S3ErrorCode.InvalidAccessKeyId);
    }

    [Test]
    public void HeaderAndQueryAuthTogetherIsRejected()
    {
        var request = SignHeader("GET", Presign("GET", "/b/k", Now, 60), Now);
        Fails(Verifier(Now), request, S3ErrorCode.InvalidArgument);
    }

    [Test]
    public void CanonicalFormsFollowTheSpec()
    {
        Assert.That(SigV4.CanonicalUri("/b/a%20b/c+d/~e$f"), Is.EqualTo("/b/a%20b/c%2Bd/~e%24f"));
        Assert.That(SigV4.CanonicalQuery("b=2&a=&c&a=1&d=x+y", plusIsSpace: true), Is.EqualTo("a=&a=1&b=2&c=&d=x%20y"));
        Assert.That(SigV4.CanonicalQuery("X-Amz-Signature=abc&z=%7e", plusIsSpace: true, "X-Amz-Signature"), Is.EqualTo("z=~"));
        Assert.That(SigV4.CanonicalHeaders([new("Host", "h"), new("X-A", "  a   b  "), new("x-a", "c")], ["host", "x-a"]), Is.EqualTo("host:h\nx-a:a b,c\n"));
    }
}
