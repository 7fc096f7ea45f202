using System.Text;
using Gateway.Access;
using Gateway.Errors;

namespace Gateway.Tests.Handlers;

/// <summary>
/// Who may do what, through the handlers: canned ACLs seen by another account and by nobody, grants, object
/// ownership, the public access block, bucket policies and the admin explanation.
/// </summary>
[TestFixture]
internal sealed class AccessHandlersTests
{
    private const string Owner = HandlerHarness.Account;
    private const string Other = HandlerHarness.Other;
    private static readonly string OtherId = Accounts.CanonicalId(Other);
    private HandlerHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = new HandlerHarness();
        await _h.Send("PUT", "/bkt");
    }

    [TearDown]
    public void TearDown() => _h.Dispose();

    private static Dictionary<string, string> H(params (string Name, string Value)[] h) => h.ToDictionary(x => x.Name, x => x.Value);

    private static Dictionary<string, string> Md5(string body) => H(("Content-MD5", Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(body)))));

    private async Task<S3ErrorCode?> Code(string method, string target, string? account, string body = "", Dictionary<string, string>? headers = null)
    {
        try
        {
            await _h.Send(method, target, body, headers, account);
            return null;
        }
        catch (S3Exception e)
        {
            return e.Code;
        }
        catch (Storage.Faults.StorageException e)
        {
            return FaultMap.ToS3(e).Code;
        }
    }

    [Test]
    public async Task APrivateBucketAndObjectAreTheOwnersAlone()
    {
        await _h.Send("PUT", "/bkt/k", "data");
        foreach (var who in new[] { Other, null })
        {
            Assert.That(await Code("GET", "/bkt/k", who), Is.EqualTo(S3ErrorCode.AccessDenied));
            Assert.That(await Code("GET", "/bkt", who), Is.EqualTo(S3ErrorCode.AccessDenied));
            Assert.That(await Code("PUT", "/bkt/k", who, "overwrite"), Is.EqualTo(S3ErrorCode.AccessDenied));
            Assert.That(await Code("DELETE", "/bkt/k", who), Is.EqualTo(S3ErrorCode.AccessDenied));
            Assert.That(await Code("GET", "/bkt?acl", who), Is.EqualTo(S3ErrorCode.AccessDenied));
        }

        Assert.That(await HandlerHarness.BodyOf(await _h.Send("GET", "/bkt/k")), Is.EqualTo("data"u8.ToArray()), "nothing was overwritten");
        Assert.That(await Code("GET", "/", null), Is.EqualTo(S3ErrorCode.AccessDenied), "nobody has buckets to list");
    }

    [Test]
    public async Task PublicReadOpensReadsAndNothingElse()
    {
        await _h.Send("PUT", "/bkt/k", "data", H(("x-amz-acl", "public-read")));
        await _h.Send("PUT", "/bkt/hidden", "secret");
        Assert.That(await HandlerHarness.BodyOf(await _h.Send("GET", "/bkt/k", account: null)), Is.EqualTo("data"u8.ToArray()));
        Assert.That(await HandlerHarness.BodyOf(await _h.Send("GET", "/bkt/k", account: Other)), Is.EqualTo("data"u8.ToArray()));
        Assert.That(await Code("GET", "/bkt/hidden", null), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("GET", "/bkt/k?acl", null), Is.EqualTo(S3ErrorCode.AccessDenied), "READ is not READ_ACP");
        Assert.That(await Code("PUT", "/bkt/k?tagging", Other, "<Tagging><TagSet/></Tagging>"), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("GET", "/bkt", Other), Is.EqualTo(S3ErrorCode.AccessDenied), "the bucket itself is still private");
    }

    [Test]
    public async Task APublicReadWriteBucketTakesAnyonesWritesAndTheWriterOwnsThem()
    {
        await _h.Send("PUT", "/bkt?acl", "", H(("x-amz-acl", "public-read-write")));
        await _h.Send("PUT", "/bkt/theirs", "by other", account: Other);
        Assert.That((await _h.Send("GET", "/bkt")).BodyText, Does.Contain("<Key>theirs</Key>"));
        var acl = (await _h.Send("GET", "/bkt/theirs?acl", account: Other)).BodyText;
        Assert.That(acl, Does.Contain($"<Owner><ID>{OtherId}</ID><DisplayName>{Other}</DisplayName></Owner>"));
        Assert.That(await Code("GET", "/bkt/theirs", Owner), Is.EqualTo(S3ErrorCode.AccessDenied), "ObjectWriter: the bucket owner does not own what others wrote");
        await _h.Send("PUT", "/bkt/anon", "by nobody", account: null);
        Assert.That(await HandlerHarness.BodyOf(await _h.Send("GET", "/bkt/anon")), Is.EqualTo("by nobody"u8.ToArray()), "an anonymous write belongs to the bucket owner");
        await _h.Send("DELETE", "/bkt/theirs");
        Assert.That((await _h.Send("GET", "/bkt")).BodyText, Does.Not.Contain("<Key>theirs</Key>"), "WRITE on the bucket deletes any object in it");
    }

    [Test]
    public async Task BucketOwnerFullControlGivesTheBucketOwnerTheObject()
    {
        await _h.Send("PUT", "/bkt?acl", "", H(("x-amz-acl", "public-read-write")));
        await _h.Send("PUT", "/bkt/k", "x", H(("x-amz-acl", "bucket-owner-full-control")), Other);
        Assert.That(await HandlerHarness.BodyOf(await _h.Send("GET", "/bkt/k")), Is.EqualTo("x"u8.ToArray()), "granted FULL_CONTROL");
        Assert.That((await _h.Send("GET", "/bkt/k?acl")).BodyText, Does.Contain($"<Owner><ID>{OtherId}</ID>"), "ObjectWriter: still the writer's");
    }

    [Test]
    public async Task AuthenticatedReadIsForSignedCallersOnly()
    {
        await _h.Send("PUT", "/bkt?acl", "", H(("x-amz-acl", "authenticated-read")));
        Assert.That((await _h.Send("GET", "/bkt", account: Other)).Status, Is.EqualTo(200));
        Assert.That(await Code("GET", "/bkt", null), Is.EqualTo(S3ErrorCode.AccessDenied));
    }

    [Test]
    public async Task AMissingKeyIs404OnlyToThoseWhoCouldListTheBucket()
    {
        Assert.That(await Code("GET", "/bkt/none", Other), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("HEAD", "/bkt/none", null), Is.EqualTo(S3ErrorCode.AccessDenied));
        await _h.Send("PUT", "/bkt?acl", "", H(("x-amz-acl", "public-read")));
        Assert.That(await Code("GET", "/bkt/none", Other), Is.EqualTo(S3ErrorCode.NoSuchKey));
        Assert.That(await Code("GET", "/bkt/none", null), Is.EqualTo(S3ErrorCode.NoSuchKey));
        Assert.That(await Code("GET", "/nobkt/k", null), Is.EqualTo(S3ErrorCode.NoSuchBucket), "a missing bucket is NoSuchBucket for everyone");
    }

    [Test]
    public async Task GrantsByHeaderNameAccountsByIdAndEmail()
    {
        await _h.Send("PUT", "/bkt?acl", "", H(("x-amz-grant-read", $"id=\"{OtherId}\""), ("x-amz-grant-write", "emailAddress=\"other@example.com\""),
            ("x-amz-grant-full-control", $"id=\"{Accounts.CanonicalId(Owner)}\"")));
        Assert.That((await _h.Send("GET", "/bkt", account: Other)).Status, Is.EqualTo(200));
        await _h.Send("PUT", "/bkt/k", "x", account: Other);
        Assert.That(await Code("GET", "/bkt?acl", Other), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("PUT", "/bkt?acl", Owner, "", H(("x-amz-grant-read", "emailAddress=\"nobody@example.com\""))), Is.EqualTo(S3ErrorCode.UnresolvableGrantByEmailAddress));
        Assert.That(await Code("PUT", "/bkt?acl", Owner, "", H(("x-amz-grant-read", "id=\"0000\""))), Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(await Code("PUT", "/bkt?acl", Owner, "", H(("x-amz-acl", "public"))), Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(await Code("PUT", "/bkt?acl", Owner), Is.EqualTo(S3ErrorCode.MissingSecurityHeader));
    }

    [Test]
    public async Task TheOwnerKeepsAccessAfterRevokingEveryGrant()
    {
        await _h.Send("PUT", "/bkt?acl", "<AccessControlPolicy><AccessControlList/></AccessControlPolicy>");
        Assert.That((await _h.Send("GET", "/bkt?acl")).BodyText, Does.Contain("<AccessControlList></AccessControlList>"));
        Assert.That((await _h.Send("GET", "/bkt")).Status, Is.EqualTo(200), "an account is the root of what it owns");
    }

    [Test]
    public async Task WriteAcpLetsAnotherAccountRewriteTheAcl()
    {
        await _h.Send("PUT", "/bkt/k", "x", H(("x-amz-grant-write-acp", $"id=\"{OtherId}\"")));
        Assert.That(await Code("GET", "/bkt/k", Other), Is.EqualTo(S3ErrorCode.AccessDenied));
        await _h.Send("PUT", "/bkt/k?acl", "", H(("x-amz-acl", "public-read")), Other);
        Assert.That(await HandlerHarness.BodyOf(await _h.Send("GET", "/bkt/k", account: null)), Is.EqualTo("x"u8.ToArray()));
    }

    [Test]
    public async Task BucketOwnerEnforcedDisablesAclsAndOwnsEverything()
    {
        await _h.Send("PUT", "/bkt?acl", "", H(("x-amz-acl", "public-read-write")));
        var controls = "<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>";
        Assert.That(await Code("PUT", "/bkt?ownershipControls", Owner, controls, Md5(controls)), Is.EqualTo(S3ErrorCode.InvalidBucketAclWithObjectOwnership));
        await _h.Send("PUT", "/bkt?acl", "", H(("x-amz-acl", "private")));
        await _h.Send("PUT", "/bkt?ownershipControls", controls, Md5(controls));
        Assert.That((await _h.Send("GET", "/bkt?ownershipControls")).BodyText, Does.EndWith("<Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>"));
        Assert.That(await Code("PUT", "/bkt/k", Owner, "x", H(("x-amz-acl", "private"))), Is.EqualTo(S3ErrorCode.AccessControlListNotSupported));
        Assert.That(await Code("PUT", "/bkt?acl", Owner, "", H(("x-amz-acl", "private"))), Is.EqualTo(S3ErrorCode.AccessControlListNotSupported));
        await _h.Send("PUT", "/bkt/k", "x", H(("x-amz-acl", "bucket-owner-full-control")));
        Assert.That((await _h.Send("GET", "/bkt/k?acl")).BodyText, Does.Contain($"<Owner><ID>{Accounts.CanonicalId(Owner)}</ID>"));
        await _h.Send("DELETE", "/bkt?ownershipControls");
        Assert.That(await Code("GET", "/bkt?ownershipControls", Owner), Is.EqualTo(S3ErrorCode.OwnershipControlsNotFoundError));
    }

    [Test]
    public async Task ThePublicAccessBlockRefusesAndIgnoresPublicGrants()
    {
        await _h.Send("PUT", "/bkt/k", "x", H(("x-amz-acl", "public-read")));
        Assert.That(await Code("GET", "/bkt?publicAccessBlock", Owner), Is.EqualTo(S3ErrorCode.NoSuchPublicAccessBlockConfiguration));
        var block = "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls></PublicAccessBlockConfiguration>";
        await _h.Send("PUT", "/bkt?publicAccessBlock", block);
        Assert.That((await _h.Send("GET", "/bkt?publicAccessBlock")).BodyText, Does.EndWith(
            "<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>"));
        Assert.That(await Code("GET", "/bkt/k", null), Is.EqualTo(S3ErrorCode.AccessDenied), "IgnorePublicAcls");
        Assert.That(await Code("PUT", "/bkt/p", Owner, "x", H(("x-amz-acl", "public-read"))), Is.EqualTo(S3ErrorCode.AccessDenied), "BlockPublicAcls");
        Assert.That(await Code("PUT", "/bkt?acl", Owner, "", H(("x-amz-acl", "authenticated-read"))), Is.EqualTo(S3ErrorCode.AccessDenied));
        await _h.Send("PUT", "/bkt/p", "x", H(("x-amz-acl", "private")));
        await _h.Send("DELETE", "/bkt?publicAccessBlock");
        Assert.That(await HandlerHarness.BodyOf(await _h.Send("GET", "/bkt/k", account: null)), Is.EqualTo("x"u8.ToArray()), "the grant was kept, only ignored");
    }

    private const string PublicGet = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"public\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"}]}";

    [Test]
    public async Task APolicyIsStoredAsGivenAndGrantsWhatItSays()
    {
        Assert.That(await Code("GET", "/bkt?policy", Owner), Is.EqualTo(S3ErrorCode.NoSuchBucketPolicy));
        Assert.That(await Code("GET", "/bkt?policyStatus", Owner), Is.EqualTo(S3ErrorCode.NoSuchBucketPolicy));
        await _h.Send("PUT", "/bkt/k", "x");
        Assert.That((await _h.Send("PUT", "/bkt?policy", PublicGet)).Status, Is.EqualTo(204));
        Assert.That((await _h.Send("GET", "/bkt?policy")).BodyText, Is.EqualTo(PublicGet));
        Assert.That((await _h.Send("GET", "/bkt?policyStatus")).BodyText, Does.EndWith("<PolicyStatus xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IsPublic>true</IsPublic></PolicyStatus>"));
        Assert.That(await HandlerHarness.BodyOf(await _h.Send("GET", "/bkt/k", account: null)), Is.EqualTo("x"u8.ToArray()));
        Assert.That(await Code("PUT", "/bkt/k", null, "y"), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("GET", "/bkt?policy", Other), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("PUT", "/bkt?policy", Owner, "{\"Statement\":[]}"), Is.EqualTo(S3ErrorCode.MalformedPolicy));
        Assert.That((await _h.Send("GET", "/bkt?policy")).BodyText, Is.EqualTo(PublicGet), "a refused policy changes nothing");

        // Bytes that are not UTF-8 are refused, not read as U+FFFD (which would change the Resource pattern).
        var notUtf8 = Encoding.UTF8.GetBytes(PublicGet.Replace("bkt/*", "bkt/\u00e9*", StringComparison.Ordinal));
        var at = Array.IndexOf(notUtf8, (byte)0xC3);
        notUtf8[at + 1] = 0x28;
        var refused = Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/bkt?policy", notUtf8))!;
        Assert.That(refused.Code, Is.EqualTo(S3ErrorCode.MalformedPolicy));
        Assert.That((await _h.Send("GET", "/bkt?policy")).BodyText, Is.EqualTo(PublicGet));
        Assert.That((await _h.Send("DELETE", "/bkt?policy")).Status, Is.EqualTo(204));
        Assert.That(await Code("GET", "/bkt/k", null), Is.EqualTo(S3ErrorCode.AccessDenied));
    }

    [Test]
    public async Task AnExplicitDenyBeatsTheOwnerAndEveryGrant()
    {
        await _h.Send("PUT", "/bkt/k", "x", H(("x-amz-acl", "public-read")));
        await _h.Send("PUT", "/bkt?policy", "{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/k\"}]}");
        Assert.That(await Code("GET", "/bkt/k", Owner), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("GET", "/bkt/k", null), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That((await _h.Send("GET", "/bkt?policy")).Status, Is.EqualTo(200), "the owner can always manage the policy");
    }

    [Test]
    public async Task ConditionsSeeTheRequest()
    {
        await _h.Send("PUT", "/bkt/public/a", "a");
        await _h.Send("PUT", "/bkt?policy", "{\"Statement\":[" +
            "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + Other + "\"},\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::bkt\",\"Condition\":{\"StringLike\":{\"s3:prefix\":\"public/*\"}}}," +
            "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::bkt/*\",\"Condition\":{\"StringEquals\":{\"s3:x-amz-acl\":\"bucket-owner-full-control\"}}}]}");
        Assert.That((await _h.Send("GET", "/bkt?prefix=public/", account: Other)).Status, Is.EqualTo(200));
        Assert.That(await Code("GET", "/bkt?prefix=private/", Other), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("GET", "/bkt", Other), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("HEAD", "/bkt/public/none", Other), Is.EqualTo(S3ErrorCode.NoSuchKey), "the key is judged as the listing's prefix");
        Assert.That(await Code("HEAD", "/bkt/private/none", Other), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("PUT", "/bkt/w", Other, "x"), Is.EqualTo(S3ErrorCode.AccessDenied));
        await _h.Send("PUT", "/bkt/w", "x", H(("x-amz-acl", "bucket-owner-full-control")), Other);
    }

    [Test]
    public async Task RestrictPublicBucketsKeepsAPublicPolicyToTheOwner()
    {
        await _h.Send("PUT", "/bkt/k", "x");
        await _h.Send("PUT", "/bkt?policy", PublicGet);
        await _h.Send("PUT", "/bkt?publicAccessBlock", "<PublicAccessBlockConfiguration><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>");
        Assert.That(await Code("GET", "/bkt/k", null), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("GET", "/bkt/k", Other), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That((await _h.Send("GET", "/bkt/k")).Status, Is.EqualTo(200));
        await _h.Send("PUT", "/bkt?publicAccessBlock", "<PublicAccessBlockConfiguration><BlockPublicPolicy>true</BlockPublicPolicy></PublicAccessBlockConfiguration>");
        Assert.That(await Code("PUT", "/bkt?policy", Owner, PublicGet), Is.EqualTo(S3ErrorCode.AccessDenied), "BlockPublicPolicy");
    }

    [Test]
    public async Task DeleteObjectsJudgesEachKey()
    {
        await _h.Send("PUT", "/bkt/keep/a", "a");
        await _h.Send("PUT", "/bkt/tmp/b", "b");
        await _h.Send("PUT", "/bkt?policy", "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + Other + "\"},\"Action\":\"s3:DeleteObject\",\"Resource\":\"arn:aws:s3:::bkt/tmp/*\"}]}");
        var body = "<Delete><Object><Key>keep/a</Key></Object><Object><Key>tmp/b</Key></Object></Delete>";
        var answer = (await _h.Send("POST", "/bkt?delete", body, Md5(body), Other)).BodyText;
        Assert.That(answer, Does.Contain("<Error><Key>keep/a</Key><Code>AccessDenied</Code>"));
        Assert.That(answer, Does.Contain("<Deleted><Key>tmp/b</Key></Deleted>"));
        Assert.That((await _h.Send("GET", "/bkt")).BodyText, Does.Contain("<Key>keep/a</Key>").And.Not.Contain("<Key>tmp/b</Key>"));
    }

    [Test]
    public async Task CopiesNeedReadOnTheSource()
    {
        await _h.Send("PUT", "/bkt/src", "source");
        await _h.Send("PUT", "/mine", account: Other);
        Assert.That(await Code("PUT", "/mine/copy", Other, "", H(("x-amz-copy-source", "/bkt/src"))), Is.EqualTo(S3ErrorCode.AccessDenied));
        await _h.Send("PUT", "/bkt/src?acl", "", H(("x-amz-acl", "public-read")));
        await _h.Send("PUT", "/mine/copy", "", H(("x-amz-copy-source", "/bkt/src")), Other);
        Assert.That(await HandlerHarness.BodyOf(await _h.Send("GET", "/mine/copy", account: Other)), Is.EqualTo("source"u8.ToArray()));
    }

    [Test]
    public async Task TheAdminApiExplainsADecision()
    {
        await _h.Send("PUT", "/bkt?policy", PublicGet);
        var allow = (await _h.Send("GET", "/_gateway/access?bucket=bkt&action=s3:GetObject&key=k&principal=anonymous")).BodyText;
        Assert.That(allow, Is.EqualTo("{\"bucket\":\"bkt\",\"key\":\"k\",\"action\":\"s3:GetObject\",\"principal\":\"anonymous\",\"decision\":\"allow\",\"reason\":\"allowed by the bucket policy\",\"statement\":\"public\"}"));
        var deny = (await _h.Send("GET", $"/_gateway/access?bucket=bkt&action=s3:PutObject&key=k&principal={Other}")).BodyText;
        Assert.That(deny, Does.Contain("\"decision\":\"deny\"").And.Contain("the ACL grants no WRITE"));
        Assert.That(await Code("GET", "/_gateway/access?bucket=bkt&action=s3:GetObject", Other), Is.EqualTo(S3ErrorCode.AccessDenied), "not the owner's bucket");
        Assert.That(await Code("GET", "/_gateway/access?bucket=bkt&action=s3:Fly", Owner), Is.EqualTo(S3ErrorCode.InvalidArgument));
    }

    [Test]
    public async Task TheExpectedBucketOwnerMustBeTheOwner()
    {
        await _h.Send("PUT", "/bkt?acl", "", H(("x-amz-acl", "public-read-write")));
        Assert.That(await Code("GET", "/bkt", null, "", H(("x-amz-expected-bucket-owner", Accounts.CanonicalId(Owner) + "foo"))), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("PUT", "/bkt/k", Other, "x", H(("x-amz-expected-bucket-owner", Other))), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("GET", "/bkt", null, "", H(("x-amz-expected-bucket-owner", Accounts.CanonicalId(Owner)))), Is.Null);
        await _h.Send("PUT", "/bkt/src", "s");
        Assert.That(await Code("PUT", "/bkt/copy", Owner, "", H(("x-amz-copy-source", "/bkt/src"), ("x-amz-source-expected-bucket-owner", Other))), Is.EqualTo(S3ErrorCode.AccessDenied));
        Assert.That(await Code("PUT", "/bkt/copy", Owner, "", H(("x-amz-copy-source", "/bkt/src"), ("x-amz-source-expected-bucket-owner", Owner))), Is.Null);
    }

    [Test]
    public async Task AConditionalDeleteByETagNeedsReadAccessAndIfMatchIsAPolicyKey()
    {
        var a = await _h.Send("PUT", "/bkt/a", "x");
        var etag = a.Headers.First(h => h.Key == "ETag").Value;
        await _h.Send("PUT", "/bkt/b", "x");
        await _h.Send("PUT", "/bkt?policy", $$"""
            {"Statement":[{"Effect":"Allow","Principal":{"AWS":"{{Other}}"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::bkt/*"}]}
            """);
        var ifMatch = H(("If-Match", etag));
        Assert.That(await Code("DELETE", "/bkt/a", Other, "", ifMatch), Is.EqualTo(S3ErrorCode.AccessDenied), "an ETag condition also reads the object");
        Assert.That((await _h.Send("HEAD", "/bkt/a")).Status, Is.EqualTo(200), "nothing deleted");
        Assert.That((await _h.Send("DELETE", "/bkt/b", "", H(("If-Match", "*")), account: Other)).Status, Is.EqualTo(204), "If-Match: * needs only the delete");

        await _h.Send("PUT", "/bkt?policy", $$$$"""
            {"Statement":[{"Effect":"Allow","Principal":{"AWS":"{{{{Other}}}}"},"Action":["s3:DeleteObject","s3:GetObject"],"Resource":"arn:aws:s3:::bkt/*"},
             {"Sid":"only-conditional","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"Null":{"s3:if-match":"true"}}}]}
            """);
        await _h.Send("PUT", "/bkt/c", "x");
        Assert.That(await Code("DELETE", "/bkt/c", Owner), Is.EqualTo(S3ErrorCode.AccessDenied), "the policy enforces conditional deletes, on the owner too");
        Assert.That((await _h.Send("DELETE", "/bkt/a", "", ifMatch, account: Other)).Status, Is.EqualTo(204));
        Assert.That(await Code("HEAD", "/bkt/a", Owner), Is.EqualTo(S3ErrorCode.NoSuchKey));
    }
}
