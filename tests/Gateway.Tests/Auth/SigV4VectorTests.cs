using System.Text;
using Gateway.Auth;
using Gateway.Streaming;

namespace Gateway.Tests.Auth;

/// <summary>
/// Published and captured vectors. The AWS ones are from the S3 API reference: "Signature Calculations for the
/// Authorization Header: Transferring Payload in a Single Chunk" (examples GET Object, PUT Object, GET Bucket
/// Lifecycle, Get Bucket (List Objects)), "Authenticating Requests: Using Query Parameters" (presigned GET) and
/// "Signature Calculation: Transfer Payload in Multiple Chunks" (PUT chunkObject.txt).
/// </summary>
[TestFixture]
public sealed class SigV4VectorTests
{
    private const string DocHost = "examplebucket.s3.amazonaws.com";

    private static AuthRequest DocRequest(string method, string target, string signedHeaders, string signature, params (string, string)[] headers)
    {
        var list = headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2)).ToList();
        list.Add(new("Authorization",
            $"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders={signedHeaders},Signature={signature}"));
        return new AuthRequest(method, target, list);
    }

    [Test]
    public void SigningKeyMatchesTheDocumentedDerivation()
    {
        // Independent check of the key chain: the same secret/date give the same key regardless of caching.
        var a = SigV4.DeriveSigningKey(TestSigning.DocSecret, "20130524", "us-east-1", "s3");
        var b = SigV4.DeriveSigningKey(TestSigning.DocSecret, "20130524", "us-east-1", "s3");
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Has.Length.EqualTo(32));
    }

    [Test]
    public void AwsDocGetObjectWithRange()
    {
        var request = DocRequest("GET", "/test.txt", "host;range;x-amz-content-sha256;x-amz-date",
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
            ("Host", DocHost), ("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4.EmptySha256), ("x-amz-date", "20130524T000000Z"));
        var result = TestSigning.Verifier(TestSigning.DocTime).Verify(request);
        Assert.That(result, Is.EqualTo(new AuthResult("AKIAIOSFODNN7EXAMPLE", PayloadMode.SignedHex, SigV4.EmptySha256, null, false)));
    }

    [Test]
    public void AwsDocPutObjectWithDollarInKey()
    {
        // The key "test$file.text" is sent unescaped; the canonical URI escapes '$' as %24.
        var request = DocRequest("PUT", "/test$file.text", "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
            ("Host", DocHost), ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-date", "20130524T000000Z"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"));
        var result = TestSigning.Verifier(TestSigning.DocTime).Verify(request);
        Assert.That(result.PayloadSha256Hex, Is.EqualTo(SigV4.Sha256Hex("Welcome to Amazon S3.")));
    }

    [TestCase("/?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")]
    [TestCase("/?max-keys=2&prefix=J", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")]
    public void AwsDocBucketRequests(string target, string signature)
    {
        var request = DocRequest("GET", target, "host;x-amz-content-sha256;x-amz-date", signature,
            ("Host", DocHost), ("x-amz-content-sha256", SigV4.EmptySha256), ("x-amz-date", "20130524T000000Z"));
        Assert.DoesNotThrow(() => TestSigning.Verifier(TestSigning.DocTime).Verify(request));
    }

    [Test]
    public void AwsDocPresignedGet()
    {
        const string Target = "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                              + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                              + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
        var result = TestSigning.Verifier(TestSigning.DocTime.AddHours(1)).Verify(new AuthRequest("GET", Target, TestSigning.HostOnly(DocHost)));
        Assert.That(result, Is.EqualTo(new AuthResult("AKIAIOSFODNN7EXAMPLE", PayloadMode.Unsigned, null, null, true)));
    }

    /// <summary>65 KiB of 'a' in a 64 KiB and a 1 KiB chunk, then the zero-size chunk.</summary>
    internal static byte[] AwsDocChunkedBody()
    {
        var body = new MemoryStream();
        void Write(string s) => body.Write(Encoding.ASCII.GetBytes(s));
        Write("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n");
        Write(new string('a', 65536) + "\r\n");
        Write("400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n");
        Write(new string('a', 1024) + "\r\n");
        Write("0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n");
        return body.ToArray();
    }

    [Test]
    public void AwsDocChunkedUpload()
    {
        var body = AwsDocChunkedBody();
        Assert.That(body, Has.Length.EqualTo(66824));
        var request = new AuthRequest("PUT", "/examplebucket/chunkObject.txt",
        [
            new("Host", "s3.amazonaws.com"), new("x-amz-date", "20130524T000000Z"), new("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            new("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                                 + "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"
                                 + "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"),
            new("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), new("Content-Encoding", "aws-chunked"),
            new("x-amz-decoded-content-length", "66560"), new("Content-Length", "66824"),
        ]);
        var result = TestSigning.Verifier(TestSigning.DocTime).Verify(request);
        Assert.That(result.Payload, Is.EqualTo(PayloadMode.StreamingSigned));
        Assert.That(result.Chunk!.SeedSignature, Is.EqualTo("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"));
        Assert.That(result.Chunk.Scope, Is.EqualTo("20130524/us-east-1/s3/aws4_request"));

        Assert.That(SigV4.ChunkSignature(result.Chunk.SigningKey, result.Chunk.AmzDate, result.Chunk.Scope, result.Chunk.SeedSignature,
            Encoding.ASCII.GetBytes(new string('a', 65536))), Is.EqualTo("ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"));

        using var decoder = new AwsChunkedStream(new MemoryStream(body), result.Chunk, false, [], 66560);
        var decoded = new MemoryStream();
        decoder.CopyTo(decoded);
        Assert.That(decoded.ToArray(), Is.EqualTo(Encoding.ASCII.GetBytes(new string('a', 66560))));
    }

    // Captured with botocore 1.43.11 (S3SigV4Auth / S3SigV4QueryAuth, datetime fixed to 2024-03-01T12:00:00Z,
    // credentials AKIAIOSFODNN7EXAMPLE, host localhost:9000, region us-east-1).
    private static readonly DateTimeOffset BotoTime = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [TestCase("/bucket/my%20key%20with%20spaces.txt", "d51553cc64d8b5dfbed47ee4110321cc66baad2165a555ea05cbdfff653b174c")]
    [TestCase("/bucket/caf%C3%A9/%E2%82%AC%2B~plus.txt", "627c113fde01268645b178aae212afaab2b363ca44581cf9dd89260490742e46")]
    [TestCase("/bucket?list-type=2&prefix=a%3Db&delimiter=%2F&encoding-type=url", "bca0224f9ac5e1483d13b80197e1d51a1cf58e71b90838bd113967b56c792869")]
    [TestCase("/bucket?uploads=", "bead5982923715d33c6dd3de5be665d0fdcd4ae761533165ee2b341e7d21a7a2")]
    [TestCase("/bucket?acl", "b82aedc00b4e9f232b66d04e0a8f5720d30a965edb629068c13163caa886b093")]
    public void BotocoreGet(string target, string signature)
    {
        var request = new AuthRequest("GET", target,
        [
            new("Host", "localhost:9000"), new("X-Amz-Date", "20240301T120000Z"), new("X-Amz-Content-SHA256", SigV4.EmptySha256),
            new("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240301/us-east-1/s3/aws4_request, "
                                 + $"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}"),
        ]);
        Assert.DoesNotThrow(() => TestSigning.Verifier(BotoTime).Verify(request));
    }

    [Test]
    public void BotocorePutWithMetadataNeedingTrim()
    {
        var request = new AuthRequest("PUT", "/bucket/hello.txt",
        [
            new("Host", "localhost:9000"), new("Content-Type", "text/plain"), new("x-amz-meta-Color", "  blue   green "),
            new("X-Amz-Date", "20240301T120000Z"),
            new("X-Amz-Content-SHA256", "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"),
            new("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240301/us-east-1/s3/aws4_request, "
                                 + "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-color, "
                                 + "Signature=eb9d71e2f472974ed0443a7807ecb28dd9bb63f7be9e9204abb02975bcb1f36f"),
            new("Content-Length", "11"),
        ]);
        var result = TestSigning.Verifier(BotoTime).Verify(request);
        Assert.That(result.PayloadSha256Hex, Is.EqualTo(SigV4.Sha256Hex("hello world")));
    }

    [TestCase("/bucket/photos/p%20q%2Br.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240301%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240301T120000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=899a2481acd3a30ad87404ddf572fef6f81a66bbf4da3e2f121729fdc63a33aa")]
    [TestCase("/bucket/obj?versionId=abc&response-content-type=text%2Fplain&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240301%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240301T120000Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host&X-Amz-Signature=dfe8673e2c365873e4e8de13177ee1811bc42365134f9dec23553f098ff6115f")]
    public void BotocorePresigned(string target)
    {
        var result = TestSigning.Verifier(BotoTime.AddMinutes(5)).Verify(new AuthRequest("GET", target, TestSigning.HostOnly()));
        Assert.That(result.Presigned, Is.True);
    }

    // Captured from AWSSDK.S3 4.0.104 PutObject with default settings against a raw TcpListener
    // (credentials test/test, ServiceURL http://127.0.0.1:46105, ForcePathStyle, key "dir/my key+1.txt",
    // body 100 'x' + "hello"): STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER with an x-amz-checksum-crc32 trailer.
    internal static readonly KeyValuePair<string, string>[] DotnetSdkHeaders =
    [
        new("Expect", "100-continue"),
        new("amz-sdk-invocation-id", "582b7b2f-61e5-4cc9-ad4b-1bcbdebdf0ae"),
        new("amz-sdk-request", "attempt=1; max=1"),
        new("x-amz-sdk-checksum-algorithm", "CRC32"),
        new("Host", "127.0.0.1:46105"),
        new("X-Amz-Date", "20261121T125302Z"),
        new("X-Amz-Trailer", "x-amz-checksum-crc32"),
        new("X-Amz-Decoded-Content-Length", "105"),
        new("X-Amz-Content-SHA256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
        new("Authorization", "AWS4-HMAC-SHA256 Credential=test/20261121/us-east-1/s3/aws4_request, SignedHeaders=content-encoding;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-sdk-checksum-algorithm;x-amz-trailer, Signature=1c9be3e3a5e9c243e69fb9428added595903aaecf3f54e788d37ca1cb6545196"),
        new("User-Agent", "aws-sdk-dotnet-coreclr/4.0.104.0 ua/2.1 os/linux#6.18.44.669 md/ARCH#X64 lang/.NET_Core#10.0.12 md/aws-sdk-dotnet-core#4.0.102.8 api/S3#4.0.104.0 md/ClientAsync cfg/init-coll#0 m/b,P,e,N,E,U,Z"),
        new("Content-Length", "399"),
        new("Content-Type", "text/plain"),
        new("Content-Encoding", "aws-chunked"),
    ];

    internal const string DotnetSdkTarget = "/bucket/dir/my%20key%2B1.txt";

    internal static readonly DateTimeOffset DotnetSdkTime = new(2026, 11, 21, 12, 53, 2, TimeSpan.Zero);

    internal static readonly byte[] DotnetSdkBody = Encoding.ASCII.GetBytes(
        "69;chunk-signature=30ec2954a5c8ab3132ba069856c047e54282c0abdfe0fc4eb33177279f057706\r\n"
        + new string('x', 100) + "hello\r\n"
        + "0;chunk-signature=9b7e2fa16a7e024161b96e3060f472cc3d6eac0db455cff333445a347385b817\r\n"
        + "x-amz-checksum-crc32:EmcLag==\r\n"
        + "x-amz-trailer-signature:045d1aa37f0adab53bc857f18a2cdbada4dfc9093675dafeea2397d4f272a3f5\r\n"
        + "\r\n");

    [Test]
    public void DotnetSdkChunkedPutWithTrailer()
    {
        Assert.That(DotnetSdkBody, Has.Length.EqualTo(399));
        var result = TestSigning.Verifier(DotnetSdkTime).Verify(new AuthRequest("PUT", DotnetSdkTarget, DotnetSdkHeaders));
        Assert.That(result.AccessKey, Is.EqualTo("test"));
        Assert.That(result.Payload, Is.EqualTo(PayloadMode.StreamingSignedTrailer));

        using var decoder = new AwsChunkedStream(new MemoryStream(DotnetSdkBody), result.Chunk, true, ["x-amz-checksum-crc32"], 105);
        var decoded = new MemoryStream();
        decoder.CopyTo(decoded);
        Assert.That(Encoding.ASCII.GetString(decoded.ToArray()), Is.EqualTo(new string('x', 100) + "hello"));
        Assert.That(decoder.Trailers, Is.EqualTo(new Dictionary<string, string> { ["x-amz-checksum-crc32"] = "EmcLag==" }));
    }
}
