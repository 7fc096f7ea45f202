using System.Text;
using Gateway.Auth;
using Gateway.Errors;

namespace Gateway.Tests.Handlers;

/// <summary>
/// Directory buckets as values: CreateBucket's configuration and name rule, CreateSession, ListDirectoryBuckets,
/// what a request must be to reach one (DirectoryBuckets.Admit), append, RenameObject, the listing and multipart rules.
/// </summary>
[TestFixture]
internal sealed class DirectoryHandlersTests
{
    private const string Bucket = "data--use1-az4--x-s3";

    private const string Config =
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location><Type>AvailabilityZone</Type><Name>use1-az4</Name></Location>" +
        "<Bucket><DataRedundancy>SingleAvailabilityZone</DataRedundancy><Type>Directory</Type></Bucket></CreateBucketConfiguration>";

    private HandlerHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new HandlerHarness { Service = SigV4.ExpressService };

    [TearDown]
    public void TearDown() => _h.Dispose();

    private Task Create(string bucket = Bucket, string config = Config) => _h.Send("PUT", "/" + bucket, config);

    /// <summary>The S3 error a request is answered with (a storage fault as the one table maps it).</summary>
    private S3Exception RefusedWith(string method, string target, string body = "", Dictionary<string, string>? headers = null, string? account = HandlerHarness.Account) =>
        FaultMap.ToS3(Assert.CatchAsync<Exception>(() => _h.Send(method, target, body, headers, account))!);

    private S3ErrorCode Refused(string method, string target, string body = "", Dictionary<string, string>? headers = null, string? account = HandlerHarness.Account) =>
        RefusedWith(method, target, body, headers, account).Code;

    [Test]
    public async Task ADirectoryBucketIsCreatedInItsZoneAndListedApartFromGeneralPurposeOnes()
    {
        await Create();
        var head = await _h.Send("HEAD", "/" + Bucket);
        Assert.That((head.Header("x-amz-bucket-location-type"), head.Header("x-amz-bucket-location-name")), Is.EqualTo(("AvailabilityZone", "use1-az4")));
        Assert.That((await _h.Send("GET", "/")).BodyText, Does.StartWith("<?xml").And.Contain("<ListAllMyDirectoryBucketsResult")
            .And.Contain("<Name>" + Bucket + "</Name>"));
        _h.Service = SigV4.Service;
        await _h.Send("PUT", "/general-one");
        var general = (await _h.Send("GET", "/")).BodyText;
        Assert.That(general, Does.Contain("<ListAllMyBucketsResult").And.Contain("general-one").And.Not.Contain(Bucket), "ListBuckets lists general purpose buckets only");
    }

    [Test]
    public async Task ListDirectoryBucketsPagesWithAnOpaqueToken()
    {
        foreach (var name in new[] { "a--use1-az4--x-s3", "b--use1-az4--x-s3", "c--use1-az4--x-s3" })
        {
            await Create(name);
        }

        var first = (await _h.Send("GET", "/?max-directory-buckets=2")).BodyText;
        var token = System.Text.RegularExpressions.Regex.Match(first, "<ContinuationToken>([^<]+)</ContinuationToken>").Groups[1].Value;
        Assert.That(first, Does.Contain("a--use1-az4--x-s3").And.Contain("b--use1-az4--x-s3").And.Not.Contain("c--use1-az4--x-s3"));
        var second = (await _h.Send("GET", "/?continuation-token=" + Uri.EscapeDataString(token))).BodyText;
        Assert.That(second, Does.Contain("c--use1-az4--x-s3").And.Not.Contain("<ContinuationToken>").And.Not.Contain("a--use1-az4--x-s3"));
        Assert.That(Refused("GET", "/?max-directory-buckets=1001"), Is.EqualTo(S3ErrorCode.InvalidArgument));
    }

