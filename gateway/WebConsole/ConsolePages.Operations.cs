using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Errors;
using static Gateway.WebConsole.Html;

namespace Gateway.WebConsole;

/// <summary>Usage and cost over time, the clock, and the request log.</summary>
internal sealed partial class ConsoleEndpoint
{
    private const int RequestsPerPage = 200;

    /// <summary>The buckets a usage page or call shows: the session's (an admin's: every account's, or ?account='s), and only ?bucket= when given.</summary>
    private Func<BucketSample, bool> Visible(HttpContext http, ConsoleSession session)
    {
        var account = Scope(http, session);
        var bucket = Query(http, "bucket");
        return b => (account is null || b.Account == account) && (bucket is null || b.Bucket == bucket);
    }

    private string UsagePage(HttpContext http, ConsoleSession session)
    {
        services.UsageHistory.Record(services);
        var samples = services.UsageHistory.Samples(Visible(http, session));
        var latest = samples[^1];
        var bucket = Query(http, "bucket");
        var sb = new StringBuilder(AccountFilter(http, session, "usage"));
        if (bucket is not null)
        {
            sb.Append("<p>Charts of bucket <b>").Append(E(bucket)).Append("</b> only. <a href=\"").Append(ConsoleRoutes.Prefix).Append("/usage\">Every bucket</a></p>");
        }
        sb.Append("<p class=\"note\">As of ").Append(Time(latest.At)).Append(" on the gateway's clock (").Append(E(Options.Clock))
            .Append("). Requests and cost are the month's so far; stored bytes are now. Example prices (Gateway:Billing).</p>");
        sb.Append("<div class=\"scroll\"><table id=\"usage\"><thead><tr><th>Bucket</th><th>Type</th><th>Account</th><th class=\"n\">Stored</th><th class=\"n\">Noncurrent</th>")
            .Append("<th class=\"n\">Incomplete</th><th class=\"n\">Requests</th><th class=\"n\">Estimated cost</th></tr></thead><tbody>");
        foreach (var b in latest.Buckets)
        {
            sb.Append("<tr><td><a href=\"").Append(ConsoleRoutes.Prefix).Append("/usage?bucket=").Append(Q(b.Bucket)).Append("\">").Append(E(b.Bucket)).Append("</a></td><td>").Append(E(b.Type)).Append("</td><td>").Append(E(b.Account)).Append("</td><td class=\"n\">")
                .Append(Bytes(b.StoredBytes)).Append("</td><td class=\"n\">").Append(Bytes(b.NoncurrentBytes)).Append("</td><td class=\"n\">").Append(Bytes(b.IncompleteBytes))
                .Append("</td><td class=\"n\">").Append(N(b.Requests)).Append("</td><td class=\"n\">").Append(Cost(b.Cost)).Append("</td></tr>");
        }

        sb.Append("<tr><th>Total</th><th></th><th></th><th class=\"n\">").Append(Bytes(latest.Buckets.Sum(b => b.StoredBytes))).Append("</th><th class=\"n\">")
            .Append(Bytes(latest.Buckets.Sum(b => b.NoncurrentBytes))).Append("</th><th class=\"n\">").Append(Bytes(latest.Buckets.Sum(b => b.IncompleteBytes)))
            .Append("</th><th class=\"n\">").Append(N(latest.Buckets.Sum(b => b.Requests))).Append("</th><th class=\"n\" id=\"total-cost\">").Append(Cost(latest.Buckets.Sum(b => b.Cost)))
            .Append("</th></tr></tbody></table></div>");
        sb.Append("<div class=\"pair\"><section><h2>Estimated cost (month to date)</h2>")
            .Append(Chart("cost-chart", samples, s => s.Buckets.Sum(b => b.Cost), v => Cost(v))).Append("</section>")
            .Append("<section><h2>Stored and incomplete bytes</h2>")
            .Append(Chart("bytes-chart", samples, s => s.Buckets.Sum(b => b.StoredBytes + b.NoncurrentBytes + b.IncompleteBytes), v => Bytes((long)v)))
            .Append("</section><section><h2>Incomplete bytes</h2>")
            .Append(Chart("incomplete-chart", samples, s => s.Buckets.Sum(b => b.IncompleteBytes), v => Bytes((long)v))).Append("</section>")
            .Append("<section><h2>Requests (month to date)</h2>").Append(Chart("requests-chart", samples, s => s.Buckets.Sum(b => b.Requests), v => N((long)v))).Append("</section></div>");
        sb.Append("<p class=\"note\">").Append(N(samples.Count)).Append(" samples: one a minute, one each time this page opens, and one before and after every clock advance.</p>");
        return Page("Usage and cost", session, sb.ToString(), "usage");
    }

