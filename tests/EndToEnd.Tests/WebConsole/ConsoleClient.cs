using System.Net;
using System.Text.RegularExpressions;

namespace EndToEnd.Tests.WebConsole;

/// <summary>A browser's HTTP side, for the console's security tests: a cookie jar, no redirects followed, forms posted.</summary>
internal sealed partial class ConsoleClient : IDisposable
{
    public const string Base = "/_gateway/console";

    private readonly HttpClient _http;

    public ConsoleClient(GatewayInstance gw)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = gw.BaseAddress };
    }

    public CookieContainer Cookies { get; }

    /// <summary>The anti-forgery token of the last page read (every page with a form carries it).</summary>
    public string? AntiForgery { get; private set; }

    public async Task<(HttpResponseMessage Response, string Body)> GetAsync(string path)
    {
        var r = await _http.GetAsync(Base + path);
        var body = await r.Content.ReadAsStringAsync();
        if (Csrf().Match(body) is { Success: true } m)
        {
            AntiForgery = m.Groups[1].Value;
        }

        return (r, body);
    }

    public async Task<(HttpResponseMessage Response, string Body)> PostAsync(string path, params (string Name, string Value)[] fields)
    {
        var r = await _http.PostAsync(Base + path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
        return (r, await r.Content.ReadAsStringAsync());
    }

    /// <summary>Signs in (303 to the buckets page when the keys are accepted) and reads a page for its token.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string accessKey, string secretKey)
    {
        var (r, _) = await PostAsync("/sign-in", ("accessKey", accessKey), ("secretKey", secretKey));
        if (r.StatusCode == HttpStatusCode.SeeOther)
        {
            await GetAsync("/buckets");
        }

        return r;
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex Csrf();
}