    [TestCase("data--use1-az5--x-s3", Config, S3ErrorCode.InvalidBucketName)]
    [TestCase("Data--use1-az4--x-s3", Config, S3ErrorCode.InvalidBucketName)]
    [TestCase("--use1-az4--x-s3", Config, S3ErrorCode.InvalidBucketName)]
    [TestCase("data.x--use1-az4--x-s3", Config, S3ErrorCode.InvalidBucketName)]
    [TestCase("data--use1-az4--x-s3", "", S3ErrorCode.MalformedXML)]
    [TestCase("data--use1-az4--x-s3", "<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint><Location><Type>AvailabilityZone</Type><Name>use1-az4</Name></Location><Bucket><Type>Directory</Type></Bucket></CreateBucketConfiguration>", S3ErrorCode.MalformedXML)]
    [TestCase("data--use1-az4--x-s3", "<CreateBucketConfiguration><Location><Type>AvailabilityZone</Type><Name>use1-az4</Name></Location></CreateBucketConfiguration>", S3ErrorCode.InvalidRequest)]
    [TestCase("data--use1-az4--x-s3", "<CreateBucketConfiguration><Location><Type>Region</Type><Name>use1-az4</Name></Location><Bucket><Type>Directory</Type></Bucket></CreateBucketConfiguration>", S3ErrorCode.InvalidRequest)]
    [TestCase("data--use1-az4--x-s3", "<CreateBucketConfiguration><Location><Type>LocalZone</Type><Name>use1-az4</Name></Location><Bucket><DataRedundancy>SingleLocalZone</DataRedundancy><Type>Directory</Type></Bucket></CreateBucketConfiguration>", S3ErrorCode.AccessDenied)]
    public void ABadNameOrConfigurationIsRefused(string bucket, string config, S3ErrorCode code) =>
        Assert.That(Refused("PUT", "/" + bucket, config), Is.EqualTo(code));

    [Test]
    public void AGeneralPurposeNameWithADirectoryConfigurationIsNotOne()
    {
        _h.Service = SigV4.Service;
        Assert.That(Refused("PUT", "/plain-bucket", Config), Is.EqualTo(S3ErrorCode.InvalidBucketName));
    }

