using System.Security.Cryptography;
using System.Text;
using Gateway.Xml;

namespace Gateway.Protocol;

/// <summary>
/// Canonical user ids. S3 shows owners as a 64-hex-digit canonical id; ours is the SHA-256 of the access key,
/// stable across restarts and distinct per account.
/// </summary>
internal static class Owners
{
    public static string CanonicalId(string account) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(account)));

    public static XmlBuilder Owner(this XmlBuilder xml, string account, string element = "Owner") =>
        xml.Open(element).Element("ID", CanonicalId(account)).Element("DisplayName", account).Close(element);
}
