using System.Xml.Linq;
using Gateway.Access;
using Gateway.Errors;
using Gateway.Http;

namespace Gateway.Tests.Access;

/// <summary>The AccessControlPolicy document and the ACL request headers, byte by byte.</summary>
[TestFixture]
internal sealed class AclDocumentsTests
{
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    private static readonly Accounts Accounts = new(new GatewayOptions
    {
        AccessKey = "main",
        Credentials = [new CredentialOptions { AccessKey = "alt", SecretKey = "s", DisplayName = "Alt User", Email = "alt@example.com" }],
    });

    private static readonly string Main = Accounts.CanonicalId("main");
    private static readonly string Alt = Accounts.CanonicalId("alt");

    private static RequestHeaders Headers(params (string Name, string Value)[] h) => RequestHeaders.From(h.ToDictionary(x => x.Name, x => x.Value));

    [Test]
    public void CanonicalIdsAreTheSha256OfTheAccessKey() =>
        // SHA-256 of "test", as S3 clients see the default account's id.
        Assert.That(Accounts.CanonicalId("test"), Is.EqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));

    [Test]
    public void ThePolicyDocumentIsPinned()
    {
        IReadOnlyList<Grant> grants =
        [
            new(GranteeKind.Group, Grants.AllUsers, AclPermission.Read),
            new(GranteeKind.User, Alt, AclPermission.WriteAcp),
            new(GranteeKind.User, Main, AclPermission.FullControl),
        ];
        Assert.That(AclDocuments.ToXml(Accounts, "main", grants), Is.EqualTo(Declaration +
            "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
            "<Owner><ID>" + Main + "</ID><DisplayName>main</DisplayName></Owner><AccessControlList>" +
            "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>" +
            "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>" + Alt + "</ID><DisplayName>Alt User</DisplayName></Grantee><Permission>WRITE_ACP</Permission></Grant>" +
            "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>" + Main + "</ID><DisplayName>main</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant>" +
            "</AccessControlList></AccessControlPolicy>"));
    }

    [Test]
    public void ThePolicyDocumentParsesBackInOrderAndResolvesEmail()
    {
        var doc = XDocument.Parse(
            "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>" + Main + "</ID></Owner><AccessControlList>" +
            "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"AmazonCustomerByEmail\"><EmailAddress>ALT@example.com</EmailAddress></Grantee><Permission>READ</Permission></Grant>" +
            "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>http://acs.amazonaws.com/groups/s3/LogDelivery</URI></Grantee><Permission>WRITE</Permission></Grant>" +
            "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>" + Main + "</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>" +
            "</AccessControlList></AccessControlPolicy>");
        Assert.That(AclDocuments.FromXml(doc, Accounts), Is.EqualTo(new Grant[]
        {
            new(GranteeKind.User, Alt, AclPermission.Read), new(GranteeKind.Group, Grants.LogDelivery, AclPermission.Write), new(GranteeKind.User, Main, AclPermission.FullControl),
        }));
    }

    [TestCase("<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>nobody</ID></Grantee><Permission>READ</Permission>", S3ErrorCode.InvalidArgument)]
    [TestCase("<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"AmazonCustomerByEmail\"><EmailAddress>who@example.com</EmailAddress></Grantee><Permission>READ</Permission>", S3ErrorCode.UnresolvableGrantByEmailAddress)]
    [TestCase("<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>http://example.com/everyone</URI></Grantee><Permission>READ</Permission>", S3ErrorCode.InvalidArgument)]
    [TestCase("<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>EVERYTHING</Permission>", S3ErrorCode.MalformedACLError)]
    [TestCase("<Grantee><ID>x</ID></Grantee><Permission>READ</Permission>", S3ErrorCode.MalformedACLError)]
    [TestCase("<Permission>READ</Permission>", S3ErrorCode.MalformedACLError)]
    public void BadGrantsAreRefusedAsS3Does(string grant, S3ErrorCode code)
    {
        var doc = XDocument.Parse("<AccessControlPolicy><AccessControlList><Grant>" + grant + "</Grant></AccessControlList></AccessControlPolicy>");
        Assert.That(Assert.Throws<S3Exception>(() => AclDocuments.FromXml(doc, Accounts))!.Code, Is.EqualTo(code));
    }

    [Test]
    public void AnotherRootIsMalformed() =>
        Assert.That(Assert.Throws<S3Exception>(() => AclDocuments.FromXml(XDocument.Parse("<Policy/>"), Accounts))!.Code, Is.EqualTo(S3ErrorCode.MalformedACLError));

    [Test]
    public void GrantHeadersNameAccountsGroupsAndEmails()
    {
        var grants = AclDocuments.FromHeaders(Headers(
            ("x-amz-grant-read", $"id=\"{Alt}\", uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""),
            ("x-amz-grant-write-acp", "emailAddress=\"alt@example.com\""),
            ("x-amz-grant-full-control", $"id={Main}")), Accounts, Main, Main);
        Assert.That(grants, Is.EqualTo(new Grant[]
        {
            new(GranteeKind.User, Alt, AclPermission.Read), new(GranteeKind.Group, Grants.AllUsers, AclPermission.Read),
            new(GranteeKind.User, Alt, AclPermission.WriteAcp), new(GranteeKind.User, Main, AclPermission.FullControl),
        }));
    }

    [Test]
    public void NoAclHeadersMeanNoGrantsAndBothKindsAreRefused()
    {
        Assert.That(AclDocuments.FromHeaders(Headers(), Accounts, Main, Main), Is.Null);
        Assert.That(AclDocuments.FromHeaders(Headers(("x-amz-acl", "public-read")), Accounts, Main, Main)!.Count, Is.EqualTo(2));
        var both = Assert.Throws<S3Exception>(() => AclDocuments.FromHeaders(Headers(("x-amz-acl", "private"), ("x-amz-grant-read", $"id={Alt}")), Accounts, Main, Main))!;
        Assert.That(both.Code, Is.EqualTo(S3ErrorCode.InvalidRequest));
    }

    [TestCase("id")]
    [TestCase("user=\"x\"")]
    [TestCase("id=\"nobody\"")]
    public void BadGrantHeadersAreInvalidArgument(string value) =>
        Assert.That(Assert.Throws<S3Exception>(() => AclDocuments.FromHeaders(Headers(("x-amz-grant-read", value)), Accounts, Main, Main))!.Code,
            Is.EqualTo(S3ErrorCode.InvalidArgument));
}
