using System.Security.Cryptography;

namespace EndToEnd.Tests;

/// <summary>
/// The real AWS CLI (v1, botocore 1.43, flexible checksums on by default) and boto3 against the gateway.
/// tools/test.sh installs the CLI where it is missing; a missing CLI fails these tests rather than skipping them.
/// </summary>
[NonParallelizable]
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
    public async Task Boto3_with_default_settings()
    {
        // tools/test.sh exports BOTO3_PYTHON: the first python that can import boto3.
        var python = Environment.GetEnvironmentVariable("BOTO3_PYTHON") ?? Processes.Which("python3");
        Assert.That(python, Is.Not.Null, "python3 with boto3 is required: run tools/test.sh, which installs it");
        var bucket = Names.Bucket("boto");
        const string script = """
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
        var scriptFile = Path.Combine(_home, "boto.py");
        await File.WriteAllTextAsync(scriptFile, script);
        var r = await Processes.RunAsync(python!, [scriptFile, bucket], Processes.AwsEnv(Gw, _home));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("boto3-ok"));
    }
}
