namespace GatewayCtl;

/// <summary>Entry point; all behaviour lives in <see cref="Cli"/> so tests can run the tool in-process.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => Cli.RunAsync(args, Console.Out, Console.Error);
}
