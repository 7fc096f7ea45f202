using System.Text.Json.Nodes;
using Gateway.Contract;

namespace GatewayCtl;

/// <summary>The whole tool as one call, so tests can run it in-process against a fake handler.</summary>
internal static class Cli
{
    public const int Ok = 0;
    public const int ServerError = 1;
    public const int Unreachable = 2;
    public const int Inconsistent = 3;
    public const int BadUsage = 64;

    /// <summary>Admin calls such as a bulk abort can take a while on a large gateway.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(5);

    internal static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler = null) =>
        RunAsync(args, stdout, stderr, handler, Environment.GetEnvironmentVariable, () => DateTimeOffset.UtcNow);

    /// <summary>As above with the environment and clock injected, so tests do not depend on the machine's.</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler,
        Func<string, string?> environment, Func<DateTimeOffset> clock)
    {
        if (CliArguments.WantsHelp(args))
        {
            stdout.WriteLine(HelpText.Text);
            return Ok;
        }

        ParsedCommand command;
        try
        {
            command = CliArguments.Parse(args, environment);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"gatewayctl: {e.Message}");
            stderr.WriteLine();
            stderr.WriteLine(HelpText.Text);
            return BadUsage;
        }

        if (command is { Kind: CommandKind.Check, DataDir: { } dataDir })
        {
            return CheckFolder(dataDir, command, stdout, stderr);
        }

        using var http = handler is null
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) })
            : new HttpClient(handler, disposeHandler: false);
        http.Timeout = RequestTimeout;
        var client = new AdminClient(http, command.Connection, clock);
        try
        {
            return await ExecuteAsync(command, client, stdout);
        }
        catch (AdminApiException e)
        {
            stderr.WriteLine($"gatewayctl: {e.Code}: {e.Message}");
            return ServerError;
        }
        catch (ConnectionException e)
        {
            stderr.WriteLine($"gatewayctl: {e.Message}");
            return Unreachable;
        }
    }

    /// <summary>The offline check (and repair) of a stopped gateway's data folder: storage's own check, no request.</summary>
    private static int CheckFolder(string dataDir, ParsedCommand command, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (command.Repair)
            {
                var repaired = Gateway.Admin.IntegrityDocuments.From(Storage.StorageEngine.RepairFolder(dataDir));
                if (command.Json)
                {
                    stdout.WriteLine(System.Text.Json.JsonSerializer.Serialize(repaired, AdminJson.Default.RepairDocument));
                }
                else
                {
                    Renderers.Repair(repaired, stdout);
                }
            }

            var report = Gateway.Admin.IntegrityDocuments.From(Storage.StorageEngine.CheckFolder(dataDir));
            if (command.Json)
            {
                stdout.WriteLine(System.Text.Json.JsonSerializer.Serialize(report, AdminJson.Default.IntegrityDocument));
            }
            else
            {
                Renderers.Integrity(report, stdout);
            }

            return report.Consistent ? Ok : Inconsistent;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            stderr.WriteLine($"gatewayctl: cannot check {dataDir}: {e.Message}");
            return ServerError;
        }
    }

    private static async Task<int> ExecuteAsync(ParsedCommand command, AdminClient client, TextWriter stdout)
    {
        if (command.Kind == CommandKind.Uploads)
        {
            await UploadsAsync(command, client, stdout);
            return Ok;
        }

        var body = await client.SendAsync(command.Request);
        if (command.Kind == CommandKind.Metrics)
        {
            stdout.Write(body.EndsWith('\n') ? body : body + "\n");
            return Ok;
        }

        var consistent = command.Kind != CommandKind.Check || Json.Read(body, AdminJson.Default.IntegrityDocument).Consistent;
        if (command.Json)
        {
            stdout.WriteLine(Json.PrettyPrint(body));
            return consistent ? Ok : Inconsistent;
        }

        switch (command.Kind)
        {
            case CommandKind.Usage:
                Renderers.Usage(Json.Read(body, AdminJson.Default.UsageReport), stdout);
                break;
            case CommandKind.AbortStale:
                Renderers.Abort(Json.Read(body, AdminJson.Default.AbortResult), stdout);
                break;
            case CommandKind.Clock:
            case CommandKind.ClockAdvance:
                Renderers.Clock(Json.Read(body, AdminJson.Default.ClockState), stdout);
                break;
            case CommandKind.Access:
                Renderers.Access(Json.Read(body, AdminJson.Default.AccessDecision), stdout);
                break;
            case CommandKind.FaultsAdd:
                Renderers.FaultsAdded(Json.Read(body, AdminJson.Default.FaultRules), stdout);
                break;
            case CommandKind.FaultsList:
                Renderers.Faults(Json.Read(body, AdminJson.Default.FaultState), stdout);
                break;
            case CommandKind.FaultsHistory:
                Renderers.FaultHistory(Json.Read(body, AdminJson.Default.FaultState), stdout);
                break;
            case CommandKind.Checksum:
                var sum = Json.Read(body, AdminJson.Default.ChecksumResult);
                stdout.WriteLine($"{sum.Header}: {sum.Value}");
                break;
            case CommandKind.FaultsClear:
                stdout.WriteLine($"removed {Formats.Plural(Json.Read(body, AdminJson.Default.FaultsRemoved).Removed, "rule")}");
                break;
            case CommandKind.Check:
                Renderers.Integrity(Json.Read(body, AdminJson.Default.IntegrityDocument), stdout);
                break;
            case CommandKind.Reset:
                var reset = Json.Read(body, AdminJson.Default.ResetResult);
                stdout.WriteLine($"removed {Formats.Plural(reset.Buckets.Count, "bucket")}, {Formats.Plural(reset.Versions, "version")}, " +
                    $"{Formats.Plural(reset.Uploads, "incomplete upload")} ({reset.Bytes} bytes); created again: {(reset.Seeded.Count == 0 ? "none" : string.Join(", ", reset.Seeded))}");
                break;
            case CommandKind.Requests:
                Renderers.Requests(Json.Read(body, AdminJson.Default.RequestLogPage), stdout);
                break;
            case CommandKind.Uploads:
            case CommandKind.Metrics:
                break;
        }

        return consistent ? Ok : Inconsistent;
    }

    /// <summary>
    /// One page, or with --all every page (following nextMarker). --json --all prints a single document: the
    /// first page with every page's uploads, isTruncated false and totals summed over the uploads listed.
    /// </summary>
    private static async Task UploadsAsync(ParsedCommand command, AdminClient client, TextWriter stdout)
    {
        var bodies = new List<string>();
        var uploads = new List<UploadEntry>();
        var seenMarkers = new HashSet<string>(StringComparer.Ordinal);
        UploadsPage page;
        var request = command.Request;
        while (true)
        {
            var body = await client.SendAsync(request);
            page = Json.Read(body, AdminJson.Default.UploadsPage);
            bodies.Add(body);
            uploads.AddRange(page.Uploads);
            if (!command.All || !page.IsTruncated || string.IsNullOrEmpty(page.NextMarker))
            {
                break;
            }

            if (!seenMarkers.Add(page.NextMarker))
            {
                throw new AdminApiException("InvalidResponse", $"the server repeated nextMarker {page.NextMarker}; stopping");
            }

            var query = request.Query.Where(p => p.Key != "marker").Append(new("marker", page.NextMarker)).ToList();
            request = request with { Query = query };
        }

        if (command.Json)
        {
            stdout.WriteLine(bodies.Count == 1 ? Json.PrettyPrint(bodies[0]) : Json.PrettyPrint(MergePages(bodies)));
            return;
        }

        Renderers.Uploads(Json.Read(bodies[0], AdminJson.Default.UploadsPage).AsOf, uploads, page.IsTruncated && !command.All, stdout);
    }

    private static JsonNode MergePages(List<string> bodies)
    {
        var merged = JsonNode.Parse(bodies[0])!.AsObject();
        var all = new JsonArray();
        double parts = 0, bytes = 0, segments = 0, byteHours = 0, cost = 0;
        foreach (var body in bodies)
        {
            foreach (var upload in JsonNode.Parse(body)?["uploads"]?.AsArray() ?? [])
            {
                var u = upload!.DeepClone();
                parts += Number(u, "parts");
                bytes += Number(u, "bytes");
                segments += Number(u, "segments");
                byteHours += Number(u, "byteHours");
                cost += Number(u, "estimatedCost");
                all.Add(u);
            }
        }

        merged["uploads"] = all;
        merged["isTruncated"] = false;
        merged["nextMarker"] = null;
        merged["totals"] = new JsonObject
        {
            ["uploads"] = all.Count,
            ["parts"] = (long)parts,
            ["bytes"] = (long)bytes,
            ["segments"] = (long)segments,
            ["byteHours"] = byteHours,
            ["estimatedCost"] = cost,
        };
        return merged;
    }

    private static double Number(JsonNode upload, string name) => upload[name]?.GetValue<double>() ?? 0;
}
