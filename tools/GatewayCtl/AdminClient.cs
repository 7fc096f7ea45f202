using System.Net;
using System.Text.Json;
using Gateway.Contract;

namespace GatewayCtl;

/// <summary>The server answered with a non-2xx status: printed as "gatewayctl: code: message", exit 1.</summary>
internal sealed class AdminApiException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>The server could not be reached (refused, DNS, TLS, timeout): exit 2.</summary>
internal sealed class ConnectionException(string message, Exception inner) : Exception(message, inner);

/// <summary>Sends signed admin API requests and turns failures into the two exceptions above.</summary>
internal sealed class AdminClient(HttpClient http, Connection connection, Func<DateTimeOffset> clock)
{
    /// <summary>Returns the body of a 2xx answer as text; throws <see cref="AdminApiException"/> otherwise.</summary>
    public async Task<string> SendAsync(AdminRequest request, CancellationToken cancellation = default)
    {
        using var message = Build(request);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, cancellation);
        }
        catch (HttpRequestException e)
        {
            throw new ConnectionException($"cannot reach {connection.Endpoint}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellation.IsCancellationRequested)
        {
            throw new ConnectionException($"no answer from {connection.Endpoint} within {http.Timeout.TotalSeconds:0} s", e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellation);
            if (response.IsSuccessStatusCode)
            {
                return body;
            }

            throw Failure(response.StatusCode, response.ReasonPhrase, body);
        }
    }

    internal HttpRequestMessage Build(AdminRequest request)
    {
        var endpoint = connection.Endpoint;
        // An endpoint with a path (a gateway behind a path-routing proxy) keeps it as a prefix.
        var path = endpoint.AbsolutePath.TrimEnd('/') + request.Path;
        var query = SigV4Signer.CanonicalQuery(request.Query);
        // The Host header is set explicitly so the value signed is the value sent (the port is left out for the
        // scheme's default, as HttpClient would do).
        var host = endpoint.IsDefaultPort ? endpoint.Host : $"{endpoint.Host}:{endpoint.Port}";
        var canonicalPath = SigV4Signer.CanonicalUri(path);
        var uri = new UriBuilder(endpoint.Scheme, endpoint.Host, endpoint.Port, canonicalPath)
        {
            Query = query,
        }.Uri;

        var message = new HttpRequestMessage(request.Method, uri);
        message.Headers.Host = host;
        var payloadHash = SigV4Signer.EmptySha256;
        if (request.BodyFile is { } file)
        {
            message.Content = new StreamContent(File.OpenRead(file));
            payloadHash = "UNSIGNED-PAYLOAD";
        }
        else if (request.Body is { } body)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            payloadHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));
        }

        foreach (var (name, value) in SigV4Signer.Sign(request.Method.Method, path, request.Query, host,
                     payloadHash, clock(), connection.Credentials))
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    private static AdminApiException Failure(HttpStatusCode status, string? reason, string body)
    {
        try
        {
            var error = JsonSerializer.Deserialize(body, AdminJson.Default.ErrorBody);
            if (error?.Error is { Length: > 0 } code)
            {
                return new AdminApiException(code, error.Message ?? "");
            }
        }
        catch (JsonException)
        {
            // Not the API's error document (e.g. a proxy's HTML page): fall through to the status line.
        }

        var snippet = body.Trim();
        snippet = snippet.Length > 200 ? snippet[..200] + "..." : snippet;
        var text = string.IsNullOrEmpty(snippet) ? reason ?? "" : snippet;
        return new AdminApiException($"HTTP {(int)status}", text);
    }
}
