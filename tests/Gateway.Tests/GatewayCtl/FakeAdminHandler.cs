using System.Net;
using System.Text;
using GatewayCtl;

namespace Gateway.Tests.GatewayCtl;

/// <summary>Answers each request with the next canned response and records what the tool sent.</summary>
internal sealed class FakeAdminHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _responses = new();

    public List<HttpRequestMessage> Requests { get; } = [];

    /// <summary>Each request's body as sent (the client disposes the content once it has its answer).</summary>
    public List<byte[]> Bodies { get; } = [];

    public FakeAdminHandler Respond(string body, HttpStatusCode status = HttpStatusCode.OK, string mediaType = "application/json")
    {
        _responses.Enqueue(() => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) });
        return this;
    }

    public FakeAdminHandler Fail(Exception e)
    {
        _responses.Enqueue(() => throw e);
        return this;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        Bodies.Add(request.Content?.ReadAsByteArrayAsync(cancellationToken).GetAwaiter().GetResult() ?? []);
        return Task.FromResult(_responses.Count > 0 ? _responses.Dequeue()() : throw new InvalidOperationException("no canned response left"));
    }
}

/// <summary>Runs the whole tool in-process with a fixed clock, an empty environment and the fake handler.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static readonly DateTimeOffset Now = new(2026, 11, 21, 13, 0, 0, TimeSpan.Zero);

    public static async Task<CliRun> Of(FakeAdminHandler handler, params string[] args) =>
        await Of(handler, _ => null, args);

    public static async Task<CliRun> Of(FakeAdminHandler handler, Func<string, string?> environment, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await Cli.RunAsync(args, stdout, stderr, handler, environment, () => Now);
        return new CliRun(code, Normalize(stdout.ToString()), Normalize(stderr.ToString()));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
