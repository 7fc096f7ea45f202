using System.Net;
using System.Text;

namespace EndToEnd.Tests;

/// <summary>SigV4 on the wire: header auth, presigned URLs, and the errors that help a client author.</summary>
public sealed class AuthTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    [Test]
    public void A_wrong_secret_is_SignatureDoesNotMatch()
    {
        using var s3 = Gw.Client(secretKey: "wrong-secret");
        var ex = Assert.CatchAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());
        Assert.That(ex!.ErrorCode, Is.EqualTo("SignatureDoesNotMatch"));
        Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task SignatureDoesNotMatch_carries_the_string_to_sign_and_canonical_request()
    {
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, "wrong-secret");
        using var response = await raw.SendAsync(HttpMethod.Get, "/");
        var error = await S3Error.ReadAsync(response);
        Assert.That(error.Code, Is.EqualTo("SignatureDoesNotMatch"));
        Assert.That(error.Element("StringToSign"), Does.StartWith("AWS4-HMAC-SHA256\n"));
        Assert.That(error.Element("CanonicalRequest"), Does.StartWith("GET\n/\n"));
        Assert.That(error.Element("AWSAccessKeyId"), Is.EqualTo("test"));
        Assert.That(error.Element("SignatureProvided"), Has.Length.EqualTo(64));
    }

    [Test]
    public void An_unknown_access_key_is_InvalidAccessKeyId()
    {
        using var s3 = Gw.Client(accessKey: "nobody", secretKey: "x");
        var ex = Assert.CatchAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());
        Assert.That(ex!.ErrorCode, Is.EqualTo("InvalidAccessKeyId"));
        Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A_request_time_too_far_from_the_server_clock_is_RequestTimeTooSkewed()
    {
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        using var response = await raw.SendAsync(HttpMethod.Get, "/", now: DateTimeOffset.UtcNow.AddMinutes(-20));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await S3Error.ReadAsync(response)).Code, Is.EqualTo("RequestTimeTooSkewed"));
    }

    [Test]
    public async Task Presigned_get_and_put_urls_work_from_a_plain_http_client_and_expire()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("pre");
        await s3.PutBucketAsync(bucket);
        var putUrl = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = "via url",
            Verb = HttpVerb.PUT,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = Protocol.HTTP,
        });
        using var http = new HttpClient();
        using (var put = await http.PutAsync(putUrl, new ByteArrayContent(Encoding.UTF8.GetBytes("presigned body"))))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        }

        var getUrl = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = "via url",
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = Protocol.HTTP,
        });
        Assert.That(await http.GetStringAsync(getUrl), Is.EqualTo("presigned body"));

        // A URL signed 10 minutes ago for 60 seconds has expired.
        using var hc = Gw.Http();
        var raw = new RawS3Client(hc, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        var expired = raw.Presign(HttpMethod.Get, $"/{bucket}/via%20url", TimeSpan.FromSeconds(60), DateTimeOffset.UtcNow.AddMinutes(-10));
        using var response = await hc.GetAsync(expired);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var error = await S3Error.ReadAsync(response);
        Assert.That(error.Code, Is.EqualTo("AccessDenied"));
        Assert.That(error.Element("Message"), Is.EqualTo("Request has expired"));

        var tooLong = raw.Presign(HttpMethod.Get, $"/{bucket}/via%20url", TimeSpan.FromDays(8));
        using var tooLongResponse = await hc.GetAsync(tooLong);
        Assert.That((await S3Error.ReadAsync(tooLongResponse)).Code, Is.EqualTo("AuthorizationQueryParametersError"));
    }

    [Test]
    public async Task A_tampered_presigned_url_is_SignatureDoesNotMatch()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("pre");
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "a" });
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = "a",
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = Protocol.HTTP,
        });
        using var http = new HttpClient();
        using var response = await http.GetAsync(url.Replace($"/{bucket}/a?", $"/{bucket}/b?", StringComparison.Ordinal));
        Assert.That((await S3Error.ReadAsync(response)).Code, Is.EqualTo("SignatureDoesNotMatch"));
    }
}
