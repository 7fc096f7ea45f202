using Gateway.Xml;

namespace Gateway.Errors;

/// <summary>Writes S3 error XML: Code, Message, the extra elements, Resource, RequestId, HostId.</summary>
internal static class ErrorDocument
{
    public static string Build(S3Exception error, string resource, string requestId, string hostId) =>
        Build(S3ErrorTable.Lookup(error.Code).Code, error.Message, error.Extra, resource, requestId, hostId);

    public static string Build(string code, string message, IEnumerable<KeyValuePair<string, string>> extra, string resource, string requestId, string hostId)
    {
        var xml = new XmlBuilder().Root("Error", withNamespace: false)
            .Element("Code", code)
            .Element("Message", message);
        foreach (var (name, value) in extra)
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
