namespace EndToEnd.Tests;

/// <summary>
/// Browser form uploads (POST Object) built by boto3's generate_presigned_post with its defaults (SigV2 policy)
/// and with SigV4, sent by Python requests as a browser would, and S3's answers to every way they can go wrong.
/// </summary>
public sealed class PostObjectTests
{
    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("post-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    private async Task Run(GatewayInstance gw, string script)
    {
        await Boto3.AssertPassesAsync("""
            import base64, hashlib, hmac, json, sys, time, boto3, botocore.config, requests
            from xml.etree import ElementTree
            s3 = boto3.client("s3")
            v4 = boto3.client("s3", config=botocore.config.Config(signature_version="s3v4"))
            b = sys.argv[1]
            s3.create_bucket(Bucket=b)

            def code(r):
                return ElementTree.fromstring(r.content).findtext("Code")

            def missing(key):
                try:
                    s3.head_object(Bucket=b, Key=key)
                    return False
                except s3.exceptions.ClientError:
                    return True

            """ + script + "\nprint(\"post-ok\")\n", "post-ok", gw, _home, Names.Bucket("post"));
    }

    [Test]
    public async Task Boto3_presigned_posts_with_v2_and_v4_policies_store_the_file() => await Run(SharedGateway.Instance, """
        post = s3.generate_presigned_post(b, "uploads/${filename}", Fields={"Content-Type": "text/plain", "x-amz-meta-origin": "form"},
            Conditions=[{"Content-Type": "text/plain"}, {"x-amz-meta-origin": "form"}, ["content-length-range", 1, 100]], ExpiresIn=300)
        assert "signature" in post["fields"] and "AWSAccessKeyId" in post["fields"], "boto3's default POST policy is SigV2"
        r = requests.post(post["url"], data=post["fields"], files={"file": ("hello.txt", b"hello form")})
        assert r.status_code == 204 and r.content == b"", (r.status_code, r.text)
        got = s3.get_object(Bucket=b, Key="uploads/hello.txt")
        assert got["Body"].read() == b"hello form" and got["ContentType"] == "text/plain" and got["Metadata"] == {"origin": "form"}, got
        assert r.headers["ETag"] == got["ETag"]

        post = v4.generate_presigned_post(b, "v4.txt", Fields={"success_action_status": "201"}, Conditions=[{"success_action_status": "201"}], ExpiresIn=300)
        assert "x-amz-signature" in post["fields"]
        r = requests.post(post["url"], data=post["fields"], files={"file": ("v4.txt", b"v4 form")})
        assert r.status_code == 201, r.text
        doc = ElementTree.fromstring(r.content)
        assert doc.tag == "PostResponse" and doc.findtext("Key") == "v4.txt" and doc.findtext("Bucket") == b, r.text
        assert s3.get_object(Bucket=b, Key="v4.txt")["Body"].read() == b"v4 form"

        post = s3.generate_presigned_post(b, "ok.txt", Fields={"success_action_status": "200"}, Conditions=[{"success_action_status": "200"}])
        r = requests.post(post["url"], data=post["fields"], files={"file": ("x", b"x")})
        assert r.status_code == 200 and r.content == b"", r.text

        redirect = "http://example.invalid/done"
        post = s3.generate_presigned_post(b, "r.txt", Fields={"success_action_redirect": redirect}, Conditions=[{"success_action_redirect": redirect}])
        r = requests.post(post["url"], data=post["fields"], files={"file": ("r", b"redirected")}, allow_redirects=False)
        etag = s3.head_object(Bucket=b, Key="r.txt")["ETag"]
        assert r.status_code == 303 and r.headers["Location"] == redirect + "?bucket=%s&key=r.txt&etag=%s" % (b, etag.replace('"', "%22")), r.headers

        # A 6 MiB file streams through; the fields after the file are ignored, as S3 ignores them.
        big = bytes(range(256)) * (6 * 4096)
        post = s3.generate_presigned_post(b, "big.bin")
        body = requests.models.RequestEncodingMixin._encode_files({"file": ("big.bin", big), "after": (None, "ignored")}, post["fields"])
        r = requests.post(post["url"], data=body[0], headers={"Content-Type": body[1]})
        assert r.status_code == 204, r.text
        assert s3.get_object(Bucket=b, Key="big.bin")["Body"].read() == big
        """);

    [Test]
    public async Task Forms_that_break_their_policy_are_refused_and_store_nothing()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Clock = "virtual");
        await Run(gw, """
            def post_with(key, fields=None, conditions=None, file=b"data", expires=300, client=s3, tamper=None):
                p = client.generate_presigned_post(b, key, Fields=fields, Conditions=conditions, ExpiresIn=expires)
                if tamper:
                    tamper(p["fields"])
                return requests.post(p["url"], data=p["fields"], files={"file": ("f", file)})

            r = post_with("big", conditions=[["content-length-range", 1, 3]])
            assert r.status_code == 400 and code(r) == "EntityTooLarge" and missing("big"), r.text
            r = post_with("small", conditions=[["content-length-range", 10, 30]])
            assert r.status_code == 400 and code(r) == "EntityTooSmall" and missing("small"), r.text

            def extra(fields):
                fields["x-amz-meta-unlisted"] = "1"
            r = post_with("extra", tamper=extra)
            assert r.status_code == 403 and code(r) == "AccessDenied" and b"Extra input fields: x-amz-meta-unlisted" in r.content and missing("extra"), r.text

            def other_key(fields):
                fields["key"] = "elsewhere"
            r = post_with("listed", tamper=other_key)
            assert r.status_code == 403 and b"Policy Condition failed" in r.content and missing("elsewhere"), r.text

            def bad_signature(fields):
                fields["signature"] = base64.b64encode(b"0" * 20).decode()
            r = post_with("badsig", tamper=bad_signature)
            assert r.status_code == 403 and code(r) == "SignatureDoesNotMatch" and missing("badsig"), r.text

            def unknown_key(fields):
                fields["AWSAccessKeyId"] = "nobody"
            r = post_with("nobody", tamper=unknown_key)
            assert r.status_code == 403 and code(r) == "InvalidAccessKeyId", r.text

            def no_key(fields):
                del fields["key"]
            r = post_with("nokey", tamper=no_key)
            assert r.status_code == 400 and code(r) == "InvalidArgument", r.text

            sha = base64.b64encode(hashlib.sha256(b"data").digest()).decode()
            r = post_with("sum", fields={"x-amz-checksum-sha256": base64.b64encode(hashlib.sha256(b"other").digest()).decode()})
            assert r.status_code == 400 and code(r) == "BadDigest" and missing("sum"), r.text
            r = post_with("sum", fields={"x-amz-checksum-sha256": sha})
            assert r.status_code == 204, r.text
            # The 2026 algorithms as form fields: checked, stored and returned (botocore names them ChecksumMD5, ChecksumSHA512).
            for name, h in (("md5", hashlib.md5), ("sha512", hashlib.sha512)):
                good, bad = (base64.b64encode(h(d).digest()).decode() for d in (b"data", b"other"))
                r = post_with("sum-" + name, fields={"x-amz-checksum-" + name: bad})
                assert r.status_code == 400 and code(r) == "BadDigest" and missing("sum-" + name), r.text
                r = post_with("sum-" + name, fields={"x-amz-checksum-" + name: good})
                assert r.status_code == 204, r.text
                h = s3.head_object(Bucket=b, Key="sum-" + name, ChecksumMode="ENABLED")
                assert h["Checksum" + name.upper()] == good and h["ChecksumType"] == "FULL_OBJECT", h
            r = post_with("md5", fields={"Content-MD5": base64.b64encode(hashlib.md5(b"other").digest()).decode()},
                conditions=[{"Content-MD5": base64.b64encode(hashlib.md5(b"other").digest()).decode()}])
            assert r.status_code == 400 and code(r) == "BadDigest" and missing("md5"), r.text

            r = requests.post(s3.generate_presigned_post(b, "x")["url"], data={"key": "anonymous"}, files={"file": ("f", b"x")})
            assert r.status_code == 403 and code(r) == "AccessDenied" and missing("anonymous"), r.text
            r = requests.post(s3.generate_presigned_post(b, "x")["url"], data=b"not a form", headers={"Content-Type": "text/plain"})
            assert r.status_code == 412 and code(r) == "PreconditionFailed", r.text

            # The policy expires on the gateway's clock.
            p = s3.generate_presigned_post(b, "late", ExpiresIn=60)
            admin = boto3.client("s3")
            url = s3._endpoint.host + "/_gateway/clock/advance?seconds=120"
            from botocore.awsrequest import AWSRequest
            from botocore.auth import SigV4Auth
            req = AWSRequest(method="POST", url=url, headers={"x-amz-content-sha256": hashlib.sha256(b"").hexdigest()})
            SigV4Auth(boto3.Session().get_credentials(), "s3", "us-east-1").add_auth(req)
            assert requests.post(url, headers=dict(req.headers)).status_code == 200
            r = requests.post(p["url"], data=p["fields"], files={"file": ("f", b"late")})
            assert r.status_code == 403 and b"Policy expired" in r.content and missing("late"), r.text
            """);
    }
}
