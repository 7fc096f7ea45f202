using Gateway.Errors;
using Gateway.Protocol;

namespace Gateway.Http;

/// <summary>The one place a response value becomes HTTP, and an error becomes a response value.</summary>
internal static class ResponseWriter
{
    // Big enough that a GET costs few reads and flushes per MiB; the pipe's own buffers hold it, so it is not
    // allocated per request.
    private const int ReadSize = 512 * 1024;

    /// <summary>Writes the response, adding the body bytes handed to the connection to <paramref name="sent"/> as they go (the traffic meter's bytes out, also when the client leaves midway).</summary>
    public static async Task WriteAsync(HttpContext http, S3Response response, BytesSent sent, CancellationToken ct)
    {
        var r = http.Response;
        r.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            // A value that still holds a control character or a character beyond ISO-8859-1 is sent as RFC 2047
            // words rather than failing the response with a 500.
            r.Headers[name] = HeaderText.IsLatin1Text(value) ? value : HeaderText.MimeEncode(value);
        }

        var head = HttpMethods.IsHead(http.Request.Method);
        switch (response.Body)
        {
            case ResponseBody.Nothing:
                if (response.Status is not (204 or 304))
                {
                    r.ContentLength = 0;
                }

                break;
            case ResponseBody.Bytes b:
                r.ContentType = b.ContentType;
                r.ContentLength = b.Content.Length;
                if (!head)
                {
                    await r.BodyWriter.WriteAsync(b.Content, ct).ConfigureAwait(false);
                    sent.Add(b.Content.Length);
                }

                break;
            case ResponseBody.ObjectRange o:
                using (o.Reader)
                {
                    r.ContentLength = o.Length;
                    if (o.SendBody && !head)
                    {
                        await SendRangeAsync(r.BodyWriter, o, sent, ct).ConfigureAwait(false);
                    }
                }

                break;
        }
    }

    /// <summary>
    /// Reads the range straight into the response pipe's memory (positional reads, no buffer of our own, no
    /// wrapper stream), so each byte is copied only by the kernel: page cache to the pipe, pipe to the socket.
    /// Kestrel has no sendfile path to offer (its SendFileAsync copies through a stream the same way), so this is
    /// the fewest copies a GET can take on it.
    /// </summary>
    private static async Task SendRangeAsync(System.IO.Pipelines.PipeWriter writer, ResponseBody.ObjectRange o, BytesSent sent, CancellationToken ct)
    {
        await using var body = o.Reader.OpenRange(o.Start, o.Length);
        long done = 0;
        while (done < o.Length)
        {
            var want = (int)Math.Min(ReadSize, o.Length - done);
            var n = await body.ReadAsync(writer.GetMemory(want)[..want], ct).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException("The object ended before its recorded length.");
            }

            writer.Advance(n);
            done += n;
            sent.Add(n);
            var flush = await writer.FlushAsync(ct).ConfigureAwait(false);
            if (flush.IsCanceled || flush.IsCompleted)
            {
                return; // The client is gone.
            }
        }
    }

    /// <summary>The error response: S3's error XML, status, code and default message from the one table. HEAD and 304 answers carry no body.</summary>
    public static S3Response Error(S3Exception error, string resource, string requestId, string hostId, bool head)
    {
        var entry = S3ErrorTable.Lookup(error.Code);
        var response = head || entry.Status == 304
            ? S3Response.Empty(entry.Status)
            : S3Response.Xml(ErrorDocument.Build(error, resource, requestId, hostId), entry.Status);

        foreach (var (name, value) in error.ResponseHeaders)
        {
            response.With(name, value);
        }

        return response;
    }

    /// <summary>
    /// S3's answer to a CompleteMultipartUpload (or copy) that failed after its 200 was sent: the status is 200, the
    /// body whitespace (what S3 sends to keep the connection open) and then the error document, which SDKs look for.
    /// </summary>
    public static S3Response ErrorAfterSuccess(Pipeline.HookAnswer.ErrorAfterSuccess error, string resource, string requestId, string hostId)
    {
        var document = ErrorDocument.Build(error.Code, error.Message, [], resource, requestId, hostId);
        // The XML declaration comes first in S3's document; the whitespace S3 kept the connection with goes after it.
        var declaration = document.IndexOf("?>", StringComparison.Ordinal) + 2;
        return S3Response.Xml(document[..declaration] + "\n\n\n" + document[declaration..]);
    }

    /// <summary>A hook's error (a fault rule's status and code, which need not be in the table), as S3's error XML.</summary>
    public static S3Response InjectedError(Pipeline.HookAnswer.Error error, string resource, string requestId, string hostId, bool head)
    {
        var response = head ? S3Response.Empty(error.Status) : S3Response.Xml(ErrorDocument.Build(error.Code, error.Message, [], resource, requestId, hostId), error.Status);
        foreach (var (name, value) in error.Headers)
        {
            response.With(name, value);
        }

        return response;
    }
}

/// <summary>Body bytes a response has handed to the connection so far.</summary>
internal sealed class BytesSent
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add(long n) => Interlocked.Add(ref _count, n);
}
