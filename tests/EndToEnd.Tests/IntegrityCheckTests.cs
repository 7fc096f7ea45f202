using Microsoft.Data.Sqlite;

namespace EndToEnd.Tests;

/// <summary>
/// The integrity check an operator can run: <c>gatewayctl check</c> through the admin API of a running gateway, and
/// <c>gatewayctl check --data-dir DIR [--repair]</c> on a stopped one's folder; each damage it finds exits 3.
/// </summary>
public sealed class IntegrityCheckTests
{
    private static async Task<(int Code, string Stdout, string Stderr)> Ctl(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await GatewayCtl.Cli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static async Task Fill(GatewayInstance gw)
    {
        using var s3 = gw.Client();
        await s3.PutBucketAsync("integrity");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "integrity", Key = "big", InputStream = new MemoryStream(ObjectTests.RandomBytes(300_000, 3)) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "integrity", Key = "small", ContentBody = "inline" });
        var upload = await s3.InitiateMultipartUploadAsync("integrity", "pending");
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = "integrity", Key = "pending", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(ObjectTests.RandomBytes(200_000, 4)) });
    }

    [Test]
    public async Task A_running_gateway_is_checked_through_the_admin_api()
    {
        await using var gw = await GatewayInstance.StartAsync();
        await Fill(gw);
        var (code, stdout, stderr) = await Ctl("--endpoint", gw.Endpoint, "check");
        Assert.That(code, Is.EqualTo(0), stderr + stdout);
        Assert.That(stdout, Does.Contain("database:   ok").And.Contain("meter:      1 bucket, every one equal to a recount of its rows").And.EndWith("consistent" + Environment.NewLine));
        Assert.That(stdout, Does.Contain("0 missing, 0 orphan, 0 stored twice"));

        var json = await Ctl("--endpoint", gw.Endpoint, "check", "--json");
        Assert.That(json.Stdout, Does.Contain("\"consistent\": true").And.Contain("\"bucket\": \"integrity\""));
        var refused = await Ctl("--endpoint", gw.Endpoint, "check", "--repair");
        Assert.That(refused.Code, Is.EqualTo(64), "a running gateway's folder is never repaired from outside");
    }

    [Test]
    public async Task A_stopped_gateways_folder_is_checked_and_repaired_offline()
    {
        var dir = TempDir.Create("integrity");
        try
        {
            var gw = await GatewayInstance.StartAsync(dataDir: dir);
            await Fill(gw);
            await gw.StopAsync(); // Stopped, its folder kept (disposing would delete it).

            var clean = await Ctl("check", "--data-dir", dir);
            Assert.That(clean.Code, Is.EqualTo(0), clean.Stderr + clean.Stdout);
            Assert.That(clean.Stdout, Does.EndWith("consistent" + Environment.NewLine));

            // Garbage a crash leaves: a segment file no row references and a temp file.
            var segments = Directory.GetFiles(Path.Combine(dir, "segments"), "*", SearchOption.AllDirectories);
            var orphan = "ffff" + Path.GetFileName(segments[0])[4..];
            var orphanPath = Path.Combine(dir, "segments", "ff", "ff", orphan);
            Directory.CreateDirectory(Path.GetDirectoryName(orphanPath)!);
            await File.WriteAllBytesAsync(orphanPath, new byte[100]);
            await File.WriteAllBytesAsync(Path.Combine(dir, "tmp", "interrupted.tmp"), new byte[10]);
            var dirty = await Ctl("check", "--data-dir", dir);
            Assert.That(dirty.Code, Is.EqualTo(3), dirty.Stdout);
            Assert.That(dirty.Stdout, Does.Contain("0 missing, 1 orphan").And.Contain("  orphan: " + orphan).And.Contain("temp files: 1").And.EndWith("INCONSISTENT" + Environment.NewLine));

            var repaired = await Ctl("check", "--data-dir", dir, "--repair");
            Assert.That(repaired.Code, Is.EqualTo(0), repaired.Stdout);
            Assert.That(repaired.Stdout, Does.StartWith("repair: removed 1 orphan segment, 1 temp file, 0 unreferenced inline rows")
                .And.Contain("removed segment " + orphan).And.Contain("removed temp file interrupted.tmp").And.EndWith("consistent" + Environment.NewLine));
            Assert.That(File.Exists(orphanPath), Is.False);

            // Data lost: a referenced segment file gone is reported, and --repair cannot bring it back.
            File.Delete(segments[0]);
            var missing = await Ctl("check", "--data-dir", dir);
            Assert.That(missing.Code, Is.EqualTo(3));
            Assert.That(missing.Stdout, Does.Contain("1 missing").And.Contain("  missing: " + Path.GetFileName(segments[0])));

            // A meter that no longer equals its rows.
            using (var db = new SqliteConnection($"Data Source={Path.Combine(dir, "metadata.db")};Pooling=False"))
            {
                db.Open();
                using var update = db.CreateCommand();
                update.CommandText = "UPDATE usage_gauges SET objects = objects + 1 WHERE bucket = 'integrity';";
                Assert.That(update.ExecuteNonQuery(), Is.EqualTo(1));
            }

            var meter = await Ctl("check", "--data-dir", dir);
            Assert.That(meter.Code, Is.EqualTo(3));
            Assert.That(meter.Stdout, Does.Contain("meter:      1 bucket, 1 differing from a recount").And.Contain("integrity: meter objects 3").And.Contain("rows  objects 2"));

            var nothing = await Ctl("check", "--data-dir", Path.Combine(dir, "no-such-folder"));
            Assert.That(nothing.Code, Is.EqualTo(1));
            Assert.That(nothing.Stderr, Does.Contain("holds no gateway data"));
        }
        finally
        {
            TempDir.TryDelete(dir);
        }
    }
}
