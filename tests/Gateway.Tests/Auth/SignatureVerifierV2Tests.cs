using Gateway.Auth;
using Gateway.Errors;

namespace Gateway.Tests.Auth;

/// <summary>
/// Signature Version 2 against the examples of "Signing and Authenticating REST Requests" in the S3 developer guide
/// (bucket johnsmith, AKIAIOSFODNN7EXAMPLE, March 2007), and S3's errors for bad V2 requests.
/// </summary>
[TestFixture]
internal sealed class SignatureVerifierV2Tests
{
    private static readonly DateTimeOffset DocTime = new(2007, 3, 27, 19, 36, 42, TimeSpan.Zero);

    private static SignatureVerifier Verifier(DateTimeOffset now, bool sigV2 = true) =>
        new(new Store(), "us-east-1", TimeSpan.FromMinutes(15), () => now, sigV2: sigV2);

    private static AuthRequest Request(string method, string target, string? bucket, params (string, string)[] headers) =>
        new(method, target, headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2)).ToList(), bucket);

    private static string Auth(string signature) => "AWS AKIAIOSFODNN7EXAMPLE:" + signature;

    [Test]
    public void ObjectGet() => Assert.That(Verifier(DocTime).Verify(Request("GET", "/photos/puppy.jpg", "johnsmith",
            ("Host", "johnsmith.s3.amazonaws.com"), ("Date", "Tue, 27 Mar 2007 19:36:42 +0000"), ("Authorization", Auth("bWq2s1WEIj+Ydj0vQ697zp+IXMU=")))),
        Is.EqualTo(new AuthResult("AKIAIOSFODNN7EXAMPLE", PayloadMode.Unsigned, null, null, false, 2)));

    [Test]
    public void ObjectPut() => Assert.DoesNotThrow(() => Verifier(new DateTimeOffset(2007, 3, 27, 21, 15, 45, TimeSpan.Zero)).Verify(Request("PUT", "/photos/puppy.jpg", "johnsmith",
        ("Content-Type", "image/jpeg"), ("Content-Length", "94328"), ("Host", "johnsmith.s3.amazonaws.com"),
        ("Date", "Tue, 27 Mar 2007 21:15:45 +0000"), ("Authorization", Auth("MyyxeRY7whkBe+bq8fHCL/2kKUg=")))));

    [Test]
    public void ListIgnoresParametersThatAreNotSubresources() => Assert.DoesNotThrow(() => Verifier(DocTime).Verify(Request("GET", "/?prefix=photos&max-keys=50&marker=puppy", "johnsmith",
        ("User-Agent", "Mozilla/5.0"), ("Host", "johnsmith.s3.amazonaws.com"), ("Date", "Tue, 27 Mar 2007 19:42:41 +0000"),
        ("Authorization", Auth("htDYFYduRNen8P9ZfE/s9SuKy0U=")))));

    [Test]
    public void FetchAclIncludesTheSubresource() => Assert.DoesNotThrow(() => Verifier(DocTime).Verify(Request("GET", "/?acl", "johnsmith",
        ("Host", "johnsmith.s3.amazonaws.com"), ("Date", "Tue, 27 Mar 2007 19:44:46 +0000"), ("Authorization", Auth("c2WLPFtWHVgbEmeEG93a4cG37dM=")))));

    [Test]
    public void DeleteWithXAmzDateSignsAnEmptyDateLine() => Assert.DoesNotThrow(() => Verifier(new DateTimeOffset(2007, 3, 27, 21, 20, 26, TimeSpan.Zero)).Verify(Request("DELETE", "/johnsmith/photos/puppy.jpg", null,
        ("User-Agent", "dotnet"), ("Host", "s3.amazonaws.com"), ("Date", "Tue, 27 Mar 2007 21:20:27 +0000"), ("x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000"),
        ("Authorization", Auth("R4dJ53KECjStyBO5iTBJZ4XVOaI=")))));

    [Test]
    public void UploadWithMetadataJoinsRepeatedHeadersAndLowercasesNames() => Assert.DoesNotThrow(() => Verifier(new DateTimeOffset(2007, 3, 27, 21, 6, 8, TimeSpan.Zero)).Verify(Request("PUT", "/db-backup.dat.gz", "static.johnsmith.net",
        ("User-Agent", "curl/7.15.5"), ("Host", "static.johnsmith.net:8080"), ("Date", "Tue, 27 Mar 2007 21:06:08 +0000"),
        ("x-amz-acl", "public-read"), ("content-type", "application/x-download"), ("Content-MD5", "4gJE4saaMU4BqNR0kLY+lw=="),
        ("X-Amz-Meta-ReviewedBy", "joe@johnsmith.net"), ("X-Amz-Meta-ReviewedBy", "jane@johnsmith.net"), ("X-Amz-Meta-FileChecksum", "0x02661779"),
        ("X-Amz-Meta-ChecksumAlgorithm", "crc32"), ("Content-Disposition", "attachment; filename=database.dat"), ("Content-Encoding", "gzip"),
        ("Content-Length", "5913339"), ("Authorization", Auth("ilyl83RwaSoYIEdixDQcA4OnAnc=")))));

    [Test]
    public void PresignedQuery()
    {
        var result = Verifier(DateTimeOffset.FromUnixTimeSeconds(1175139000)).Verify(Request("GET",
            "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620", "johnsmith",
            ("Host", "johnsmith.s3.amazonaws.com")));
        Assert.That((result.Presigned, result.SignatureVersion), Is.EqualTo((true, 2)));
    }

    [TestCase(1175139621)]
    [TestCase(1175139620)]
    public void AnExpiredPresignedQueryIsAccessDenied(long now)
    {
        var e = TestSigning.Fails(Verifier(DateTimeOffset.FromUnixTimeSeconds(now)), Request("GET",
            "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620", "johnsmith"),
            S3ErrorCode.AccessDenied);
        Assert.That(e.Message, Is.EqualTo("Request has expired"));
    }

    [Test]
    public void AWrongSignatureShowsTheStringToSign()
    {
        var e = TestSigning.Fails(Verifier(DocTime), Request("GET", "/photos/puppy.jpg", "johnsmith",
            ("Date", "Tue, 27 Mar 2007 19:36:42 +0000"), ("Authorization", Auth("AAAAAAAAAAAAAAAAAAAAAAAAAAA="))), S3ErrorCode.SignatureDoesNotMatch);
        Assert.That(TestSigning.Extra(e, "StringToSign"), Is.EqualTo("GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg"));
    }

    [TestCase("Bad Date", S3ErrorCode.AccessDenied)]
    [TestCase("", S3ErrorCode.AccessDenied)]
    [TestCase("Tue, 07 Jul 1950 21:53:04 GMT", S3ErrorCode.AccessDenied)]
    [TestCase("Tue, 07 Jul 2010 21:53:04 GMT", S3ErrorCode.RequestTimeTooSkewed)]
    [TestCase("Tue, 07 Jul 9999 21:53:04 GMT", S3ErrorCode.RequestTimeTooSkewed)]
    public void BadDatesAreRefusedBeforeTheSignature(string amzDate, S3ErrorCode code) =>
        TestSigning.Fails(Verifier(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)), Request("PUT", "/b/k", null,
            ("Date", "Tue, 01 Dec 2026 00:00:00 GMT"), ("x-amz-date", amzDate), ("Authorization", Auth("AAAAAAAAAAAAAAAAAAAAAAAAAAA="))), code);

    [Test]
    public void AnAuthorizationWithoutASignatureIsInvalidArgument() =>
        TestSigning.Fails(Verifier(DocTime), Request("PUT", "/b/k", null, ("Date", "Tue, 27 Mar 2007 19:36:42 +0000"), ("Authorization", "AWS HAHAHA")),
            S3ErrorCode.InvalidArgument);

    [Test]
    public void TurnedOffItSaysHowToSwitch()
    {
        var e = TestSigning.Fails(Verifier(DocTime, sigV2: false), Request("GET", "/photos/puppy.jpg", "johnsmith",
            ("Date", "Tue, 27 Mar 2007 19:36:42 +0000"), ("Authorization", Auth("bWq2s1WEIj+Ydj0vQ697zp+IXMU="))), S3ErrorCode.InvalidRequest);
        Assert.That(e.Message, Does.Contain("signature_version='s3v4'").And.Contain("s3.signature_version s3v4"));
        TestSigning.Fails(Verifier(DocTime, sigV2: false), Request("GET", "/x?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=x&Expires=1", "johnsmith"), S3ErrorCode.InvalidRequest);
    }

    [TestCase("", "")]
    [TestCase("prefix=a&max-keys=3", "")]
    [TestCase("uploads", "?uploads")]
    [TestCase("uploadId=U%2B1&partNumber=2", "?partNumber=2&uploadId=U+1")]
    [TestCase("acl=", "?acl=")]
    [TestCase("versionId=v&response-content-type=text%2Fplain", "?response-content-type=text/plain&versionId=v")]
    public void SubresourcesAreSortedAndDecoded(string query, string canonical) => Assert.That(SignatureVerifier.V2SubResources(query), Is.EqualTo(canonical));

    private sealed class Store : ICredentialStore
    {
        public string? FindSecret(string accessKey) => accessKey == TestSigning.DocAccessKey ? TestSigning.DocSecret : null;
    }
}
