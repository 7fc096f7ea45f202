using System.Xml;
using System.Xml.Linq;
using Gateway.Errors;
using Gateway.Handlers;

namespace Gateway.Xml;

/// <summary>
/// Reads a request's XML document whole, under a hard size cap (request XML is the one body read whole).
/// Garbage, DTDs and oversize documents are MalformedXML.
/// </summary>
internal static class RequestXml
{
    public const int DefaultCap = 2 * 1024 * 1024;

    public static async Task<XDocument?> ReadAsync(Stream body, int cap, CancellationToken ct, bool allowEmpty = false, byte[]? expectedMd5 = null)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > cap)
            {
                throw new S3Exception(S3ErrorCode.MalformedXML, "The XML you provided was larger than the maximum allowed size.");
            }

            buffer.Write(chunk, 0, n);
        }

        if (expectedMd5 is not null && !System.Security.Cryptography.MD5.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)).AsSpan().SequenceEqual(expectedMd5))
        {
            throw new S3Exception(S3ErrorCode.BadDigest);
        }

        if (buffer.Length == 0)
        {
            return allowEmpty ? null : throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        buffer.Position = 0;
        try
        {
            using var reader = XmlReader.Create(buffer, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return XDocument.Load(reader);
        }
        catch (XmlException)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }
    }

    /// <summary>Reads the body of a small XML request through the same verifying pipeline as any body.</summary>
    public static async Task<XDocument?> ReadBodyAsync(S3Context ctx, bool allowEmpty = false, bool checksumHeadersDescribeBody = true)
    {
        var body = Streaming.RequestBody.Open(ctx, defaultChecksum: null, checksumHeadersDescribeBody: checksumHeadersDescribeBody);
        return await ReadAsync(body.Stream, DefaultCap, ctx.Aborted, allowEmpty, body.ContentMd5).ConfigureAwait(false);
    }

    /// <summary>
    /// S3 requires an integrity check (Content-MD5, a checksum header or a checksum trailer) on requests whose
    /// corruption would be destructive, such as DeleteObjects and PutBucketLifecycleConfiguration.
    /// </summary>
    public static void RequireIntegrityHeader(S3Context ctx)
    {
        if (ctx.Header("Content-MD5") is null && ctx.Header("x-amz-trailer") is null
            && !ctx.Request.Headers.Keys.Any(k => Storage.Checksums.ChecksumAlgorithms.TryParseHeaderName(k, out _)))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Missing required header for this request: Content-MD5");
        }
    }

    /// <summary>Element lookup that ignores the namespace (clients send S3's namespace or none).</summary>
    public static IEnumerable<XElement> Children(this XElement e, string localName) => e.Elements().Where(x => x.Name.LocalName == localName);

    public static XElement? Child(this XElement e, string localName) => e.Children(localName).FirstOrDefault();
}
