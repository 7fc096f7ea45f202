using Storage;

namespace EndToEnd.Tests.Adapters;

/// <summary>
/// The Twelve Labs multipart-upload adapter, driven with Python requests the way the seed document's steps (and
/// Twelve Labs' SDK wrapper) go: create, chunks PUT in parallel to presigned URLs with more URLs asked for, chunk
/// reports in batches and any order, status until completed; every error; and a restart in the middle.
/// </summary>
public sealed class TwelveLabsAdapterTests
{
    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("tl-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    private static Task<GatewayInstance> Start() => GatewayInstance.StartAsync(o =>
    {
        o.Adapters.TwelveLabs.Url = "http://127.0.0.1:0";
        o.Adapters.TwelveLabs.FirstBatch = 2;
    });

    private async Task Run(GatewayInstance gw, string body)
    {
        var script = """
            import json, os, sys, threading, boto3, requests
            API = sys.argv[1] + "v1.3"
            H = {"x-api-key": "test"}
            s3 = boto3.client("s3")
            def error(r, status, code):
                assert r.status_code == status, (r.status_code, r.text)
                assert r.json()["code"] == code and r.json()["message"] and r.json()["docs_url"], r.text
                return r.json()
            def create(total, name="my-video.mp4"):
                r = requests.post(API + "/assets/multipart-uploads", headers=H, json={"filename": name, "type": "video", "total_size": total})
                assert r.status_code == 201, r.text
                return r.json()
            def put(url, data):
                r = requests.put(url, data=data, headers={"Content-Type": "application/octet-stream"})
                assert r.status_code == 200, r.text
                return r.headers["ETag"].strip('"')
            def report(uid, chunks):
                return requests.post(API + "/assets/multipart-uploads/" + uid, headers=H, json={"completed_chunks": chunks})
            def status(uid, **params):
                r = requests.get(API + "/assets/multipart-uploads/" + uid, headers=H, params=params)
                assert r.status_code == 200, r.text
                return r.json()
            """ + "\n" + body + "\nprint(\"tl-ok\")\n";
        await Boto3.AssertPassesAsync(script, "tl-ok", gw, _home, gw.Adapter("TwelveLabs").ToString());
    }

    [Test]
    public async Task A_video_in_parallel_chunks_reported_out_of_order_completes_into_an_asset()
    {
        await using var gw = await Start();
        await Run(gw, """
            data = os.urandom(30_000_000)
            s = create(len(data))
            size, total = s["chunk_size"], s["total_chunks"]
            assert (size, total, len(s["upload_urls"]), s["upload_urls"][0]["chunk_index"]) == (8388608, 4, 2, 1), s
            assert len(s["asset_id"]) == 24 and s["upload_headers"] == {}
            urls = {u["chunk_index"]: u["url"] for u in s["upload_urls"]}
            more = requests.post(API + "/assets/multipart-uploads/%s/presigned-urls" % s["upload_id"], headers=H, json={"start": 3, "count": 10})
            assert more.status_code == 200 and (more.json()["start_index"], more.json()["count"]) == (3, 2), more.text
            urls.update({u["chunk_index"]: u["url"] for u in more.json()["upload_urls"]})
            etags = {}
            def send(i):
                etags[i] = put(urls[i], data[(i - 1) * size:i * size])
            threads = [threading.Thread(target=send, args=(i,)) for i in (4, 1, 3, 2)]
            for t in threads: t.start()
            for t in threads: t.join()
            chunk = lambda i: {"chunk_index": i, "proof": etags[i], "proof_type": "etag", "chunk_size": len(data[(i - 1) * size:i * size])}
            st = status(s["upload_id"])
            assert (st["status"], st["chunks_completed"], st["chunks_pending"]) == ("active", 0, 4), "uploaded but not reported is pending"
            listed = requests.get(API + "/assets/multipart-uploads", headers=H).json()
            assert [u["upload_id"] for u in listed["data"]] == [s["upload_id"]] and listed["page_info"]["total_results"] == 1, listed
            r = report(s["upload_id"], [chunk(3), chunk(1)]).json()
            assert (r["processed_chunks"], r["duplicate_chunks"], r["total_completed"]) == (2, 0, 2) and "url" not in r, r
            r = report(s["upload_id"], [chunk(1)]).json()
            assert (r["processed_chunks"], r["duplicate_chunks"]) == (0, 1), r
            st = status(s["upload_id"], page=1, page_limit=2)
            assert [c["index"] for c in st["uploaded_chunks"]] == [1, 2] and st["page_info"]["total_page"] == 2, st
            assert [c["status"] for c in st["uploaded_chunks"]] == ["completed", "pending"], st
            r = report(s["upload_id"], [chunk(4), chunk(2)]).json()
            assert r["total_completed"] == 4 and r["asset_id"] == s["asset_id"] and r["url"], r
            assert requests.get(r["url"]).content == data, "the asset URL serves the video"
            st = status(s["upload_id"])
            assert (st["status"], st["uploaded_size"], st["total_size"], st["chunks_completed"]) == ("completed", len(data), len(data), 4), st
            assert s3.get_object(Bucket="twelvelabs", Key="assets/%s/my-video.mp4" % s["asset_id"])["Body"].read() == data
            assert requests.get(API + "/assets/multipart-uploads", headers=H).json()["data"] == []
            """);
        Assert.That(StorageEngine.CheckFolder(gw.DataDir).IsConsistent, Is.True);
    }

