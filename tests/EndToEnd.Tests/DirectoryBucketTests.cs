namespace EndToEnd.Tests;

/// <summary>
/// Directory buckets (S3 Express One Zone) with boto3's default settings, which create a session with CreateSession
/// before every other call on such a bucket and sign with it (SigV4 for s3express, x-amz-s3session-token).
/// </summary>
public sealed class DirectoryBucketTests
{
    [Test]
    public async Task Boto3_creates_lists_writes_appends_renames_and_deletes_with_sessions()
    {
        await using var gw = await GatewayInstance.StartAsync();
        var home = TempDir.Create("express-home");
        try
        {
            await Boto3.AssertPassesAsync("""
                import boto3, botocore, zlib, base64
                s3 = boto3.client("s3")
                calls = []
                s3.meta.events.register("before-call.s3", lambda model, **kw: calls.append(model.name))
                b = "walk--use1-az4--x-s3"
                s3.create_bucket(Bucket=b, CreateBucketConfiguration={
                    "Location": {"Type": "AvailabilityZone", "Name": "use1-az4"},
                    "Bucket": {"DataRedundancy": "SingleAvailabilityZone", "Type": "Directory"}})
                # CreateBucket's signing asked for the session (before-call fires first): one for a bucket not made yet.
                assert calls[:2] == ["CreateBucket", "CreateSession"], calls
                names = [x["Name"] for x in s3.list_directory_buckets()["Buckets"]]
                assert names == [b], names
                assert b not in [x["Name"] for x in s3.list_buckets()["Buckets"]]
                head = s3.head_bucket(Bucket=b)
                assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-location-name"] == "use1-az4", head

                put = s3.put_object(Bucket=b, Key="logs/app.log", Body=b"one\n")
                for i, line in enumerate([b"two\n", b"three\n", b"four\n"]):
                    size = s3.head_object(Bucket=b, Key="logs/app.log")["ContentLength"]
                    r = s3.put_object(Bucket=b, Key="logs/app.log", Body=line, WriteOffsetBytes=size)
                    assert r["Size"] == size + len(line), r
                got = s3.get_object(Bucket=b, Key="logs/app.log", ChecksumMode="ENABLED")
                body = got["Body"].read()
                assert body == b"one\ntwo\nthree\nfour\n", body
                crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
                assert got["ChecksumCRC32"] == crc and got["ChecksumType"] == "FULL_OBJECT", (got, crc)
                assert got["StorageClass"] == "EXPRESS_ONEZONE", got
                try:
                    s3.put_object(Bucket=b, Key="logs/app.log", Body=b"late\n", WriteOffsetBytes=4)
                    raise SystemExit("an append at a stale offset landed")
                except botocore.exceptions.ClientError as e:
                    assert e.response["Error"]["Code"] == "InvalidWriteOffset", e.response

                s3.rename_object(Bucket=b, Key="logs/old.log", RenameSource="logs/app.log")
                assert s3.get_object(Bucket=b, Key="logs/old.log")["Body"].read() == body
                listed = s3.list_objects_v2(Bucket=b, Prefix="logs/", Delimiter="/")
                assert [o["Key"] for o in listed["Contents"]] == ["logs/old.log"], listed
                try:
                    s3.delete_object(Bucket=b, Key="logs/old.log", IfMatchSize=1)
                    raise SystemExit("a delete on the wrong size deleted")
                except botocore.exceptions.ClientError as e:
                    assert e.response["Error"]["Code"] == "PreconditionFailed", e.response
                s3.delete_object(Bucket=b, Key="logs/old.log", IfMatchSize=len(body))

                from boto3.s3.transfer import TransferConfig
                data = bytes(range(256)) * (23 * 1024)
                s3.upload_fileobj(__import__("io").BytesIO(data), b, "big.bin", Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
                assert s3.head_object(Bucket=b, Key="big.bin")["ContentLength"] == len(data)
                assert s3.get_object(Bucket=b, Key="big.bin")["Body"].read() == data
                assert "CompleteMultipartUpload" in calls, calls

                try:
                    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
                    raise SystemExit("versioning on a directory bucket")
                except botocore.exceptions.ClientError as e:
                    assert e.response["Error"]["Code"] == "NotImplemented", e.response
                s3.delete_object(Bucket=b, Key="big.bin")
                s3.delete_bucket(Bucket=b)
                assert s3.list_directory_buckets()["Buckets"] == []
                assert calls.count("CreateSession") == 1, calls
                print("express-ok")
                """, "express-ok", gw, home);
        }
        finally
        {
            TempDir.TryDelete(home);
        }
    }

