using System.Diagnostics;

namespace EndToEnd.Tests.Infrastructure;

/// <summary>Runs real client programs (the AWS CLI, python with boto3) against a gateway.</summary>
internal static class Processes
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (env is not null)
        {
            foreach (var (k, v) in env)
            {
                psi.Environment[k] = v;
            }
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start " + file);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time.");
        }

        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>The environment for AWS CLI / boto3 against <paramref name="gw"/>, isolated from any user config.</summary>
    public static Dictionary<string, string> AwsEnv(GatewayInstance gw, string home) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = GatewayInstance.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = GatewayInstance.SecretKey,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL"] = gw.Endpoint,
        ["AWS_CONFIG_FILE"] = Path.Combine(home, "config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, "credentials"),
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["HOME"] = home,
    };

    public static string? Which(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
