using System.Text;
using Storage;

namespace EndToEnd.Tests.Adapters;

/// <summary>
/// The Veza OAA <c>:parts</c> adapter: the seed document's bash example run as written (host and key replaced),
/// chunks out of order, in parallel, re-uploaded and with their fields in any order, every error, and a restart.
/// </summary>
public sealed class VezaAdapterTests
{
    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("veza-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    private static Task<GatewayInstance> Start() => GatewayInstance.StartAsync(o => o.Adapters.Veza.Url = "http://127.0.0.1:0");

    private async Task Run(GatewayInstance gw, string body)
    {
        var script = """
            import base64, json, os, sys, threading, boto3, requests
            URL = sys.argv[1] + "api/v1/providers/custom/prov-1/datasources/ds-9:parts"
            H = {"authorization": "Bearer test", "Content-Type": "application/json"}
            s3 = boto3.client("s3")
            def call(payload, headers=H):
                return requests.post(URL, headers=headers, data=payload if isinstance(payload, (bytes, str)) else json.dumps(payload))
            def start():
                r = call({"operation": "start"})
                assert r.status_code == 200, r.text
                return r.json()["upload_id"]
            def upload(uid, n, data):
                r = call({"operation": "upload", "upload_id": uid, "sequence_number": n, "data": base64.b64encode(data).decode()})
                assert r.status_code == 200, r.text
            def error(r, status, code):
                assert r.status_code == status, (r.status_code, r.text)
                e = r.json()
                assert e["code"] == code and e["request_id"] and e["timestamp"] and isinstance(e["details"], list), e
                return e
            def stored(uid):
                return s3.get_object(Bucket="veza", Key="prov-1/ds-9/%s.json" % uid)["Body"].read()
            """ + "\n" + body + "\nprint(\"veza-ok\")\n";
        await Boto3.AssertPassesAsync(script, "veza-ok", gw, _home, gw.Adapter("Veza").ToString());
    }

    [Test]
    public async Task The_seed_documents_bash_example_runs_as_written()
    {
        await using var gw = await Start();
        var payload = new StringBuilder("{\"applications\": [");
        for (var i = 0; i < 90_000; i++)
        {
            payload.Append(i == 0 ? "" : ",").Append("{\"name\": \"app-").Append(i).Append("\", \"application_type\": \"sample\"}");
        }

        payload.Append("]}");
        var file = Path.Combine(_home, "large_payload.json");
        await File.WriteAllTextAsync(file, payload.ToString());
        // The document's script, with its host (and https) and key replaced. CHUNK_SIZE is 64 KiB, not the
        // document's 10 MB: Linux caps one command-line argument at 128 KiB, and the script passes each chunk to
        // curl as an argument, so as written it fails on Linux for any chunk over about 95 KB.
        var script = """
            PAYLOAD_FILE="large_payload.json"
            CHUNK_SIZE=65536  # 64 KiB per chunk

            # 1. Start the upload session
            RESPONSE=$(curl -s -X POST "http://$VEZA_URL/api/v1/providers/custom/$PROVIDER_ID/datasources/$DATASOURCE_ID:parts" \
              -H "authorization: Bearer $API_KEY" \
              -H "Content-Type: application/json" \
              -d '{"operation":"start"}')
            UPLOAD_ID=$(echo "$RESPONSE" | python3 -c "import sys,json; print(json.load(sys.stdin)['upload_id'])")

            # 2. Split into raw chunks and upload each
            SEQUENCE=0
            split -b $CHUNK_SIZE "$PAYLOAD_FILE" /tmp/oaa_chunk_
            for CHUNK_FILE in $(ls /tmp/oaa_chunk_* | sort); do
              SEQUENCE=$((SEQUENCE + 1))
              ENCODED=$(base64 -w 0 < "$CHUNK_FILE")  # use -b 0 on macOS

              curl -s -X POST "http://$VEZA_URL/api/v1/providers/custom/$PROVIDER_ID/datasources/$DATASOURCE_ID:parts" \
                -H "authorization: Bearer $API_KEY" \
                -H "Content-Type: application/json" \
                -d "{
                  \"operation\": \"upload\",
                  \"upload_id\": \"$UPLOAD_ID\",
                  \"sequence_number\": $SEQUENCE,
                  \"data\": \"$ENCODED\"
                }"
            done

            # 3. Finalize the upload
            curl -s -X POST "http://$VEZA_URL/api/v1/providers/custom/$PROVIDER_ID/datasources/$DATASOURCE_ID:parts" \
              -H "authorization: Bearer $API_KEY" \
              -H "Content-Type: application/json" \
              -d "{
                \"operation\": \"complete\",
                \"upload_id\": \"$UPLOAD_ID\",
                \"sequence_count\": $SEQUENCE
              }"

            rm /tmp/oaa_chunk_*
            echo
            echo "UPLOAD_ID=$UPLOAD_ID SEQUENCE=$SEQUENCE"
            """;
        var scriptFile = Path.Combine(_home, "veza.sh");
        await File.WriteAllTextAsync(scriptFile, "cd \"$HOME\"\n" + script);
        var veza = gw.Adapter("Veza");
        var r = await Processes.RunAsync("bash", [scriptFile], new Dictionary<string, string>
        {
            ["VEZA_URL"] = veza.Authority,
            ["PROVIDER_ID"] = "prov-1",
            ["DATASOURCE_ID"] = "ds-9",
            ["API_KEY"] = "test",
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = _home,
        });
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var line = r.Stdout.Split('\n').Single(l => l.StartsWith("UPLOAD_ID=", StringComparison.Ordinal));
        var uploadId = line.Split(' ')[0]["UPLOAD_ID=".Length..];
        Assert.That(line, Does.EndWith("SEQUENCE=" + ((payload.Length + 65535) / 65536)));
        Assert.That(r.Stdout, Does.Contain("\"warnings\":[]"), "the complete's answer");
        using var s3 = gw.Client();
        using var get = await s3.GetObjectAsync("veza", $"prov-1/ds-9/{uploadId}.json");
        Assert.That(await new StreamReader(get.ResponseStream).ReadToEndAsync(), Is.EqualTo(payload.ToString()), "the assembled payload, byte for byte");
    }

    [Test]
    public async Task Chunks_out_of_order_in_parallel_re_uploaded_and_with_fields_in_any_order_assemble_by_sequence_number()
    {
        await using var gw = await Start();
        await Run(gw, """
            uid = start()
            chunks = [os.urandom(3_000_000 + i) for i in range(5)]
            threads = [threading.Thread(target=upload, args=(uid, n + 1, chunks[n])) for n in (4, 2, 0, 3, 1)]
            for t in threads: t.start()
            for t in threads: t.join()
            upload(uid, 2, b"first version of chunk two")
            chunks[1] = os.urandom(1234)
            upload(uid, 2, chunks[1])   # the last upload of a sequence number wins
            # data before the fields that name its upload (spooled), and with JSON escapes an encoder may emit.
            b64 = base64.encodebytes(chunks[3]).decode()     # newlines every 76 characters
            body = '{"data": ' + json.dumps(b64).replace("/", "\\/") + ', "sequence_number": 4, "upload_id": "%s", "operation": "upload"}' % uid
            r = call(body)
            assert r.status_code == 200, r.text
            r = call({"operation": "complete", "upload_id": uid, "sequence_count": 5})
            assert r.status_code == 200 and r.json() == {"status": "success", "warnings": []}, r.text
            assert stored(uid) == b"".join(chunks)
            error(call({"operation": "upload", "upload_id": uid, "sequence_number": 1, "data": "AAAA"}), 404, "NotFound")
            """);
        Assert.That(StorageEngine.CheckFolder(gw.DataDir).IsConsistent, Is.True);
    }

    [Test]
    public async Task Every_error_answers_as_Veza_does_and_stores_nothing()
    {
        await using var gw = await Start();
        await Run(gw, """
            error(call({"operation": "start"}, headers={"authorization": "Bearer nope"}), 401, "Unauthenticated")
            error(requests.post(sys.argv[1] + "api/v1/providers/custom/p/datasources/d:push", headers=H, data="{}"), 404, "NotFound")
            error(call("not json"), 400, "InvalidArgument")
            error(call({"operation": "explode"}), 400, "InvalidArgument")
            error(call({}), 400, "InvalidArgument")
            uid = start()
            unknown = "7E4B0B18-7A46-4511-945F-6EC49D6E8C49"
            e = error(call({"operation": "upload", "upload_id": unknown, "sequence_number": 1, "data": "AAAA"}), 404, "NotFound")
            assert any(d.get("resource") == unknown for d in e["details"]), e
            error(call({"operation": "upload", "upload_id": "not-a-uuid", "sequence_number": 1, "data": "AAAA"}), 400, "InvalidArgument")
            for n in (0, 100, -1):
                e = error(call({"operation": "upload", "upload_id": uid, "sequence_number": n, "data": "AAAA"}), 400, "InvalidArgument")
                assert e["details"][0]["field_violations"][0]["field"] == "sequence_number", e
            for bad in ("not base64!", "AAA", "AA==AA=="):
                error(call({"operation": "upload", "upload_id": uid, "sequence_number": 1, "data": bad}), 400, "InvalidArgument")
            # A chunk cut off mid-body is refused, not stored short.
            r = call(b'{"operation": "upload", "upload_id": "' + uid.encode() + b'", "sequence_number": 1, "data": "' + base64.b64encode(os.urandom(300000))[:200000])
            assert r.status_code == 400, r.text
            upload(uid, 1, b"one")
            upload(uid, 3, b"three")
            e = error(call({"operation": "complete", "upload_id": uid, "sequence_count": 3}), 400, "InvalidArgument")
            assert "missing sequence numbers 2" in e["message"], e
            error(call({"operation": "complete", "upload_id": uid, "sequence_count": 0}), 400, "InvalidArgument")
            upload(uid, 2, b"two")
            assert call({"operation": "complete", "upload_id": uid, "sequence_count": 3}).status_code == 200
            assert stored(uid) == b"onetwothree", "the refused chunks left nothing behind"
            """);
        Assert.That(StorageEngine.CheckFolder(gw.DataDir).IsConsistent, Is.True);
        Assert.That(Directory.GetFiles(Path.Combine(gw.DataDir, "tmp")), Is.Empty, "no spool or staged file is left");
    }

    [Test]
    public async Task A_restart_in_the_middle_of_an_upload_loses_nothing()
    {
        await using var gw = await Start();
        var idFile = Path.Combine(_home, "uid");
        await Run(gw, $$"""
            uid = start()
            upload(uid, 1, b"a" * 1000)
            open("{{idFile}}", "w").write(uid)
            """);
        await gw.RestartAsync();
        await Run(gw, $$"""
            uid = open("{{idFile}}").read()
            upload(uid, 2, b"b" * 10)
            assert call({"operation": "complete", "upload_id": uid, "sequence_count": 2}).status_code == 200
            assert stored(uid) == b"a" * 1000 + b"b" * 10
            """);
    }
}
