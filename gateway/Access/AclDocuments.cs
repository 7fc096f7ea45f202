using System.Xml.Linq;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Xml;

namespace Gateway.Access;

/// <summary>
/// ACLs on the wire: the AccessControlPolicy document (Get/PutBucketAcl, Get/PutObjectAcl) and the x-amz-acl and
/// x-amz-grant-* request headers. Grantees named by email are resolved to accounts here; an id or group S3 would
/// not know is refused here, so a stored list only ever names accounts and groups that exist.
/// </summary>
internal static class AclDocuments
{
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    private static readonly (string Header, AclPermission Permission)[] GrantHeaders =
    [
        ("x-amz-grant-read", AclPermission.Read), ("x-amz-grant-write", AclPermission.Write), ("x-amz-grant-read-acp", AclPermission.ReadAcp),
        ("x-amz-grant-write-acp", AclPermission.WriteAcp), ("x-amz-grant-full-control", AclPermission.FullControl),
    ];

    /// <summary>
    /// The AccessControlPolicy answer: the owner, then the grants to groups, then those to accounts, each in stored
    /// order (the order S3 shows canned ACLs in, and the one clients that compare grant lists in order expect).
    /// </summary>
    public static string ToXml(Accounts accounts, string ownerKey, IReadOnlyList<Grant> grants)
    {
        var owner = accounts.Of(ownerKey);
        var xml = new XmlBuilder().Root("AccessControlPolicy")
            .Open("Owner").Element("ID", owner.CanonicalId).Element("DisplayName", owner.DisplayName).Close("Owner")
            .Open("AccessControlList");
        foreach (var g in grants.OrderBy(g => g.Kind == GranteeKind.Group ? 0 : 1))
        {
            xml.Open("Grant");
            if (g.Kind == GranteeKind.User)
            {
                xml.Raw("<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">").Element("ID", g.Grantee);
                if (accounts.ById(g.Grantee) is { } a)
                {
                    xml.Element("DisplayName", a.DisplayName);
                }
            }
            else
            {
                xml.Raw("<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\">").Element("URI", g.Grantee);
            }

            xml.Close("Grantee").Element("Permission", Grants.Name(g.Permission)).Close("Grant");
        }

        return xml.Close("AccessControlList").Close("AccessControlPolicy").ToString();
    }

    /// <summary>The grants of an AccessControlPolicy document, in its order.</summary>
    public static IReadOnlyList<Grant> FromXml(XDocument doc, Accounts accounts)
    {
        if (doc.Root is not { Name.LocalName: "AccessControlPolicy" } root)
        {
            throw new S3Exception(S3ErrorCode.MalformedACLError);
        }

        var grants = new List<Grant>();
        foreach (var grant in root.Child("AccessControlList")?.Children("Grant") ?? [])
        {
            var grantee = grant.Child("Grantee") ?? throw new S3Exception(S3ErrorCode.MalformedACLError);
            var permission = Grants.ParsePermission(grant.Child("Permission")?.Value) ?? throw new S3Exception(S3ErrorCode.MalformedACLError);
            var type = (string?)grantee.Attribute(Xsi + "type");
            grants.Add(type switch
            {
                "CanonicalUser" => User(accounts, grantee.Child("ID")?.Value, permission),
                "Group" => Group(grantee.Child("URI")?.Value, permission),
                "AmazonCustomerByEmail" => Email(accounts, grantee.Child("EmailAddress")?.Value, permission),
                _ => throw new S3Exception(S3ErrorCode.MalformedACLError),
            });
        }

        return grants;
    }

    /// <summary>
    /// The grants a request's headers ask for: a canned ACL (x-amz-acl) or x-amz-grant-* headers, not both; null
    /// when it names none. <paramref name="ownerId"/> owns the resource, <paramref name="bucketOwnerId"/> its bucket.
    /// </summary>
    public static IReadOnlyList<Grant>? FromHeaders(RequestHeaders headers, Accounts accounts, string ownerId, string bucketOwnerId)
    {
        var canned = headers["x-amz-acl"];
        var explicitGrants = new List<Grant>();
        foreach (var (header, permission) in GrantHeaders)
        {
            if (headers[header] is { } value)
            {
                explicitGrants.AddRange(ParseGrantHeader(header, value, permission, accounts));
            }
        }

        if (canned is not null && explicitGrants.Count > 0)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Specifying both Canned ACLs and Header Grants is not allowed");
        }

        return canned is not null ? Grants.Canned(canned, ownerId, bucketOwnerId) : explicitGrants.Count > 0 ? explicitGrants : null;
    }

    /// <summary>Whether the request names an ACL at all (a canned one or grant headers).</summary>
    public static bool Names(RequestHeaders headers) => headers["x-amz-acl"] is not null || GrantHeaders.Any(g => headers[g.Header] is not null);

    /// <summary>One x-amz-grant-* header: comma-separated <c>id="..."</c>, <c>uri="..."</c> or <c>emailAddress="..."</c> grantees.</summary>
    internal static IEnumerable<Grant> ParseGrantHeader(string header, string value, AclPermission permission, Accounts accounts)
    {
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument).With("ArgumentName", header).With("ArgumentValue", value);
            }

            var name = part[..eq].Trim();
            var grantee = part[(eq + 1)..].Trim().Trim('"');
            yield return name.ToLowerInvariant() switch
            {
                "id" => User(accounts, grantee, permission),
                "uri" => Group(grantee, permission),
                "emailaddress" => Email(accounts, grantee, permission),
                _ => throw new S3Exception(S3ErrorCode.InvalidArgument).With("ArgumentName", header).With("ArgumentValue", value),
            };
        }
    }

    private static Grant User(Accounts accounts, string? id, AclPermission permission) =>
        id is not null && accounts.ById(id) is not null
            ? new Grant(GranteeKind.User, id, permission)
            : throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid id").With("ArgumentName", "CanonicalUser/ID").With("ArgumentValue", id ?? "");

    private static Grant Group(string? uri, AclPermission permission) =>
        uri is not null && Grants.IsGroup(uri)
            ? new Grant(GranteeKind.Group, uri, permission)
            : throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid group uri").With("ArgumentName", "Group/URI").With("ArgumentValue", uri ?? "");

    private static Grant Email(Accounts accounts, string? email, AclPermission permission) =>
        email is not null && accounts.ByEmail(email) is { } a
            ? new Grant(GranteeKind.User, a.CanonicalId, permission)
            : throw new S3Exception(S3ErrorCode.UnresolvableGrantByEmailAddress).With("EmailAddress", email ?? "");
}
