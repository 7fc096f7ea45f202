using Gateway.Access;
using Gateway.Xml;

namespace Gateway.Protocol;

/// <summary>Owners in listings: the account's canonical id and display name.</summary>
internal static class Owners
{
    public static XmlBuilder Owner(this XmlBuilder xml, Accounts accounts, string accessKey, string element = "Owner")
    {
        var account = accounts.Of(accessKey);
        return xml.Open(element).Element("ID", account.CanonicalId).Element("DisplayName", account.DisplayName).Close(element);
    }
}
