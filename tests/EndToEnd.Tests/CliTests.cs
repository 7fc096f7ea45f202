using System.Security.Cryptography;

namespace EndToEnd.Tests;

/// <summary>
/// The real AWS CLI (v1, botocore 1.43, flexible checksums on by default) and boto3 against the gateway.
/// tools/test.sh installs the CLI where it is missing; a missing CLI fails these tests rather than skipping them.
/// </summary>
public sealed class CliTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("cli-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    private async Task<Processes.Result> Aws(params string[] args)
    {
        var aws = Processes.Which("aws");
        Assert.That(aws, Is.Not.Null, "the AWS CLI is not installed: run tools/test.sh, which installs it");
        return await Processes.RunAsync(aws!, ["--endpoint-url", Gw.Endpoint, .. args], Processes.AwsEnv(Gw, _home));
    }

    private static void Ok(Processes.Result r) => Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr + r.Stdout);

    [Test]
    public async Task Aws_s3_mb_cp_ls_sync_rm_round_trip_is_byte_identical()
    {
        var bucket = Names.Bucket("cli");
        var file = Path.Combine(_home, "five.bin");
        var data = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 17);
        await File.WriteAllBytesAsync(file, data);

        Ok(await Aws("s3", "mb", $"s3://{bucket}"));
        Ok(await Aws("s3", "cp", file, $"s3://{bucket}/dir/five.bin"));
        var ls = await Aws("s3", "ls", $"s3://{bucket}/dir/");
        Ok(ls);
        Assert.That(ls.Stdout, Does.Contain("five.bin").And.Contain(data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var back = Path.Combine(_home, "back.bin");
        Ok(await Aws("s3", "cp", $"s3://{bucket}/dir/five.bin", back));
        Assert.That(await File.ReadAllBytesAsync(back), Is.EqualTo(data));

        var syncDir = Path.Combine(_home, "sync");
        Directory.CreateDirectory(Path.Combine(syncDir, "sub"));
        await File.WriteAllTextAsync(Path.Combine(syncDir, "a.txt"), "a");
        await File.WriteAllTextAsync(Path.Combine(syncDir, "sub", "b.txt"), "bb");
        Ok(await Aws("s3", "sync", syncDir, $"s3://{bucket}/synced"));
        var recursive = await Aws("s3", "ls", "--recursive", $"s3://{bucket}/synced/");
        Assert.That(recursive.Stdout, Does.Contain("synced/a.txt").And.Contain("synced/sub/b.txt"));
        var again = await Aws("s3", "sync", syncDir, $"s3://{bucket}/synced");
        Ok(again);
        Assert.That(again.Stdout, Does.Not.Contain("upload:"), "an unchanged tree syncs nothing");

        Ok(await Aws("s3", "rm", "--recursive", $"s3://{bucket}/"));
        var empty = await Aws("s3", "ls", $"s3://{bucket}/");
        Assert.That(empty.Stdout.Trim(), Is.Empty);
        Ok(await Aws("s3", "rb", $"s3://{bucket}"));
    }

    [Test]
    public async Task Aws_s3api_put_object_and_get_object_with_metadata_and_checksums()
    {
        var bucket = Names.Bucket("api");
        var file = Path.Combine(_home, "in.bin");
        var data = RandomNumberGenerator.GetBytes(300_000);
        await File.WriteAllBytesAsync(file, data);
        Ok(await Aws("s3api", "create-bucket", "--bucket", bucket));
        var put = await Aws("s3api", "put-object", "--bucket", bucket, "--key", "k y", "--body", file, "--metadata", "color=red",
            "--content-type", "text/x-test", "--checksum-algorithm", "SHA256");
        Ok(put);
        Assert.That(put.Stdout, Does.Contain(Convert.ToBase64String(SHA256.HashData(data))));
        var outFile = Path.Combine(_home, "out.bin");
        var get = await Aws("s3api", "get-object", "--bucket", bucket, "--key", "k y", "--checksum-mode", "ENABLED", outFile);
        Ok(get);
        Assert.That(await File.ReadAllBytesAsync(outFile), Is.EqualTo(data));
        Assert.That(get.Stdout, Does.Contain("\"color\": \"red\"").And.Contain("text/x-test").And.Contain("ChecksumSHA256"));
        var missing = await Aws("s3api", "get-object", "--bucket", bucket, "--key", "absent", outFile);
        Assert.That(missing.ExitCode, Is.Not.EqualTo(0));
        Assert.That(missing.Stderr, Does.Contain("NoSuchKey"));
    }

    [Test]
    public async Task Aws_cli_with_a_wrong_secret_gets_SignatureDoesNotMatch()
    {
        var aws = Processes.Which("aws");
        Assert.That(aws, Is.Not.Null, "the AWS CLI is not installed: run tools/test.sh, which installs it");
        var env = Processes.AwsEnv(Gw, _home);
        env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret";
        var r = await Processes.RunAsync(aws!, ["--endpoint-url", Gw.Endpoint, "s3", "ls"], env);
        Assert.That(r.ExitCode, Is.Not.EqualTo(0));
        Assert.That(r.Stderr, Does.Contain("SignatureDoesNotMatch"));
    }

    [Test]
    public async Task Aws_s3_cp_of_a_50_MB_file_goes_multipart_and_round_trips()
    {
        var bucket = Names.Bucket("clim");
        var file = Path.Combine(_home, "fifty.bin");
        var data = RandomNumberGenerator.GetBytes(50 * 1024 * 1024);
        await File.WriteAllBytesAsync(file, data);
        Ok(await Aws("s3", "mb", $"s3://{bucket}"));
        Ok(await Aws("s3", "cp", file, $"s3://{bucket}/fifty.bin"));
        var head = await Aws("s3api", "head-object", "--bucket", bucket, "--key", "fifty.bin", "--checksum-mode", "ENABLED");
        Ok(head);
        // The CLI uploads 8 MiB parts with CRC32: seven parts, a COMPOSITE checksum ending in -7.
        Assert.That(head.Stdout, Does.Contain("-7\\\"\"").And.Contain("\"ChecksumType\": \"COMPOSITE\"").And.Contain("\"ContentLength\": 52428800"));
        var back = Path.Combine(_home, "fifty.back");
        Ok(await Aws("s3", "cp", $"s3://{bucket}/fifty.bin", back));
        Assert.That(await File.ReadAllBytesAsync(back), Is.EqualTo(data));
        var uploads = await Aws("s3api", "list-multipart-uploads", "--bucket", bucket);
        Ok(uploads);
        Assert.That(uploads.Stdout, Does.Not.Contain("UploadId"));
    }

    [Test]
    public async Task Aws_s3api_multipart_commands()
    {
        var bucket = Names.Bucket("clia");
        Ok(await Aws("s3api", "create-bucket", "--bucket", bucket));
        var create = await Aws("s3api", "create-multipart-upload", "--bucket", bucket, "--key", "k", "--output", "text", "--query", "UploadId");
        Ok(create);
        var uploadId = create.Stdout.Trim();
        var part1 = Path.Combine(_home, "p1");
        var part2 = Path.Combine(_home, "p2");
        var d1 = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);
        var d2 = RandomNumberGenerator.GetBytes(1234);
        await File.WriteAllBytesAsync(part1, d1);
        await File.WriteAllBytesAsync(part2, d2);
        var e1 = await Aws("s3api", "upload-part", "--bucket", bucket, "--key", "k", "--upload-id", uploadId, "--part-number", "1", "--body", part1, "--output", "text", "--query", "ETag");
        var e2 = await Aws("s3api", "upload-part", "--bucket", bucket, "--key", "k", "--upload-id", uploadId, "--part-number", "2", "--body", part2, "--output", "text", "--query", "ETag");
        Ok(e1);
        Ok(e2);
        var listed = await Aws("s3api", "list-multipart-uploads", "--bucket", bucket);
        Assert.That(listed.Stdout, Does.Contain(uploadId));
        var parts = await Aws("s3api", "list-parts", "--bucket", bucket, "--key", "k", "--upload-id", uploadId);
        Ok(parts);
        Assert.That(parts.Stdout, Does.Contain("\"PartNumber\": 2").And.Contain("\"Size\": 1234"));
        var spec = Path.Combine(_home, "parts.json");
        await File.WriteAllTextAsync(spec, $$"""{"Parts":[{"PartNumber":1,"ETag":{{e1.Stdout.Trim()}}},{"PartNumber":2,"ETag":{{e2.Stdout.Trim()}}}]}""");
        var complete = await Aws("s3api", "complete-multipart-upload", "--bucket", bucket, "--key", "k", "--upload-id", uploadId, "--multipart-upload", "file://" + spec);
        Ok(complete);
        Assert.That(complete.Stdout, Does.Contain("-2"));
        var outFile = Path.Combine(_home, "out");
        Ok(await Aws("s3api", "get-object", "--bucket", bucket, "--key", "k", outFile));
        Assert.That(await File.ReadAllBytesAsync(outFile), Is.EqualTo(d1.Concat(d2).ToArray()));

        var second = (await Aws("s3api", "create-multipart-upload", "--bucket", bucket, "--key", "gone", "--output", "text", "--query", "UploadId")).Stdout.Trim();
        Ok(await Aws("s3api", "abort-multipart-upload", "--bucket", bucket, "--key", "gone", "--upload-id", second));
        var afterAbort = await Aws("s3api", "list-parts", "--bucket", bucket, "--key", "gone", "--upload-id", second);
        Assert.That(afterAbort.ExitCode, Is.Not.EqualTo(0));
        Assert.That(afterAbort.Stderr, Does.Contain("NoSuchUpload"));
    }

    [Test]
    public async Task Boto3_multipart_with_default_settings()
    {
        var bucket = Names.Bucket("botm");
        const string Script = """
            import base64, boto3, hashlib, os, sys
            s3 = boto3.client("s3")
            b = sys.argv[1]
            s3.create_bucket(Bucket=b)
            # boto3's defaults: Create names no checksum algorithm, every part carries a CRC32.
            up = s3.create_multipart_upload(Bucket=b, Key="m")["UploadId"]
            p1, p2 = os.urandom(5 * 1024 * 1024), os.urandom(4321)
            r1 = s3.upload_part(Bucket=b, Key="m", UploadId=up, PartNumber=1, Body=p1)
            r2 = s3.upload_part(Bucket=b, Key="m", UploadId=up, PartNumber=2, Body=p2)
            assert "ChecksumCRC32" in r1, r1
            parts = s3.list_parts(Bucket=b, Key="m", UploadId=up)["Parts"]
            assert [p["PartNumber"] for p in parts] == [1, 2]
            ups = s3.list_multipart_uploads(Bucket=b)["Uploads"]
            assert [u["UploadId"] for u in ups] == [up]
            done = s3.complete_multipart_upload(Bucket=b, Key="m", UploadId=up, MultipartUpload={"Parts": [
                {"PartNumber": 1, "ETag": r1["ETag"]}, {"PartNumber": 2, "ETag": r2["ETag"]}]})
            md5s = hashlib.md5(hashlib.md5(p1).digest() + hashlib.md5(p2).digest()).hexdigest()
            assert done["ETag"] == '"%s-2"' % md5s, done["ETag"]
            got = s3.get_object(Bucket=b, Key="m", ChecksumMode="ENABLED")
            assert got["Body"].read() == p1 + p2
            assert got["ChecksumType"] == "FULL_OBJECT" and "ChecksumCRC64NVME" in got, got
            part2 = s3.get_object(Bucket=b, Key="m", PartNumber=2)
            assert part2["PartsCount"] == 2 and part2["Body"].read() == p2
            try:
                s3.upload_part(Bucket=b, Key="m", UploadId=up, PartNumber=3, Body=b"late")
                raise SystemExit("upload to a completed upload must fail")
            except s3.exceptions.NoSuchUpload:
                pass
            print("boto3-multipart-ok")
            """;
        await Boto3.AssertPassesAsync(Script, "boto3-multipart-ok", Gw, _home, bucket);
    }

    [Test]
    public async Task Boto3_with_default_settings()
    {
        var bucket = Names.Bucket("boto");
        const string Script = """
            import boto3, hashlib, os, sys
            s3 = boto3.client("s3")
            b = sys.argv[1]
            s3.create_bucket(Bucket=b)
            data = os.urandom(1_000_003)
            r = s3.put_object(Bucket=b, Key="x/y z", Body=data, Metadata={"k": "v"})
            assert r["ETag"] == '"%s"' % hashlib.md5(data).hexdigest(), r
            got = s3.get_object(Bucket=b, Key="x/y z", ChecksumMode="ENABLED")
            assert got["Body"].read() == data
            assert got["Metadata"] == {"k": "v"}, got["Metadata"]
            part = s3.get_object(Bucket=b, Key="x/y z", Range="bytes=10-19")["Body"].read()
            assert part == data[10:20]
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=b)["Contents"]]
            assert keys == ["x/y z"], keys
            # boto3's presigner defaults to SigV2 for S3, which new S3 buckets refuse too; v4 is asked for.
            from botocore.config import Config
            import urllib.request
            v4 = boto3.client("s3", config=Config(signature_version="s3v4"))
            url = v4.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "x/y z"}, ExpiresIn=60)
            assert urllib.request.urlopen(url).read() == data
            s3.copy_object(Bucket=b, Key="copy", CopySource={"Bucket": b, "Key": "x/y z"})
            s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "x/y z"}, {"Key": "copy"}]})
            assert s3.list_objects_v2(Bucket=b)["KeyCount"] == 0
            s3.delete_bucket(Bucket=b)
            print("boto3-ok")
            """;
        await Boto3.AssertPassesAsync(Script, "boto3-ok", Gw, _home, bucket);
    }
}
