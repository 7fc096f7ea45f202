using System.Net;
using System.Text;
using System.Text.RegularExpressions;

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

                copied = s3.copy_object(Bucket=b, Key="logs/copy.log", CopySource={"Bucket": b, "Key": "logs/app.log"})
                assert s3.get_object(Bucket=b, Key="logs/copy.log")["Body"].read() == body
                url = s3.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "logs/copy.log"}, ExpiresIn=60)
                assert "X-Amz-S3session-Token" in url and "s3express" in url, url
                import urllib.request
                assert urllib.request.urlopen(url).read() == body
                s3.delete_object(Bucket=b, Key="logs/copy.log")

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
            var usage = (await UsageTests.Admin(gw, HttpMethod.Get, "/_gateway/usage?bucket=walk--use1-az4--x-s3")).GetProperty("buckets")[0];
            Assert.That(usage.GetProperty("type").GetString(), Is.EqualTo("directory"), "the month's row keeps the deleted bucket's class");
            Assert.That(usage.GetProperty("traffic").GetProperty("writeRequests").GetInt64(), Is.GreaterThan(5));
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

    private const string Configuration =
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location><Type>AvailabilityZone</Type><Name>use1-az4</Name></Location>" +
        "<Bucket><DataRedundancy>SingleAvailabilityZone</DataRedundancy><Type>Directory</Type></Bucket></CreateBucketConfiguration>";

    private sealed record Session(string KeyId, string Secret, string Token);

    /// <summary>Hand-signed CreateSession (s3express, the account's keys): the session's credentials from its XML.</summary>
    private static async Task<Session> CreateSessionAsync(HttpClient http, string bucket)
    {
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey) { Service = "s3express" };
        using var r = await raw.SendAsync(HttpMethod.Get, "/" + bucket + "?session");
        var xml = await r.Content.ReadAsStringAsync();
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK), xml);
        string Field(string name) => Regex.Match(xml, $"<{name}>([^<]+)</{name}>").Groups[1].Value;
        return new Session(Field("AccessKeyId"), Field("SecretAccessKey"), Field("SessionToken"));
    }

    private static RawS3Client SessionClient(HttpClient http, Session s, string service = "s3express") =>
        new(http, s.KeyId, s.Secret) { Service = service, ChunkSize = 8192 };

    private static Dictionary<string, string> Token(Session s) => new() { ["x-amz-s3session-token"] = s.Token };

    [Test]
    public async Task Raw_wire_session_signing_a_wrong_service_another_buckets_token_an_expired_one_and_a_tampered_one()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Clock = "virtual");
        using var http = gw.Http();
        var account = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey) { Service = "s3express" };
        foreach (var b in new[] { "one--use1-az4--x-s3", "two--use1-az4--x-s3" })
        {
            using var created = await account.SendAsync(HttpMethod.Put, "/" + b, Encoding.UTF8.GetBytes(Configuration));
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK), await created.Content.ReadAsStringAsync());
        }

        var one = await CreateSessionAsync(http, "one--use1-az4--x-s3");
        var body = Enumerable.Range(0, 20_000).Select(i => (byte)i).ToArray();
        foreach (var style in new[] { PayloadStyle.SignedHex, PayloadStyle.StreamingSigned, PayloadStyle.StreamingSignedTrailer })
        {
            // Chunk and trailer signatures chain from the session's key and the s3express scope too.
            using var put = await SessionClient(http, one).SendAsync(HttpMethod.Put, "/one--use1-az4--x-s3/k", body, Token(one), style);
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), style + ": " + await put.Content.ReadAsStringAsync());
        }

        async Task Refused(RawS3Client client, string target, Dictionary<string, string> headers, HttpStatusCode status, string code)
        {
            using var r = await client.SendAsync(HttpMethod.Get, target, headers: headers);
            var error = await S3Error.ReadAsync(r);
            Assert.That((r.StatusCode, error.Code), Is.EqualTo((status, code)), target);
        }

        await Refused(SessionClient(http, one, service: "s3"), "/one--use1-az4--x-s3/k", Token(one), HttpStatusCode.BadRequest, "InvalidRequest");
        await Refused(SessionClient(http, one, service: "s3-outposts"), "/one--use1-az4--x-s3/k", Token(one), HttpStatusCode.BadRequest, "AuthorizationHeaderMalformed");
        await Refused(new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey), "/one--use1-az4--x-s3/k", [], HttpStatusCode.BadRequest,
            "AuthorizationHeaderMalformed");
        await Refused(SessionClient(http, one), "/two--use1-az4--x-s3/k", Token(one), HttpStatusCode.Forbidden, "AccessDenied");
        var tampered = one with { Token = one.Token[..^2] + (one.Token[^2] == 'A' ? "B" : "A") + one.Token[^1] };
        await Refused(SessionClient(http, one), "/one--use1-az4--x-s3/k", Token(tampered), HttpStatusCode.BadRequest, "InvalidToken");
        await Refused(SessionClient(http, one with { Secret = GatewayInstance.SecretKey }), "/one--use1-az4--x-s3/k", Token(one), HttpStatusCode.Forbidden,
            "SignatureDoesNotMatch");

        using (var ok = await SessionClient(http, one).SendAsync(HttpMethod.Get, "/one--use1-az4--x-s3/k", headers: Token(one)))
        {
            Assert.That(await ok.Content.ReadAsByteArrayAsync(), Is.EqualTo(body));
        }

        await UsageTests.Admin(gw, HttpMethod.Post, "/_gateway/clock/advance?seconds=300");

        await Refused(SessionClient(http, one), "/one--use1-az4--x-s3/k", Token(one), HttpStatusCode.BadRequest, "ExpiredToken");
        var renewed = await CreateSessionAsync(http, "one--use1-az4--x-s3");
        using (var again = await SessionClient(http, renewed).SendAsync(HttpMethod.Get, "/one--use1-az4--x-s3/k", headers: Token(renewed)))
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task A_session_survives_a_restart_of_the_gateway_on_its_data_folder()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var http = gw.Http();
        var account = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey) { Service = "s3express" };
        using (var created = await account.SendAsync(HttpMethod.Put, "/keep--use1-az4--x-s3", Encoding.UTF8.GetBytes(Configuration)))
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var s = await CreateSessionAsync(http, "keep--use1-az4--x-s3");
        await gw.RestartAsync();
        using var http2 = gw.Http();
        using var head = await SessionClient(http2, s).SendAsync(HttpMethod.Head, "/keep--use1-az4--x-s3", headers: Token(s));
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK), "tokens are keyed from the data folder's master key, not the process");
    }

    /// <summary>
    /// AWSSDK.S3 4.0's session pre-signer accepts only amazonaws.com hosts, so on a custom endpoint it is used with
    /// DisableS3ExpressSessionAuth: every request is then signed for s3express with the account's own keys, which S3
    /// (and the gateway) accept. The default client fails before sending anything; the first assertion pins that, so a
    /// later SDK that lifts the limit is noticed.
    /// </summary>
    [Test]
    public async Task AWSSDK_creates_writes_reads_and_lists_a_directory_bucket()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using (var defaults = gw.Client())
        {
            var e = Assert.ThrowsAsync<ArgumentException>(() => defaults.PutObjectAsync(new PutObjectRequest { BucketName = "x--use1-az4--x-s3", Key = "k", ContentBody = "v" }))!;
            Assert.That(e.Message, Does.Contain("hostname does not appear to be a valid S3 endpoint"));
        }

        using var s3 = gw.Client(configure: c => c.DisableS3ExpressSessionAuth = true);
        var bucket = "sdk--use1-az4--x-s3";
        await s3.PutBucketAsync(new PutBucketRequest
        {
            BucketName = bucket,
            PutBucketConfiguration = new PutBucketConfiguration
            {
                Location = new LocationInfo { Type = LocationType.AvailabilityZone, Name = "use1-az4" },
                BucketInfo = new BucketInfo { Type = BucketType.Directory, DataRedundancy = DataRedundancy.SingleAvailabilityZone },
            },
        });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "dir/k", ContentBody = "hello" });
        using (var get = await s3.GetObjectAsync(bucket, "dir/k"))
        {
            Assert.That(await new StreamReader(get.ResponseStream).ReadToEndAsync(), Is.EqualTo("hello"));
            Assert.That(get.StorageClass?.Value, Is.EqualTo("EXPRESS_ONEZONE"));
        }

        // Append, at the object's size and (refused from the headers, before the body) at another offset; the refused
        // request leaves the connection fit for the next one.
        var grown = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "dir/k", ContentBody = " world", WriteOffsetBytes = 5 });
        Assert.That(grown.Size, Is.EqualTo(11));
        var stale = Assert.ThrowsAsync<InvalidWriteOffsetException>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "dir/k", ContentBody = "!", WriteOffsetBytes = 5 }))!;
        Assert.That(((int)stale.StatusCode, stale.ErrorCode), Is.EqualTo((400, "InvalidWriteOffset")), "the SDK knows the code: its own exception type");
        await s3.RenameObjectAsync(new RenameObjectRequest { BucketName = bucket, Key = "dir/renamed", RenameSource = "dir/k" });
        using (var renamed = await s3.GetObjectAsync(bucket, "dir/renamed"))
        {
            Assert.That(await new StreamReader(renamed.ResponseStream).ReadToEndAsync(), Is.EqualTo("hello world"), "nothing of the refused append");
        }

        var wrongSize = Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "dir/renamed", IfMatchSize = 5 }))!;
        Assert.That(((int)wrongSize.StatusCode, wrongSize.ErrorCode), Is.EqualTo((412, "PreconditionFailed")));
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "dir/renamed", IfMatchSize = 11 });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "dir/k", ContentBody = "hello" });

        var listed = await s3.ListDirectoryBucketsAsync(new ListDirectoryBucketsRequest());
        Assert.That(listed.Buckets.Select(b => b.BucketName), Is.EqualTo(new[] { bucket }));
        var objects = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "dir/", Delimiter = "/" });
        Assert.That(objects.S3Objects.Select(o => o.Key), Is.EqualTo(new[] { "dir/k" }));
        await s3.DeleteObjectAsync(bucket, "dir/k");
        await s3.DeleteBucketAsync(bucket);
    }

    /// <summary>The bytes writer <paramref name="w"/> appends in its iteration <paramref name="i"/>: 3,000 of them, different for each.</summary>
    private static byte[] Chunk(int w, int i) => ObjectTests.RandomBytes(3000, (w * 100_000) + i);

    [Test]
    public async Task Kill_9_during_appends_and_renames_loses_no_acknowledged_append_and_shows_no_half_append()
    {
        var dir = TempDir.Create("express-crash");
        const int Writers = 4;
        // What each writer had acknowledged: the key its log is under and how many appends it holds (a rename in flight:
        // the key it was moving to).
        var key = new string[Writers];
        var moving = new string?[Writers];
        var appended = new int[Writers];
        var iterations = new List<int>[Writers];
        var acknowledged = 0;
        for (var w = 0; w < Writers; w++)
        {
            key[w] = $"w{w}/log";
            iterations[w] = [];
        }

        await CrashDrill.RunAsync(dir, ["--Gateway:SegmentSize=4096", "--Gateway:InlineThreshold=0"], s3 => s3.PutBucketAsync(new PutBucketRequest
        {
            BucketName = "crash--use1-az4--x-s3",
            PutBucketConfiguration = new PutBucketConfiguration
            {
                Location = new LocationInfo { Type = LocationType.AvailabilityZone, Name = "use1-az4" },
                BucketInfo = new BucketInfo { Type = BucketType.Directory },
            },
        }), async (s3, w, i) =>
        {
            if (i % 4 == 3)
            {
                var to = $"w{w}/log-{i}";
                moving[w] = to;
                await s3.RenameObjectAsync(new RenameObjectRequest { BucketName = "crash--use1-az4--x-s3", Key = to, RenameSource = key[w] });
                key[w] = to;
                moving[w] = null;
                return;
            }

            var offset = (long)iterations[w].Count * 3000;
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = "crash--use1-az4--x-s3",
                Key = key[w],
                WriteOffsetBytes = offset,
                InputStream = new MemoryStream(Chunk(w, i)),
            });
            iterations[w].Add(i);
            Interlocked.Increment(ref acknowledged);
        }, () => Volatile.Read(ref acknowledged) >= 200, Writers, c => c.DisableS3ExpressSessionAuth = true);

        // Killed between promoting an append's segment file and committing its row, the file is garbage no row
        // references (the start-up sweep removes it); nothing a row references may be missing.
        var check = Storage.StorageEngine.CheckFolder(dir);
        Assert.That((check.Database, check.MeterMismatches, check.MissingSegments, check.DoubleStoredSegments),
            Is.EqualTo((new[] { "ok" }, Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>())), "meter equals recount; no referenced segment lost");
        TestContext.Out.WriteLine($"segment files no row references after the kill: {check.OrphanSegments.Count}");
        await using var again = await GatewayInstance.StartAsync(dataDir: dir);
        await again.StopAsync();
        Assert.That(Storage.StorageEngine.CheckFolder(dir).IsConsistent, Is.True, "after the start-up sweep the stored segments are exactly the referenced ones");
        await again.RestartAsync();
        using var client = again.Client(configure: c => c.DisableS3ExpressSessionAuth = true);
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "crash--use1-az4--x-s3" });
        for (var w = 0; w < Writers; w++)
        {
            var keys = listed.S3Objects.Select(o => o.Key).Where(k => k.StartsWith($"w{w}/", StringComparison.Ordinal)).ToList();
            Assert.That(keys, Has.Count.EqualTo(1), $"writer {w}'s log is under one key, renamed whole or not at all");
            Assert.That(keys[0], Is.EqualTo(key[w]).Or.EqualTo(moving[w]), $"writer {w}");
            using var get = await client.GetObjectAsync("crash--use1-az4--x-s3", keys[0]);
            var bytes = await ObjectTests.ReadAll(get);
            var expected = iterations[w].SelectMany(i => Chunk(w, i)).ToArray();
            Assert.That(bytes.Length, Is.EqualTo(expected.Length).Or.EqualTo(expected.Length + 3000), $"writer {w}: every acknowledged append and at most one whole unacknowledged one");
            Assert.That(bytes.AsSpan(0, expected.Length).SequenceEqual(expected), Is.True, $"writer {w}: the acknowledged appends, in order");
        }
    }
}