    /// <summary>
    /// A line chart drawn on the server as SVG: time across (the first sample to the last), the value up (0 to the
    /// largest). The values travel with it (data-values), as the JSON call gives them.
    /// </summary>
    private static string Chart(string id, List<UsageSample> samples, Func<UsageSample, double> value, Func<double, string> label)
    {
        const double W = 600, H = 200, Left = 70, Bottom = 24, Top = 10, Right = 10;
        var values = samples.Select(value).ToList();
        var t0 = samples[0].At;
        var span = Math.Max(1, (samples[^1].At - t0).TotalSeconds);
        var max = Math.Max(values.Max(), 1e-12);
        var points = string.Join(' ', samples.Select((s, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{Left + ((s.At - t0).TotalSeconds / span * (W - Left - Right)):0.#},{Top + ((1 - (values[i] / max)) * (H - Top - Bottom)):0.#}")));
        var data = string.Join(' ', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        return $"<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{E(id)}\" data-values=\"{data}\">" +
               $"<line x1=\"{Left}\" y1=\"{H - Bottom}\" x2=\"{W - Right}\" y2=\"{H - Bottom}\" stroke=\"#9fb3c8\"/><line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{H - Bottom}\" stroke=\"#9fb3c8\"/>" +
               $"<text x=\"{Left - 4}\" y=\"{Top + 10}\" text-anchor=\"end\" font-size=\"10\">{E(label(max))}</text><text x=\"{Left - 4}\" y=\"{H - Bottom}\" text-anchor=\"end\" font-size=\"10\">0</text>" +
               $"<text x=\"{Left}\" y=\"{H - 6}\" font-size=\"10\">{E(Time(t0))}</text><text x=\"{W - Right}\" y=\"{H - 6}\" text-anchor=\"end\" font-size=\"10\">{E(Time(samples[^1].At))}</text>" +
               $"<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"{points}\"/></svg>";
    }

    /// <summary>The usage samples as JSON: {"samples":[{"at","storedBytes","noncurrentBytes","incompleteBytes","requests","cost","buckets":[...]}]}.</summary>
    private string UsageSeriesJson(HttpContext http, ConsoleSession session)
    {
        var samples = services.UsageHistory.Samples(Visible(http, session));
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteStartArray("samples");
            foreach (var s in samples)
            {
                w.WriteStartObject();
                w.WriteString("at", Protocol.Wire.Timestamp(s.At));
                w.WriteNumber("storedBytes", s.Buckets.Sum(b => b.StoredBytes));
                w.WriteNumber("noncurrentBytes", s.Buckets.Sum(b => b.NoncurrentBytes));
                w.WriteNumber("incompleteBytes", s.Buckets.Sum(b => b.IncompleteBytes));
                w.WriteNumber("requests", s.Buckets.Sum(b => b.Requests));
                w.WriteNumber("cost", s.Buckets.Sum(b => b.Cost));
                w.WriteStartArray("buckets");
                foreach (var b in s.Buckets)
                {
                    w.WriteStartObject();
                    w.WriteString("bucket", b.Bucket);
                    w.WriteString("type", b.Type);
                    w.WriteString("account", b.Account);
                    w.WriteNumber("storedBytes", b.StoredBytes);
                    w.WriteNumber("incompleteBytes", b.IncompleteBytes);
                    w.WriteNumber("cost", b.Cost);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private string ClockPage(ConsoleSession session, Contract.LifecycleRun? ran)
    {
        var clock = services.Storage.Clock;
        var sb = new StringBuilder("<p id=\"clock\">Mode: <b>").Append(E(Options.Clock)).Append("</b>. Now: <b>").Append(Time(clock.UtcNow)).Append("</b>.</p>");
        if (ran is not null)
        {
            sb.Append("<p id=\"lifecycle\">Lifecycle ran on the way: aborted ").Append(N(ran.AbortedUploads)).Append(" incomplete upload(s), expired ")
                .Append(N(ran.ExpiredObjects)).Append(" object(s) and ").Append(N(ran.ExpiredVersions)).Append(" noncurrent version(s), removed ")
                .Append(N(ran.RemovedDeleteMarkers)).Append(" delete marker(s).</p>");
        }

        if (services.Storage.VirtualClock is null)
        {
            sb.Append("<p class=\"note\">The clock is the system's: it cannot be advanced. Start the gateway with Gateway:Clock=virtual to move time on purpose.</p>");
        }
        else if (!IsAdmin(session))
        {
            sb.Append("<p class=\"note\">Only an admin (Gateway:Admins) may advance the clock.</p>");
        }
        else
        {
            sb.Append("<form method=\"post\" action=\"").Append(ConsoleRoutes.Prefix).Append("/clock/advance\" class=\"bar\">").Append(AntiForgery(session))
                .Append("<label>Advance by <input name=\"amount\" type=\"number\" min=\"0\" step=\"any\" value=\"1\" required></label><select name=\"unit\">")
                .Append("<option value=\"minutes\">minutes</option><option value=\"hours\">hours</option><option value=\"days\" selected>days</option></select>")
                .Append("<button type=\"submit\">Advance</button></form>");
        }

        return Page("Clock", session, sb.ToString(), "clock");
    }

    private string AdvanceClock(IFormCollection form, ConsoleSession session)
    {
        if (!IsAdmin(session))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Only an admin may advance the clock.");
        }

        var clock = services.Storage.VirtualClock ?? throw new S3Exception(S3ErrorCode.InvalidRequest, "The clock is the system's: start the gateway with Gateway:Clock=virtual.");
        if (!double.TryParse(form["amount"].ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || amount > 36500)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Advance by a positive amount (at most 36,500).");
        }

        var by = form["unit"].ToString() switch
        {
            "minutes" => TimeSpan.FromMinutes(amount),
            "hours" => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromDays(amount),
        };
        var ran = services.AdvanceClock(clock, by);
        return ClockPage(session, ran);
    }

    private string RequestsPage(HttpContext http, ConsoleSession session)
    {
        var admin = IsAdmin(session);
        var errorsOnly = Query(http, "errors") == "1";
        var bucket = Query(http, "bucket");
        var operation = Query(http, "operation");
        var me = session.Account;
        var entries = services.Requests.Latest(RequestsPerPage, e =>
            // A refused signature proves no account: only an admin sees it (as GET /_gateway/requests answers).
            (admin || e.Account == me)
            && (!errorsOnly || e.Status >= 400)
            && (bucket is null || e.Bucket == bucket)
            && (operation is null || string.Equals(e.Operation, operation, StringComparison.OrdinalIgnoreCase)));
        var sb = new StringBuilder("<form method=\"get\" action=\"").Append(ConsoleRoutes.Prefix).Append("/requests\" class=\"bar\"><label>Bucket <input name=\"bucket\" value=\"")
            .Append(E(bucket)).Append("\"></label><label>Operation <input name=\"operation\" value=\"").Append(E(operation)).Append("\"></label><label><input type=\"checkbox\" name=\"errors\" value=\"1\"")
            .Append(errorsOnly ? " checked" : "").Append("> errors only</label><button type=\"submit\">Show</button></form>");
        sb.Append("<p class=\"note\">The last ").Append(N(services.Requests.Capacity)).Append(" requests are kept in memory (Gateway:RequestLogSize); newest first. ")
            .Append("Secrets, signatures and SSE-C keys are never kept.</p>");
        sb.Append("<div class=\"scroll\"><table id=\"requests\"><thead><tr><th>Time</th><th>Front end</th><th>Operation</th><th>Account</th><th>Bucket</th><th>Key</th>")
            .Append("<th class=\"n\">Status</th><th>Error</th><th class=\"n\">In</th><th class=\"n\">Out</th><th class=\"n\">ms</th></tr></thead><tbody>");
        foreach (var e in entries)
        {
            sb.Append("<tr data-status=\"").Append(e.Status).Append("\"><td>").Append(Time(e.Time)).Append("</td><td>").Append(E(Pipeline.FrontEnds.Name(e.FrontEnd)))
                .Append("</td><td>").Append(E(e.Operation)).Append("</td><td>").Append(E(e.Account ?? e.Signature?.AccessKeyId)).Append("</td><td>").Append(E(e.Bucket))
                .Append("</td><td>").Append(E(e.Key)).Append("</td><td class=\"n\">").Append(e.Status).Append("</td><td>").Append(E(e.ErrorCode)).Append("</td><td class=\"n\">")
                .Append(N(e.BytesIn)).Append("</td><td class=\"n\">").Append(N(e.BytesOut)).Append("</td><td class=\"n\">")
                .Append(e.Duration.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)).Append("</td></tr>");
            if (e.Signature is { } sig)
            {
                sb.Append("<tr class=\"signature\"><td colspan=\"11\"><details><summary>Why the signature did not match</summary><div class=\"pair\"><div>")
                    .Append("<p>The client named these signed headers: <code>").Append(E(sig.SignedHeaders)).Append("</code>. It must have signed exactly this canonical request ")
                    .Append("(with its own secret key); compare it with what the client printed (boto3: <code>logging DEBUG</code>; the AWS CLI: <code>--debug</code>).</p>")
                    .Append("<h3>Canonical request the gateway computed</h3><pre class=\"canonical\">").Append(E(sig.CanonicalRequest)).Append("</pre></div><div>")
                    .Append("<h3>String to sign</h3><pre class=\"string-to-sign\">").Append(E(sig.StringToSign)).Append("</pre></div></div></details></td></tr>");
            }
        }

        sb.Append("</tbody></table></div>");
        return Page("Requests", session, sb.ToString(), "requests");
    }
}
