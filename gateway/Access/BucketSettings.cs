using System.Xml.Linq;
using Gateway.Errors;
using Gateway.Xml;

namespace Gateway.Access;

/// <summary>S3 Object Ownership: who owns the objects written into a bucket, and whether ACLs count at all.</summary>
internal enum ObjectOwnership
{
    /// <summary>The writer owns what it writes; ACLs apply (S3's rule before April 2023, and the gateway's default).</summary>
    ObjectWriter,

    /// <summary>As ObjectWriter, except that a write with the bucket-owner-full-control ACL gives the object to the bucket owner.</summary>
    BucketOwnerPreferred,

    /// <summary>The bucket owner owns every object and ACLs are disabled: only the bucket owner's and the policy's say count (S3's default since 2023).</summary>
    BucketOwnerEnforced,
}

/// <summary>A bucket's public access block: four switches that keep ACLs and policies from making it public.</summary>
internal sealed record PublicAccessBlock(bool BlockPublicAcls, bool IgnorePublicAcls, bool BlockPublicPolicy, bool RestrictPublicBuckets)
{
    public static readonly PublicAccessBlock Off = new(false, false, false, false);

    public static readonly PublicAccessBlock All = new(true, true, true, true);
}

/// <summary>The wire and stored forms of ownership controls and the public access block.</summary>
internal static class BucketSettings
{
    /// <summary>The stored rule (null: none was set, which behaves as ObjectWriter).</summary>
    public static ObjectOwnership? ParseOwnership(string? stored) => stored is null ? null : Enum.Parse<ObjectOwnership>(stored);

    public static ObjectOwnership ParseOwnershipValue(string? value, string argumentName) =>
        value is not null && Enum.TryParse<ObjectOwnership>(value, out var o) && Enum.IsDefined(o) && !char.IsDigit(value[0])
            ? o
            : throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid x-amz-object-ownership header: " + value).With("ArgumentName", argumentName).With("ArgumentValue", value ?? "");

    /// <summary>OwnershipControls: exactly one rule with one ObjectOwnership.</summary>
    public static ObjectOwnership OwnershipFromXml(XDocument doc)
    {
        var rules = doc.Root is { Name.LocalName: "OwnershipControls" } root ? root.Children("Rule").ToList() : null;
        if (rules is not { Count: 1 })
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var value = rules[0].Child("ObjectOwnership")?.Value;
        return value is not null && Enum.TryParse<ObjectOwnership>(value, out var o) && Enum.IsDefined(o) && !char.IsDigit(value[0])
            ? o
            : throw new S3Exception(S3ErrorCode.MalformedXML);
    }

    public static string OwnershipToXml(ObjectOwnership o) =>
        new XmlBuilder().Root("OwnershipControls").Open("Rule").Element("ObjectOwnership", o.ToString()).Close("Rule").Close("OwnershipControls").ToString();

    /// <summary>The stored switches (null: no block).</summary>
    public static PublicAccessBlock? ParseBlock(string? stored) => stored is { Length: 4 }
        ? new PublicAccessBlock(stored[0] == '1', stored[1] == '1', stored[2] == '1', stored[3] == '1')
        : null;

    public static string StoreBlock(PublicAccessBlock b) =>
        string.Concat(b.BlockPublicAcls ? '1' : '0', b.IgnorePublicAcls ? '1' : '0', b.BlockPublicPolicy ? '1' : '0', b.RestrictPublicBuckets ? '1' : '0');

    /// <summary>PublicAccessBlockConfiguration: a switch left out is off.</summary>
    public static PublicAccessBlock BlockFromXml(XDocument doc)
    {
        if (doc.Root is not { Name.LocalName: "PublicAccessBlockConfiguration" } root)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        bool Switch(string name) => root.Child(name)?.Value switch
        {
            null => false,
            var v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
            var v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
            _ => throw new S3Exception(S3ErrorCode.MalformedXML),
        };
        return new PublicAccessBlock(Switch("BlockPublicAcls"), Switch("IgnorePublicAcls"), Switch("BlockPublicPolicy"), Switch("RestrictPublicBuckets"));
    }

    public static string BlockToXml(PublicAccessBlock b) =>
        new XmlBuilder().Root("PublicAccessBlockConfiguration").Element("BlockPublicAcls", b.BlockPublicAcls).Element("IgnorePublicAcls", b.IgnorePublicAcls)
            .Element("BlockPublicPolicy", b.BlockPublicPolicy).Element("RestrictPublicBuckets", b.RestrictPublicBuckets).Close("PublicAccessBlockConfiguration").ToString();
}
