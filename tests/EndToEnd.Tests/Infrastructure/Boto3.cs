namespace EndToEnd.Tests.Infrastructure;

/// <summary>Runs a boto3 script (default client settings) against a gateway, in an isolated home folder.</summary>
internal static class Boto3
{
    /// <summary>tools/test.sh exports BOTO3_PYTHON: the first python that can import boto3.</summary>
    public static string Python()
    {
        var python = Environment.GetEnvironmentVariable("BOTO3_PYTHON") ?? Processes.Which("python3");
        Assert.That(python, Is.Not.Null, "python3 with boto3 is required: run tools/test.sh, which installs it");
        return python!;
    }

    /// <summary>Writes <paramref name="script"/> into <paramref name="home"/> and runs it with <paramref name="args"/>.</summary>
    public static async Task<Processes.Result> RunAsync(string script, GatewayInstance gw, string home, params string[] args)
    {
        var file = Path.Combine(home, $"script-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(file, script);
        return await Processes.RunAsync(Python(), [file, .. args], Processes.AwsEnv(gw, home));
    }

    /// <summary>Runs the script and asserts it exited 0 and printed <paramref name="marker"/> (so a script that stopped early cannot pass).</summary>
    public static async Task AssertPassesAsync(string script, string marker, GatewayInstance gw, string home, params string[] args)
    {
        var r = await RunAsync(script, gw, home, args);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr + r.Stdout);
        Assert.That(r.Stdout, Does.Contain(marker));
    }
}
