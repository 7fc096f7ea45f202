using Storage;

namespace EndToEnd.Tests.Adapters;

/// <summary>
/// The Kodexa intake adapter: the seed document's Python client and its curl steps run as written (host and
/// token replaced), the large-upload switch, the limits and errors, and a restart in the middle of an upload.
/// </summary>
public sealed class KodexaAdapterTests
{
    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("kodexa-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    private static Task<GatewayInstance> Start(Action<Gateway.GatewayOptions>? more = null) => GatewayInstance.StartAsync(o =>
    {
        o.Adapters.Kodexa.Url = "http://127.0.0.1:0";
        o.Adapters.Kodexa.Tokens = [new Gateway.Adapters.AdapterToken { Token = "kit_your-intake-token" }];
        more?.Invoke(o);
    });

    private async Task Run(GatewayInstance gw, string body, params string[] args)
    {
        var script = """
            import json, os, sys, boto3, requests
            BASE = sys.argv[1].rstrip("/")
            INTAKE = BASE + "/api/intake/my-org/my-intake"
            HEADERS = {"x-api-key": "kit_your-intake-token"}
            s3 = boto3.client("s3")
            def error(r, status, code):
                assert r.status_code == status, (r.status_code, r.text)
                assert r.json()["error"] == code and r.json()["details"]["reason"] == code, r.text
                return r.json()
            """ + "\n" + body + "\nprint(\"kodexa-ok\")\n";
        await Boto3.AssertPassesAsync(script, "kodexa-ok", gw, _home, [gw.Adapter("Kodexa").ToString(), .. args]);
    }

    [Test]
    public async Task The_seed_documents_python_client_uploads_directly_and_by_multipart()
    {
        await using var gw = await Start();
        var small = Path.Combine(_home, "small-report.pdf");
        var large = Path.Combine(_home, "huge-dataset.csv");
        await File.WriteAllBytesAsync(small, ObjectTests.RandomBytes(3_000_000, 92));
        // Just over the 256 MB direct limit, so the document's client takes its multipart branch (6 parts of 50 MB).
        await using (var f = File.Create(large))
        {
            var block = ObjectTests.RandomBytes(1 << 20, 93);
            for (var i = 0; i < 257; i++)
            {
                block[0] = (byte)i;
                await f.WriteAsync(block);
            }
        }

        // The document's Python example, as written but for BASE_URL and TOKEN.
        await Run(gw, """
            import requests
            import os
            import math

            BASE_URL = BASE
            TOKEN = "kit_your-intake-token"
            HEADERS = {"x-api-key": TOKEN}
            PART_SIZE = 50 * 1024 * 1024  # 50 MB per part

            def upload_large_file(org_slug, intake_slug, file_path):
                file_size = os.path.getsize(file_path)
                filename = os.path.basename(file_path)

                if file_size <= 256 * 1024 * 1024:
                    # Direct upload for files under 256 MB
                    with open(file_path, "rb") as f:
                        resp = requests.post(
                            f"{BASE_URL}/api/intake/{org_slug}/{intake_slug}",
                            headers=HEADERS,
                            files={"file": (filename, f)},
                        )
                    return resp.json()

                # Step 1: Initiate multipart upload
                resp = requests.post(
                    f"{BASE_URL}/api/intake/{org_slug}/{intake_slug}/multipart-upload-request",
                    headers=HEADERS,
                    params={"path": filename, "contentType": "application/octet-stream", "contentLength": file_size},
                )
                resp.raise_for_status()
                init = resp.json()
                s3_key = init["s3Key"]
                upload_id = init["uploadId"]

                # Step 2: Upload parts
                total_parts = math.ceil(file_size / PART_SIZE)
                completed_parts = []

                with open(file_path, "rb") as f:
                    for batch_start in range(0, total_parts, 500):
                        batch_end = min(batch_start + 500, total_parts)
                        part_numbers = list(range(batch_start + 1, batch_end + 1))

                        # Get presigned URLs for this batch
                        urls_resp = requests.post(
                            f"{BASE_URL}/api/intake/{org_slug}/{intake_slug}/multipart-upload-part-urls",
                            headers={**HEADERS, "Content-Type": "application/json"},
                            params={"s3Key": s3_key, "uploadId": upload_id},
                            json=part_numbers,
                        )
                        urls_resp.raise_for_status()
                        part_urls = urls_resp.json()["parts"]

                        for part_info in part_urls:
                            chunk = f.read(PART_SIZE)
                            put_resp = requests.put(part_info["uploadUrl"], data=chunk)
                            put_resp.raise_for_status()
                            completed_parts.append({
                                "partNumber": part_info["partNumber"],
                                "etag": put_resp.headers["ETag"],
                            })
                            print(f"  Uploaded part {part_info['partNumber']}/{total_parts}")

                # Step 3: Complete
                complete_resp = requests.post(
                    f"{BASE_URL}/api/intake/{org_slug}/{intake_slug}/multipart-upload-complete",
                    headers={**HEADERS, "Content-Type": "application/json"},
                    params={"s3Key": s3_key, "uploadId": upload_id, "path": filename},
                    json={"parts": completed_parts},
                )
                complete_resp.raise_for_status()
                return complete_resp.json()

            small, large = sys.argv[2], sys.argv[3]
            family = upload_large_file("my-org", "my-intake", small)
            assert (family["path"], family["size"], family["storeRef"]) == ("small-report.pdf", os.path.getsize(small), "my-org/my-intake"), family
            assert s3.get_object(Bucket="kodexa", Key="my-org/my-intake/small-report.pdf")["Body"].read() == open(small, "rb").read()
            family = upload_large_file("my-org", "my-intake", large)
            assert (family["path"], family["size"]) == ("huge-dataset.csv", os.path.getsize(large)), family
            got = s3.get_object(Bucket="kodexa", Key="my-org/my-intake/huge-dataset.csv")["Body"]
            with open(large, "rb") as f:
                while True:
                    a, b = f.read(1 << 24), got.read(1 << 24)
                    assert a == b, "the multipart file reads back over S3 byte for byte"
                    if not a: break
            staged = s3.list_objects_v2(Bucket="kodexa", Prefix="presigned-uploads/")
            assert staged["KeyCount"] == 0, "the staging keys are gone"
            """, small, large);
        Assert.That(StorageEngine.CheckFolder(gw.DataDir).IsConsistent, Is.True);
    }

