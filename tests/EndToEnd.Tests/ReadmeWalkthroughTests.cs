using System.Text;
using static EndToEnd.Tests.Infrastructure.ReadmeWalkthroughs;

namespace EndToEnd.Tests;

/// <summary>
/// Each README walkthrough run as a person runs it: the gateway started with the settings its block gives (the built
/// program in place of <c>dotnet run --project gateway</c>, on a free port in place of 9000), then its commands pasted
/// into bash in a fresh folder that stands for the clone's root, one after another in one shell, each checked for
/// what the README says it does.
/// </summary>
[NonParallelizable]
public class ReadmeWalkthroughTests
{
    private static readonly IReadOnlyList<Walkthrough> All = Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "README.md")));

    private static IEnumerable<string> Names() => All.Select(w => w.Name);

    [Test]
    public void The_README_marks_its_walkthroughs()
    {
        Assert.That(All.Select(w => w.Name), Is.SupersetOf(new[] { "try-it", "incomplete-upload-cost", "versions-and-lock", "access-and-encryption", "faults", "directory-buckets" }));
        Assert.That(All.SelectMany(w => w.Commands).Count(c => c.Expect == Expectation.Refused), Is.GreaterThanOrEqualTo(3),
            "the refusals the walkthroughs show are checked as refusals");
    }

    [Test]
    public void A_here_document_is_one_command_with_the_expectation_on_its_first_line()
    {
        var readme = string.Join('\n', "<!-- walkthrough h gateway -->", "```sh", "dotnet run --project gateway", "```",
            "<!-- walkthrough h commands -->", "```sh", "python3 - <<'EOF'    # shows: done", "print('# refused: not this')", "EOF", "echo next", "```");
        var commands = Parse(readme).Single().Commands;
        Assert.That(commands.Select(c => (c.Expect, c.Output)), Is.EqualTo(new[] { (Expectation.Shows, (string?)"done"), (Expectation.Succeeds, null) }));
        Assert.That(commands[0].Text, Does.EndWith("\nEOF"));
    }

    [TestCaseSource(nameof(Names))]
    public async Task Walkthrough_works_as_pasted(string name)
    {
        var walkthrough = All.Single(w => w.Name == name);
        if (Processes.Which("aws") is null || Processes.Which("curl") is null)
        {
            Assert.Ignore("the walkthroughs need the AWS CLI and curl (tools/test.sh installs the CLI)");
        }

        var work = TempDir.Create("walkthrough-" + walkthrough.Name);
        try
        {
            // An adapter the README starts on localhost:900N is started on a free port, and its address put in its place.
            var adapters = new Dictionary<string, string>(StringComparer.Ordinal);
            var args = walkthrough.GatewayArgs.Select(a =>
            {
                var m = System.Text.RegularExpressions.Regex.Match(a, @"^--Gateway:Adapters:(?<name>\w+):Url=(?<url>http://localhost:\d+)$");
                if (!m.Success)
                {
                    return a;
                }

                adapters[m.Groups["url"].Value] = m.Groups["name"].Value;
                return $"--Gateway:Adapters:{m.Groups["name"].Value}:Url=http://127.0.0.1:0";
            }).ToArray();
            await using var gateway = new GatewayProcess(Path.Combine(work, "data"), work, args);
            var url = (await gateway.Address("S3")).ToString().TrimEnd('/');
            var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (readmeUrl, adapter) in adapters)
            {
                addresses[readmeUrl] = (await gateway.Address(adapter)).ToString().TrimEnd('/');
            }

            // The built gatewayctl in place of `dotnet run --project tools/GatewayCtl --` (the README stores it in an
            // unquoted variable, so the path must not hold a space).
            var ctl = typeof(global::GatewayCtl.Cli).Assembly.Location;
            Assert.That(ctl, Does.Not.Contain(' '), "the test's own folder holds a space");
            var script = new StringBuilder("cd \"$WORK\"\n");
            foreach (var (c, i) in walkthrough.Commands.Select((c, i) => (c, i)))
            {
                var text = addresses.Aggregate(c.Text, (t, a) => t.Replace(a.Key, a.Value, StringComparison.Ordinal))
                    .Replace("http://localhost:9000", url, StringComparison.Ordinal)
                    .Replace("http://127.0.0.1:9000", url, StringComparison.Ordinal)
                    // The python that has boto3 (tools/test.sh finds it) in place of the first python3 on the PATH.
                    .Replace("python3 - <<", Boto3.Python() + " - <<", StringComparison.Ordinal)
                    .Replace("dotnet run --project tools/GatewayCtl --", "dotnet " + ctl, StringComparison.Ordinal);
                // The closing brace on its own line: a command may end in a comment.
                script.Append("{ ").Append(text).Append("\n} > \"$WORK/.out.").Append(i).Append("\" 2>&1 < /dev/null\n")
                    .Append("echo \"@rc ").Append(i).Append(" $?\"\n");
            }

            var home = Directory.CreateDirectory(Path.Combine(work, ".home")).FullName;
            var scriptPath = Path.Combine(work, ".walkthrough.sh");
            await File.WriteAllTextAsync(scriptPath, script.ToString());
            var run = await Processes.RunAsync("bash", [scriptPath], new Dictionary<string, string>
            {
                ["WORK"] = work,
                ["HOME"] = home,
                ["GATEWAY_ENDPOINT"] = url,
                ["AWS_CONFIG_FILE"] = Path.Combine(home, "config"),
                ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, "credentials"),
                ["AWS_EC2_METADATA_DISABLED"] = "true",
                ["AWS_ACCESS_KEY_ID"] = "",
                ["AWS_SECRET_ACCESS_KEY"] = "",
                ["DOTNET_NOLOGO"] = "1",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            }, TimeSpan.FromMinutes(5));

            var codes = run.Stdout.Split('\n').Where(l => l.StartsWith("@rc ", StringComparison.Ordinal))
                .Select(l => l.Split(' ')).ToDictionary(p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), p => int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture));
            var failures = new List<string>();
            foreach (var (c, i) in walkthrough.Commands.Select((c, i) => (c, i)))
            {
                if (!codes.TryGetValue(i, out var code))
                {
                    failures.Add($"README line {c.Line}: never ran ({run.Stderr.Trim()})\n  {c.Text}");
                    continue;
                }

                var output = await File.ReadAllTextAsync(Path.Combine(work, ".out." + i));
                var problem = c.Expect switch
                {
                    Expectation.Succeeds => code == 0 ? null : $"exit code {code}",
                    Expectation.Shows => code != 0 ? $"exit code {code}" : output.Contains(c.Output!, StringComparison.Ordinal) ? null : $"the output does not show '{c.Output}'",
                    Expectation.Refused => code == 0 ? "it succeeded, but the README says it is refused"
                        : output.Contains(c.Output!, StringComparison.Ordinal) ? null : $"refused, but the output does not say '{c.Output}'",
                };
                if (problem is not null)
                {
                    failures.Add($"README line {c.Line}: {problem}\n  {c.Text}\n  output: {Tail(output)}");
                }
            }

            Assert.That(failures, Is.Empty, string.Join("\n\n", failures));
        }
        finally
        {
            TempDir.TryDelete(work);
        }
    }

    private static string Tail(string output) => output.Length <= 600 ? output.Trim() : "..." + output[^600..].Trim();
}
