using System.Text;

namespace Gateway.Xml;

/// <summary>
/// A minimal writer for S3 response documents. S3's documents are small (a page holds at most 1000 entries),
/// so they are built as strings; hand-writing keeps the bytes exact (declaration, namespace, no whitespace).
/// </summary>
internal sealed class XmlBuilder
{
    public const string S3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private readonly StringBuilder _sb = new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");

    public XmlBuilder Root(string name, bool withNamespace = true)
    {
        _sb.Append('<').Append(name);
        if (withNamespace)
        {
            _sb.Append(" xmlns=\"").Append(S3Namespace).Append('"');
        }

        _sb.Append('>');
        return this;
    }

    public XmlBuilder Open(string name)
    {
        _sb.Append('<').Append(name).Append('>');
        return this;
    }

    public XmlBuilder Raw(string xml)
    {
        _sb.Append(xml);
        return this;
    }

    public XmlBuilder Close(string name)
    {
        _sb.Append("</").Append(name).Append('>');
        return this;
    }

    public XmlBuilder Element(string name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        _sb.Append('<').Append(name).Append('>');
        Escape(_sb, value);
        _sb.Append("</").Append(name).Append('>');
        return this;
    }

    public XmlBuilder Element(string name, long value) => Element(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public XmlBuilder Element(string name, bool value) => Element(name, value ? "true" : "false");

    public override string ToString() => _sb.ToString();

    /// <summary>S3's timestamp form in XML: ISO 8601 UTC with milliseconds.</summary>
    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static void Escape(StringBuilder sb, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                case '\r': sb.Append("&#13;"); break;
                case '\n': sb.Append("&#10;"); break;
                case '\t': sb.Append("&#9;"); break;
                default:
                    if (c < 0x20)
                    {
                        // XML 1.0 cannot carry these; S3 emits them as character references all the same.
                        sb.Append("&#").Append((int)c).Append(';');
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }
    }
}
