using System.Text;
using Storage.Checksums;
using Algorithm = Storage.Checksums.ChecksumAlgorithm;

namespace EndToEnd.Tests;

/// <summary>
/// The checksum algorithms S3 added in 2026 (MD5, SHA512, XXHASH64, XXHASH3, XXHASH128) through boto3's defaults:
/// botocore computes SHA512 itself and sends the others only as precomputed values (it computes the xxHash family only
/// with awscrt, which is not installed here, and never MD5), so the gateway is where they are checked.
/// </summary>
public sealed class ChecksumAlgorithmTests
{
    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("algos-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    [Test]
    public async Task Every_new_algorithm_is_checked_stored_and_returned_by_boto3()
    {
        await using var gw = await GatewayInstance.StartAsync();
        var data = ObjectTests.RandomBytes(300_000, 31);
        var file = Path.Combine(_home, "data.bin");
        await File.WriteAllBytesAsync(file, data);
        // The values boto3 cannot compute, from the gateway's own hashers (pinned to published vectors in Storage.Tests).
        string B64(Algorithm a) => Convert.ToBase64String(IncrementalChecksum.Compute(a, data));
        await Boto3.AssertPassesAsync("""
            import base64, hashlib, sys, boto3, botocore
            s3 = boto3.client("s3")
            s3.create_bucket(Bucket="algos")
            data = open(sys.argv[1], "rb").read()
            b64 = lambda d: base64.b64encode(d).decode()
            given = {"MD5": b64(hashlib.md5(data).digest()), "XXHASH64": sys.argv[2], "XXHASH3": sys.argv[3], "XXHASH128": sys.argv[4]}

            # SHA512: computed by botocore, checked and stored by the gateway, returned with checksum mode.
            r = s3.put_object(Bucket="algos", Key="sha512", Body=data, ChecksumAlgorithm="SHA512")
            assert r["ChecksumSHA512"] == b64(hashlib.sha512(data).digest()), r
            h = s3.head_object(Bucket="algos", Key="sha512", ChecksumMode="ENABLED")
            assert h["ChecksumSHA512"] == b64(hashlib.sha512(data).digest()) and h["ChecksumType"] == "FULL_OBJECT", h

            # The others, sent as values: right ones are stored, wrong ones are BadDigest and store nothing.
            for name, value in given.items():
                key = name.lower()
                s3.put_object(Bucket="algos", Key=key, Body=data, **{"Checksum" + name: value})
                g = s3.get_object(Bucket="algos", Key=key, ChecksumMode="ENABLED")
                assert g["Body"].read() == data and g["Checksum" + name] == value, (name, g)
                wrong = b64(bytes(len(base64.b64decode(value))))
                try:
                    s3.put_object(Bucket="algos", Key=key + "-bad", Body=data, **{"Checksum" + name: wrong})
                    raise SystemExit("a wrong " + name + " was stored")
                except botocore.exceptions.ClientError as e:
                    assert e.response["Error"]["Code"] == "BadDigest", (name, e.response)
                assert "Contents" not in s3.list_objects_v2(Bucket="algos", Prefix=key + "-bad")

            # Multipart with SHA512: composite, each part checked, the parts listed by GetObjectAttributes.
            u = s3.create_multipart_upload(Bucket="algos", Key="mp", ChecksumAlgorithm="SHA512")["UploadId"]
            parts = []
            for n, chunk in enumerate([data[:200000] * 30, data[200000:]], start=1):
                p = s3.upload_part(Bucket="algos", Key="mp", UploadId=u, PartNumber=n, Body=chunk, ChecksumAlgorithm="SHA512")
                assert p["ChecksumSHA512"] == b64(hashlib.sha512(chunk).digest())
                parts.append({"PartNumber": n, "ETag": p["ETag"], "ChecksumSHA512": p["ChecksumSHA512"]})
            done = s3.complete_multipart_upload(Bucket="algos", Key="mp", UploadId=u, MultipartUpload={"Parts": parts})
            composite = b64(hashlib.sha512(b"".join(base64.b64decode(p["ChecksumSHA512"]) for p in parts)).digest()) + "-2"
            assert done["ChecksumSHA512"] == composite and done["ChecksumType"] == "COMPOSITE", done
            a = s3.get_object_attributes(Bucket="algos", Key="mp", ObjectAttributes=["Checksum", "ObjectParts"])
            assert a["Checksum"]["ChecksumSHA512"] == composite, a
            assert [p["ChecksumSHA512"] for p in a["ObjectParts"]["Parts"]] == [p["ChecksumSHA512"] for p in parts], a

            # FULL_OBJECT is for CRCs only.
            try:
                s3.create_multipart_upload(Bucket="algos", Key="full", ChecksumAlgorithm="SHA512", ChecksumType="FULL_OBJECT")
                raise SystemExit("a full-object SHA512 upload was created")
            except botocore.exceptions.ClientError as e:
                assert e.response["Error"]["Code"] == "InvalidRequest", e.response
            print("algos-ok")
            """, "algos-ok", gw, _home, file, B64(Algorithm.XxHash64), B64(Algorithm.XxHash3), B64(Algorithm.XxHash128));
    }

    [Test]
    public async Task A_checksum_header_of_an_unknown_algorithm_is_refused_not_ignored()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("unknown-sum");
        await s3.PutBucketAsync(bucket);
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        var r = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k", Encoding.ASCII.GetBytes("hello"),
            new Dictionary<string, string> { ["x-amz-checksum-md4"] = "AAAAAAAAAAAAAAAAAAAAAA==" });
        var body = await r.Content.ReadAsStringAsync();
        Assert.That((int)r.StatusCode, Is.EqualTo(400), body);
        Assert.That(body, Does.Contain("<Code>InvalidRequest</Code>").And.Contain("x-amz-checksum-md4"));
        Assert.That((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [], Is.Empty);
    }

