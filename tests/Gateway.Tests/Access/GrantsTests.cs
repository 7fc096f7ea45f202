using Gateway.Access;
using Gateway.Errors;

namespace Gateway.Tests.Access;

/// <summary>The canned ACLs, the stored form and who a list lets do what, grant by grant.</summary>
[TestFixture]
internal sealed class GrantsTests
{
    private const string Owner = "owner-id";
    private const string BucketOwner = "bucket-owner-id";

    private static string Show(IEnumerable<Grant> grants) => string.Join(" ", grants.Select(g => $"{(g.Kind == GranteeKind.User ? "id" : "uri")}:{g.Grantee}={Grants.Name(g.Permission)}"));

    [TestCase("private", "id:owner-id=FULL_CONTROL")]
    [TestCase("public-read", "uri:http://acs.amazonaws.com/groups/global/AllUsers=READ id:owner-id=FULL_CONTROL")]
    [TestCase("public-read-write", "uri:http://acs.amazonaws.com/groups/global/AllUsers=READ uri:http://acs.amazonaws.com/groups/global/AllUsers=WRITE id:owner-id=FULL_CONTROL")]
    [TestCase("authenticated-read", "uri:http://acs.amazonaws.com/groups/global/AuthenticatedUsers=READ id:owner-id=FULL_CONTROL")]
    [TestCase("bucket-owner-read", "id:owner-id=FULL_CONTROL id:bucket-owner-id=READ")]
    [TestCase("bucket-owner-full-control", "id:owner-id=FULL_CONTROL id:bucket-owner-id=FULL_CONTROL")]
    [TestCase("log-delivery-write", "uri:http://acs.amazonaws.com/groups/s3/LogDelivery=WRITE uri:http://acs.amazonaws.com/groups/s3/LogDelivery=READ_ACP id:owner-id=FULL_CONTROL")]
    [TestCase("aws-exec-read", "id:owner-id=FULL_CONTROL")]
    public void CannedAclsExpandToS3sGrants(string canned, string expected) =>
        Assert.That(Show(Grants.Canned(canned, Owner, BucketOwner)), Is.EqualTo(expected));

    [Test]
    public void TheBucketOwnerAclsAddNothingWhenTheBucketOwnerOwnsTheObject()
    {
        Assert.That(Show(Grants.Canned("bucket-owner-full-control", Owner, Owner)), Is.EqualTo("id:owner-id=FULL_CONTROL"));
        Assert.That(Show(Grants.Canned("bucket-owner-read", Owner, Owner)), Is.EqualTo("id:owner-id=FULL_CONTROL"));
    }

    [TestCase("public")]
    [TestCase("Private")]
    [TestCase("")]
    public void AnUnknownCannedAclIsInvalidArgument(string canned)
    {
        var e = Assert.Throws<S3Exception>(() => Grants.Canned(canned, Owner, BucketOwner))!;
        Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(e.Extra, Is.EqualTo(new KeyValuePair<string, string>[] { new("ArgumentName", "x-amz-acl"), new("ArgumentValue", canned) }));
    }

    [Test]
    public void TheStoredFormRoundTripsAndNothingStoredIsTheOwnersDefault()
    {
        var grants = Grants.Canned("public-read-write", Owner, BucketOwner);
        var json = Grants.ToJson(grants);
        Assert.That(json, Is.EqualTo("[[\"uri\",\"http://acs.amazonaws.com/groups/global/AllUsers\",\"READ\"],[\"uri\",\"http://acs.amazonaws.com/groups/global/AllUsers\",\"WRITE\"],[\"id\",\"owner-id\",\"FULL_CONTROL\"]]"));
        Assert.That(Grants.FromJson(json, "ignored"), Is.EqualTo(grants));
        Assert.That(Show(Grants.FromJson(null, Owner)), Is.EqualTo("id:owner-id=FULL_CONTROL"));
        Assert.That(Grants.FromJson("[]", Owner), Is.Empty, "an empty stored list (every grant revoked) stays empty");
    }

    [Test]
    public void AllowsFollowsGranteeAndPermission()
    {
        IReadOnlyList<Grant> grants =
        [
            new(GranteeKind.User, "alice", AclPermission.Read),
            new(GranteeKind.User, "bob", AclPermission.FullControl),
            new(GranteeKind.Group, Grants.AuthenticatedUsers, AclPermission.ReadAcp),
            new(GranteeKind.Group, Grants.AllUsers, AclPermission.WriteAcp),
        ];
        Assert.That(Grants.Allows(grants, "alice", AclPermission.Read, ignorePublic: false), Is.True);
        Assert.That(Grants.Allows(grants, "alice", AclPermission.Write, ignorePublic: false), Is.False);
        Assert.That(Grants.Allows(grants, "bob", AclPermission.Write, ignorePublic: false), Is.True, "FULL_CONTROL holds every permission");
        Assert.That(Grants.Allows(grants, "carol", AclPermission.ReadAcp, ignorePublic: false), Is.True, "a signed caller is an authenticated user");
        Assert.That(Grants.Allows(grants, null, AclPermission.ReadAcp, ignorePublic: false), Is.False, "an anonymous caller is not");
        Assert.That(Grants.Allows(grants, null, AclPermission.WriteAcp, ignorePublic: false), Is.True, "AllUsers includes anonymous callers");
        Assert.That(Grants.Allows(grants, null, AclPermission.WriteAcp, ignorePublic: true), Is.False, "IgnorePublicAcls drops the group grants");
        Assert.That(Grants.Allows(grants, "carol", AclPermission.ReadAcp, ignorePublic: true), Is.False);
        Assert.That(Grants.Allows(grants, "alice", AclPermission.Read, ignorePublic: true), Is.True, "grants to accounts stay");
        Assert.That(Grants.Allows(grants, "log", AclPermission.Write, ignorePublic: false), Is.False);
    }

    [Test]
    public void PublicMeansAGrantToEveryoneOrEveryAuthenticatedUser()
    {
        Assert.That(Grants.IsPublic(Grants.Canned("public-read", Owner, Owner)), Is.True);
        Assert.That(Grants.IsPublic(Grants.Canned("authenticated-read", Owner, Owner)), Is.True);
        Assert.That(Grants.IsPublic(Grants.Canned("log-delivery-write", Owner, Owner)), Is.False);
        Assert.That(Grants.IsPublic(Grants.Canned("bucket-owner-full-control", Owner, BucketOwner)), Is.False);
    }
}