    [Test]
    public async Task The_seed_documents_curl_steps_run_as_written()
    {
        await using var gw = await Start();
        var file = Path.Combine(_home, "large-report.pdf");
        await File.WriteAllBytesAsync(file, ObjectTests.RandomBytes(2_000_000, 94));
        var part1 = Path.Combine(_home, "part1.bin");
        await File.WriteAllBytesAsync(part1, ObjectTests.RandomBytes(5 * 1024 * 1024, 95));
        // The document's curl commands with its host replaced, glued by the shell the reader would type them in.
        var script = """
            set -e
            cd "$HOME"
            H=http://$KODEXA
            OUT=$(curl -s -X POST "$H/api/intake/my-org/my-intake/presigned-upload-request?path=large-report.pdf&contentType=application/pdf&contentLength=524288000" \
              -H "x-api-key: kit_your-intake-token")
            uploadUrl=$(echo "$OUT" | python3 -c "import sys,json; print(json.load(sys.stdin)['uploadUrl'])")
            s3Key=$(echo "$OUT" | python3 -c "import sys,json; print(json.load(sys.stdin)['s3Key'])")
            curl -s -f -X PUT "${uploadUrl}" \
              -H "Content-Type: application/pdf" \
              --data-binary @large-report.pdf
            curl -s -f -X POST "$H/api/intake/my-org/my-intake/presigned-upload-complete?s3Key=${s3Key}&path=large-report.pdf" \
              -H "x-api-key: kit_your-intake-token" \
              -H "Content-Type: application/json" \
              -d '{
                "metadata": {"department": "finance"},
                "labels": "REVIEW",
                "documentVersion": "1.0"
              }' > family.json

            OUT=$(curl -s -X POST "$H/api/intake/my-org/my-intake/multipart-upload-request?path=huge-dataset.csv&contentType=text/csv&contentLength=10737418240" \
              -H "x-api-key: kit_your-intake-token")
            uploadId=$(echo "$OUT" | python3 -c "import sys,json; print(json.load(sys.stdin)['uploadId'])")
            s3Key=$(echo "$OUT" | python3 -c "import sys,json; print(json.load(sys.stdin)['s3Key'])")
            curl -s -f -X POST "$H/api/intake/my-org/my-intake/multipart-upload-part-urls?s3Key=${s3Key}&uploadId=${uploadId}" \
              -H "x-api-key: kit_your-intake-token" \
              -H "Content-Type: application/json" \
              -d '[1, 2, 3, 4, 5]' > urls.json
            partUrl1=$(python3 -c "import json; print(json.load(open('urls.json'))['parts'][0]['uploadUrl'])")
            curl -s -f -X PUT "${partUrl1}" \
              -H "Content-Type: text/csv" \
              --data-binary @part1.bin \
              -D - > put.txt
            ETAG=$(grep -i '^etag:' put.txt | cut -d' ' -f2 | tr -d '\r')
            curl -s -f -X POST "$H/api/intake/my-org/my-intake/multipart-upload-complete?s3Key=${s3Key}&uploadId=${uploadId}&path=huge-dataset.csv" \
              -H "x-api-key: kit_your-intake-token" \
              -H "Content-Type: application/json" \
              -d '{
                "parts": [
                  {"partNumber": 1, "etag": '"$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$ETAG")"'}
                ],
                "metadata": {"source": "data-pipeline"}
              }' > family2.json

            OUT=$(curl -s -X POST "$H/api/intake/my-org/my-intake/multipart-upload-request?path=cancelled.csv&contentType=text/csv&contentLength=100" \
              -H "x-api-key: kit_your-intake-token")
            uploadId=$(echo "$OUT" | python3 -c "import sys,json; print(json.load(sys.stdin)['uploadId'])")
            s3Key=$(echo "$OUT" | python3 -c "import sys,json; print(json.load(sys.stdin)['s3Key'])")
            curl -s -o /dev/null -w 'abort=%{http_code}\n' -X POST "$H/api/intake/my-org/my-intake/multipart-upload-abort?s3Key=${s3Key}&uploadId=${uploadId}" \
              -H "x-api-key: kit_your-intake-token"
            """;
        var scriptFile = Path.Combine(_home, "kodexa.sh");
        await File.WriteAllTextAsync(scriptFile, script);
        var r = await Processes.RunAsync("bash", [scriptFile], new Dictionary<string, string>
        {
            ["KODEXA"] = gw.Adapter("Kodexa").Authority,
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = _home,
        });
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stdout + r.Stderr);
        Assert.That(r.Stdout, Does.Contain("abort=204"));
        var family = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_home, "family.json"))).RootElement;
        Assert.That(family.GetProperty("path").GetString(), Is.EqualTo("large-report.pdf"));
        Assert.That(family.GetProperty("metadata").GetProperty("department").GetString(), Is.EqualTo("finance"));
        Assert.That(family.GetProperty("labels")[0].GetProperty("label").GetString(), Is.EqualTo("REVIEW"));
        using var s3 = gw.Client();
        using (var get = await s3.GetObjectAsync("kodexa", "my-org/my-intake/large-report.pdf"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(await File.ReadAllBytesAsync(file)));
        }

        using (var get = await s3.GetObjectAsync("kodexa", "my-org/my-intake/huge-dataset.csv"))
        {
            Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(await File.ReadAllBytesAsync(part1)));
        }

        var uploads = await UsageTests.Admin(gw, HttpMethod.Get, "/_gateway/uploads?bucket=kodexa");
        Assert.That(uploads.GetProperty("uploads").GetArrayLength(), Is.Zero, "the aborted upload is gone");
    }

    [Test]
    public async Task Switches_limits_and_errors_answer_as_the_document_describes()
    {
        await using var gw = await Start(o =>
        {
            o.Adapters.Kodexa.Intakes = [new Gateway.Adapters.Kodexa.KodexaIntake { Org = "my-org", Slug = "closed", LargeUploads = false }];
            o.Adapters.Kodexa.DirectUploadLimit = 1_000_000;
        });
        await Run(gw, """
            error(requests.post(INTAKE + "/presigned-upload-request", headers={"x-api-key": "kit_wrong"}, params={"path": "a", "contentLength": 1}), 401, "UNAUTHORIZED")
            closed = BASE + "/api/intake/my-org/closed"
            for op in ("presigned-upload-request", "multipart-upload-request", "multipart-upload-part-urls", "multipart-upload-complete", "multipart-upload-abort"):
                error(requests.post(closed + "/" + op, headers=HEADERS, params={"path": "a", "contentLength": 1}), 403, "LARGE_UPLOADS_DISABLED")
            r = requests.post(closed, headers=HEADERS, files={"file": ("ok.txt", b"direct uploads still work")})
            assert r.status_code == 200 and r.json()["path"] == "ok.txt", r.text
            error(requests.post(closed, headers=HEADERS, files={"file": ("big.bin", os.urandom(1_000_001))}), 413, "PAYLOAD_TOO_LARGE")
            error(requests.post(closed, headers=HEADERS, files={"file": ("ok.txt", b"again")}), 400, "PATH_EXISTS")
            error(requests.post(INTAKE + "/presigned-upload-request", headers=HEADERS, params={"path": "x.pdf"}), 400, "INVALID_REQUEST")
            error(requests.post(INTAKE + "/presigned-upload-request", headers=HEADERS, params={"path": "x.pdf", "contentLength": 0}), 400, "INVALID_REQUEST")
            error(requests.post(INTAKE + "/presigned-upload-request", headers=HEADERS, params={"path": "../x", "contentLength": 5}), 400, "INVALID_REQUEST")
            error(requests.post(INTAKE + "/nonsense", headers=HEADERS), 404, "NOT_FOUND")

            init = requests.post(INTAKE + "/multipart-upload-request", headers=HEADERS, params={"path": "m.csv", "contentType": "text/csv", "contentLength": 100}).json()
            q = {"s3Key": init["s3Key"], "uploadId": init["uploadId"]}
            error(requests.post(INTAKE + "/multipart-upload-part-urls", headers=HEADERS, params=q, json=list(range(1, 502))), 400, "INVALID_REQUEST")
            error(requests.post(INTAKE + "/multipart-upload-part-urls", headers=HEADERS, params=q, json=[0]), 400, "INVALID_REQUEST")
            error(requests.post(INTAKE + "/multipart-upload-part-urls", headers=HEADERS, params={**q, "s3Key": "presigned-uploads/other/intake/x"}, json=[1]), 404, "UPLOAD_NOT_FOUND")
            urls = requests.post(INTAKE + "/multipart-upload-part-urls", headers=HEADERS, params=q, json=list(range(1, 501))).json()["parts"]
            assert len(urls) == 500 and [p["partNumber"] for p in urls[:3]] == [1, 2, 3]
            etag = requests.put(urls[0]["uploadUrl"], data=b"only part").headers["ETag"]
            error(requests.post(INTAKE + "/multipart-upload-complete", headers=HEADERS, params={**q, "path": "m.csv"}, json={"parts": [{"partNumber": 1, "etag": '"00000000000000000000000000000000"'}]}), 400, "INVALID_REQUEST")
            r = requests.post(INTAKE + "/multipart-upload-complete", headers=HEADERS, params={**q, "path": "m.csv"}, json={"parts": [{"partNumber": 1, "etag": etag.strip('"')}]})
            assert r.status_code == 200, r.text
            error(requests.post(INTAKE + "/multipart-upload-abort", headers=HEADERS, params=q), 404, "UPLOAD_NOT_FOUND")
            pre = requests.post(INTAKE + "/presigned-upload-request", headers=HEADERS, params={"path": "never.pdf", "contentLength": 5}).json()
            error(requests.post(INTAKE + "/presigned-upload-complete", headers=HEADERS, params={"s3Key": pre["s3Key"], "path": "never.pdf"}), 404, "UPLOAD_NOT_FOUND")
            """);
    }

    [Test]
    public async Task A_restart_in_the_middle_of_a_multipart_upload_resumes_with_fresh_part_urls_in_parallel()
    {
        await using var gw = await Start(o => o.MinPartSize = 1);
        var state = Path.Combine(_home, "state.json");
        await Run(gw, $$"""
            init = requests.post(INTAKE + "/multipart-upload-request", headers=HEADERS, params={"path": "r.bin", "contentLength": 20}).json()
            q = {"s3Key": init["s3Key"], "uploadId": init["uploadId"]}
            url = requests.post(INTAKE + "/multipart-upload-part-urls", headers=HEADERS, params=q, json=[1]).json()["parts"][0]["uploadUrl"]
            etag = requests.put(url, data=b"first half").headers["ETag"]
            json.dump({"q": q, "etag": etag}, open("{{state}}", "w"))
            """);
        await gw.RestartAsync();
        await Run(gw, $$"""
            import threading
            st = json.load(open("{{state}}"))
            q = st["q"]
            # The rest in parallel and out of order, on fresh URLs (the resume the document describes).
            urls = {p["partNumber"]: p["uploadUrl"] for p in requests.post(INTAKE + "/multipart-upload-part-urls", headers=HEADERS, params=q, json=[4, 2, 3]).json()["parts"]}
            bodies = {2: b"second one", 3: b"third" * 1000, 4: b"last"}
            etags = {1: st["etag"]}
            def send(n):
                etags[n] = requests.put(urls[n], data=bodies[n]).headers["ETag"]
            threads = [threading.Thread(target=send, args=(n,)) for n in (4, 2, 3)]
            for t in threads: t.start()
            for t in threads: t.join()
            r = requests.post(INTAKE + "/multipart-upload-complete", headers=HEADERS, params={**q, "path": "r.bin"},
                              json={"parts": [{"partNumber": n, "etag": etags[n]} for n in (1, 2, 3, 4)]})
            assert r.status_code == 200, r.text
            assert s3.get_object(Bucket="kodexa", Key="my-org/my-intake/r.bin")["Body"].read() == b"first half" + bodies[2] + bodies[3] + bodies[4]
            """);
    }
}
