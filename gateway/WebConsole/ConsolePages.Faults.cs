using System.Globalization;
using System.Text;
using Gateway.Contract;
using Gateway.Errors;
using Gateway.Faults;
using static Gateway.WebConsole.Html;

namespace Gateway.WebConsole;

/// <summary>Fault injection (admins only, as the API): the rules with their matched and fired counts, add, remove, clear, and what fired.</summary>
internal sealed partial class ConsoleEndpoint
{
    private static readonly string[] FaultTypes = ["error", "error-after-200", "latency", "slow-body", "reset", "timeout"];

    private void RequireFaultsAdmin(ConsoleSession session)
    {
        if (!IsAdmin(session))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Only an admin may see or change the fault rules.");
        }
    }

    private string FaultsPage(ConsoleSession session, string? refusal)
    {
        RequireFaultsAdmin(session);
        var state = services.Faults.State();
        var sb = new StringBuilder(refusal is null ? "" : $"<p class=\"error\" role=\"alert\">{E(refusal)}</p>");
        sb.Append("<p class=\"note\">Rules live in memory (a restart starts from Gateway:Faults); the same rules as <code>/_gateway/faults</code> and <code>gatewayctl faults</code>.</p>");
        if (state.Rules.Count == 0)
        {
            sb.Append("<p class=\"note\">No fault rules.</p>");
        }
        else
        {
            sb.Append("<div class=\"scroll\"><table id=\"faults\"><thead><tr><th>Id</th><th>Front end</th><th>Operation</th><th>Bucket</th><th>Key</th><th class=\"n\">Part</th>")
                .Append("<th class=\"n\">After</th><th class=\"n\">Times</th><th>Fault</th><th class=\"n\">Matched</th><th class=\"n\">Fired</th><th></th></tr></thead><tbody>");
            foreach (var r in state.Rules)
            {
                var f = r.Fault;
                var fault = f.Type + (f.Status is { } st ? " " + st.ToString(CultureInfo.InvariantCulture) : "") + (f.Code is null ? "" : " " + f.Code) +
                            (f.Ms is { } ms ? $" {ms} ms" : "") + (f.BytesPerSecond is { } bps ? $" {bps} B/s" : "") + (f.AfterBytes is { } ab ? $" after {ab} B" : "");
                sb.Append("<tr data-rule=\"").Append(E(r.Id)).Append("\"><td>").Append(E(r.Id)).Append("</td><td>").Append(E(r.FrontEnd ?? "s3")).Append("</td><td>")
                    .Append(E(r.Operation ?? "any")).Append("</td><td>").Append(E(r.Bucket ?? "any")).Append("</td><td>").Append(E(r.Key ?? "any")).Append("</td><td class=\"n\">")
                    .Append(E(r.PartNumber?.ToString(CultureInfo.InvariantCulture))).Append("</td><td class=\"n\">").Append(E(r.After?.ToString(CultureInfo.InvariantCulture)))
                    .Append("</td><td class=\"n\">").Append(E(r.Times?.ToString(CultureInfo.InvariantCulture) ?? "always")).Append("</td><td>").Append(E(fault))
                    .Append("</td><td class=\"n matched\">").Append(N(r.Matched ?? 0)).Append("</td><td class=\"n fired\">").Append(N(r.Fired ?? 0)).Append("</td><td><form method=\"post\" class=\"inline\" action=\"")
                    .Append(ConsoleRoutes.Prefix).Append("/faults/").Append(Q(r.Id)).Append("/remove\">").Append(AntiForgery(session)).Append("<button type=\"submit\">Remove</button></form></td></tr>");
            }

            sb.Append("</tbody></table></div><form method=\"post\" action=\"").Append(ConsoleRoutes.Prefix).Append("/faults/clear\" class=\"bar\">").Append(AntiForgery(session))
                .Append("<button type=\"submit\">Remove every rule and the history</button></form>");
        }

        sb.Append("<h2>Add a rule</h2><form method=\"post\" action=\"").Append(ConsoleRoutes.Prefix).Append("/faults\" class=\"bar\" id=\"add-fault\">").Append(AntiForgery(session))
            .Append("<label>Front end <select name=\"frontEnd\"><option>s3</option><option>box</option><option>veza</option><option>kodexa</option><option>twelvelabs</option></select></label>")
            .Append("<label>Operation <input name=\"operation\" placeholder=\"UploadPart\" size=\"18\"></label><label>Bucket <input name=\"bucket\" size=\"12\"></label>")
            .Append("<label>Key <input name=\"key\" placeholder=\"key or prefix*\" size=\"14\"></label><label>Part <input name=\"partNumber\" type=\"number\" min=\"1\" size=\"4\"></label>")
            .Append("<label>After <input name=\"after\" type=\"number\" min=\"0\" size=\"4\"></label><label>Times <input name=\"times\" type=\"number\" min=\"1\" size=\"4\"></label>")
            .Append("<label>Fault <select name=\"type\">");
        foreach (var t in FaultTypes)
        {
            sb.Append("<option>").Append(t).Append("</option>");
        }

        sb.Append("</select></label><label>Status <input name=\"status\" type=\"number\" placeholder=\"503\" size=\"4\"></label><label>Code <input name=\"code\" placeholder=\"SlowDown\" size=\"12\"></label>")
            .Append("<label>ms <input name=\"ms\" type=\"number\" min=\"0\" size=\"5\"></label><button type=\"submit\">Add rule</button></form>");

        sb.Append("<h2>What fired</h2>");
        if (state.History.Count == 0)
        {
            sb.Append("<p class=\"note\">Nothing yet.</p>");
        }
        else
        {
            sb.Append("<div class=\"scroll\"><table id=\"fault-history\"><thead><tr><th>Time</th><th>Rule</th><th>Front end</th><th>Operation</th><th>Bucket</th><th>Key</th><th class=\"n\">Part</th><th>Fault</th><th>Request id</th></tr></thead><tbody>");
            foreach (var e in Enumerable.Reverse(state.History))
            {
                sb.Append("<tr><td>").Append(E(e.Time)).Append("</td><td>").Append(E(e.RuleId)).Append("</td><td>").Append(E(e.FrontEnd)).Append("</td><td>").Append(E(e.Operation))
                    .Append("</td><td>").Append(E(e.Bucket)).Append("</td><td>").Append(E(e.Key)).Append("</td><td class=\"n\">").Append(E(e.PartNumber?.ToString(CultureInfo.InvariantCulture)))
                    .Append("</td><td>").Append(E(e.Fault)).Append("</td><td>").Append(E(e.RequestId)).Append("</td></tr>");
            }

            sb.Append("</tbody></table></div>");
        }

        return Page("Faults", session, sb.ToString(), "faults");
    }

    /// <summary>Adds the form's rule through the same checks as the API (a rule it cannot use is shown with the reason).</summary>
    private ConsoleAnswer AddFault(IFormCollection form, ConsoleSession session)
    {
        RequireFaultsAdmin(session);
        string? Text(string name) => form[name].ToString() is { Length: > 0 } v ? v.Trim() : null;
        long? Number(string name) => long.TryParse(Text(name), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var rule = new FaultRuleDocument
        {
            FrontEnd = Text("frontEnd"),
            Operation = Text("operation"),
            Bucket = Text("bucket"),
            Key = Text("key"),
            PartNumber = (int?)Number("partNumber"),
            After = Number("after"),
            Times = Number("times"),
            Fault = new FaultDocument { Type = Text("type") ?? "", Status = (int?)Number("status"), Code = Text("code"), Ms = (int?)Number("ms") },
        };
        try
        {
            services.Faults.Add([rule]);
        }
        catch (FaultRuleException e)
        {
            return ConsoleAnswer.Page(FaultsPage(session, "The rule was not added: " + e.Message), 400);
        }

        return ConsoleAnswer.Redirect("/faults");
    }

    private ConsoleAnswer RemoveFault(ConsoleSession session, string id)
    {
        RequireFaultsAdmin(session);
        services.Faults.Remove(id);
        return ConsoleAnswer.Redirect("/faults");
    }

    private ConsoleAnswer ClearFaults(ConsoleSession session)
    {
        RequireFaultsAdmin(session);
        services.Faults.Clear();
        return ConsoleAnswer.Redirect("/faults");
    }
}
