using S3Gateway.Tool;

namespace Gateway.Tests.Tool;

public class ToolArgumentsTests
{
    [Test]
    public void No_arguments_run_the_gateway_on_its_configured_defaults()
    {
        var parsed = ToolArguments.Parse([]);
        var options = parsed.ToServerOptions(null);

        Assert.That(parsed.Outcome, Is.EqualTo(ToolOutcome.Run));
        Assert.That(options.Urls, Is.Null, "appsettings.json's or the built-in http://localhost:9000");
        Assert.That(options.DataDirectory, Is.Null);
        Assert.That(options.VirtualClock, Is.Null);
        Assert.That(options.Settings, Is.Empty);
        Assert.That(options.Args, Is.Empty);
    }

    [Test]
    public void Port_zero_binds_a_free_port_on_the_ipv4_loopback()
    {
        Assert.That(ToolArguments.Parse(["--port", "0"]).Urls, Is.EqualTo("http://127.0.0.1:0"));
        Assert.That(ToolArguments.Parse(["--port=9100"]).Urls, Is.EqualTo("http://localhost:9100"));
        Assert.That(ToolArguments.Parse(["--port", "9100", "--host", "0.0.0.0"]).Urls, Is.EqualTo("http://0.0.0.0:9100"));
    }

    [Test]
    public void The_short_flags_become_the_gateways_settings()
    {
        var parsed = ToolArguments.Parse(["--data-dir", "/tmp/x", "--virtual-clock", "--bucket", "alpha", "--bucket=beta"]);
        var options = parsed.ToServerOptions(null);

        Assert.That(options.DataDirectory, Is.EqualTo("/tmp/x"));
        Assert.That(options.VirtualClock, Is.True);
        Assert.That(options.Settings, Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["Gateway:InitialBuckets:0"] = "alpha",
            ["Gateway:InitialBuckets:1"] = "beta",
        }));
    }

    [Test]
    public void Ephemeral_uses_the_folder_the_program_made()
    {
        var parsed = ToolArguments.Parse(["--ephemeral"]);

        Assert.That(parsed.Ephemeral, Is.True);
        Assert.That(parsed.ToServerOptions("/tmp/s3gateway-abc").DataDirectory, Is.EqualTo("/tmp/s3gateway-abc"));
    }

    [Test]
    public void Every_other_setting_passes_through_in_order_with_its_separate_value()
    {
        var parsed = ToolArguments.Parse(["--Gateway:Region=eu-west-1", "--port", "0", "--Gateway:AccessKey", "me", "--Logging:LogLevel:Default=Debug"]);

        Assert.That(parsed.Settings, Is.EqualTo(new[] { "--Gateway:Region=eu-west-1", "--Gateway:AccessKey", "me", "--Logging:LogLevel:Default=Debug" }));
        Assert.That(parsed.Port, Is.Zero);
    }

    [TestCase(new[] { "--port", "x" }, "--port needs a port number")]
    [TestCase(new[] { "--port", "70000" }, "--port needs a port number")]
    [TestCase(new[] { "--port", "-1" }, "--port needs a port number")]
    [TestCase(new[] { "--port" }, "--port needs a port number")]
    [TestCase(new[] { "--bucket", "No_Such" }, "--bucket needs a valid bucket name")]
    [TestCase(new[] { "--ephemeral", "--data-dir", "d" }, "cannot be used together")]
    [TestCase(new[] { "--host", "0.0.0.0" }, "--host needs --port")]
    [TestCase(new[] { "serve" }, "unknown argument 'serve'")]
    [TestCase(new[] { "--" }, "unknown argument '--'")]
    public void Bad_usage_says_what_is_wrong(string[] args, string message)
    {
        var parsed = ToolArguments.Parse(args);

        Assert.That(parsed.Outcome, Is.EqualTo(ToolOutcome.BadUsage));
        Assert.That(parsed.Error, Does.Contain(message));
    }

    [Test]
    public void Help_and_version_stop_before_anything_runs()
    {
        Assert.That(ToolArguments.Parse(["--port", "0", "--help"]).Outcome, Is.EqualTo(ToolOutcome.Help));
        Assert.That(ToolArguments.Parse(["-h"]).Outcome, Is.EqualTo(ToolOutcome.Help));
        Assert.That(ToolArguments.Parse(["--version"]).Outcome, Is.EqualTo(ToolOutcome.Version));
        Assert.That(ToolArguments.Version, Does.Match(@"^\d+\.\d+\.\d+$"));
    }
}
