using System.Net;
using System.Text;

namespace EndToEnd.Tests;

/// <summary>
/// What real clients produce with their defaults: SigV2 presigned URLs from boto3's generate_presigned_url,
/// aws s3 presign and s3cmd signurl, used from plain HTTP clients; SigV2 header signing (s3cmd); signed headers
/// hoisted into a presigned URL's query; and Gateway:SigV2=false telling the user which setting to change.
/// </summary>
public sealed class ClientDefaultsTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("clients-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    private Task<Processes.Result> RunPython(string script, GatewayInstance gw, params string[] args) => Boto3.RunAsync(script, gw, _home, args);

    [Test]
    public async Task Boto3_default_presigned_urls_work_from_plain_http()
    {
        const string Script = """
            import boto3, sys, urllib.request
            s3 = boto3.client("s3")
            b = sys.argv[1]
            s3.create_bucket(Bucket=b)
            s3.put_object(Bucket=b, Key="dir/a b+c.txt", Body=b"hello")

            def call(method, url, data=None, headers=None):
                # urllib adds "Content-Type: application/x-www-form-urlencoded" to a body sent without one, and SigV2
                # signs the Content-Type: S3 would refuse that as well, so an unsigned type is sent as empty.
                headers = {"Content-Type": "", **(headers or {})}
                req = urllib.request.Request(url, data=data, method=method, headers=headers)
                with urllib.request.urlopen(req) as r:
                    return r.status, r.headers, r.read()

            get = s3.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "dir/a b+c.txt"}, ExpiresIn=300)
            assert "AWSAccessKeyId=" in get and "Signature=" in get, "boto3's default presigned URL is SigV2: " + get
            assert call("GET", get)[2] == b"hello"

            put = s3.generate_presigned_url("put_object", Params={"Bucket": b, "Key": "put.txt", "ContentType": "text/plain", "Metadata": {"colour": "blue"}}, ExpiresIn=300)
            status, _, _ = call("PUT", put, b"put by url", {"Content-Type": "text/plain"})
            head = s3.head_object(Bucket=b, Key="put.txt")
            assert status == 200 and head["ContentType"] == "text/plain" and head["Metadata"] == {"colour": "blue"}, head

            up = s3.create_multipart_upload(Bucket=b, Key="mp")["UploadId"]
            part = s3.generate_presigned_url("upload_part", Params={"Bucket": b, "Key": "mp", "UploadId": up, "PartNumber": 1}, ExpiresIn=300)
            status, headers, _ = call("PUT", part, b"p" * 1000)
            s3.complete_multipart_upload(Bucket=b, Key="mp", UploadId=up, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": headers["ETag"]}]})
            assert s3.get_object(Bucket=b, Key="mp")["Body"].read() == b"p" * 1000

            try:
                call("GET", get.replace("Signature=", "Signature=x"))
                raise SystemExit("a tampered signature must fail")
            except urllib.error.HTTPError as e:
                assert e.code == 403 and b"SignatureDoesNotMatch" in e.read()
            print("presign-ok")
            """;
        var r = await RunPython(Script, Gw, Names.Bucket("pre"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("presign-ok"));
    }

    [Test]
    public async Task Aws_s3_presign_and_s3cmd_signurl_and_s3cmd_itself()
    {
        var bucket = Names.Bucket("v2c");
        using (var s3 = Gw.Client())
        {
            await s3.PutBucketAsync(bucket);
            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "via presign" });
        }

        using var http = new HttpClient();
        var aws = Processes.Which("aws");
        Assert.That(aws, Is.Not.Null, "the AWS CLI is required: run tools/test.sh, which installs it");
        var cli = await Processes.RunAsync(aws!, ["--endpoint-url", Gw.Endpoint, "s3", "presign", $"s3://{bucket}/k", "--expires-in", "300"], Processes.AwsEnv(Gw, _home));
        Assert.That(cli.ExitCode, Is.EqualTo(0), cli.Stderr);
        Assert.That(await http.GetStringAsync(cli.Stdout.Trim()), Is.EqualTo("via presign"));

        var s3cmd = Processes.Which("s3cmd");
        Assert.That(s3cmd, Is.Not.Null, "s3cmd is required: run tools/test.sh, which installs it");
        var config = Path.Combine(_home, "s3cfg");
        await File.WriteAllTextAsync(config, $"""
            [default]
            access_key = {GatewayInstance.AccessKey}
            secret_key = {GatewayInstance.SecretKey}
            host_base = {Gw.BaseAddress.Authority}
            host_bucket = {Gw.BaseAddress.Authority}
            use_https = False
            signature_v2 = True
            """);
        var signed = await Processes.RunAsync(s3cmd!, ["-c", config, "signurl", $"s3://{bucket}/k", "+300"]);
        Assert.That(signed.ExitCode, Is.EqualTo(0), signed.Stderr);
        Assert.That(await http.GetStringAsync(signed.Stdout.Trim()), Is.EqualTo("via presign"));

        var file = Path.Combine(_home, "up.txt");
        await File.WriteAllTextAsync(file, "uploaded by s3cmd");
        var put = await Processes.RunAsync(s3cmd!, ["-c", config, "put", file, $"s3://{bucket}/s3cmd.txt"]);
        Assert.That(put.ExitCode, Is.EqualTo(0), put.Stderr + put.Stdout);
        var ls = await Processes.RunAsync(s3cmd!, ["-c", config, "ls", $"s3://{bucket}/"]);
        Assert.That(ls.Stdout, Does.Contain($"s3://{bucket}/s3cmd.txt"), ls.Stderr);
        using var s3check = Gw.Client();
        using var got = await s3check.GetObjectAsync(bucket, "s3cmd.txt");
        Assert.That(await new StreamReader(got.ResponseStream).ReadToEndAsync(), Is.EqualTo("uploaded by s3cmd"));
    }

    [Test]
    public async Task Signed_headers_in_a_presigned_query_act_as_headers()
    {
        var bucket = Names.Bucket("hoist");
        using var s3 = Gw.Client();
        await s3.PutBucketAsync(bucket);
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        var data = Encoding.ASCII.GetBytes("checked by the query");
        var crc = Convert.ToBase64String(RawS3Client.Crc32BigEndian(data));

        var good = raw.Presign(HttpMethod.Put, $"/{bucket}/good?x-amz-checksum-crc32={Uri.EscapeDataString(crc)}&x-amz-sdk-checksum-algorithm=CRC32&x-amz-meta-origin=query",
            TimeSpan.FromMinutes(5));
        using (var put = await http.PutAsync(good, new ByteArrayContent(data)))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        }

        var meta = await s3.GetObjectMetadataAsync(bucket, "good");
        Assert.That(meta.Metadata["origin"], Is.EqualTo("query"), "metadata in the query acts as a header");

        // The JS SDK's getSignedUrl signs the CRC32 of an empty body into the query. AWS stores the real body anyway,
        // with its default checksum: a checksum in a presigned URL's query is neither checked nor stored (S3's
        // presigned-URL guide; LocalStack's test_presigned_url_v4_x_amz_in_qs, validated against AWS; aws-sdk-go-v2 #2610).
        var emptyCrc = Convert.ToBase64String(RawS3Client.Crc32BigEndian([]));
        var wrong = raw.Presign(HttpMethod.Put, $"/{bucket}/bad?x-amz-checksum-crc32={Uri.EscapeDataString(emptyCrc)}&x-amz-sdk-checksum-algorithm=CRC32", TimeSpan.FromMinutes(5));
        using (var put = await http.PutAsync(wrong, new ByteArrayContent(data)))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
            Assert.That(put.Headers.Contains("x-amz-checksum-crc32"), Is.False, "the query's checksum is not the object's");
        }

        var stored = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "bad", ChecksumMode = ChecksumMode.ENABLED });
        Assert.That((stored.ChecksumCRC64NVME, stored.ChecksumCRC32), Is.EqualTo((Convert.ToBase64String(Storage.Checksums.IncrementalChecksum.Compute(Storage.Checksums.ChecksumAlgorithm.Crc64Nvme, data)), (string?)null)),
            "stored with the default CRC64NVME, as AWS stores it");

        // A checksum sent as a real header with a presigned URL is not ignored: one the URL did not sign is refused, as
        // any unsigned x-amz-* header is.
        var headerChecked = raw.Presign(HttpMethod.Put, $"/{bucket}/header", TimeSpan.FromMinutes(5));
        using (var request = new HttpRequestMessage(HttpMethod.Put, headerChecked) { Content = new ByteArrayContent(data) })
        {
            request.Headers.TryAddWithoutValidation("x-amz-checksum-crc32", emptyCrc);
            using var put = await http.SendAsync(request);
            Assert.That((await S3Error.ReadAsync(put)).Code, Is.EqualTo("AccessDenied"));
        }

        var missing = Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "header"))!;
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "nothing was stored");
    }

    [Test]
    public async Task SigV2_turned_off_names_the_client_setting()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.SigV2 = false);
        const string Script = """
            import boto3, sys, urllib.request, urllib.error
            s3 = boto3.client("s3")
            url = s3.generate_presigned_url("list_buckets", ExpiresIn=300)
            try:
                urllib.request.urlopen(url)
                raise SystemExit("SigV2 must be refused")
            except urllib.error.HTTPError as e:
                body = e.read().decode()
                assert e.code == 400 and "InvalidRequest" in body and "s3v4" in body, body
            v4 = boto3.client("s3", config=boto3.session.Config(signature_version="s3v4"))
            urllib.request.urlopen(v4.generate_presigned_url("list_buckets", ExpiresIn=300)).read()
            print("sigv2-off-ok")
            """;
        var r = await RunPython(Script, gw);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("sigv2-off-ok"));
    }
}
