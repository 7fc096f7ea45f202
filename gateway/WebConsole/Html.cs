using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Gateway.WebConsole;

/// <summary>
/// The console's HTML: every value written through <see cref="E"/> (HTML-encoded), pages wrapped in one layout with
/// the navigation, and one style sheet served from the gateway itself (no CDN, no script library).
/// </summary>
internal static class Html
{
    /// <summary>HTML-encodes a value for text or a quoted attribute.</summary>
    public static string E(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    /// <summary>A query-string component.</summary>
    public static string Q(string? value) => Uri.EscapeDataString(value ?? "");

    public static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = bytes;
        var u = 0;
        while (v >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }

        return u == 0 ? bytes.ToString(CultureInfo.InvariantCulture) + " B" : v.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[u];
    }

    public static string Cost(double cost) => "$" + cost.ToString(cost >= 1 ? "0.00" : "0.000000", CultureInfo.InvariantCulture);

    public static string Age(TimeSpan age) =>
        age.TotalDays >= 1 ? $"{(int)age.TotalDays}d {age.Hours}h" : age.TotalHours >= 1 ? $"{(int)age.TotalHours}h {age.Minutes}m" : $"{(int)age.TotalMinutes}m {age.Seconds}s";

    /// <summary>A hidden field with the session's anti-forgery token: every form that changes something carries one.</summary>
    public static string AntiForgery(ConsoleSession s) => $"<input type=\"hidden\" name=\"csrf\" value=\"{E(s.AntiForgery)}\">";

    /// <summary>A whole page: the layout, the navigation (when signed in), the title and the body.</summary>
    public static string Page(string title, ConsoleSession? session, string body, string? current = null)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append(" - S3 gateway</title><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"").Append(ConsoleRoutes.Prefix).Append("/console.css\"></head><body>");
        if (session is not null)
        {
            sb.Append("<header><nav>");
            foreach (var (href, label) in new[] { ("buckets", "Buckets"), ("uploads", "Incomplete uploads"), ("usage", "Usage"), ("clock", "Clock"), ("requests", "Requests"), ("faults", "Faults") })
            {
                sb.Append("<a href=\"").Append(ConsoleRoutes.Prefix).Append('/').Append(href).Append('"')
                    .Append(href == current ? " aria-current=\"page\"" : "").Append('>').Append(label).Append("</a>");
            }

            sb.Append("</nav><form method=\"post\" action=\"").Append(ConsoleRoutes.Prefix).Append("/sign-out\" class=\"who\">")
                .Append("<span>").Append(E(session.Account)).Append("</span>").Append(AntiForgery(session))
                .Append("<button type=\"submit\">Sign out</button></form></header>");
        }

        sb.Append("<main><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main></body></html>");
        return sb.ToString();
    }

    public const string Style = """
        :root { font-family: system-ui, sans-serif; color: #1d232a; background: #f6f7f9; }
        body { margin: 0; }
        header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem; padding: .5rem 1rem; background: #23303d; }
        header a, header span { color: #e9eef3; text-decoration: none; margin-right: 1rem; }
        header a[aria-current=page] { border-bottom: 2px solid #7fc1ff; }
        main { padding: 1rem; max-width: 1400px; }
        h1 { font-size: 1.4rem; margin: .2rem 0 1rem; }
        h2 { font-size: 1.1rem; margin-top: 1.5rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; background: #fff; min-width: 60%; }
        th, td { padding: .3rem .6rem; border-bottom: 1px solid #e1e5ea; text-align: left; white-space: nowrap; }
        th { background: #eef1f4; font-weight: 600; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        form.inline { display: inline; }
        .bar { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0 1rem; }
        input, select, button { font: inherit; padding: .25rem .5rem; }
        button { cursor: pointer; }
        .error { color: #a40e26; background: #fde8eb; padding: .5rem .75rem; border-left: 4px solid #a40e26; }
        .note { color: #4a5561; }
        .map { display: flex; flex-wrap: wrap; gap: 4px; margin: 1rem 0; }
        .cell { width: 7.5rem; min-height: 4.5rem; padding: .3rem; background: #fff; border: 1px solid #9fb3c8; font-size: .75rem; }
        .cell b { font-size: .9rem; }
        .cell.gap { background: repeating-linear-gradient(45deg, #f6f7f9, #f6f7f9 6px, #e6e9ed 6px, #e6e9ed 12px); border-style: dashed; color: #6b7785; }
        .cell.small { border: 2px solid #c2410c; }
        tr.signature td { white-space: normal; max-width: 0; }
        tr.signature p { max-width: 60rem; }
        pre { background: #fff; border: 1px solid #e1e5ea; padding: .5rem; overflow-x: auto; font-size: .8rem; }
        .pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1rem; }
        svg.chart { background: #fff; border: 1px solid #e1e5ea; width: 100%; max-width: 900px; height: auto; }
        .signin { max-width: 22rem; background: #fff; padding: 1rem 1.25rem; border: 1px solid #e1e5ea; }
        .signin label { display: block; margin: .5rem 0; }
        .signin input { width: 100%; box-sizing: border-box; }
        """;
}
