using Storage;

namespace EndToEnd.Tests.Adapters;

/// <summary>
/// The Box upload-session adapter driven with Python requests, as Box's API reference shows it: the seed's
/// example, a 25 MB file in parallel out-of-order parts read back over S3, every error, expiry on the virtual
/// clock, and a restart in the middle of a session.
/// </summary>
public sealed class BoxAdapterTests
{
    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("box-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    private static Task<GatewayInstance> Start(Action<Gateway.GatewayOptions>? more = null) => GatewayInstance.StartAsync(o =>
    {
        o.Adapters.Box.Url = "http://127.0.0.1:0";
        more?.Invoke(o);
    });

    /// <summary>Runs a requests script with BOX (the adapter's /api/2.0 base URL), H (the bearer header) and helpers defined.</summary>
    private async Task Run(GatewayInstance gw, string body)
    {
        var script = """
            import base64, hashlib, json, os, sys, threading, boto3, requests
            BOX = sys.argv[1] + "api/2.0"
            H = {"Authorization": "Bearer test"}
            s3 = boto3.client("s3")
            def sha(data):
                return "sha=" + base64.b64encode(hashlib.sha1(data).digest()).decode()
            def create(size, name, folder="0"):
                r = requests.post(BOX + "/files/upload_sessions", headers=H, json={"folder_id": folder, "file_size": size, "file_name": name})
                assert r.status_code == 201, (r.status_code, r.text)
                return r.json()
            def put(session, data, first, total, digest=None, headers=None):
                h = {**H, "Digest": digest or sha(data), "Content-Range": "bytes %d-%d/%d" % (first, first + len(data) - 1, total), "Content-Type": "application/octet-stream"}
                h.update(headers or {})
                return requests.put(session["session_endpoints"]["upload_part"], headers=h, data=data)
            def error(r, status, code):
                assert r.status_code == status, (r.status_code, r.text)
                assert r.json()["type"] == "error" and r.json()["code"] == code and r.json()["status"] == status, r.text
                return r.json()
            """ + "\n" + body + "\nprint(\"box-ok\")\n";
        await Boto3.AssertPassesAsync(script, "box-ok", gw, _home, gw.Adapter("Box").ToString());
    }

    [Test]
    public async Task The_seed_example_uploads_a_part_at_its_content_range()
    {
        await using var gw = await Start();
        await Run(gw, """
            # The reference's example: the part at 8388608-16777215 of a 445,856,194-byte file (its own bytes, so its own digest).
            s = create(445856194, "seed-example.bin")
            assert (s["type"], s["part_size"], s["total_parts"], s["num_parts_processed"]) == ("upload_session", 8388608, 54, 0), s
            assert s["session_endpoints"]["commit"] == s["session_endpoints"]["upload_part"] + "/commit"
            data = os.urandom(8388608)
            r = requests.put(s["session_endpoints"]["upload_part"], data=data, headers={**H,
                "Digest": sha(data), "Content-Range": "8388608-16777215/445856194", "Content-Type": "application/octet-stream"})
            assert r.status_code == 200, r.text
            part = r.json()["part"]
            assert (part["offset"], part["size"], part["sha1"]) == (8388608, 8388608, hashlib.sha1(data).hexdigest()), part
            assert len(part["part_id"]) == 8 and part["part_id"].upper() == part["part_id"]
            status = requests.get(s["session_endpoints"]["status"], headers=H).json()
            assert status["num_parts_processed"] == 1 and status["id"] == s["id"], status
            assert requests.delete(s["session_endpoints"]["abort"], headers=H).status_code == 204
            error(requests.get(s["session_endpoints"]["status"], headers=H), 404, "not_found")
            """);
    }

    [Test]
    public async Task A_25_MB_file_in_parallel_out_of_order_parts_lands_as_an_S3_object()
    {
        await using var gw = await Start();
        await Run(gw, """
            data = os.urandom(25_000_000)
            s = create(len(data), "big.bin", folder="123")
            size = s["part_size"]
            assert (size, s["total_parts"]) == (8388608, 3), s
            parts = {}
            def send(i):
                first = i * size
                r = put(s, data[first:first + size], first, len(data))
                assert r.status_code == 200, r.text
                parts[i] = r.json()["part"]
            threads = [threading.Thread(target=send, args=(i,)) for i in (2, 0, 1)]
            for t in threads: t.start()
            for t in threads: t.join()
            assert len(parts) == 3
            listed = requests.get(s["session_endpoints"]["list_parts"], headers=H, params={"limit": 2}).json()
            assert (listed["total_count"], listed["limit"], listed["offset"], [p["offset"] for p in listed["entries"]]) == (3, 2, 0, [0, size]), listed
            rest = requests.get(s["session_endpoints"]["list_parts"], headers=H, params={"offset": 2}).json()
            assert [p["offset"] for p in rest["entries"]] == [2 * size], rest
            ordered = [parts[i] for i in range(3)]
            r = requests.post(s["session_endpoints"]["commit"], headers={**H, "Digest": sha(data)}, json={"parts": ordered, "attributes": {}})
            assert r.status_code == 201, r.text
            f = r.json()["entries"][0]
            assert (r.json()["total_count"], f["type"], f["name"], f["size"], f["sha1"], f["parent"]["id"]) == (1, "file", "big.bin", len(data), hashlib.sha1(data).hexdigest(), "123"), f
            got = s3.get_object(Bucket="box", Key="123/big.bin")["Body"].read()
            assert got == data, "the file reads back over S3 byte for byte"
            error(requests.get(s["session_endpoints"]["status"], headers=H), 404, "not_found")
            # The same name again in that folder is taken.
            error(requests.post(BOX + "/files/upload_sessions", headers=H, json={"folder_id": "123", "file_size": 20000000, "file_name": "big.bin"}), 409, "item_name_in_use")
            """);
        var check = StorageEngine.CheckFolder(gw.DataDir);
        Assert.That(check.IsConsistent, Is.True, "the meter equals a recount and every segment file is referenced");
    }

