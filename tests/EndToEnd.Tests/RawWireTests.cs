using System.Net;
using System.Text;
using Gateway.Protocol;
using Storage.Checksums;

namespace EndToEnd.Tests;

/// <summary>
/// Hand-signed requests for what SDKs never send: every payload form, corrupted chunks, wrong trailers and
/// digests. Each bad body gets the right S3 error and leaves nothing stored.
/// </summary>
public sealed class RawWireTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    private static async Task<(RawS3Client Raw, HttpClient Http, string Bucket)> Setup()
    {
        var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey) { ChunkSize = 8192 };
        var bucket = Names.Bucket("raw");
        using var create = await raw.SendAsync(HttpMethod.Put, "/" + bucket);
        Assert.That(create.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return (raw, http, bucket);
    }

    private static async Task AssertNotStored(RawS3Client raw, string bucket, string key)
    {
        using var get = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/{key}");
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a failed write must store nothing");
        Assert.That((await S3Error.ReadAsync(get)).Code, Is.EqualTo("NoSuchKey"));
    }

    [TestCase(PayloadStyle.SignedHex)]
    [TestCase(PayloadStyle.Unsigned)]
    [TestCase(PayloadStyle.StreamingSigned)]
    [TestCase(PayloadStyle.StreamingSignedTrailer)]
    [TestCase(PayloadStyle.StreamingUnsignedTrailer)]
    public async Task Every_payload_form_stores_the_body(PayloadStyle style)
    {
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        var data = ObjectTests.RandomBytes(50_000, 10);
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/obj", data, style: style);
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        using var get = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/obj");
        Assert.That(await get.Content.ReadAsByteArrayAsync(), Is.EqualTo(data));
    }

    [Test]
    public async Task A_bad_chunk_signature_is_SignatureDoesNotMatch_and_stores_nothing()
    {
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        var data = ObjectTests.RandomBytes(40_000, 11);
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/bad", data, style: PayloadStyle.StreamingSignedTrailer, tamper: t => t.BadChunkSignatureIndex = 2);
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await S3Error.ReadAsync(put)).Code, Is.EqualTo("SignatureDoesNotMatch"));
        await AssertNotStored(raw, bucket, "bad");
    }

    [Test]
    public async Task A_bad_final_chunk_signature_is_refused_too()
    {
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        var data = ObjectTests.RandomBytes(20_000, 12);
        // 20,000 bytes in 8 KiB chunks: chunks 0..2 carry data, chunk 3 is the final zero-size chunk.
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/bad", data, style: PayloadStyle.StreamingSigned, tamper: t => t.BadChunkSignatureIndex = 3);
        Assert.That((await S3Error.ReadAsync(put)).Code, Is.EqualTo("SignatureDoesNotMatch"));
        await AssertNotStored(raw, bucket, "bad");
    }

    [Test]
    public async Task A_truncated_chunked_body_is_IncompleteBody_and_stores_nothing()
    {
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        var data = ObjectTests.RandomBytes(30_000, 13);
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/cut", data, style: PayloadStyle.StreamingSigned, tamper: t => t.TruncateBy = 5000);
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await S3Error.ReadAsync(put)).Code, Is.EqualTo("IncompleteBody"));
        await AssertNotStored(raw, bucket, "cut");
    }

    [TestCase(PayloadStyle.StreamingSignedTrailer)]
    [TestCase(PayloadStyle.StreamingUnsignedTrailer)]
    public async Task A_wrong_trailer_checksum_is_BadDigest_and_stores_nothing(PayloadStyle style)
    {
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        var data = ObjectTests.RandomBytes(30_000, 14);
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/crc", data, style: style, tamper: t => t.TrailerChecksumOverride = "AAAAAA==");
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var error = await S3Error.ReadAsync(put);
        Assert.That(error.Code, Is.EqualTo("BadDigest"));
        Assert.That(error.Element("Message"), Does.Contain("CRC32"));
        await AssertNotStored(raw, bucket, "crc");
    }

    [Test]
    public async Task A_bad_trailer_signature_is_SignatureDoesNotMatch()
    {
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/ts", ObjectTests.RandomBytes(10_000, 15), style: PayloadStyle.StreamingSignedTrailer, tamper: t => t.BadTrailerSignature = true);
        Assert.That((await S3Error.ReadAsync(put)).Code, Is.EqualTo("SignatureDoesNotMatch"));
        await AssertNotStored(raw, bucket, "ts");
    }

    [Test]
    public async Task A_wrong_content_md5_is_BadDigest_and_stores_nothing()
    {
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        var data = Encoding.UTF8.GetBytes("the body");
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/md5", data, tamper: t => t.ContentMd5Override = RawS3Client.ContentMd5(Encoding.UTF8.GetBytes("another body")));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await S3Error.ReadAsync(put)).Code, Is.EqualTo("BadDigest"));
        await AssertNotStored(raw, bucket, "md5");
        using var good = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/md5", data, tamper: t => t.ContentMd5Override = RawS3Client.ContentMd5(data));
        Assert.That(good.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var malformed = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/md5x", data, tamper: t => t.ContentMd5Override = "not-base64!");
        Assert.That((await S3Error.ReadAsync(malformed)).Code, Is.EqualTo("InvalidDigest"));
    }

    [Test]
    public async Task A_payload_that_does_not_match_its_signed_sha256_is_refused()
    {
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        var data = Encoding.UTF8.GetBytes("signed body");
        var other = Encoding.UTF8.GetBytes("SIGNED BODY");
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/sha", data, headers: new Dictionary<string, string>
        {
            ["x-amz-content-sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(other)),
        });
        var error = await S3Error.ReadAsync(put);
        Assert.That(error.Code, Is.EqualTo("XAmzContentSHA256Mismatch"));
        await AssertNotStored(raw, bucket, "sha");
    }

    [TestCase("CRC32")]
    [TestCase("CRC32C")]
    [TestCase("CRC64NVME")]
    [TestCase("SHA1")]
    [TestCase("SHA256")]
    [TestCase("MD5")]
    [TestCase("SHA512")]
    [TestCase("XXHASH64")]
    [TestCase("XXHASH3")]
    [TestCase("XXHASH128")]
    public async Task Checksum_headers_of_every_algorithm_are_verified_and_returned(string wireName)
    {
        Assert.That(ChecksumNames.TryParse(wireName, out var algorithm), Is.True);
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        var data = ObjectTests.RandomBytes(70_000, 16);
        using var checksum = IncrementalChecksum.Create(algorithm);
        checksum.Append(data);
        var value = checksum.FinishBase64();
        var header = ChecksumNames.HeaderName(algorithm);

        using var bad = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/c", data, headers: new Dictionary<string, string> { [header] = Corrupt(value) });
        Assert.That((await S3Error.ReadAsync(bad)).Code, Is.EqualTo("BadDigest"));
        await AssertNotStored(raw, bucket, "c");

        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/c", data, headers: new Dictionary<string, string> { [header] = value });
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(put.Headers.GetValues(header).Single(), Is.EqualTo(value));
        using var head = await raw.SendAsync(HttpMethod.Head, $"/{bucket}/c", headers: new Dictionary<string, string> { ["x-amz-checksum-mode"] = "ENABLED" });
        Assert.That(head.Headers.GetValues(header).Single(), Is.EqualTo(value));
        Assert.That(head.Headers.GetValues("x-amz-checksum-type").Single(), Is.EqualTo("FULL_OBJECT"));
        using var plainHead = await raw.SendAsync(HttpMethod.Head, $"/{bucket}/c");
        Assert.That(plainHead.Headers.Contains(header), Is.False, "checksums are returned only with x-amz-checksum-mode: ENABLED");
    }

    [TestCase("MD5")]
    [TestCase("SHA512")]
    [TestCase("XXHASH64")]
    [TestCase("XXHASH3")]
    [TestCase("XXHASH128")]
    public async Task Signed_aws_chunked_trailers_of_the_new_algorithms_are_verified(string wireName)
    {
        Assert.That(ChecksumNames.TryParse(wireName, out var algorithm), Is.True);
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        var data = ObjectTests.RandomBytes(150_000, 17);
        var value = Convert.ToBase64String(IncrementalChecksum.Compute(algorithm, data));
        var header = ChecksumNames.HeaderName(algorithm);

        using var bad = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/t", data, style: PayloadStyle.StreamingSignedTrailer,
            tamper: t => (t.TrailerName, t.TrailerChecksumOverride) = (header, Corrupt(value)));
        Assert.That((await S3Error.ReadAsync(bad)).Code, Is.EqualTo("BadDigest"));
        await AssertNotStored(raw, bucket, "t");

        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/t", data, style: PayloadStyle.StreamingSignedTrailer,
            tamper: t => (t.TrailerName, t.TrailerChecksumOverride) = (header, value));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var head = await raw.SendAsync(HttpMethod.Head, $"/{bucket}/t", headers: new Dictionary<string, string> { ["x-amz-checksum-mode"] = "ENABLED" });
        Assert.That(head.Headers.GetValues(header).Single(), Is.EqualTo(value));
    }

    private static string Corrupt(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        bytes[0] ^= 0xFF;
        return Convert.ToBase64String(bytes);
    }

    [Test]
    public async Task A_malformed_checksum_header_is_InvalidRequest_before_the_body_is_read()
    {
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/c", [1, 2, 3], headers: new Dictionary<string, string> { ["x-amz-checksum-crc32"] = "abc" });
        Assert.That((await S3Error.ReadAsync(put)).Code, Is.EqualTo("InvalidRequest"));
    }

    [Test]
    public async Task Malformed_xml_is_MalformedXML()
    {
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        var body = Encoding.UTF8.GetBytes("<Delete><Object><Key>a</Key></Obj");
        using var post = await raw.SendAsync(HttpMethod.Post, $"/{bucket}?delete", body, tamper: t => t.ContentMd5Override = RawS3Client.ContentMd5(body));
        Assert.That((await S3Error.ReadAsync(post)).Code, Is.EqualTo("MalformedXML"));
        using var noMd5 = await raw.SendAsync(HttpMethod.Post, $"/{bucket}?delete", body);
        Assert.That((await S3Error.ReadAsync(noMd5)).Code, Is.EqualTo("InvalidRequest"));
        // x-amz-checksum-type names no checksum: it does not satisfy the integrity requirement.
        using var typeOnly = await raw.SendAsync(HttpMethod.Post, $"/{bucket}?delete", body, new Dictionary<string, string> { ["x-amz-checksum-type"] = "FULL_OBJECT" });
        Assert.That((await S3Error.ReadAsync(typeOnly)).Code, Is.EqualTo("InvalidRequest"));
    }

    [Test]
    public async Task Unknown_operations_are_NotImplemented_xml_not_404()
    {
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        foreach (var (method, target) in new[] { (HttpMethod.Put, $"/{bucket}?website"), (HttpMethod.Get, $"/{bucket}/k?torrent"), (HttpMethod.Post, $"/{bucket}/k"), (HttpMethod.Patch, $"/{bucket}/k") })
        {
            using var response = await raw.SendAsync(method, target, Encoding.UTF8.GetBytes("<x/>"));
            Assert.That((int)response.StatusCode, Is.EqualTo(501), $"{method} {target}");
            Assert.That((await S3Error.ReadAsync(response)).Code, Is.EqualTo("NotImplemented"));
        }
    }

    [Test]
    public async Task Every_response_carries_a_request_id()
    {
        var (raw, http, bucket) = await Setup();
        using var _ = http;
        using var ok = await raw.SendAsync(HttpMethod.Head, "/" + bucket);
        using var bad = await http.GetAsync("/" + bucket);
        Assert.That(ok.Headers.GetValues("x-amz-request-id").Single(), Has.Length.EqualTo(16));
        Assert.That(bad.Headers.GetValues("x-amz-request-id").Single(), Has.Length.EqualTo(16));
    }
}
