using Gateway.Xml;

namespace Gateway.Errors;

/// <summary>Writes S3 error XML: Code, Message, the extra elements, Resource, RequestId, HostId.</summary>
internal static class ErrorDocument
{
    public static string Build(S3Exception error, string resource, string requestId, string hostId)
    {
        var entry = S3ErrorTable.Lookup(error.Code);
        var xml = new XmlBuilder().Root("Error", withNamespace: false)
            .Element("Code", entry.Code)
            .Element("Message", error.Message);
        foreach (var (name, value) in error.Extra)
        {
            xml.Element(name, value);
        }

        return xml.Element("Resource", resource)
            .Element("RequestId", requestId)
            .Element("HostId", hostId)
            .Close("Error")
            .ToString();
    }
}