    [Test]
    public async Task Every_error_answers_as_Box_does_and_stores_nothing()
    {
        await using var gw = await Start();
        await Run(gw, """
            r = requests.post(BOX + "/files/upload_sessions", headers={"Authorization": "Bearer wrong"}, json={})
            assert r.status_code == 401 and r.content == b"" and 'error="invalid_token"' in r.headers["WWW-Authenticate"], (r.status_code, r.headers)
            error(requests.post(BOX + "/files/upload_sessions", headers=H, json={"folder_id": "0", "file_size": 19999999, "file_name": "small"}), 400, "file_size_too_small")
            error(requests.post(BOX + "/files/upload_sessions", headers=H, json={"file_size": 20000000, "file_name": "x"}), 400, "missing_destination")
            error(requests.post(BOX + "/files/upload_sessions", headers=H, json={"folder_id": "0", "file_size": 20000000}), 400, "missing_file_name")
            error(requests.post(BOX + "/files/upload_sessions", headers=H, json={"folder_id": "0", "file_size": -1, "file_name": "x"}), 400, "invalid_file_size")
            # JSON read strictly: a name given twice and bytes that are not UTF-8 are refused, not resolved or replaced.
            jh = {**H, "Content-Type": "application/json"}
            twice = b'{"folder_id": "0", "file_size": 20000000, "file_name": "a.bin", "file_name": "b.bin"}'
            assert "Duplicate property 'file_name'" in error(requests.post(BOX + "/files/upload_sessions", headers=jh, data=twice), 400, "bad_request")["message"]
            error(requests.post(BOX + "/files/upload_sessions", headers=jh, data=b'{"folder_id": "0", "file_size": 20000000, "file_name": "\xc3\x28"}'), 400, "bad_request")
            error(requests.get(BOX + "/files/upload_sessions/NOT-HEX", headers=H), 400, "invalid_upload_session_id")
            error(requests.get(BOX + "/files/upload_sessions/ABCDEF", headers=H), 404, "not_found")

            total = 20_000_000
            data = os.urandom(total)
            s = create(total, "errors.bin")
            size = s["part_size"]
            part0 = data[:size]
            error(put(s, part0[:-1], 0, total), 416, "requested_range_not_satisfiable")           # wrong length
            error(put(s, part0, 1, total), 416, "requested_range_not_satisfiable")                # not on a part boundary
            error(put(s, part0, 0, total + 1), 416, "requested_range_not_satisfiable")            # not this file's size
            error(put(s, data[2 * size:] + b"x", 2 * size, total), 416, "requested_range_not_satisfiable")  # past the end
            error(put(s, part0, 0, total, digest=sha(b"other")), 412, "precondition_failed")      # digest does not match
            r = put(s, part0, 0, total, digest="md5=" + base64.b64encode(hashlib.md5(part0).digest()).decode())
            assert error(r, 400, "bad_request")["message"].startswith("Only SHA-1 is supported"), r.text
            h = {**H, "Content-Range": "bytes 0-%d/%d" % (size - 1, total)}
            error(requests.put(s["session_endpoints"]["upload_part"], headers=h, data=part0), 400, "bad_request")   # no Digest
            listed = requests.get(s["session_endpoints"]["list_parts"], headers=H).json()
            assert listed["total_count"] == 0, "nothing was stored by any refused part"

            first = put(s, part0, 0, total)
            assert first.status_code == 200, first.text
            again = put(s, part0, 0, total)
            assert again.status_code == 200 and again.json() == first.json(), "the same part again is the part already there"
            conflict = error(put(s, os.urandom(size), 0, total), 416, "range_overlaps_existing_part")
            assert conflict["context_info"]["conflicting_part"] == first.json()["part"], conflict

            # Commit: a listed part not (yet) there is 202 Retry-After; a wrong part or a wrong file digest is 400.
            p0 = first.json()["part"]
            fake = {"part_id": "00000000", "offset": size, "size": size, "sha1": "00" * 20}
            r = requests.post(s["session_endpoints"]["commit"], headers={**H, "Digest": sha(data)}, json={"parts": [p0, fake]})
            assert r.status_code == 202 and r.headers["Retry-After"] == "1", (r.status_code, r.text)
            for i in (1, 2):
                assert put(s, data[i * size:(i + 1) * size], i * size, total).status_code == 200
            parts = requests.get(s["session_endpoints"]["list_parts"], headers=H).json()["entries"]
            wrong = [dict(parts[0], sha1="ff" * 20)] + parts[1:]
            error(requests.post(s["session_endpoints"]["commit"], headers={**H, "Digest": sha(data)}, json={"parts": wrong}), 400, "bad_request")
            error(requests.post(s["session_endpoints"]["commit"], headers={**H, "Digest": sha(data)}, json={"parts": parts[:2]}), 400, "bad_request")
            e = error(requests.post(s["session_endpoints"]["commit"], headers={**H, "Digest": sha(b"not the file")}, json={"parts": parts}), 400, "digest_mismatch")
            assert e["message"].startswith("File digest was incorrect. Actual: "), e
            r = requests.post(s["session_endpoints"]["commit"], headers={**H, "Digest": sha(data)}, json={"parts": parts})
            assert r.status_code == 201, r.text
            assert s3.get_object(Bucket="box", Key="0/errors.bin")["Body"].read() == data
            """);
        Assert.That(StorageEngine.CheckFolder(gw.DataDir).IsConsistent, Is.True);
    }

