using System.Text;
using System.Text.RegularExpressions;

namespace EndToEnd.Tests.Infrastructure;

/// <summary>
/// The README's walkthroughs as a person pastes them. A walkthrough is two marked code blocks: the one that starts
/// the gateway (<c>&lt;!-- walkthrough NAME gateway --&gt;</c>: its <c>dotnet run --project gateway [-- ARGS]</c> line) and the
/// one pasted into a second terminal (<c>&lt;!-- walkthrough NAME commands --&gt;</c>). In the commands, a comment
/// <c># refused: TEXT</c> says the command fails and prints TEXT; <c># shows: TEXT</c> says it succeeds and prints TEXT;
/// every other command must succeed.
/// </summary>
internal static partial class ReadmeWalkthroughs
{
    public sealed record Command(int Line, string Text, Expectation Expect, string? Output);

    public enum Expectation
    {
        Succeeds,
        Shows,
        Refused,
    }

    public sealed record Walkthrough(string Name, IReadOnlyList<string> GatewayArgs, IReadOnlyList<Command> Commands)
    {
        public override string ToString() => Name;
    }

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")) && File.Exists(Path.Combine(dir.FullName, "README.md")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("No Gateway.sln above " + AppContext.BaseDirectory);
        }
    }

    public static IReadOnlyList<Walkthrough> Parse(string readme)
    {
        var lines = readme.Split('\n');
        var gateways = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var commands = new Dictionary<string, IReadOnlyList<Command>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var marker = Marker().Match(lines[i].Trim());
            if (!marker.Success)
            {
                continue;
            }

            var names = marker.Groups["names"].Value.Split(',');
            var open = i + 1;
            if (open >= lines.Length || !lines[open].StartsWith("```", StringComparison.Ordinal))
            {
                throw new FormatException($"README line {i + 1}: the walkthrough marker must be followed by a code block.");
            }

            var close = Array.FindIndex(lines, open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            var block = lines[(open + 1)..close];
            if (marker.Groups["part"].Value == "gateway")
            {
                // One gateway may serve several walkthroughs (the adapters' examples share one start).
                foreach (var name in names)
                {
                    gateways[name] = GatewayArgs(block, i + 1);
                }
            }
            else if (names is [var name])
            {
                // A walkthrough may go on in a later block (after some prose): its commands run in the same shell.
                if (commands.TryGetValue(name, out var earlier))
                {
                    commands[name] = [.. earlier, .. Commands(block, open + 2)];
                }
                else
                {
                    commands[name] = Commands(block, open + 2);
                    order.Add(name);
                }
            }
            else
            {
                throw new FormatException($"README line {i + 1}: a commands block belongs to one walkthrough.");
            }

            i = close;
        }

        return [.. order.Select(n => new Walkthrough(n,
            gateways.TryGetValue(n, out var args) ? args : throw new FormatException($"walkthrough {n} has no gateway block"),
            commands[n]))];
    }

    private static IReadOnlyList<string> GatewayArgs(string[] block, int markerLine)
    {
        const string Run = "dotnet run --project gateway";
        var at = Array.FindIndex(block, l => l.Trim().StartsWith(Run, StringComparison.Ordinal));
        if (at < 0)
        {
            throw new FormatException($"README line {markerLine}: the gateway block has no '{Run}' line.");
        }

        var line = block[at].Trim();
        while (line.EndsWith('\\') && ++at < block.Length)
        {
            line = line[..^1].TrimEnd() + " " + block[at].Trim();
        }

        var rest = line[Run.Length..].Trim();
        if (rest.Length == 0)
        {
            return [];
        }

        return rest.StartsWith("-- ", StringComparison.Ordinal)
            ? rest[3..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : throw new FormatException($"README line {markerLine}: settings follow '--' in '{line}'.");
    }

    private static List<Command> Commands(string[] block, int firstLine)
    {
        var result = new List<Command>();
        var text = new StringBuilder();
        var start = 0;
        var depth = 0;
        string? hereDocEnd = null;
        for (var i = 0; i < block.Length; i++)
        {
            var line = block[i];
            if (hereDocEnd is not null)
            {
                // A here-document's lines belong to the command that opened it, up to its terminator.
                text.Append(line).Append('\n');
                if (line.Trim() != hereDocEnd)
                {
                    continue;
                }

                hereDocEnd = null;
                AddCommand(result, text, start);
                continue;
            }

            if (text.Length == 0)
            {
                if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
                {
                    continue;
                }

                start = firstLine + i;
            }

            text.Append(line).Append('\n');
            if (HereDoc().Match(line) is { Success: true } here)
            {
                hereDocEnd = here.Groups["end"].Value;
                continue;
            }

            // A loop or an if runs as one command, from its first line to its done or fi.
            var trimmed = line.Trim();
            if (CompoundStart().IsMatch(trimmed))
            {
                depth++;
            }
            else if (CompoundEnd().IsMatch(trimmed))
            {
                depth--;
            }

            if (line.EndsWith('\\') || depth > 0)
            {
                continue;
            }

            AddCommand(result, text, start);
        }

        return result;
    }

    /// <summary>
    /// Adds the command collected in <paramref name="text"/>. Its expectation is the comment that ends it, or for a
    /// command with a here-document, the comment that ends its first line.
    /// </summary>
    private static void AddCommand(List<Command> result, StringBuilder text, int start)
    {
        var command = text.ToString().TrimEnd('\n');
        var first = command.Split('\n')[0];
        var expect = HereDoc().IsMatch(first) ? Expect().Match(first) : Expect().Match(command);
        result.Add(expect.Success
            ? new Command(start, command, expect.Groups["kind"].Value == "refused" ? Expectation.Refused : Expectation.Shows, expect.Groups["text"].Value.Trim())
            : new Command(start, command, Expectation.Succeeds, null));
        text.Clear();
    }

    [GeneratedRegex(@"<<-?'?(?<end>[A-Za-z_]+)'?(\s*#.*)?\s*$")]
    private static partial Regex HereDoc();

    [GeneratedRegex(@"^<!-- walkthrough (?<names>[a-z0-9-]+(,[a-z0-9-]+)*) (?<part>gateway|commands) -->$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^(for|while|until|if) ")]
    private static partial Regex CompoundStart();

    [GeneratedRegex(@"^(done|fi)\b")]
    private static partial Regex CompoundEnd();

    [GeneratedRegex(@"#\s*(?<kind>refused|shows):\s*(?<text>[^#\n]+)$")]
    private static partial Regex Expect();
}
