using System.Net;

namespace EndToEnd.Tests;

/// <summary>Bucket CORS configuration through AWSSDK.S3, judged on browser-style preflights and actual requests, with Gateway:Cors as the fallback.</summary>
public sealed class BucketCorsTests
{
    private const string GatewayOrigin = "http://gateway-wide.example";

    private static async Task<HttpResponseMessage> Preflight(HttpClient http, string path, string origin, string method, string? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null)
        {
            request.Headers.Add("Access-Control-Request-Headers", headers);
        }

        return await http.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage r, string name) => r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;

    [Test]
    public async Task A_buckets_rules_replace_the_gateway_wide_ones_for_it_and_go_with_DeleteBucketCors()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Cors.AllowedOrigins = [GatewayOrigin]);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("bcors");
        await s3.PutBucketAsync(bucket);
        var none = Assert.CatchAsync<AmazonS3Exception>(() => s3.GetCORSConfigurationAsync(bucket))!;
        Assert.That((none.StatusCode, none.ErrorCode), Is.EqualTo((HttpStatusCode.NotFound, "NoSuchCORSConfiguration")));
        using var http = gw.Http();
        using (var before = await Preflight(http, $"/{bucket}/k", GatewayOrigin, "PUT"))
        {
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK), "without rules of its own, a bucket follows Gateway:Cors");
        }

        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration
            {
                Rules =
                [
                    new CORSRule { Id = "app", AllowedOrigins = ["https://*.app.example"], AllowedMethods = ["GET", "PUT"], AllowedHeaders = ["content-type", "x-amz-*"], ExposeHeaders = ["ETag"], MaxAgeSeconds = 600 },
                ],
            },
        });
        var rules = (await s3.GetCORSConfigurationAsync(bucket)).Configuration.Rules;
        Assert.That((rules.Single().Id, rules.Single().AllowedOrigins.Single(), rules.Single().MaxAgeSeconds), Is.EqualTo(("app", "https://*.app.example", 600)));

        using (var ok = await Preflight(http, $"/{bucket}/k", "https://web.app.example", "PUT", "Content-Type, X-Amz-Date"))
        {
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((Header(ok, "Access-Control-Allow-Origin"), Header(ok, "Access-Control-Allow-Methods"), Header(ok, "Access-Control-Max-Age")),
                Is.EqualTo(("https://web.app.example", "GET, PUT", "600")));
            Assert.That(Header(ok, "Access-Control-Allow-Headers"), Is.EqualTo("Content-Type, X-Amz-Date"));
        }

        foreach (var (origin, method, headers) in new[] { (GatewayOrigin, "PUT", (string?)null), ("https://web.app.example", "DELETE", null), ("https://web.app.example", "PUT", "authorization") })
        {
            using var refused = await Preflight(http, $"/{bucket}/k", origin, method, headers);
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"{origin} {method} {headers}");
            Assert.That((await S3Error.ReadAsync(refused)).Code, Is.EqualTo("AccessForbidden"));
            Assert.That(Header(refused, "Access-Control-Allow-Origin"), Is.Null, "a refused preflight carries no CORS headers");
        }

        // An actual request from an allowed origin reads the ETag; the same from another origin gets no CORS headers.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "k", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP });
        using var client = new HttpClient();
        using (var get = new HttpRequestMessage(HttpMethod.Get, url))
        {
            get.Headers.Add("Origin", "https://web.app.example");
            using var response = await client.SendAsync(get);
            Assert.That((response.StatusCode, Header(response, "Access-Control-Allow-Origin"), Header(response, "Access-Control-Expose-Headers")),
                Is.EqualTo((HttpStatusCode.OK, "https://web.app.example", "ETag")));
        }

        using (var get = new HttpRequestMessage(HttpMethod.Get, url))
        {
            get.Headers.Add("Origin", GatewayOrigin);
            using var response = await client.SendAsync(get);
            Assert.That((response.StatusCode, Header(response, "Access-Control-Allow-Origin")), Is.EqualTo((HttpStatusCode.OK, (string?)null)));
        }

        var bad = Assert.CatchAsync<AmazonS3Exception>(() => s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration { Rules = [new CORSRule { AllowedOrigins = ["*"], AllowedMethods = ["PATCH"] }] },
        }))!;
        Assert.That(bad.ErrorCode, Is.EqualTo("InvalidRequest"));
        Assert.That((await s3.GetCORSConfigurationAsync(bucket)).Configuration.Rules.Single().Id, Is.EqualTo("app"), "a refused configuration changes nothing");

        await s3.DeleteCORSConfigurationAsync(bucket);
        using var after = await Preflight(http, $"/{bucket}/k", GatewayOrigin, "PUT");
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK), "back to Gateway:Cors");
    }

    [Test]
    public async Task An_options_request_that_is_no_preflight_is_400_and_an_actual_request_is_judged_by_the_method_it_names()
    {
        await using var gw = await GatewayInstance.StartAsync();
        using var s3 = gw.Client();
        var bucket = Names.Bucket("bcors");
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, CannedACL = S3CannedACL.PublicRead });
        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration { Rules = [new CORSRule { AllowedOrigins = ["*suffix"], AllowedMethods = ["GET"] }] },
        });
        using var http = gw.Http();
        using (var noOrigin = await http.SendAsync(new HttpRequestMessage(HttpMethod.Options, $"/{bucket}")))
        {
            Assert.That((noOrigin.StatusCode, (await S3Error.ReadAsync(noOrigin)).Element("Message")),
                Is.EqualTo((HttpStatusCode.BadRequest, "Insufficient information. Origin request header needed.")));
        }

        using (var noMethod = new HttpRequestMessage(HttpMethod.Options, $"/{bucket}"))
        {
            noMethod.Headers.Add("Origin", "foo.suffix");
            using var response = await http.SendAsync(noMethod);
            Assert.That((response.StatusCode, Header(response, "Access-Control-Allow-Origin")), Is.EqualTo((HttpStatusCode.BadRequest, (string?)null)));
        }

        // An anonymous PUT is refused, but the GET it names is what the rules judge, so the browser may read the refusal.
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/{bucket}/k") { Content = new ByteArrayContent([]) };
        put.Headers.Add("Origin", "foo.suffix");
        put.Headers.Add("Access-Control-Request-Method", "GET");
        using var refused = await http.SendAsync(put);
        Assert.That((refused.StatusCode, Header(refused, "Access-Control-Allow-Origin"), Header(refused, "Access-Control-Allow-Methods")),
            Is.EqualTo((HttpStatusCode.Forbidden, "foo.suffix", "GET")));
    }
}
