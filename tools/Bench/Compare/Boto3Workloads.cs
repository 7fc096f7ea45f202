using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Bench.Compare;

/// <summary>
/// The compare workloads through boto3 (defaults: CRC32 checksums, signed SHA-256 payloads over http), one Python
/// process per run of <c>boto3_workload.py</c>, which times its own calls; the server's CPU is read around it.
/// The bytes come from one generated 1 GiB file, and downloads are checked against its SHA-256.
/// </summary>
internal static class Boto3Workloads
{
    private const long GiB = 1L << 30;
    private static string _data = "";
    private static string _sha256 = "";

    public static Workload[] All(Options options)
    {
        var python = options.Get("python") ?? "python3";
        return
        [
            new("mp64x4", "boto3 multipart 1 GiB, 64 MiB parts, 4 in flight", "MB/s", "s/GiB", (t, s3, r) => Run(python, t, "mp64x4", $"mp64x4-{r}")),
            new("get", "boto3 GET 1 GiB (the object above), verified", "MB/s", "s/GiB", async (t, s3, r) =>
            {
                var m = await Run(python, t, "get", $"mp64x4-{r}");
                await s3.DeleteObjectAsync("bench", $"mp64x4-{r}");
                return m;
            }),
            new("mp8x1", "boto3 multipart 1 GiB, 8 MiB parts, 1 in flight", "MB/s", "s/GiB", async (t, s3, r) =>
            {
                var m = await Run(python, t, "mp8x1", $"mp8x1-{r}");
                await Run(python, t, "get", $"mp8x1-{r}"); // Verified, untimed.
                await s3.DeleteObjectAsync("bench", $"mp8x1-{r}");
                return m;
            }),
            new("put4k", "boto3 PutObject 4 KiB, 4 in flight", "req/s", "ms/req", (t, s3, r) => Run(python, t, "put4k", $"small-py-{r}")),
        ];
    }

    /// <summary>Writes the generated object once and remembers its SHA-256.</summary>
    public static void Prepare()
    {
        _data = Path.Combine(Path.GetTempPath(), "s3gw-bench-object.bin");
        using (var file = File.Create(_data))
        {
            new GeneratedStream(GiB, NullServer.Seed).CopyTo(file, 1 << 20);
        }

        using var read = File.OpenRead(_data);
        _sha256 = Convert.ToHexStringLower(SHA256.HashData(read));
    }

    public static void Cleanup()
    {
        if (_data.Length > 0)
        {
            File.Delete(_data);
        }
    }

    private static async Task<Measurement> Run(string python, Target t, string workload, string key)
    {
        var script = Path.Combine(GatewayProcess.RepoRoot(), "tools", "Bench", "Compare", "boto3_workload.py");
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, workload, t.Endpoint.ToString().TrimEnd('/'), key, _data, _sha256 })
        {
            psi.ArgumentList.Add(a);
        }

        var cpu0 = t.Cpu;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var cpu = t.Cpu - cpu0;
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"boto3 {workload} against {t.Name} failed: {await stderr}");
        }

        var r = JsonDocument.Parse(await stdout).RootElement;
        var seconds = r.GetProperty("seconds").GetDouble();
        var bytes = r.GetProperty("bytes").GetInt64();
        var requests = r.GetProperty("requests").GetInt32();
        return Measurement.Of(bytes, requests, seconds, cpu, r.GetProperty("detail").GetString() ?? "");
    }
}
