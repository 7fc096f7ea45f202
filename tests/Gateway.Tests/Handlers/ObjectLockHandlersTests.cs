using System.Security.Cryptography;
using System.Text;
using Gateway.Errors;
using Storage.Faults;

namespace Gateway.Tests.Handlers;

/// <summary>Object lock through the handlers: the configuration and retention documents, the write headers, the read headers.</summary>
[TestFixture]
internal sealed class ObjectLockHandlersTests
{
    private const string Decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    private const string Ns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
    private HandlerHarness _h = null!;

    [SetUp]
    public void SetUp()
    {
        _h = new HandlerHarness();
        _h.Storage.Buckets.Create("plain", HandlerHarness.Account);
    }

    [TearDown]
    public void TearDown() => _h.Dispose();

    private static Dictionary<string, string> Md5(string body, Dictionary<string, string>? more = null)
    {
        var headers = new Dictionary<string, string>(more ?? []) { ["Content-MD5"] = Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(body))) };
        return headers;
    }

    private Task<Gateway.Http.S3Response> Send(string method, string target, string body, Dictionary<string, string>? headers = null) =>
        _h.Send(method, target, body, Md5(body, headers));

    private async Task LockBucket() => await _h.Send("PUT", "/lkb", "", new() { ["x-amz-bucket-object-lock-enabled"] = "true" });

    [Test]
    public async Task TheConfigurationDocumentRoundTrips()
    {
        await LockBucket();
        Assert.That((await _h.Send("GET", "/lkb?object-lock")).BodyText, Is.EqualTo($"{Decl}<ObjectLockConfiguration {Ns}><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>"));
        await Send("PUT", "/lkb?object-lock", "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>2</Years></DefaultRetention></Rule></ObjectLockConfiguration>");
        Assert.That((await _h.Send("GET", "/lkb?object-lock")).BodyText, Is.EqualTo(
            $"{Decl}<ObjectLockConfiguration {Ns}><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>2</Years></DefaultRetention></Rule></ObjectLockConfiguration>"));
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => _h.Send("GET", "/plain?object-lock"))!.Code, Is.EqualTo(S3ErrorCode.ObjectLockConfigurationNotFoundError));
    }

    [TestCase("<ObjectLockConfiguration><ObjectLockEnabled>Disabled</ObjectLockEnabled></ObjectLockConfiguration>", S3ErrorCode.MalformedXML)]
    [TestCase("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>", S3ErrorCode.MalformedXML)]
    [TestCase("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode></DefaultRetention></Rule></ObjectLockConfiguration>", S3ErrorCode.MalformedXML)]
    [TestCase("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>abc</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>", S3ErrorCode.MalformedXML)]
    [TestCase("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>0</Days></DefaultRetention></Rule></ObjectLockConfiguration>", S3ErrorCode.InvalidRetentionPeriod)]
    [TestCase("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Years>-1</Years></DefaultRetention></Rule></ObjectLockConfiguration>", S3ErrorCode.InvalidRetentionPeriod)]
    public async Task BadConfigurationsAreRefused(string xml, S3ErrorCode code)
    {
        await LockBucket();
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => Send("PUT", "/lkb?object-lock", xml))!.Code, Is.EqualTo(code));
    }

    [Test]
    public void TheConfigurationNeedsAnIntegrityHeaderAndAVersionedBucket()
    {
        const string Xml = "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>";
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/plain?object-lock", Xml))!.Code, Is.EqualTo(S3ErrorCode.InvalidRequest));
        Assert.That(FaultMap.ToS3(Assert.ThrowsAsync<StorageException>(() => Send("PUT", "/plain?object-lock", Xml))!).Code, Is.EqualTo(S3ErrorCode.InvalidBucketState));
    }

    [Test]
    public async Task WriteHeadersBecomeTheVersionsLockAndReadsAnswerThem()
    {
        await LockBucket();
        var until = DateTimeOffset.UtcNow.AddDays(30);
        var put = await Send("PUT", "/lkb/k", "data", new()
        {
            ["x-amz-object-lock-mode"] = "GOVERNANCE",
            ["x-amz-object-lock-retain-until-date"] = until.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["x-amz-object-lock-legal-hold"] = "ON",
        });
        var head = await _h.Send("HEAD", "/lkb/k");
        Assert.That((head.Header("x-amz-object-lock-mode"), head.Header("x-amz-object-lock-legal-hold"), head.Header("x-amz-version-id")),
            Is.EqualTo(("GOVERNANCE", "ON", put.Header("x-amz-version-id"))));
        Assert.That(head.Header("x-amz-object-lock-retain-until-date"), Is.EqualTo(until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'.000Z'", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That((await _h.Send("GET", "/lkb/k?legal-hold")).BodyText, Is.EqualTo($"{Decl}<LegalHold {Ns}><Status>ON</Status></LegalHold>"));
        Assert.That((await _h.Send("GET", "/lkb/k?retention")).BodyText, Does.StartWith($"{Decl}<Retention {Ns}><Mode>GOVERNANCE</Mode><RetainUntilDate>"));
    }

    [TestCase("x-amz-object-lock-mode", "GOVERNANCE", "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")]
    [TestCase("x-amz-object-lock-legal-hold", "maybe", "Legal Hold must be either of 'ON' or 'OFF'")]
    public async Task BadWriteHeadersAreInvalidArgumentAndStoreNothing(string header, string value, string message)
    {
        await LockBucket();
        var e = Assert.ThrowsAsync<S3Exception>(() => Send("PUT", "/lkb/k", "data", new() { [header] = value }))!;
        Assert.That((e.Code, e.Message), Is.EqualTo((S3ErrorCode.InvalidArgument, message)));
        Assert.That(Assert.Throws<StorageException>(() => _h.Storage.Objects.Head("lkb", "k", HandlerHarness.Account))!.Fault, Is.EqualTo(StorageFault.ObjectNotFound));
    }

    [Test]
    public async Task APastDateAnUnknownModeOrAMissingDigestAreRefused()
    {
        await LockBucket();
        var past = Assert.ThrowsAsync<S3Exception>(() => Send("PUT", "/lkb/k", "data", new()
        {
            ["x-amz-object-lock-mode"] = "GOVERNANCE",
            ["x-amz-object-lock-retain-until-date"] = "2020-01-01T00:00:00Z",
        }))!;
        Assert.That(past.Message, Is.EqualTo("The retain until date must be in the future!"));
        var mode = Assert.ThrowsAsync<S3Exception>(() => Send("PUT", "/lkb/k", "data", new()
        {
            ["x-amz-object-lock-mode"] = "governance",
            ["x-amz-object-lock-retain-until-date"] = "2099-01-01T00:00:00Z",
        }))!;
        Assert.That(mode.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        var digest = Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/lkb/k", "data", new() { ["x-amz-object-lock-legal-hold"] = "ON" }))!;
        Assert.That(digest.Message, Does.StartWith("Content-MD5 OR x-amz-checksum- HTTP header is required"));
    }

    [Test]
    public async Task RetentionAndLegalHoldDocumentsAreStrict()
    {
        await LockBucket();
        await _h.Send("PUT", "/lkb/k", "data");
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => Send("PUT", "/lkb/k?legal-hold", "<LegalHold><Status>abc</Status></LegalHold>"))!.Code, Is.EqualTo(S3ErrorCode.MalformedXML));
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => Send("PUT", "/lkb/k?retention",
            "<Retention><Mode>governance</Mode><RetainUntilDate>2099-01-01T00:00:00Z</RetainUntilDate></Retention>"))!.Code, Is.EqualTo(S3ErrorCode.MalformedXML));
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => _h.Send("GET", "/lkb/k?retention"))!.Code, Is.EqualTo(S3ErrorCode.NoSuchObjectLockConfiguration));
        await Send("PUT", "/lkb/k?retention", "<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>2099-01-01T00:00:00Z</RetainUntilDate></Retention>");
        Assert.That((await _h.Send("GET", "/lkb/k?retention")).BodyText,
            Is.EqualTo($"{Decl}<Retention {Ns}><Mode>COMPLIANCE</Mode><RetainUntilDate>2099-01-01T00:00:00.000Z</RetainUntilDate></Retention>"));
        var v = _h.Storage.Objects.Head("lkb", "k", HandlerHarness.Account).VersionId;
        var refused = Assert.ThrowsAsync<StorageException>(() => _h.Send("DELETE", $"/lkb/k?versionId={v}", (byte[]?)null, new() { ["x-amz-bypass-governance-retention"] = "true" }))!;
        Assert.That(FaultMap.ToS3(refused).Code, Is.EqualTo(S3ErrorCode.AccessDenied));
        await _h.Send("PUT", "/plain/k", "data");
        Assert.That(FaultMap.ToS3(Assert.ThrowsAsync<StorageException>(() => _h.Send("GET", "/plain/k?legal-hold"))!).Code, Is.EqualTo(S3ErrorCode.InvalidRequest));
    }
}
