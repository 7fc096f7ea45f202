using System.Net;

namespace EndToEnd.Tests;

/// <summary>Presigned UploadPart URLs from a plain HTTP client, and the CORS a browser needs to use them.</summary>
public sealed class PresignedPartTests
{
    private const string Origin = "http://app.example";

    [Test]
    public async Task Presigned_part_urls_upload_from_a_plain_client_and_expire()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.MinPartSize = 1);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("pp");
        await s3.PutBucketAsync(bucket);
        var create = await s3.InitiateMultipartUploadAsync(bucket, "browser upload");
        var bodies = new[] { ObjectTests.RandomBytes(100_000, 50), ObjectTests.RandomBytes(5_000, 51) };
        using var http = new HttpClient();
        var etags = new List<string>();
        for (var i = 0; i < bodies.Length; i++)
        {
            var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
            {
                BucketName = bucket,
                Key = "browser upload",
                Verb = HttpVerb.PUT,
                UploadId = create.UploadId,
                PartNumber = i + 1,
                Expires = DateTime.UtcNow.AddMinutes(10),
                Protocol = Protocol.HTTP,
            });
            using var put = await http.PutAsync(url, new ByteArrayContent(bodies[i]));
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
            etags.Add(put.Headers.ETag!.Tag);
        }

        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "browser upload",
            UploadId = create.UploadId,
            PartETags = [new(1, etags[0]), new(2, etags[1])],
        });
        using var get = await s3.GetObjectAsync(bucket, "browser upload");
        Assert.That(await ObjectTests.ReadAll(get), Is.EqualTo(bodies[0].Concat(bodies[1]).ToArray()));

        var second = await s3.InitiateMultipartUploadAsync(bucket, "late");
        var raw = new RawS3Client(gw.Http(), GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        var expired = raw.Presign(HttpMethod.Put, $"/{bucket}/late?partNumber=1&uploadId={second.UploadId}", TimeSpan.FromSeconds(30), DateTimeOffset.UtcNow.AddMinutes(-5));
        using var late = await http.PutAsync(new Uri(gw.BaseAddress, expired), new ByteArrayContent([1, 2, 3]));
        Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await S3Error.ReadAsync(late)).Element("Message"), Is.EqualTo("Request has expired"));
        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "late", UploadId = second.UploadId });
        Assert.That(parts.Parts ?? [], Is.Empty);
    }

    [Test]
    public async Task Cors_preflight_is_answered_for_configured_origins_and_etag_is_exposed()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Cors.AllowedOrigins = [Origin]);
        using var s3 = gw.Client();
        var bucket = Names.Bucket("cors");
        await s3.PutBucketAsync(bucket);
        var create = await s3.InitiateMultipartUploadAsync(bucket, "k");
        using var http = gw.Http();

        using var preflight = new HttpRequestMessage(HttpMethod.Options, $"/{bucket}/k?partNumber=1&uploadId={create.UploadId}");
        preflight.Headers.Add("Origin", Origin);
        preflight.Headers.Add("Access-Control-Request-Method", "PUT");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var ok = await http.SendAsync(preflight);
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ok.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(Origin));
        Assert.That(ok.Headers.GetValues("Access-Control-Allow-Methods").Single(), Does.Contain("PUT"));
        Assert.That(ok.Headers.GetValues("Access-Control-Allow-Headers").Single(), Is.EqualTo("content-type"));
        Assert.That(ok.Headers.GetValues("Access-Control-Expose-Headers").Single(), Does.Contain("ETag"));

        using var foreign = new HttpRequestMessage(HttpMethod.Options, $"/{bucket}/k");
        foreign.Headers.Add("Origin", "http://evil.example");
        foreign.Headers.Add("Access-Control-Request-Method", "PUT");
        using var refused = await http.SendAsync(foreign);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await S3Error.ReadAsync(refused)).Code, Is.EqualTo("AccessForbidden"));

        // The actual (presigned) request from the allowed origin carries the CORS headers with the ETag exposed.
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = "k",
            Verb = HttpVerb.PUT,
            UploadId = create.UploadId,
            PartNumber = 1,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = Protocol.HTTP,
        });
        using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([1, 2, 3]) };
        put.Headers.Add("Origin", Origin);
        using var response = await new HttpClient().SendAsync(put);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(Origin));
        Assert.That(response.Headers.GetValues("Access-Control-Expose-Headers").Single(), Does.Contain("ETag"));
        Assert.That(response.Headers.ETag, Is.Not.Null);
    }

    [Test]
    public async Task Configured_cors_lists_replace_their_defaults()
    {
        // Set as a user would on the command line: the methods list names GET only, so PUT is not allowed.
        await using var gw = await GatewayInstance.StartAsync(args: ["--Gateway:Cors:AllowedOrigins:0=" + Origin, "--Gateway:Cors:AllowedMethods:0=GET", "--Gateway:Cors:ExposeHeaders:0=x-amz-request-id"]);
        using var http = gw.Http();
        async Task<HttpResponseMessage> Preflight(string method)
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/any-bucket/k");
            preflight.Headers.Add("Origin", Origin);
            preflight.Headers.Add("Access-Control-Request-Method", method);
            return await http.SendAsync(preflight);
        }

        using var get = await Preflight("GET");
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(get.Headers.GetValues("Access-Control-Allow-Methods").Single(), Is.EqualTo("GET"));
        Assert.That(get.Headers.GetValues("Access-Control-Expose-Headers").Single(), Is.EqualTo("x-amz-request-id"));
        using var put = await Preflight("PUT");
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the configured list replaced the default methods");
    }

    [Test]
    public async Task Without_configured_origins_no_preflight_is_allowed()
    {
        using var http = SharedGateway.Instance.Http();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/any-bucket/k");
        preflight.Headers.Add("Origin", Origin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await http.SendAsync(preflight);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
    }
}