    [Test]
    public async Task Every_error_answers_as_Twelve_Labs_does()
    {
        await using var gw = await Start();
        await Run(gw, """
            error(requests.post(API + "/assets/multipart-uploads", headers={"x-api-key": "nope"}, json={}), 401, "api_key_invalid")
            error(requests.post(API + "/assets/multipart-uploads", headers=H, json={"type": "video", "total_size": 5}), 400, "parameter_not_provided")
            error(requests.post(API + "/assets/multipart-uploads", headers=H, json={"filename": "a.mp4", "total_size": 5}), 400, "parameter_not_provided")
            error(requests.post(API + "/assets/multipart-uploads", headers=H, json={"filename": "a.mp4", "type": "video"}), 400, "parameter_not_provided")
            error(requests.post(API + "/assets/multipart-uploads", headers=H, json={"filename": "a.mp4", "type": "pdf", "total_size": 5}), 400, "parameter_invalid")
            error(requests.post(API + "/assets/multipart-uploads", headers=H, json={"filename": "a.mp4", "type": "video", "total_size": 4 * 1024 ** 3 + 1}), 400, "parameter_invalid")
            error(requests.post(API + "/assets/multipart-uploads", headers=H, json={"filename": "a.mp4", "type": "video", "total_size": 0}), 400, "parameter_invalid")
            error(requests.get(API + "/assets/multipart-uploads/507f1f77bcf86cd799439011", headers=H), 404, "resource_not_exist")
            error(requests.get(API + "/assets/multipart-uploads", headers=H, params={"page_limit": 51}), 400, "parameter_invalid")
            s = create(9_000_000)
            uid = s["upload_id"]
            error(requests.post(API + "/assets/multipart-uploads/%s/presigned-urls" % uid, headers=H, json={"start": 1, "count": 51}), 400, "parameter_invalid")
            error(requests.post(API + "/assets/multipart-uploads/%s/presigned-urls" % uid, headers=H, json={"start": 0, "count": 1}), 400, "parameter_invalid")
            first = put(s["upload_urls"][0]["url"], os.urandom(8388608))
            error(report(uid, [{"chunk_index": 1, "proof": "0" * 32, "proof_type": "etag", "chunk_size": 8388608}]), 400, "parameter_invalid")
            error(report(uid, [{"chunk_index": 1, "proof": first, "proof_type": "md5", "chunk_size": 8388608}]), 400, "parameter_invalid")
            error(report(uid, [{"chunk_index": 1, "proof": first, "proof_type": "etag", "chunk_size": 100}]), 400, "parameter_invalid")
            error(report(uid, [{"chunk_index": 3, "proof": first, "proof_type": "etag", "chunk_size": 8388608}]), 400, "parameter_invalid")
            error(report(uid, [{"chunk_index": 2, "proof": first, "proof_type": "etag", "chunk_size": 9_000_000 - 8388608}]), 400, "parameter_invalid")
            error(report(uid, [{"chunk_index": 1}]), 400, "parameter_not_provided")
            error(report(uid, []), 400, "parameter_not_provided")
            assert status(uid)["chunks_completed"] == 0, "no refused report counted"
            """);
    }

    [Test]
    public async Task A_restart_in_the_middle_of_an_upload_keeps_uploaded_and_reported_chunks()
    {
        await using var gw = await Start();
        var state = Path.Combine(_home, "state.json");
        var file = Path.Combine(_home, "video.bin");
        await File.WriteAllBytesAsync(file, ObjectTests.RandomBytes(10_000_000, 96));
        await Run(gw, $$"""
            data = open("{{file}}", "rb").read()
            s = create(len(data))
            etag = put(s["upload_urls"][0]["url"], data[:s["chunk_size"]])
            assert report(s["upload_id"], [{"chunk_index": 1, "proof": etag, "proof_type": "etag", "chunk_size": s["chunk_size"]}]).status_code == 200
            json.dump(s, open("{{state}}", "w"))
            """);
        await gw.RestartAsync();
        await Run(gw, $$"""
            data = open("{{file}}", "rb").read()
            s = json.load(open("{{state}}"))
            st = status(s["upload_id"])
            assert (st["chunks_completed"], st["chunks_pending"]) == (1, 1), st
            url = requests.post(API + "/assets/multipart-uploads/%s/presigned-urls" % s["upload_id"], headers=H, json={"start": 2, "count": 1}).json()["upload_urls"][0]["url"]
            rest = data[s["chunk_size"]:]
            r = report(s["upload_id"], [{"chunk_index": 2, "proof": put(url, rest), "proof_type": "etag", "chunk_size": len(rest)}]).json()
            assert r["total_completed"] == 2 and r["url"], r
            assert s3.get_object(Bucket="twelvelabs", Key="assets/%s/my-video.mp4" % s["asset_id"])["Body"].read() == data
            """);
    }
}
