using System.Text.Json;
using Gateway.Errors;

namespace Gateway.Access;

/// <summary>The five ACL permissions ("Access control list (ACL) overview", Permissions you can grant).</summary>
internal enum AclPermission
{
    Read,
    Write,
    ReadAcp,
    WriteAcp,
    FullControl,
}

/// <summary>Who a grant is to: an account by canonical id, or one of S3's predefined groups by URI.</summary>
internal enum GranteeKind
{
    User,
    Group,
}

/// <summary>One grant. Grants by email are resolved to the account's canonical id when they are made, as S3 does.</summary>
internal sealed record Grant(GranteeKind Kind, string Grantee, AclPermission Permission);

/// <summary>
/// Access control lists: the canned ACLs, the stored form, and whether a list lets someone do something. A resource
/// with no stored list has S3's default: its owner has FULL_CONTROL and nobody else anything.
/// </summary>
internal static class Grants
{
    public const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    public const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    public const string LogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery";

    public static readonly IReadOnlyList<string> CannedNames =
        ["private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"];

    public static string Name(AclPermission p) => p switch
    {
        AclPermission.Read => "READ",
        AclPermission.Write => "WRITE",
        AclPermission.ReadAcp => "READ_ACP",
        AclPermission.WriteAcp => "WRITE_ACP",
        AclPermission.FullControl => "FULL_CONTROL",
    };

    public static AclPermission? ParsePermission(string? text) => text switch
    {
        "READ" => AclPermission.Read,
        "WRITE" => AclPermission.Write,
        "READ_ACP" => AclPermission.ReadAcp,
        "WRITE_ACP" => AclPermission.WriteAcp,
        "FULL_CONTROL" => AclPermission.FullControl,
        _ => null,
    };

    public static bool IsGroup(string uri) => uri is AllUsers or AuthenticatedUsers or LogDelivery;

    /// <summary>S3's default: the owner has FULL_CONTROL.</summary>
    public static IReadOnlyList<Grant> Private(string ownerId) => [new(GranteeKind.User, ownerId, AclPermission.FullControl)];

    /// <summary>
    /// The grants of a canned ACL ("Canned ACL" table). Group grants come first, then the owner's, then the bucket
    /// owner's for the bucket-owner-* ACLs (which add nothing when the bucket owner owns the object). aws-exec-read
    /// also lets Amazon EC2 read the object; there is no EC2 here, so it is the owner's FULL_CONTROL alone.
    /// </summary>
    public static IReadOnlyList<Grant> Canned(string name, string ownerId, string bucketOwnerId)
    {
        Grant Owner() => new(GranteeKind.User, ownerId, AclPermission.FullControl);
        Grant Group(string uri, AclPermission p) => new(GranteeKind.Group, uri, p);
        List<Grant> WithBucketOwner(AclPermission p) => ownerId == bucketOwnerId ? [Owner()] : [Owner(), new(GranteeKind.User, bucketOwnerId, p)];
        return name switch
        {
            "private" or "aws-exec-read" => [Owner()],
            "public-read" => [Group(AllUsers, AclPermission.Read), Owner()],
            "public-read-write" => [Group(AllUsers, AclPermission.Read), Group(AllUsers, AclPermission.Write), Owner()],
            "authenticated-read" => [Group(AuthenticatedUsers, AclPermission.Read), Owner()],
            "bucket-owner-read" => WithBucketOwner(AclPermission.Read),
            "bucket-owner-full-control" => WithBucketOwner(AclPermission.FullControl),
            "log-delivery-write" => [Group(LogDelivery, AclPermission.Write), Group(LogDelivery, AclPermission.ReadAcp), Owner()],
            _ => throw new S3Exception(S3ErrorCode.InvalidArgument).With("ArgumentName", "x-amz-acl").With("ArgumentValue", name),
        };
    }

    /// <summary>Whether any grant is to everyone or to every authenticated user ("The meaning of public").</summary>
    public static bool IsPublic(IReadOnlyList<Grant> grants) => grants.Any(g => g.Kind == GranteeKind.Group && g.Grantee is AllUsers or AuthenticatedUsers);

    /// <summary>
    /// Whether the list gives <paramref name="need"/> to the requester (canonical id; null when anonymous):
    /// directly, through FULL_CONTROL, or through a group they belong to. With <paramref name="ignorePublic"/>
    /// (a public access block's IgnorePublicAcls) grants to AllUsers and AuthenticatedUsers count for nothing.
    /// </summary>
    public static bool Allows(IReadOnlyList<Grant> grants, string? requesterId, AclPermission need, bool ignorePublic) =>
        grants.Any(g => (g.Permission == need || g.Permission == AclPermission.FullControl) && g.Kind switch
        {
            GranteeKind.User => requesterId is not null && g.Grantee == requesterId,
            GranteeKind.Group => !ignorePublic && (g.Grantee == AllUsers || (g.Grantee == AuthenticatedUsers && requesterId is not null)),
        });

    /// <summary>The stored form: a JSON array of [kind, grantee, permission] triples (null stays null: the default list).</summary>
    public static string ToJson(IReadOnlyList<Grant> grants) =>
        JsonSerializer.Serialize(grants.Select(g => new[] { g.Kind == GranteeKind.User ? "id" : "uri", g.Grantee, Name(g.Permission) }), GatewayJson.Default.IEnumerableStringArray);

    /// <summary>The stored list, or the owner's default when nothing is stored.</summary>
    public static IReadOnlyList<Grant> FromJson(string? json, string ownerId) => json is null
        ? Private(ownerId)
        : (JsonSerializer.Deserialize(json, GatewayJson.Default.StringArrayArray) ?? []).Select(t =>
            new Grant(t[0] == "id" ? GranteeKind.User : GranteeKind.Group, t[1], ParsePermission(t[2]) ?? throw new InvalidDataException("Stored grant has an unknown permission: " + t[2]))).ToList();
}