    [Test]
    public async Task A_session_expires_after_seven_days_on_the_gateway_clock_and_is_aborted()
    {
        await using var gw = await Start(o => o.Clock = "virtual");
        var sessionFile = Path.Combine(_home, "session.json");
        await Run(gw, $$"""
            s = create(20000000, "late.bin")
            assert put(s, os.urandom(s["part_size"]), 0, 20000000).status_code == 200
            json.dump(s, open("{{sessionFile}}", "w"))
            """);
        // The session is a metered incomplete upload: the admin API lists it with its cost.
        var listing = await UsageTests.Admin(gw, HttpMethod.Get, "/_gateway/uploads?bucket=box");
        Assert.That(listing.GetProperty("uploads").GetArrayLength(), Is.EqualTo(1));
        Assert.That(listing.GetProperty("uploads")[0].GetProperty("bytes").GetInt64(), Is.EqualTo(8388608));

        await UsageTests.Admin(gw, HttpMethod.Post, "/_gateway/clock/advance?seconds=" + ((7 * 86400) - 60));
        await Run(gw, $$"""
            s = json.load(open("{{sessionFile}}"))
            assert requests.get(BOX + "/files/upload_sessions/" + s["id"], headers=H).status_code == 200, "still alive a minute before"
            """);
        await UsageTests.Admin(gw, HttpMethod.Post, "/_gateway/clock/advance?seconds=120");
        await Run(gw, $$"""
            s = json.load(open("{{sessionFile}}"))
            r = requests.get(BOX + "/files/upload_sessions/" + s["id"], headers=H)
            assert r.status_code in (404, 410), (r.status_code, r.text)
            """);
        var after = await UsageTests.Admin(gw, HttpMethod.Get, "/_gateway/uploads?bucket=box");
        Assert.That(after.GetProperty("uploads").GetArrayLength(), Is.Zero, "the sweeper aborted the expired session (it runs after every clock advance)");
    }

    [Test]
    public async Task A_restart_in_the_middle_of_a_session_loses_nothing()
    {
        await using var gw = await Start();
        var data = ObjectTests.RandomBytes(20_000_000, 91);
        var file = Path.Combine(_home, "file.bin");
        await File.WriteAllBytesAsync(file, data);
        var sessionFile = Path.Combine(_home, "session.json");
        await Run(gw, $$"""
            data = open("{{file}}", "rb").read()
            s = create(len(data), "restart.bin")
            assert put(s, data[:s["part_size"]], 0, len(data)).status_code == 200
            json.dump(s, open("{{sessionFile}}", "w"))
            """);
        await gw.RestartAsync();
        await Run(gw, $$"""
            data = open("{{file}}", "rb").read()
            s = json.load(open("{{sessionFile}}"))
            base = BOX + "/files/upload_sessions/" + s["id"]
            s["session_endpoints"]["upload_part"] = base   # the restarted adapter listens on a new port
            status = requests.get(base, headers=H).json()
            assert status["num_parts_processed"] == 1, status
            size = s["part_size"]
            for i in range(1, s["total_parts"]):
                assert put(s, data[i * size:(i + 1) * size], i * size, len(data)).status_code == 200
            parts = requests.get(base + "/parts", headers=H).json()["entries"]
            r = requests.post(base + "/commit", headers={**H, "Digest": sha(data)}, json={"parts": parts})
            assert r.status_code == 201, r.text
            assert s3.get_object(Bucket="box", Key="0/restart.bin")["Body"].read() == data
            """);
        Assert.That(StorageEngine.CheckFolder(gw.DataDir).IsConsistent, Is.True);
    }
}
