using System.Security.Cryptography;
using System.Xml;
using System.Xml.Linq;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Streaming;
using Storage.Checksums;

namespace Gateway.Xml;

/// <summary>
/// Reads a request's XML document whole, under a hard size cap (request XML is the one body read whole), after
/// checking the digests the client declared for it. Garbage, DTDs and oversize documents are MalformedXML.
/// </summary>
internal static class RequestXml
{
    public const int DefaultCap = 2 * 1024 * 1024;

    /// <summary>
    /// The deepest element nesting accepted. S3's request documents nest a few levels (a lifecycle filter's
    /// And is the deepest, at 5); a deeper one is garbage, and a document nested 200,000 levels inside the size
    /// cap must not cost minutes of CPU or a deep recursion in whatever walks the tree.
    /// </summary>
    public const int MaxDepth = 32;

    /// <summary>Reads the body of a small XML request through the same decoding and digest checks as any body.</summary>
    public static async Task<XDocument?> ReadBodyAsync(S3Request r, bool allowEmpty = false, bool checksumHeadersDescribeBody = true)
    {
        var declaration = BodyHeaders.Parse(r.Headers, r.Auth!.Payload, checksumHeadersDescribeBody);
        return await ReadAsync(BodyStreams.Open(r.Body, r.Auth, declaration), DefaultCap, r.Aborted, allowEmpty).ConfigureAwait(false);
    }

    public static async Task<XDocument?> ReadAsync(DecodedBody body, int cap, CancellationToken ct, bool allowEmpty = false)
    {
        var buffer = await ReadCappedAsync(body, cap, new S3Exception(S3ErrorCode.MalformedXML, "The XML you provided was larger than the maximum allowed size."), ct)
            .ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return allowEmpty ? null : throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        return Load(buffer);
    }

    /// <summary>
    /// The whole body of a small non-XML request document (a bucket policy) as UTF-8 text, through the same decoding
    /// and digest checks; <paramref name="tooLarge"/> when it is over <paramref name="cap"/> bytes.
    /// </summary>
    /// <summary>
    /// A small text body (a bucket policy), read whole up to <paramref name="cap"/> bytes. Bytes that are not UTF-8
    /// are <paramref name="notUtf8"/>, never replaced by U+FFFD: a replaced byte would silently change what the text says.
    /// </summary>
    public static async Task<string> ReadTextAsync(S3Request r, int cap, S3Exception tooLarge, S3Exception notUtf8)
    {
        var declaration = BodyHeaders.Parse(r.Headers, r.Auth!.Payload, checksumHeadersDescribeBody: true);
        var buffer = await ReadCappedAsync(BodyStreams.Open(r.Body, r.Auth, declaration), cap, tooLarge, r.Aborted).ConfigureAwait(false);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        return System.Text.Unicode.Utf8.IsValid(bytes) ? System.Text.Encoding.UTF8.GetString(bytes) : throw notUtf8;
    }

    private static async Task<MemoryStream> ReadCappedAsync(DecodedBody body, int cap, S3Exception tooLarge, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await body.Stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > cap)
            {
                throw tooLarge;
            }

            buffer.Write(chunk, 0, n);
        }

        Verify(body, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return buffer;
    }

    /// <summary>A document that came as text inside another request (a POST form's tagging field), under the same rules.</summary>
    public static XDocument Parse(string xml)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(xml);
        if (bytes.Length > DefaultCap)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML, "The XML you provided was larger than the maximum allowed size.");
        }

        return Load(new MemoryStream(bytes));
    }

    private static XDocument Load(MemoryStream buffer)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        try
        {
            // One streaming pass checks the depth (each node in constant time), so the tree is only built from a
            // document known to be shallow.
            buffer.Position = 0;
            using (var scan = XmlReader.Create(buffer, settings))
            {
                while (scan.Read())
                {
                    if (scan.Depth >= MaxDepth)
                    {
                        throw new S3Exception(S3ErrorCode.MalformedXML, $"The XML you provided was nested deeper than {MaxDepth} levels.");
                    }
                }
            }

            buffer.Position = 0;
            using var reader = XmlReader.Create(buffer, settings);
            return XDocument.Load(reader);
        }
        catch (XmlException)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }
    }

    /// <summary>The declared checksum, then the Content-MD5, against the document as received.</summary>
    private static void Verify(DecodedBody body, ReadOnlySpan<byte> bytes)
    {
        if (body.Checksum is { } expected)
        {
            using var checksum = IncrementalChecksum.Create(expected.Algorithm);
            checksum.Append(bytes);
            var computed = checksum.FinishBase64();
            if (body.ChecksumValue is not { } value)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, $"The trailer {ChecksumNames.HeaderName(expected.Algorithm)} was declared but not sent.");
            }

            if (value != computed)
            {
                throw new S3Exception(S3ErrorCode.BadDigest, $"The {ChecksumNames.WireName(expected.Algorithm)} you specified did not match the calculated checksum.");
            }
        }

        if (body.Declaration.ContentMd5 is { } md5 && !MD5.HashData(bytes).AsSpan().SequenceEqual(md5))
        {
            throw new S3Exception(S3ErrorCode.BadDigest);
        }
    }

    /// <summary>
    /// S3 requires an integrity check (Content-MD5, a checksum header or a checksum trailer) on requests whose
    /// corruption would be destructive, such as DeleteObjects and PutBucketLifecycleConfiguration.
    /// </summary>
    public static void RequireIntegrityHeader(RequestHeaders headers, string message = "Missing required header for this request: Content-MD5")
    {
        if (headers["Content-MD5"] is null && headers["x-amz-trailer"] is null
            && !headers.All.Any(h => ChecksumNames.TryParseHeaderName(h.Key, out _)))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, message);
        }
    }

    /// <summary>Element lookup that ignores the namespace (clients send S3's namespace or none).</summary>
    public static IEnumerable<XElement> Children(this XElement e, string localName) => e.Elements().Where(x => x.Name.LocalName == localName);

    public static XElement? Child(this XElement e, string localName) => e.Children(localName).FirstOrDefault();
}
