using System.Text;
using Gateway.Access;
using Gateway.Auth;
using Gateway.Encryption;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Streaming;
using Gateway.Xml;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Storage;
using Storage.Objects;
using Storage.Streams;

namespace Gateway.Handlers;

/// <summary>
/// POST Object: a browser form upload (multipart/form-data) to a bucket, authorised by a signed policy document.
/// The fields before the file are read (at most 20 KB, as S3 allows); the file streams straight into storage and
/// is never held in memory; fields after it are ignored, as S3 ignores them.
/// </summary>
internal static class PostObjectHandlers
{
    private const int MaxFieldBytes = 20 * 1024;
    private const int MaxDrainBytes = 1024 * 1024;

    public static async Task<S3Response> Post(S3Request r)
    {
        var boundary = Boundary(r.Header("Content-Type"))
            ?? throw new S3Exception(S3ErrorCode.PreconditionFailed).With("Condition", "Bucket POST must be of the enclosure-type multipart/form-data");
        var reader = new MultipartReader(boundary, r.Body) { BodyLengthLimit = null };
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var fieldBytes = 0;
        MultipartSection? file = null;
        var fileName = "";
        while (await reader.ReadNextSectionAsync(r.Aborted).ConfigureAwait(false) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { } quoted)
            {
                throw new S3Exception(S3ErrorCode.MalformedPOSTRequest);
            }

            var name = HeaderUtilities.RemoveQuotes(quoted).Value!;
            if (string.Equals(name, "file", StringComparison.OrdinalIgnoreCase))
            {
                file = section;
                fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "";
                break;
            }

            var value = await ReadField(section, MaxFieldBytes - fieldBytes, r.Aborted).ConfigureAwait(false);
            fieldBytes += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
            fields.TryAdd(name, value);
        }

