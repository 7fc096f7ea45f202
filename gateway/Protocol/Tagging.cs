using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Gateway.Errors;
using Gateway.Xml;
using Storage.Objects;

namespace Gateway.Protocol;

/// <summary>Whose tag set: an object's (at most 10 tags) or a bucket's (at most 50).</summary>
internal enum TagScope
{
    Object,
    Bucket,
}

/// <summary>
/// S3's tag sets: the Tagging document of Put/GetObjectTagging and Put/GetBucketTagging, the <c>x-amz-tagging</c>
/// header (a URL-encoded query string) of PutObject, CreateMultipartUpload and CopyObject, and S3's rules for them.
/// A tag set is kept sorted by key, the order S3 returns it in whatever order it was sent.
/// </summary>
internal static class Tagging
{
    public const int MaxObjectTags = 10;
    public const int MaxBucketTags = 50;
    public const int MaxKeyLength = 128;
    public const int MaxValueLength = 256;

    private const string HeaderMessage = "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.";

    /// <summary>
    /// The tag set of an <c>x-amz-tagging</c> header. S3 reads it as a query string: "a=1&amp;b" is a=1 and b="",
    /// empty pairs ("&amp;&amp;") are skipped, and a repeated key or an encoding that is not UTF-8 makes the whole
    /// header InvalidArgument. The tags themselves then follow the object rules (InvalidTag).
    /// </summary>
    public static List<Tag> FromHeader(string header)
    {
        var tags = new List<Tag>();
        foreach (var part in header.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=');
            var key = Routing.QueryString.PercentDecodeStrict(eq < 0 ? part : part[..eq], plusIsSpace: true);
            var value = Routing.QueryString.PercentDecodeStrict(eq < 0 ? "" : part[(eq + 1)..], plusIsSpace: true);
            if (key is null || value is null || tags.Exists(t => t.Key == key))
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, HeaderMessage).With("ArgumentName", "x-amz-tagging").With("ArgumentValue", header);
            }

            tags.Add(new Tag(key, value));
        }

        return Checked(tags, TagScope.Object);
    }

    /// <summary>
    /// The tag set of a Tagging document (<c>&lt;Tagging&gt;&lt;TagSet&gt;&lt;Tag&gt;&lt;Key/&gt;&lt;Value/&gt;</c>).
    /// A tag without exactly one Key and one Value, or a document of another shape, is MalformedXML.
    /// </summary>
    public static List<Tag> FromXml(XDocument doc, TagScope scope)
    {
        var root = doc.Root;
        if (root is null || root.Name.LocalName != "Tagging" || root.Elements().Count() != 1 || root.Child("TagSet") is not { } set)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var tags = new List<Tag>();
        foreach (var element in set.Elements())
        {
            var keys = element.Children("Key").ToList();
            var values = element.Children("Value").ToList();
            if (element.Name.LocalName != "Tag" || keys.Count != 1 || values.Count != 1 || element.Elements().Count() != 2)
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            var key = keys[0].Value;
            if (tags.Exists(t => t.Key == key))
            {
                throw new S3Exception(S3ErrorCode.InvalidTag, "Cannot provide multiple Tags with the same key").With("TagKey", key);
            }

            tags.Add(new Tag(key, values[0].Value));
        }

        return Checked(tags, scope);
    }

    /// <summary>
    /// S3's limits: at most 10 object tags (BadRequest, as S3 answers it) or 50 bucket tags; keys of 1 to 128 and
    /// values of at most 256 Unicode characters, made of letters, digits, white space and <c>+ - = . _ : / @</c>
    /// (InvalidTag, naming the tag); the <c>aws:</c> prefix is AWS's own.
    /// </summary>
    private static List<Tag> Checked(List<Tag> tags, TagScope scope)
    {
        var max = scope == TagScope.Object ? MaxObjectTags : MaxBucketTags;
        if (tags.Count > max)
        {
            throw new S3Exception(S3ErrorCode.BadRequest, scope == TagScope.Object
                ? $"Object tags cannot be greater than {MaxObjectTags}"
                : $"Bucket tag count cannot be greater than {MaxBucketTags}");
        }

        foreach (var tag in tags)
        {
            if (tag.Key.StartsWith("aws:", StringComparison.Ordinal))
            {
                throw new S3Exception(S3ErrorCode.InvalidTag, scope == TagScope.Object
                    ? "Your TagKey cannot be prefixed with aws:"
                    : "System tags cannot be added/updated by requester").With("TagKey", tag.Key);
            }

            var keyLength = Characters(tag.Key);
            if (keyLength is < 1 or > MaxKeyLength || !Allowed(tag.Key))
            {
                throw new S3Exception(S3ErrorCode.InvalidTag, "The TagKey you have provided is invalid").With("TagKey", tag.Key);
            }

            if (Characters(tag.Value) > MaxValueLength || !Allowed(tag.Value))
            {
                throw new S3Exception(S3ErrorCode.InvalidTag, "The TagValue you have provided is invalid").With("TagKey", tag.Key).With("TagValue", tag.Value);
            }
        }

        tags.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return tags;
    }

    /// <summary>Unicode characters (code points), which is what S3's limits count, not UTF-16 units or bytes.</summary>
    private static int Characters(string s) => s.EnumerateRunes().Count();

    private static bool Allowed(string s)
    {
        foreach (var rune in s.EnumerateRunes())
        {
            var ok = Rune.IsLetterOrDigit(rune) || Rune.IsWhiteSpace(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.SpaceSeparator
                || (rune.IsAscii && "+-=._:/@".Contains((char)rune.Value, StringComparison.Ordinal));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The Tagging document of a Get*Tagging answer.</summary>
    public static string ToXml(IEnumerable<Tag> tags)
    {
        var xml = new XmlBuilder().Root("Tagging").Open("TagSet");
        foreach (var tag in tags)
        {
            xml.Open("Tag").Element("Key", tag.Key).Element("Value", tag.Value).Close("Tag");
        }

        return xml.Close("TagSet").Close("Tagging").ToString();
    }
}