    [Test]
    public async Task A_session_expires_when_the_virtual_clock_passes_it_and_botocore_renews_it_once_its_clock_agrees()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Clock = "virtual");
        var home = TempDir.Create("express-clock");
        try
        {
            await Boto3.AssertPassesAsync("""
                import boto3, botocore, botocore.credentials, datetime, hashlib, types, urllib.request
                from botocore.awsrequest import AWSRequest
                from botocore.auth import SigV4Auth

                # botocore judges a session's Expiration by its own clock: this one can be moved forward.
                class Moved(datetime.datetime):
                    offset = datetime.timedelta(0)
                    @classmethod
                    def now(cls, tz=None):
                        return datetime.datetime.now(tz) + cls.offset
                shim = types.ModuleType("datetime")
                shim.__dict__.update(datetime.__dict__)
                shim.datetime = Moved
                botocore.credentials.datetime = shim

                s3 = boto3.client("s3")
                sessions = []
                s3.meta.events.register("before-call.s3.CreateSession", lambda **kw: sessions.append(1))
                b = "clock--use1-az4--x-s3"
                s3.create_bucket(Bucket=b, CreateBucketConfiguration={
                    "Location": {"Type": "AvailabilityZone", "Name": "use1-az4"}, "Bucket": {"Type": "Directory"}})
                s3.put_object(Bucket=b, Key="k", Body=b"v")
                assert len(sessions) == 1, sessions

                url = s3._endpoint.host + "/_gateway/clock/advance?seconds=360"
                req = AWSRequest(method="POST", url=url, headers={"x-amz-content-sha256": hashlib.sha256(b"").hexdigest()})
                SigV4Auth(boto3.Session().get_credentials(), "s3", "us-east-1").add_auth(req)
                assert urllib.request.urlopen(urllib.request.Request(url, method="POST", headers=dict(req.headers))).status == 200

                try:
                    s3.get_object(Bucket=b, Key="k")
                    raise SystemExit("a session five minutes past its expiry was accepted")
                except botocore.exceptions.ClientError as e:
                    assert (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]) == ("ExpiredToken", 400), e.response
                assert len(sessions) == 1, "botocore's clock has not moved: it still trusts its session"

                Moved.offset = datetime.timedelta(seconds=360)
                assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"v"
                assert len(sessions) == 2, sessions
                print("renewed-ok")
                """, "renewed-ok", gw, home);
        }
        finally
        {
            TempDir.TryDelete(home);
        }
    }

    [Test]
    public async Task A_read_only_session_reads_and_is_refused_a_write()
    {
        await using var gw = await GatewayInstance.StartAsync();
        var home = TempDir.Create("express-ro");
        try
        {
            await Boto3.AssertPassesAsync("""
                import boto3, botocore
                s3 = boto3.client("s3")
                b = "ro--use1-az4--x-s3"
                s3.create_bucket(Bucket=b, CreateBucketConfiguration={
                    "Location": {"Type": "AvailabilityZone", "Name": "use1-az4"}, "Bucket": {"Type": "Directory"}})
                s3.put_object(Bucket=b, Key="k", Body=b"v")
                creds = s3.create_session(Bucket=b, SessionMode="ReadOnly")["Credentials"]
                # A client of the session's own credentials, with botocore's own session handling turned off.
                ro = boto3.client("s3", aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                    config=botocore.config.Config(s3={"disable_s3_express_session_auth": True}))
                def with_token(request, **kw):
                    request.headers["x-amz-s3session-token"] = creds["SessionToken"]
                ro.meta.events.register_first("before-sign.s3", with_token)
                assert ro.get_object(Bucket=b, Key="k")["Body"].read() == b"v"
                try:
                    ro.put_object(Bucket=b, Key="k", Body=b"w")
                    raise SystemExit("a read-only session wrote")
                except botocore.exceptions.ClientError as e:
                    assert e.response["Error"]["Code"] == "AccessDenied", e.response
                assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"v"
                print("ro-ok")
                """, "ro-ok", gw, home);
        }
        finally
        {
            TempDir.TryDelete(home);
        }
    }
}