        if (file is null)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "POST requires exactly one file upload per request.").With("ArgumentName", "file").With("ArgumentValue", "0");
        }

        // An unsigned form is anonymous: it needs a bucket whose ACL or policy lets everyone write, and has no policy to obey.
        r.Auth = r.Services.Verifier.VerifyPostForm(fields) ?? AuthResult.AnonymousWith(PayloadMode.Unsigned, null);
        if (!fields.TryGetValue("key", out var key))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.")
                .With("ArgumentName", "key").With("ArgumentValue", "");
        }

        // ${filename} stands for the name of the uploaded file; the policy judges the key it becomes.
        key = key.Replace("${filename}", fileName, StringComparison.Ordinal);
        fields["key"] = key;
        AccessControl.Require(r, "s3:PutObject", key, AclPermission.Write);
        var policy = r.Auth.Anonymous ? null : PostPolicy.Parse(fields["policy"]);
        policy?.Check(fields, r.Bucket, r.Storage.Clock.UtcNow);
        // The tagging field is a whole Tagging document, not the x-amz-tagging header's query string.
        var tags = fields.TryGetValue("tagging", out var tagging) ? Tagging.FromXml(RequestXml.Parse(tagging), TagScope.Object) : [];
        var headers = AsHeaders(fields);
        ObjectHeaders.CheckKey(key);
        ObjectHeaders.RejectUnsupported(headers);
        var attributes = ObjectHeaders.FromRequest(headers);
        var (algorithm, checksumValue) = BodyHeaders.ChecksumHeader(headers);
        var md5 = BodyHeaders.ParseContentMd5(headers["Content-MD5"]);
        var checks = new BodyChecks(null, md5, algorithm is { } a ? new ExpectedChecksum(a, checksumValue) : null);
        var (owner, acl) = AclHandlers.ForNewObject(r, headers);
        var (dataKey, sse) = Sse.SealOptional(Sse.ForWrite(headers, EncryptionHandlers.Default(r)), r.Services.Keys);
        var body = policy?.LengthRange is { } range ? new LengthRangeStream(file.Body, range.Min, range.Max) : file.Body;
        var info = await r.Storage.Objects.PutAsync(
                new PutObjectCommand(r.Bucket, key, r.Account, attributes, WriteConditions.None, checks)
                {
                    Tags = tags,
                    Acl = acl,
                    Owner = owner,
                    DataKey = dataKey,
                    Encryption = sse?.ToJson(),
                    OpaqueETag = sse?.OpaqueETag ?? false,
                }, body, r.Aborted)
            .ConfigureAwait(false);
        await Drain(reader, r.Aborted).ConfigureAwait(false);
        return Answer(r, fields, key, info.ETag).WithNewVersion(info).WithEncryption(sse, headers);
    }

    private static string? Boundary(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            && HeaderUtilities.RemoveQuotes(media.Boundary).Value is { Length: > 0 } boundary
            ? boundary
            : null;

    private static async Task<string> ReadField(MultipartSection section, int room, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int n;
        while ((n = await section.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > room)
            {
                throw new S3Exception(S3ErrorCode.MaxPostPreDataLengthExceededError);
            }

            buffer.Write(chunk, 0, n);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The form fields that mean what headers mean on a PUT: the stored headers, metadata, ACL and digests.</summary>
    private static RequestHeaders AsHeaders(Dictionary<string, string> fields) =>
        RequestHeaders.From(fields
            .Where(f => f.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase) || ObjectHeaders.Kept.Contains(f.Key.ToLowerInvariant())
                || f.Key.Equals("acl", StringComparison.OrdinalIgnoreCase) || f.Key.Equals("Content-MD5", StringComparison.OrdinalIgnoreCase))
            .Select(f => (f.Key.Equals("acl", StringComparison.OrdinalIgnoreCase) ? "x-amz-acl" : f.Key.ToLowerInvariant(), f.Value)));

    /// <summary>What follows the file (the closing boundary, fields S3 ignores) is read, so the connection can be reused.</summary>
    private static async Task Drain(MultipartReader reader, CancellationToken ct)
    {
        var drained = 0L;
        var buffer = new byte[16 * 1024];
        while (drained < MaxDrainBytes && await reader.ReadNextSectionAsync(ct).ConfigureAwait(false) is { } section)
        {
            int n;
            while (drained < MaxDrainBytes && (n = await section.Body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                drained += n;
            }
        }
    }

    /// <summary>S3's answer: a 303 to success_action_redirect, or the status success_action_status asks for (200, 201 with a PostResponse, else 204).</summary>
    private static S3Response Answer(S3Request r, Dictionary<string, string> fields, string key, string etag)
    {
        var location = $"{r.Scheme}://{r.Host}/{r.Bucket}/{Uri.EscapeDataString(key).Replace("%2F", "/", StringComparison.Ordinal)}";
        var redirect = fields.GetValueOrDefault("success_action_redirect") ?? fields.GetValueOrDefault("redirect");
        if (!string.IsNullOrEmpty(redirect) && Uri.TryCreate(redirect, UriKind.Absolute, out _))
        {
            var query = $"bucket={Uri.EscapeDataString(r.Bucket)}&key={Uri.EscapeDataString(key)}&etag={Uri.EscapeDataString(Wire.Quote(etag))}";
            return S3Response.Empty(303).With("Location", redirect + (redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query).With("ETag", Wire.Quote(etag));
        }

        var response = fields.GetValueOrDefault("success_action_status") switch
        {
            "200" => S3Response.Empty(),
            "201" => S3Response.Xml(new XmlBuilder().Root("PostResponse", withNamespace: false).Element("Location", location).Element("Bucket", r.Bucket)
                .Element("Key", key).Element("ETag", Wire.Quote(etag)).Close("PostResponse").ToString(), 201),
            _ => S3Response.Empty(204),
        };
        return response.With("ETag", Wire.Quote(etag)).With("Location", location);
    }

    /// <summary>The file of a form whose policy bounds its size: EntityTooLarge past the maximum, EntityTooSmall at an end below the minimum.</summary>
    private sealed class LengthRangeStream(Stream inner, long min, long max) : ReadOnlyStream
    {
        private long _count;

        public override int Read(Span<byte> buffer) => Check(inner.Read(buffer), buffer.IsEmpty);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Check(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.IsEmpty);

        private int Check(int n, bool emptyRequest)
        {
            _count += n;
            if (_count > max)
            {
                throw new S3Exception(S3ErrorCode.EntityTooLarge).With("MaxSizeAllowed", max.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (n == 0 && !emptyRequest && _count < min)
            {
                throw new S3Exception(S3ErrorCode.EntityTooSmall).With("MinSizeAllowed", min.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return n;
        }
    }
}