    [TestCase("XXHASH3")]
    [TestCase("XXHASH128")]
    [TestCase("SHA512")]
    [TestCase("CRC64NVME")]
    public async Task The_checksum_calculator_gives_the_value_a_header_must_carry(string name)
    {
        Assert.That(Gateway.Protocol.ChecksumNames.TryParse(name, out var algorithm), Is.True);
        var data = ObjectTests.RandomBytes(1_000_003, 8);
        var file = Path.Combine(_home, "f.bin");
        await File.WriteAllBytesAsync(file, data);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await GatewayCtl.Cli.RunAsync(["--endpoint", Gw.Endpoint, "checksum", file, "--algorithm", name.ToLowerInvariant()], stdout, stderr);
        Assert.That(code, Is.EqualTo(0), stderr.ToString());
        var expected = Convert.ToBase64String(IncrementalChecksum.Compute(algorithm, data));
        Assert.That(stdout.ToString(), Is.EqualTo($"{Gateway.Protocol.ChecksumNames.HeaderName(algorithm)}: {expected}\n"));

        // The value it gave is the one a PUT must carry.
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("calc");
        await s3.PutBucketAsync(bucket);
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k", data, new Dictionary<string, string> { [Gateway.Protocol.ChecksumNames.HeaderName(algorithm)] = expected });
        Assert.That((int)put.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task The_checksum_calculator_refuses_unknown_algorithms_and_unsigned_callers()
    {
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        using var unknown = await raw.SendAsync(HttpMethod.Post, "/_gateway/checksum?algorithm=MD4", Encoding.ASCII.GetBytes("x"));
        Assert.That((int)unknown.StatusCode, Is.EqualTo(400));
        Assert.That(await unknown.Content.ReadAsStringAsync(), Does.Contain("InvalidArgument").And.Contain("XXHASH128"));
        using var anonymous = await http.PostAsync(new Uri("/_gateway/checksum?algorithm=CRC32", UriKind.Relative), new ByteArrayContent([1]));
        Assert.That((int)anonymous.StatusCode, Is.EqualTo(403));
    }

    private static GatewayInstance Gw => SharedGateway.Instance;
}
