using System.Text.Json;
using Gateway.Contract;
using GatewayCtl;

namespace Gateway.Tests.GatewayCtl;

/// <summary>gatewayctl faults: the rule it sends from flags or a file (signed with its body's hash), and what it prints.</summary>
[TestFixture]
public sealed class CliFaultsTests
{
    private const string Added = """{"rules":[{"id":"f1","frontEnd":"s3","operation":"UploadPart","partNumber":2,"times":1,"fault":{"type":"error","status":503,"code":"SlowDown"}}]}""";

    private static async Task<(CliRun Run, HttpRequestMessage Request, FaultRules Sent)> Add(params string[] args)
    {
        var handler = new FakeAdminHandler().Respond(Added);
        var run = await CliRun.Of(handler, ["faults", "add", .. args]);
        var request = handler.Requests.Single();
        var body = handler.Bodies.Single();
        Assert.That(request.Headers.GetValues("x-amz-content-sha256").Single(), Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body))), "the body is signed");
        return (run, request, JsonSerializer.Deserialize(body, AdminJson.Default.FaultRules)!);
    }

    [Test]
    public async Task AddSendsTheRuleItsFlagsDescribe()
    {
        var (run, request, sent) = await Add("--operation", "UploadPart", "--part-number", "2", "--times", "1", "--probability", "0.5", "--seed", "9",
            "--type", "error", "--status", "503", "--code", "SlowDown", "--retry-after", "2");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        Assert.That((request.Method.Method, request.RequestUri!.PathAndQuery), Is.EqualTo(("POST", "/_gateway/faults")));
        var r = sent.Rules.Single();
        Assert.That((r.Operation, r.PartNumber, r.Times, r.Probability, r.Seed, r.Fault.Type, r.Fault.Status, r.Fault.Code, r.Fault.RetryAfterSeconds),
            Is.EqualTo(("UploadPart", (int?)2, (long?)1, (double?)0.5, (int?)9, "error", (int?)503, "SlowDown", (int?)2)));
        Assert.That(run.Stdout, Is.EqualTo("added f1: s3 UploadPart part=2 times=1 -> error 503 SlowDown\n"));
    }

    [Test]
    public async Task AddSendsTheRulesOfAFileAsTheyAre()
    {
        var file = Path.Combine(Path.GetTempPath(), $"rules-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """[{"frontEnd":"box","operation":"UploadPart","fault":{"type":"reset","afterBytes":10}},{"fault":{"type":"timeout"}}]""");
        try
        {
            var (run, _, sent) = await Add("--file", file);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
            Assert.That(sent.Rules.Select(r => (r.FrontEnd, r.Fault.Type, r.Fault.AfterBytes)), Is.EqualTo(new[] { ("box", "reset", (long?)10), (null, "timeout", null) }));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestCase(new[] { "faults", "add" }, "needs --type")]
    [TestCase(new[] { "faults", "add", "--type", "error", "--status", "x" }, "--status must be a whole number")]
    [TestCase(new[] { "faults", "add", "--file", "/nonexistent/rules.json" }, "cannot read")]
    [TestCase(new[] { "faults", "add", "--file", "x.json", "--type", "timeout" }, "either --file or")]
    [TestCase(new[] { "faults", "nonsense" }, "unknown command")]
    public async Task BadFaultCommandsAreUsageErrors(string[] args, string message)
    {
        var run = await CliRun.Of(new FakeAdminHandler(), args);
        Assert.That(run.ExitCode, Is.EqualTo(Cli.BadUsage));
        Assert.That(run.Stderr, Does.Contain(message));
    }

    [Test]
    public async Task ListAndHistoryAreTables()
    {
        const string State = """
            {"rules":[{"id":"f1","frontEnd":"s3","operation":"GetObject","key":"big/*","times":1,"fault":{"type":"reset","afterBytes":1048576},"matched":3,"fired":1}],
             "history":[{"ruleId":"f1","requestId":"R1","time":"2026-11-21T13:00:00.000Z","frontEnd":"s3","operation":"GetObject","bucket":"b","key":"big/x","fault":"reset"}]}
            """;
        var list = await CliRun.Of(new FakeAdminHandler().Respond(State), "faults", "list");
        Assert.That(list.Stdout, Is.EqualTo(
            "ID  MATCHES                         FAULT                  MATCHED  FIRED\n" +
            "f1  s3 GetObject key=big/* times=1  reset after 1048576 B        3      1\n"));
        var history = await CliRun.Of(new FakeAdminHandler().Respond(State), "faults", "history");
        Assert.That(history.Stdout, Does.Contain("2026-11-21T13:00:00.000Z  f1    R1       s3         GetObject  b       big/x").And.Contain("reset"));
        var empty = await CliRun.Of(new FakeAdminHandler().Respond("""{"rules":[],"history":[]}"""), "faults");
        Assert.That(empty.Stdout, Is.EqualTo("no fault rules\n"));
    }
}