    [Test]
    public async Task CreateSessionAnswersCredentialsForFiveMinutesOnTheGatewaysClock()
    {
        await Create();
        var xml = (await _h.Send("GET", "/" + Bucket + "?session", headers: new() { ["x-amz-create-session-mode"] = "ReadOnly" })).BodyText;
        var token = System.Text.RegularExpressions.Regex.Match(xml, "<SessionToken>([^<]+)</SessionToken>").Groups[1].Value;
        var session = _h.Services.Sessions.Read(token);
        var expiration = _h.Storage.Clock.UtcNow.AddMinutes(5);
        Assert.That(xml, Is.EqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" +
            "<CreateSessionResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Credentials>" +
            $"<SessionToken>{token}</SessionToken><SecretAccessKey>{session.SecretAccessKey}</SecretAccessKey><AccessKeyId>{session.AccessKeyId}</AccessKeyId>" +
            $"<Expiration>{session.Expires:yyyy-MM-dd'T'HH:mm:ss'Z'}</Expiration></Credentials></CreateSessionResult>"));
        Assert.That((session.Bucket, session.Account, session.Mode), Is.EqualTo((Bucket, HandlerHarness.Account, SessionMode.ReadOnly)));
        Assert.That((session.Expires - expiration).Duration(), Is.LessThan(TimeSpan.FromSeconds(2)));
        Assert.That(Refused("GET", "/" + Bucket + "?session", headers: new() { ["x-amz-create-session-mode"] = "Admin" }), Is.EqualTo(S3ErrorCode.InvalidArgument));
    }

    [Test]
    public async Task ASessionForABucketNotCreatedYetLetsItsCreatorCreateItAndNothingElse()
    {
        // botocore asks for a session before CreateBucket on a custom endpoint and signs CreateBucket with it.
        var token = System.Text.RegularExpressions.Regex.Match((await _h.Send("GET", "/" + Bucket + "?session")).BodyText, "<SessionToken>([^<]+)").Groups[1].Value;
        _h.Session = _h.Services.Sessions.Read(token);
        await Create();
        Assert.That((await _h.Send("HEAD", "/" + Bucket)).Status, Is.EqualTo(200));
        Assert.That(Refused("PUT", "/other--use1-az4--x-s3", Config), Is.EqualTo(S3ErrorCode.AccessDenied), "a session is its bucket's only");
        _h.Session = null;
        Assert.That(Refused("GET", "/not-directory?session"), Is.EqualTo(S3ErrorCode.AuthorizationHeaderMalformed), "a general purpose name is not signed for s3express");
        Assert.That(Refused("GET", "/bad_name--use1-az4--x-s3?session"), Is.EqualTo(S3ErrorCode.NoSuchBucket));
    }

    [Test]
    public async Task AnotherAccountGetsNoSessionForABucketItMayNotUse()
    {
        await Create();
        Assert.That(Refused("GET", "/" + Bucket + "?session", account: HandlerHarness.Other), Is.EqualTo(S3ErrorCode.AccessDenied));
    }

    [Test]
    public async Task AReadOnlySessionReadsAndMayNotWrite()
    {
        await Create();
        await _h.Send("PUT", "/" + Bucket + "/k", "v");
        _h.Session = _h.Services.Sessions.Issue(Bucket, HandlerHarness.Account, SessionMode.ReadOnly, _h.Storage.Clock.UtcNow);
        Assert.That(Encoding.UTF8.GetString(await HandlerHarness.BodyOf(await _h.Send("GET", "/" + Bucket + "/k"))), Is.EqualTo("v"));
        Assert.That((await _h.Send("GET", "/" + Bucket + "?list-type=2")).BodyText, Does.Contain("<Key>k</Key>"));
        Assert.That(Refused("PUT", "/" + Bucket + "/k", "w"), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(Refused("DELETE", "/" + Bucket + "/k"), Is.EqualTo(S3ErrorCode.AccessDenied));
    }

    [Test]
    public async Task WhatDirectoryBucketsDoNotHaveIsNotImplemented()
    {
        await Create();
        await _h.Send("PUT", "/" + Bucket + "/k", "v");
        Assert.Multiple(() =>
        {
            Assert.That(Refused("GET", "/" + Bucket + "?versioning"), Is.EqualTo(S3ErrorCode.NotImplemented));
            Assert.That(Refused("PUT", "/" + Bucket + "?versioning", "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"), Is.EqualTo(S3ErrorCode.NotImplemented));
            Assert.That(Refused("GET", "/" + Bucket + "/k?tagging"), Is.EqualTo(S3ErrorCode.NotImplemented));
            Assert.That(Refused("GET", "/" + Bucket + "?acl"), Is.EqualTo(S3ErrorCode.NotImplemented));
            Assert.That(Refused("GET", "/" + Bucket), Is.EqualTo(S3ErrorCode.NotImplemented), "ListObjects (v1)");
            Assert.That(Refused("GET", "/" + Bucket + "?versions"), Is.EqualTo(S3ErrorCode.NotImplemented));
            Assert.That(Refused("PUT", "/" + Bucket + "?cors", "<CORSConfiguration/>"), Is.EqualTo(S3ErrorCode.NotImplemented));
            Assert.That(Refused("PUT", "/" + Bucket + "/k2", "v", new() { ["x-amz-acl"] = "public-read" }), Is.EqualTo(S3ErrorCode.NotImplemented));
            Assert.That(Refused("PUT", "/" + Bucket + "/k2", "v", new() { ["x-amz-tagging"] = "a=b" }), Is.EqualTo(S3ErrorCode.NotImplemented));
            Assert.That(Refused("PUT", "/" + Bucket + "/k2", "v", new() { ["x-amz-storage-class"] = "STANDARD" }), Is.EqualTo(S3ErrorCode.InvalidStorageClass));
            Assert.That(Refused("GET", "/" + Bucket + "/k?versionId=abc"), Is.EqualTo(S3ErrorCode.NotImplemented));
            Assert.That(Refused("POST", "/" + Bucket, "--x--", new() { ["Content-Type"] = "multipart/form-data; boundary=x" }), Is.EqualTo(S3ErrorCode.NotImplemented),
                "POST uploads");
        });
    }

    [Test]
    public async Task ADirectoryBucketsObjectsAreInTheExpressClassWithOpaqueETags()
    {
        await Create();
        var put = await _h.Send("PUT", "/" + Bucket + "/k", "v", new() { ["x-amz-storage-class"] = "EXPRESS_ONEZONE" });
        Assert.That(put.Header("ETag"), Is.Not.EqualTo("\"9e3669d19b675bd57058fd4664205d2a\""), "not the MD5 of \"v\": S3 Express's ETags are random");
        var head = await _h.Send("HEAD", "/" + Bucket + "/k");
        Assert.That((head.Header("x-amz-storage-class"), head.Header("ETag")), Is.EqualTo(("EXPRESS_ONEZONE", put.Header("ETag"))));
        Assert.That((await _h.Send("GET", "/" + Bucket + "?list-type=2")).BodyText, Does.Contain("<StorageClass>EXPRESS_ONEZONE</StorageClass>"));
    }

    [Test]
    public async Task RequestsForTheOtherKindOfBucketAreRefusedAsS3Refuses()
    {
        await Create();
        _h.Service = SigV4.Service;
        Assert.That(Refused("GET", "/" + Bucket + "?list-type=2"), Is.EqualTo(S3ErrorCode.AuthorizationHeaderMalformed), "a directory bucket's requests are signed for s3express");
        await _h.Send("PUT", "/plain");
        await _h.Send("PUT", "/plain/k", "v");
        Assert.Multiple(() =>
        {
            Assert.That(Refused("PUT", "/plain/k2?renameObject", headers: new() { ["x-amz-rename-source"] = "k" }), Is.EqualTo(S3ErrorCode.NotImplemented));
            Assert.That(Refused("PUT", "/plain/k", "more", new() { ["x-amz-write-offset-bytes"] = "1" }), Is.EqualTo(S3ErrorCode.NotImplemented));
            Assert.That(Refused("DELETE", "/plain/k", headers: new() { ["x-amz-if-match-size"] = "1" }), Is.EqualTo(S3ErrorCode.NotImplemented));
            Assert.That(Refused("PUT", "/plain/k3", "v", new() { ["x-amz-storage-class"] = "EXPRESS_ONEZONE" }), Is.EqualTo(S3ErrorCode.InvalidStorageClass));
        });
        _h.Service = SigV4.ExpressService;
        Assert.That(Refused("GET", "/plain/k"), Is.EqualTo(S3ErrorCode.AuthorizationHeaderMalformed), "a general purpose bucket's requests are signed for s3");
    }

    [Test]
    public async Task AnAppendAtTheObjectsSizeGrowsItAndAnyOtherOffsetSaysTheSize()
    {
        await Create();
        await _h.Send("PUT", "/" + Bucket + "/log", "ab", new() { ["x-amz-write-offset-bytes"] = "0", ["x-amz-meta-kind"] = "log" });
        var grown = await _h.Send("PUT", "/" + Bucket + "/log", "cd", new() { ["x-amz-write-offset-bytes"] = "2" });
        Assert.That(grown.Header("x-amz-object-size"), Is.EqualTo("4"));
        var get = await _h.Send("GET", "/" + Bucket + "/log");
        Assert.That(get.Header("x-amz-meta-kind"), Is.EqualTo("log"), "an append keeps the object's metadata");
        Assert.That(Encoding.UTF8.GetString(await HandlerHarness.BodyOf(get)), Is.EqualTo("abcd"));
        var wrong = RefusedWith("PUT", "/" + Bucket + "/log", "e", new() { ["x-amz-write-offset-bytes"] = "3" });
        Assert.That((wrong.Code, wrong.Extra.Single(x => x.Key == "CurrentObjectSize").Value), Is.EqualTo((S3ErrorCode.InvalidWriteOffset, "4")));
        Assert.That(Refused("PUT", "/" + Bucket + "/log", "e", new() { ["x-amz-write-offset-bytes"] = "4", ["x-amz-meta-x"] = "y" }), Is.EqualTo(S3ErrorCode.InvalidRequest));
        Assert.That(Refused("PUT", "/" + Bucket + "/log", "", new() { ["x-amz-write-offset-bytes"] = "4" }), Is.EqualTo(S3ErrorCode.InvalidRequest));
        Assert.That(Refused("PUT", "/" + Bucket + "/log", "e", new() { ["x-amz-write-offset-bytes"] = "-1" }), Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(Refused("PUT", "/" + Bucket + "/new", "e", new() { ["x-amz-write-offset-bytes"] = "1" }), Is.EqualTo(S3ErrorCode.InvalidWriteOffset), "no object: only 0 starts one");
    }

    [Test]
    public async Task RenameMovesTheObjectUnderItsConditionsAndARetriedTokenSucceedsAgain()
    {
        await Create();
        var put = await _h.Send("PUT", "/" + Bucket + "/a.txt", "A");
        await _h.Send("PUT", "/" + Bucket + "/b.txt", "B");
        Assert.That(Refused("PUT", "/" + Bucket + "/b.txt?renameObject", headers: new() { ["x-amz-rename-source"] = "a.txt", ["If-None-Match"] = "*" }),
            Is.EqualTo(S3ErrorCode.PreconditionFailed), "the destination exists");
        Assert.That(Refused("PUT", "/" + Bucket + "/c.txt?renameObject", headers: new() { ["x-amz-rename-source"] = "a.txt", ["x-amz-rename-source-if-match"] = "\"0\"" }),
            Is.EqualTo(S3ErrorCode.PreconditionFailed));
        Assert.That(Refused("PUT", "/" + Bucket + "/c.txt?renameObject"), Is.EqualTo(S3ErrorCode.InvalidRequest), "no source");
        Assert.That(Refused("PUT", "/" + Bucket + "/c.txt?renameObject", headers: new() { ["x-amz-rename-source"] = "missing" }), Is.EqualTo(S3ErrorCode.NoSuchKey));

        var token = new Dictionary<string, string> { ["x-amz-rename-source"] = "/a.txt", ["x-amz-client-token"] = "t-1", ["x-amz-rename-source-if-match"] = put.Header("ETag")! };
        Assert.That((await _h.Send("PUT", "/" + Bucket + "/c.txt?renameObject", "", token)).Status, Is.EqualTo(200));
        Assert.That((await _h.Send("PUT", "/" + Bucket + "/c.txt?renameObject", "", token)).Status, Is.EqualTo(200), "the same request with its token again");
        Assert.That(Refused("PUT", "/" + Bucket + "/d.txt?renameObject", headers: new() { ["x-amz-rename-source"] = "b.txt", ["x-amz-client-token"] = "t-1" }),
            Is.EqualTo(S3ErrorCode.IdempotencyParameterMismatch));
        Assert.That(Encoding.UTF8.GetString(await HandlerHarness.BodyOf(await _h.Send("GET", "/" + Bucket + "/c.txt"))), Is.EqualTo("A"));
        Assert.That((await _h.Send("HEAD", "/" + Bucket + "/c.txt")).Header("ETag"), Is.EqualTo(put.Header("ETag")), "a renamed object keeps its ETag");
        Assert.That(Refused("HEAD", "/" + Bucket + "/a.txt"), Is.EqualTo(S3ErrorCode.NoSuchKey));
    }

    [TestCase("?list-type=2&delimiter=-", S3ErrorCode.InvalidArgument)]
    [TestCase("?list-type=2&prefix=dir", S3ErrorCode.InvalidArgument)]
    [TestCase("?list-type=2&start-after=a", S3ErrorCode.InvalidArgument)]
    public async Task ListingAcceptsOnlyDirectoryBucketsDelimiterAndPrefixes(string query, S3ErrorCode code)
    {
        await Create();
        Assert.That(Refused("GET", "/" + Bucket + query), Is.EqualTo(code));
    }

    [TestCase("?uploads&delimiter=-")]
    [TestCase("?uploads&key-marker=a&upload-id-marker=b")]
    public async Task ListingUploadsAcceptsOnlyDirectoryBucketsDelimiterAndNoUploadIdMarker(string query)
    {
        await Create();
        Assert.That(Refused("GET", "/" + Bucket + query), Is.EqualTo(S3ErrorCode.InvalidArgument));
        await _h.Send("POST", "/" + Bucket + "/dir/m?uploads");
        Assert.That((await _h.Send("GET", "/" + Bucket + "?uploads&prefix=dir/&delimiter=/")).BodyText,
            Does.Contain("<Key>dir/m</Key>").And.Contain("<StorageClass>EXPRESS_ONEZONE</StorageClass>"));
    }

    [Test]
    public async Task ListingByDirectory()
    {
        await Create();
        await _h.Send("PUT", "/" + Bucket + "/dir/a", "1");
        await _h.Send("PUT", "/" + Bucket + "/dir/sub/b", "2");
        var xml = (await _h.Send("GET", "/" + Bucket + "?list-type=2&prefix=dir/&delimiter=/")).BodyText;
        Assert.That(xml, Does.Contain("<Key>dir/a</Key>").And.Contain("<Prefix>dir/sub/</Prefix>"));
    }

    [Test]
    public async Task CompleteNeedsConsecutivePartNumbersFromOne()
    {
        await Create();
        var created = (await _h.Send("POST", "/" + Bucket + "/m?uploads")).BodyText;
        var upload = System.Text.RegularExpressions.Regex.Match(created, "<UploadId>([^<]+)").Groups[1].Value;
        var one = await _h.Send("PUT", $"/{Bucket}/m?partNumber=1&uploadId={upload}", "12345");
        var three = await _h.Send("PUT", $"/{Bucket}/m?partNumber=3&uploadId={upload}", "6");
        var body = $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{one.Header("ETag")}</ETag></Part>" +
                   $"<Part><PartNumber>3</PartNumber><ETag>{three.Header("ETag")}</ETag></Part></CompleteMultipartUpload>";
        Assert.That(Refused("POST", $"/{Bucket}/m?uploadId={upload}", body), Is.EqualTo(S3ErrorCode.InvalidPartOrder));
    }

    [Test]
    public async Task ADeleteOnSizeOrTimeDeletesOnlyTheObjectItNames()
    {
        await Create();
        await _h.Send("PUT", "/" + Bucket + "/k", "four");
        var modified = (await _h.Send("HEAD", "/" + Bucket + "/k")).Header("Last-Modified")!;
        Assert.That(Refused("DELETE", "/" + Bucket + "/k", headers: new() { ["x-amz-if-match-size"] = "3" }), Is.EqualTo(S3ErrorCode.PreconditionFailed));
        Assert.That(Refused("DELETE", "/" + Bucket + "/k", headers: new() { ["x-amz-if-match-last-modified-time"] = "Mon, 01 Jan 2024 00:00:00 GMT" }),
            Is.EqualTo(S3ErrorCode.PreconditionFailed));
        Assert.That(Refused("DELETE", "/" + Bucket + "/k", headers: new() { ["x-amz-if-match-size"] = "many" }), Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That((await _h.Send("DELETE", "/" + Bucket + "/k", headers: new() { ["x-amz-if-match-size"] = "4", ["x-amz-if-match-last-modified-time"] = modified })).Status,
            Is.EqualTo(204));
        Assert.That((await _h.Send("DELETE", "/" + Bucket + "/k", headers: new() { ["x-amz-if-match-size"] = "4" })).Status, Is.EqualTo(204), "no object: nothing to judge");
        Assert.That(Refused("HEAD", "/" + Bucket + "/k"), Is.EqualTo(S3ErrorCode.NoSuchKey));
    }
}
