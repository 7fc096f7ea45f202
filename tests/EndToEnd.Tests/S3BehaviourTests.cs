using System.Net;

namespace EndToEnd.Tests;

/// <summary>
/// S3's exact behaviour where the gateway once differed, each through a real client with its defaults (boto3,
/// AWSSDK.S3) or on the wire: listings, conditional reads, bucket names, ranges and part numbers, headers kept as
/// sent, keys that are not UTF-8, and request XML limits.
/// </summary>
public sealed class S3BehaviourTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("s3b-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    private Task Boto(string body, params string[] args) => Boto(Gw, body, args);

    private Task Boto(GatewayInstance gw, string body, params string[] args) => Boto3.AssertPassesAsync("""
        import sys, boto3, botocore
        s3 = boto3.client("s3")
        b = sys.argv[1]
        s3.create_bucket(Bucket=b)
        """ + "\n" + body + "\nprint(\"script-ok\")\n", "script-ok", gw, _home, [Names.Bucket("s3b"), .. args]);

    [Test]
    public Task Listing_a_newline_prefix_round_trips_through_boto3_and_an_empty_continuation_token_is_none() => Boto("""
        for k in ["foo/bar", "foo/baz", "quux"]:
            s3.put_object(Bucket=b, Key=k, Body=b"x")
        # boto3 adds encoding-type=url to every listing and decodes what S3 encodes.
        v1 = s3.list_objects(Bucket=b, Prefix="\n")
        assert v1["Prefix"] == "\n" and "Contents" not in v1 and "CommonPrefixes" not in v1, v1
        v2 = s3.list_objects_v2(Bucket=b, Prefix="\n")
        assert v2["Prefix"] == "\n" and v2["KeyCount"] == 0, v2
        empty = s3.list_objects_v2(Bucket=b, ContinuationToken="")
        assert empty["ContinuationToken"] == "" and empty["IsTruncated"] is False, empty
        assert [o["Key"] for o in empty["Contents"]] == ["foo/bar", "foo/baz", "quux"], empty
        """);

    [Test]
    public Task Boto3_signing_with_a_date_header_is_accepted() => Boto("""
        from email.utils import formatdate
        # With a Date header set, botocore signs SigV4 with it (RFC 2822 "-0000" form) and sends no x-amz-date.
        s3.meta.events.register("before-call.s3.PutObject", lambda **kw: kw["params"]["headers"].update({"Date": formatdate(usegmt=True), "X-Amz-Date": formatdate(usegmt=True)}))
        s3.put_object(Bucket=b, Key="dated", Body=b"bar")
        assert s3.get_object(Bucket=b, Key="dated")["Body"].read() == b"bar"
        """);

    [Test]
    public async Task Not_modified_carries_the_etag_and_last_modified()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("nm");
        await s3.PutBucketAsync(bucket);
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "body" });
        var head = await s3.GetObjectMetadataAsync(bucket, "k");
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var response = await raw.SendAsync(method, $"/{bucket}/k", headers: new Dictionary<string, string> { ["If-None-Match"] = put.ETag });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotModified), method.Method);
            Assert.That(response.Headers.ETag?.Tag, Is.EqualTo(put.ETag), method.Method);
            Assert.That(response.Content.Headers.LastModified, Is.EqualTo(new DateTimeOffset(head.LastModified!.Value.ToUniversalTime(), TimeSpan.Zero)), method.Method);
        }
    }

    [Test]
    public Task Copy_ranges_part_checksums_content_encoding_and_expired_presigned_puts_answer_as_s3_does() => Boto("""
        import base64, hashlib, requests, botocore.config
        from botocore.exceptions import ClientError
        def error(call, **kw):
            try:
                call(**kw)
            except ClientError as e:
                return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]
            raise AssertionError("no error from %s" % kw)

        s3.put_object(Bucket=b, Key="src", Body=b"12345")
        up = s3.create_multipart_upload(Bucket=b, Key="dst", ChecksumAlgorithm="SHA256")["UploadId"]
        # A well-formed copy range past the source's end is InvalidRange; a malformed one InvalidArgument.
        assert error(s3.upload_part_copy, Bucket=b, Key="dst", UploadId=up, PartNumber=1, CopySource={"Bucket": b, "Key": "src"}, CopySourceRange="bytes=0-21") == (416, "InvalidRange")
        assert error(s3.upload_part_copy, Bucket=b, Key="dst", UploadId=up, PartNumber=1, CopySource={"Bucket": b, "Key": "src"}, CopySourceRange="bytes=hello-") == (400, "InvalidArgument")

        # A part whose x-amz-checksum-sha256 does not match its body is BadDigest, and nothing is stored.
        # botocore retries BadDigest four times with backoff (against S3 too); one attempt says the same sooner.
        once = boto3.client("s3", config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 1}))
        wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
        assert error(once.upload_part, Bucket=b, Key="dst", UploadId=up, PartNumber=1, Body=b"A" * 1024, ChecksumAlgorithm="SHA256", ChecksumSHA256=wrong) == (400, "BadDigest")
        assert "Parts" not in s3.list_parts(Bucket=b, Key="dst", UploadId=up)
        # A wrong whole-object checksum on Complete is BadDigest, with the part checksum listed or not.
        part = s3.upload_part(Bucket=b, Key="dst", UploadId=up, PartNumber=1, Body=b"A" * 1024, ChecksumAlgorithm="SHA256")
        for listed in ({"ETag": part["ETag"], "PartNumber": 1, "ChecksumSHA256": part["ChecksumSHA256"]}, {"ETag": part["ETag"], "PartNumber": 1}):
            assert error(once.complete_multipart_upload, Bucket=b, Key="dst", UploadId=up, ChecksumSHA256="bad", MultipartUpload={"Parts": [listed]}) == (400, "BadDigest")
        s3.abort_multipart_upload(Bucket=b, Key="dst", UploadId=up)

        # Content-Encoding comes back exactly as sent, but for the transfer's aws-chunked.
        for sent, stored in [("gzip", "gzip"), ("deflate, gzip", "deflate, gzip"), ("gzip, aws-chunked", "gzip"), ("aws-chunked", None)]:
            s3.put_object(Bucket=b, Key="enc", ContentEncoding=sent)
            assert s3.head_object(Bucket=b, Key="enc").get("ContentEncoding") == stored, sent

        # A presigned PUT that expired (or was signed to live no time at all) is 403 AccessDenied, and stores nothing.
        s3.put_object(Bucket=b, Key="foo", Body=b"original")
        for signer in (s3, boto3.client("s3", config=botocore.config.Config(signature_version="s3v4"))):
            for expires in (-1000, 0):
                url = signer.generate_presigned_url("put_object", Params={"Bucket": b, "Key": "foo"}, ExpiresIn=expires, HttpMethod="PUT")
                r = requests.put(url, data="foo")
                assert r.status_code == 403 and "<Code>AccessDenied</Code>" in r.text, (url, r.status_code, r.text)
        assert s3.get_object(Bucket=b, Key="foo")["Body"].read() == b"original"
        """);

    [Test]
    public async Task Upload_part_copy_racing_a_delete_of_its_source_copies_the_snapshot_it_took()
    {
        // The race made certain: the source is deleted through S3 at the moment storage has read it and not yet
        // committed the part (storage's hook for exactly that moment), on a gateway of the test's own.
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        var bucket = Names.Bucket("race");
        await s3.PutBucketAsync(bucket);
        var source = ObjectTests.RandomBytes(16 * 1024 * 1024, 90);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(source));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", InputStream = new MemoryStream(source) });
        var create = await s3.InitiateMultipartUploadAsync(bucket, "dst");
        var deletedMidCopy = false;
        gw.Services.Storage.Multipart.AfterCopyRead = async () =>
        {
            gw.Services.Storage.Multipart.AfterCopyRead = null;
            using var other = gw.Client();
            await other.DeleteObjectAsync(bucket, "src");
            deletedMidCopy = true;
        };
        var part = await s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket,
            SourceKey = "src",
            DestinationBucket = bucket,
            DestinationKey = "dst",
            UploadId = create.UploadId,
            PartNumber = 1,
        });
        Assert.That(deletedMidCopy, Is.True, "the source was deleted between the copy's read and its commit");
        Assert.That(part.ETag, Is.EqualTo("\"" + expected + "\""), "no spurious PreconditionFailed, and the source's bytes");
        Assert.That(async () => await s3.GetObjectMetadataAsync(bucket, "src"), Throws.InstanceOf<AmazonS3Exception>(), "the source is gone");
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "dst",
            UploadId = create.UploadId,
            PartETags = [new PartETag(1, part.ETag)],
        });
        using var get = await s3.GetObjectAsync(bucket, "dst");
        Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(source));
        await gw.StopAsync();
        Assert.That(Storage.StorageEngine.CheckFolder(gw.DataDir).IsConsistent, Is.True);
    }

    [Test]
    public async Task Keys_that_are_not_utf8_are_refused_rather_than_merged()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("utf");
        await s3.PutBucketAsync(bucket);
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        // %FF and %FE would both have become U+FFFD: one key for two names.
        foreach (var key in new[] { "a%FF", "a%FE", "%C0%AF", "%ED%A0%80" })
        {
            using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/{key}", "x"u8.ToArray());
            var error = await S3Error.ReadAsync(put);
            Assert.That(((int)put.StatusCode, error.Code, error.Element("Message")), Is.EqualTo((400, "InvalidURI", "Couldn't parse the specified URI.")), key);
        }

        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.That(list.S3Objects ?? [], Is.Empty, "nothing was stored under any of them");
        await Boto("""
            try:
                s3.get_object(Bucket=b, Key="\xae\x8a-")
                raise SystemExit("a key with a C1 control character must be refused")
            except botocore.exceptions.ClientError as e:
                assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
                assert e.response["Error"]["Message"] == "Couldn't parse the specified URI.", e.response
            """);
    }

    [Test]
    public Task Non_ascii_metadata_and_response_overrides_never_give_500() => Boto("""
        import email.header, requests
        once = boto3.client("s3", config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 1}))
        def sets(value):
            def handler(**kw):
                kw["params"]["headers"]["x-amz-meta-meta1"] = value
            return handler
        for i, value in enumerate(["Hello World\xe9", "\u20ac and \U0001F600"]):
            once.meta.events.register("before-call.s3.PutObject", sets(value), unique_id="m%d" % i)
            once.put_object(Bucket=b, Key="meta%d" % i, Body=b"x", ContentDisposition="attachment; filename=\"r\u00e9sum\u00e9.pdf\"")
            once.meta.events.unregister("before-call.s3.PutObject", unique_id="m%d" % i)
            got = once.get_object(Bucket=b, Key="meta%d" % i)
            # S3 returns a non-ASCII metadata value as RFC 2047 encoded-words (its documented behaviour).
            words = got["Metadata"]["meta1"]
            assert words.startswith("=?UTF-8?B?"), words
            assert str(email.header.make_header(email.header.decode_header(words))) == value, words
            # Other headers come back as the bytes that were sent (UTF-8 here; http.client reads them as latin-1).
            assert got["ContentDisposition"].encode("latin-1").decode("utf-8") == "attachment; filename=\"r\u00e9sum\u00e9.pdf\"", got["ContentDisposition"]
            # A client may send the encoded-words itself: they are decoded before storing, so both forms are one value.
            once.put_object(Bucket=b, Key="words%d" % i, Body=b"x", Metadata={"meta1": words})
            assert once.head_object(Bucket=b, Key="words%d" % i)["Metadata"]["meta1"] == words

        # response-* overrides go out in ISO-8859-1, or are refused as S3 refuses them.
        url = once.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "meta0", "ResponseContentDisposition": "inline; filename=\"\u00fc.txt\""})
        r = requests.get(url)
        assert r.status_code == 200 and r.raw.headers["Content-Disposition"] == "inline; filename=\"\u00fc.txt\"", r.raw.headers
        for bad in ["\u20ac", "a\nb", "x\x01y"]:
            try:
                once.get_object(Bucket=b, Key="meta0", ResponseContentType=bad)
                raise SystemExit("an override S3 cannot write must be refused: %r" % bad)
            except botocore.exceptions.ClientError as e:
                assert e.response["Error"]["Code"] == "InvalidArgument", e.response
                assert e.response["Error"]["Message"] == "Header value cannot be represented using ISO-8859-1.", e.response
        """);

    [Test]
    public async Task Deeply_nested_request_xml_is_malformed_xml_read_in_one_pass()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("deep");
        await s3.PutBucketAsync(bucket);
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        // 200,000 levels (1.4 MB, inside the 2 MiB cap): this took minutes of CPU when the tree was built first.
        const int Depth = 200_000;
        var xml = "<Delete>" + string.Concat(Enumerable.Repeat("<a>", Depth)) + string.Concat(Enumerable.Repeat("</a>", Depth)) + "</Delete>";
        var body = System.Text.Encoding.UTF8.GetBytes(xml);
        using var response = await raw.SendAsync(HttpMethod.Post, $"/{bucket}?delete", body,
            new Dictionary<string, string> { ["Content-MD5"] = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(body)) });
        var error = await S3Error.ReadAsync(response);
        Assert.That(((int)response.StatusCode, error.Code, error.Element("Message")), Is.EqualTo((400, "MalformedXML", "The XML you provided was nested deeper than 32 levels.")));
    }

    [Test]
    public async Task A_full_disk_is_507_naming_the_cause_and_deletes_and_aborts_still_free_space()
    {
        // Data written first, then the reserve raised past what any disk has: every data write now meets a "full disk".
        var dir = TempDir.Create("gw-full");
        string bucket;
        string uploadId;
        // Stopped, not disposed: disposing would delete the data folder the second gateway opens.
        var first = await GatewayInstance.StartAsync(dataDir: dir);
        using (var s3 = first.Client())
        {
            bucket = Names.Bucket("full");
            await s3.PutBucketAsync(bucket);
            foreach (var key in new[] { "a", "b", "c" })
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "data " + key });
            }

            uploadId = (await s3.InitiateMultipartUploadAsync(bucket, "mp")).UploadId;
        }

        await first.StopAsync();
        await using var full = await GatewayInstance.StartAsync(dataDir: dir, args: ["--Gateway:MinFreeSpace=" + (long.MaxValue / 2)]);
        await Boto(full, $$"""
            bucket = "{{bucket}}"
            def refused(call, **kw):
                try:
                    call(**kw)
                except botocore.exceptions.ClientError as e:
                    status, error = e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]
                    assert status == 507 and error["Code"] == "InsufficientStorage", e.response
                    assert "disk is full" in error["Message"] and "DeleteObject" in error["Message"], error["Message"]
                    return
                raise AssertionError("a write on a full disk must be refused")
            # boto3 with its default settings: 507 is not retried, and the connection stays usable after it.
            refused(s3.put_object, Bucket=bucket, Key="new", Body=b"x" * 100000)
            refused(s3.upload_part, Bucket=bucket, Key="mp", UploadId="{{uploadId}}", PartNumber=1, Body=b"p" * 100000)
            assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["a", "b", "c"], "nothing was stored"
            s3.delete_object(Bucket=bucket, Key="a")
            deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "b"}, {"Key": "c"}]})
            assert sorted(d["Key"] for d in deleted["Deleted"]) == ["b", "c"], deleted
            s3.abort_multipart_upload(Bucket=bucket, Key="mp", UploadId="{{uploadId}}")
            assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
            assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
            """);
        Assert.That(Directory.GetFiles(Path.Combine(dir, "segments"), "*", SearchOption.AllDirectories), Is.Empty, "the deletes freed the space");
    }

    /// <summary>Mounts a tmpfs of <paramref name="size"/>; null (with why) where this machine cannot (not root, no mount).</summary>
    private static async Task<string?> MountTmpfs(string at, string size)
    {
        try
        {
            var mount = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=" + size, "tmpfs", at])
            {
                RedirectStandardError = true,
            })!;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await mount.WaitForExitAsync(deadline.Token);
            return mount.ExitCode == 0 ? null : "mount -t tmpfs failed: " + (await mount.StandardError.ReadToEndAsync()).Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return "no mount command: " + e.Message;
        }
    }

    private static async Task Unmount(string at)
    {
        using var umount = System.Diagnostics.Process.Start("umount", [at]);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await umount.WaitForExitAsync(deadline.Token);
    }

    [Test]
    public async Task On_a_real_tmpfs_another_process_filled_to_the_last_byte_deletes_and_aborts_still_free_space()
    {
        var mountPoint = TempDir.Create("tmpfs");
        if (await MountTmpfs(mountPoint, "64m") is { } why)
        {
            TempDir.TryDelete(mountPoint);
            Assert.Ignore("Skipped: a 64 MB tmpfs cannot be mounted on this machine (" + why + ").");
        }

        GatewayInstance? gw = null;
        try
        {
            gw = await GatewayInstance.StartAsync(o => o.MinFreeSpace = 8L << 20, dataDir: Path.Combine(mountPoint, "data"));
            Assert.That(new FileInfo(Path.Combine(gw.DataDir, "spare")).Length, Is.EqualTo(4L << 20), "the spare space is held from the start");
            using var s3 = gw.Client();
            var bucket = Names.Bucket("tmpfs");
            await s3.PutBucketAsync(bucket);
            var body = ObjectTests.RandomBytes(3_000_000, 5);
            foreach (var key in new[] { "a", "b", "c", "d" })
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) });
            }

            var upload = await s3.InitiateMultipartUploadAsync(bucket, "mp");
            await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(body) });

            // Something else fills the file system to its last byte (unbuffered writes, smaller and smaller).
            using (var filler = File.OpenHandle(Path.Combine(mountPoint, "filler"), FileMode.Create, FileAccess.Write))
            {
                long offset = 0;
                foreach (var size in new[] { 1 << 20, 64 << 10, 4 << 10, 512, 1 })
                {
                    var block = new byte[size];
                    try
                    {
                        while (true)
                        {
                            RandomAccess.Write(filler, block, offset);
                            offset += size;
                        }
                    }
                    catch (IOException)
                    {
                        // ENOSPC at this size: go on with a smaller one.
                    }
                }
            }

            Assert.That(new DriveInfo(mountPoint).AvailableFreeSpace, Is.Zero, "the disk is full");
            var put = Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "new", ContentBody = "x" }))!;
            Assert.That(((int)put.StatusCode, put.ErrorCode), Is.EqualTo((507, "InsufficientStorage")));
            Assert.That(put.Message, Does.Contain("DeleteObject, DeleteObjects and AbortMultipartUpload still work"));

            // What the 507 promises.
            await s3.DeleteObjectAsync(bucket, "a");
            await s3.AbortMultipartUploadAsync(bucket, "mp", upload.UploadId);
            var batch = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new KeyVersion { Key = "b" }, new KeyVersion { Key = "c" }] });
            Assert.That(batch.DeletedObjects.Select(d => d.Key), Is.EquivalentTo(new[] { "b", "c" }));
            Assert.That(batch.DeleteErrors ?? [], Is.Empty);
            var left = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
            Assert.That(left.S3Objects.Select(o => o.Key), Is.EqualTo(new[] { "d" }));
            Assert.That(gw.Services.Storage.Check().IsConsistent, Is.True);
            Assert.That(new FileInfo(Path.Combine(gw.DataDir, "spare")).Length, Is.EqualTo(4L << 20), "held again once space was freed");
        }
        finally
        {
            if (gw is not null)
            {
                await gw.DisposeAsync();
            }

            await Unmount(mountPoint);
            TempDir.TryDelete(mountPoint);
        }
    }
}
