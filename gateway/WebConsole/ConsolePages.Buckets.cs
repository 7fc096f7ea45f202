using System.Text;
using Gateway.Encryption;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Storage;
using Storage.Objects;
using static Gateway.WebConsole.Html;

namespace Gateway.WebConsole;

/// <summary>Buckets and objects: the bucket list, a bucket's objects by prefix, an object's details, download, upload, delete.</summary>
internal sealed partial class ConsoleEndpoint
{
    private const int ObjectsPerPage = 100;

    private static string? Query(HttpContext http, string name) => http.Request.Query.TryGetValue(name, out var v) && v.ToString().Length > 0 ? v.ToString() : null;

    /// <summary>The account whose things a page shows: the session's own, or for an admin the one ?account= names (null: every account).</summary>
    private string? Scope(HttpContext http, ConsoleSession session) => IsAdmin(session) ? Query(http, "account") : session.Account;

    private string AccountFilter(HttpContext http, ConsoleSession session, string page)
    {
        if (!IsAdmin(session))
        {
            return "";
        }

        var accounts = new[] { Options.AccessKey }.Concat(Options.Credentials.Select(c => c.AccessKey)).Distinct();
        var current = Query(http, "account");
        var sb = new StringBuilder($"<form method=\"get\" action=\"{ConsoleRoutes.Prefix}/{page}\" class=\"bar\"><label>Account <select name=\"account\"><option value=\"\">every account</option>");
        foreach (var a in accounts)
        {
            sb.Append("<option").Append(a == current ? " selected" : "").Append(">").Append(E(a)).Append("</option>");
        }

        return sb.Append("</select></label><button type=\"submit\">Show</button></form>").ToString();
    }

    private string BucketsPage(HttpContext http, ConsoleSession session)
    {
        var account = Scope(http, session);
        var gauges = services.Storage.Usage.Gauges().Where(g => account is null || g.Account == account).OrderBy(g => g.Bucket, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder(AccountFilter(http, session, "buckets"));
        sb.Append($"<form method=\"post\" action=\"{ConsoleRoutes.Prefix}/buckets\" class=\"bar\">{AntiForgery(session)}")
            .Append("<label>New bucket <input name=\"name\" required placeholder=\"my-bucket\"></label><button type=\"submit\">Create bucket</button></form>");
        if (gauges.Count == 0)
        {
            return Page("Buckets", session, sb.Append("<p class=\"note\">No buckets yet.</p>").ToString(), "buckets");
        }

        sb.Append("<div class=\"scroll\"><table id=\"buckets\"><thead><tr><th>Bucket</th><th>Type</th><th>Owner</th><th>Versioning</th><th>Object lock</th>")
            .Append("<th class=\"n\">Objects</th><th class=\"n\">Bytes</th><th class=\"n\">Incomplete uploads</th><th></th></tr></thead><tbody>");
        foreach (var g in gauges)
        {
            var b = services.Storage.Buckets.Find(g.Bucket);
            if (b is null)
            {
                continue;
            }

            sb.Append("<tr data-bucket=\"").Append(E(b.Name)).Append("\"><td><a href=\"").Append(ConsoleRoutes.Prefix).Append("/buckets/").Append(Q(b.Name)).Append("\">")
                .Append(E(b.Name)).Append("</a></td><td>").Append(b.Kind == BucketKind.Directory ? "directory" : "general").Append("</td><td>").Append(E(b.Owner))
                .Append("</td><td>").Append(b.Versioning switch { VersioningState.Enabled => "Enabled", VersioningState.Suspended => "Suspended", VersioningState.Unversioned => "Off" })
                .Append("</td><td>").Append(b.ObjectLock ? "On" : "Off").Append("</td><td class=\"n\">").Append(N(g.Objects)).Append("</td><td class=\"n\">")
                .Append(Bytes(g.ObjectBytes)).Append("</td><td class=\"n\"><a href=\"").Append(ConsoleRoutes.Prefix).Append("/uploads?bucket=").Append(Q(b.Name)).Append("\">")
                .Append(N(g.Uploads)).Append("</a></td><td><form method=\"post\" class=\"inline\" action=\"").Append(ConsoleRoutes.Prefix).Append("/buckets/").Append(Q(b.Name))
                .Append("/delete\">").Append(AntiForgery(session)).Append("<button type=\"submit\">Delete</button></form></td></tr>");
        }

        sb.Append("</tbody></table></div>");
        return Page("Buckets", session, sb.ToString(), "buckets");
    }

    private ConsoleAnswer CreateBucket(IFormCollection form, ConsoleSession session)
    {
        var name = form["name"].ToString().Trim();
        if (DirectoryBuckets.TryParseName(name, out var zone))
        {
            services.Storage.Buckets.Create(name, session.Account, directoryZone: zone);
        }
        else if (BucketNames.IsValid(name))
        {
            services.Storage.Buckets.Create(name, session.Account);
        }
        else
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketName, "Bucket names are 3 to 63 lowercase letters, digits, dots and hyphens (S3's rules).").With("BucketName", name);
        }

        return ConsoleAnswer.Redirect("/buckets");
    }

    private string ObjectsPage(HttpContext http, ConsoleSession session, BucketInfo bucket)
    {
        var prefix = Query(http, "prefix") ?? "";
        var delimiter = http.Request.Query.ContainsKey("delimiter") ? Query(http, "delimiter") : "/";
        var after = Query(http, "after");
        var versions = Query(http, "versions") == "1";
        var here = $"{ConsoleRoutes.Prefix}/buckets/{Q(bucket.Name)}";
        var sb = new StringBuilder();
        sb.Append("<nav class=\"bar\" aria-label=\"prefix\"><a href=\"").Append(here).Append("\">").Append(E(bucket.Name)).Append("</a>");
        var walked = "";
        foreach (var part in prefix.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            walked += part + "/";
            sb.Append(" / <a href=\"").Append(here).Append("?prefix=").Append(Q(walked)).Append("\">").Append(E(part)).Append("</a>");
        }

        sb.Append("</nav><form method=\"get\" action=\"").Append(here).Append("\" class=\"bar\"><label>Prefix <input name=\"prefix\" value=\"").Append(E(prefix))
            .Append("\"></label><label>Delimiter <input name=\"delimiter\" size=\"2\" value=\"").Append(E(delimiter)).Append("\"></label><label><input type=\"checkbox\" name=\"versions\" value=\"1\"")
            .Append(versions ? " checked" : "").Append("> versions</label><button type=\"submit\">List</button></form>");
        sb.Append("<form method=\"post\" enctype=\"multipart/form-data\" action=\"").Append(here).Append("/upload\" class=\"bar\">").Append(AntiForgery(session))
            .Append("<input type=\"hidden\" name=\"prefix\" value=\"").Append(E(prefix)).Append("\"><label>Upload to ").Append(E(prefix.Length == 0 ? "/" : prefix))
            .Append(" <input type=\"file\" name=\"file\" required></label><button type=\"submit\">Upload</button></form>");
        if (versions)
        {
            AppendVersions(sb, bucket, prefix, delimiter);
            return Page(bucket.Name, session, sb.ToString(), "buckets");
        }

        var page = services.Storage.Objects.List(bucket.Name, bucket.Owner, prefix, delimiter, after, ObjectsPerPage);
        sb.Append("<div class=\"scroll\"><table id=\"objects\"><thead><tr><th>Key</th><th class=\"n\">Size</th><th>Last modified</th><th>ETag</th><th>Class</th><th></th></tr></thead><tbody>");
        foreach (var p in page.CommonPrefixes)
        {
            sb.Append("<tr class=\"folder\"><td><a href=\"").Append(here).Append("?prefix=").Append(Q(p)).Append("&amp;delimiter=").Append(Q(delimiter)).Append("\">")
                .Append(E(p)).Append("</a></td><td></td><td></td><td></td><td></td><td></td></tr>");
        }

        foreach (var o in page.Objects)
        {
            sb.Append("<tr data-key=\"").Append(E(o.Key)).Append("\"><td><a href=\"").Append(here).Append("/object?key=").Append(Q(o.Key)).Append("\">").Append(E(o.Key))
                .Append("</a></td><td class=\"n\">").Append(Bytes(o.Size)).Append("</td><td>").Append(Time(o.LastModified)).Append("</td><td>").Append(E(o.ETag))
                .Append("</td><td>").Append(E(Handlers.ListHandlers.StorageClass(o))).Append("</td><td><a href=\"").Append(here).Append("/download?key=").Append(Q(o.Key))
                .Append("\">Download</a> <form method=\"post\" class=\"inline\" action=\"").Append(here).Append("/delete-object\">").Append(AntiForgery(session))
                .Append("<input type=\"hidden\" name=\"key\" value=\"").Append(E(o.Key)).Append("\"><button type=\"submit\">Delete</button></form></td></tr>");
        }

        sb.Append("</tbody></table></div>");
        if (page.Objects.Count == 0 && page.CommonPrefixes.Count == 0)
        {
            sb.Append("<p class=\"note\">Nothing under this prefix.</p>");
        }

        if (page.IsTruncated && page.LastReturned is { } last)
        {
            sb.Append("<p><a rel=\"next\" href=\"").Append(here).Append("?prefix=").Append(Q(prefix)).Append("&amp;delimiter=").Append(Q(delimiter)).Append("&amp;after=")
                .Append(Q(last)).Append("\">Next page</a></p>");
        }

        return Page(bucket.Name, session, sb.ToString(), "buckets");
    }

    private void AppendVersions(StringBuilder sb, BucketInfo bucket, string prefix, string? delimiter)
    {
        var listing = services.Storage.Objects.ListVersions(bucket.Name, bucket.Owner, prefix, delimiter, null, null, ObjectsPerPage);
        sb.Append("<div class=\"scroll\"><table id=\"versions\"><thead><tr><th>Key</th><th>Version</th><th>Latest</th><th class=\"n\">Size</th><th>Last modified</th><th>ETag</th></tr></thead><tbody>");
        foreach (var v in listing.Versions)
        {
            sb.Append("<tr><td>").Append(E(v.Key)).Append("</td><td>").Append(E(v.VersionId)).Append(v.IsDeleteMarker ? " (delete marker)" : "").Append("</td><td>")
                .Append(v.IsLatest ? "yes" : "").Append("</td><td class=\"n\">").Append(Bytes(v.Size)).Append("</td><td>").Append(Time(v.LastModified)).Append("</td><td>")
                .Append(E(v.ETag)).Append("</td></tr>");
        }

        sb.Append("</tbody></table></div>");
        if (listing.IsTruncated)
        {
            sb.Append("<p class=\"note\">The first ").Append(ObjectsPerPage).Append(" versions are shown.</p>");
        }
    }

    private string ObjectPage(HttpContext http, ConsoleSession session, BucketInfo bucket)
    {
        var key = Query(http, "key") ?? throw new S3Exception(S3ErrorCode.InvalidArgument, "Name an object with ?key=.");
        var o = services.Storage.Objects.Head(bucket.Name, key, bucket.Owner);
        var here = $"{ConsoleRoutes.Prefix}/buckets/{Q(bucket.Name)}";
        var sb = new StringBuilder("<div class=\"scroll\"><table id=\"details\"><tbody>");
        void Row(string name, string value) => sb.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
        Row("Bucket", bucket.Name);
        Row("Key", o.Key);
        Row("Size", $"{N(o.Size)} bytes");
        Row("Last modified", Time(o.LastModified));
        Row("ETag", o.ETag);
        Row("Version", o.VersionId);
        Row("Storage class", Handlers.ListHandlers.StorageClass(o));
        Row("Checksum", o.Checksum is { } c ? $"{ChecksumNames.WireName(c.Algorithm)} {c.Value} ({ChecksumNames.TypeName(c.Type)})" : "none");
        Row("Parts", o.PartsCount == 0 ? "written whole" : N(o.PartsCount));
        Row("Appends", N(o.Appends));
        Row("Segments", N(services.Storage.Objects.SegmentCount(o.Id)));
        Row("Owner (ACL)", o.Owner);
        Row("Encryption at rest", SseDocument.FromJson(o.Encryption)?.Mode.ToString() ?? "none");
        foreach (var (name, value) in o.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            Row(name, value);
        }

        foreach (var t in o.Tags)
        {
            Row("tag " + t.Key, t.Value);
        }

        sb.Append("</tbody></table></div><p><a href=\"").Append(here).Append("/download?key=").Append(Q(o.Key)).Append("\">Download</a></p>");
        if (o.PartsCount > 0)
        {
            sb.Append("<h2>Parts</h2><div class=\"scroll\"><table><thead><tr><th class=\"n\">Part</th><th class=\"n\">Size</th><th>ETag</th><th>Checksum</th></tr></thead><tbody>");
            foreach (var p in services.Storage.Objects.Parts(o.Id))
            {
                sb.Append("<tr><td class=\"n\">").Append(p.PartNumber).Append("</td><td class=\"n\">").Append(Bytes(p.Size)).Append("</td><td>").Append(E(p.ETag))
                    .Append("</td><td>").Append(E(p.Checksum ?? "")).Append("</td></tr>");
            }

            sb.Append("</tbody></table></div>");
        }

        return Page(o.Key, session, sb.ToString(), "buckets");
    }

    /// <summary>Streams an object to the browser as an attachment (an SSE-C object cannot be read without its key: refused).</summary>
    private async Task DownloadAsync(HttpContext http, BucketInfo bucket)
    {
        var key = Query(http, "key") ?? throw new S3Exception(S3ErrorCode.InvalidArgument, "Name an object with ?key=.");
        using var reader = services.Storage.Objects.Open(bucket.Name, key, bucket.Owner);
        reader.Decrypt(Sse.Open(SseDocument.FromJson(reader.Info.Encryption), RequestHeaders.From(new Dictionary<string, string>()), services.Keys));
        http.Response.StatusCode = 200;
        http.Response.ContentType = reader.Info.Attributes.GetValueOrDefault("content-type") ?? "application/octet-stream";
        http.Response.ContentLength = reader.Info.Size;
        var name = key.Contains('/') ? key[(key.LastIndexOf('/') + 1)..] : key;
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = name.Length == 0 ? "object" : name }.ToString();
        await using var stream = reader.OpenRange(0, reader.Info.Size);
        await stream.CopyToAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
    }

    private ConsoleAnswer DeleteObject(IFormCollection form, BucketInfo bucket)
    {
        var key = form["key"].ToString();
        services.Storage.Objects.Delete(bucket.Name, key, bucket.Owner);
        var prefix = key.Contains('/') ? key[..(key.LastIndexOf('/') + 1)] : "";
        return ConsoleAnswer.Redirect($"/buckets/{Q(bucket.Name)}?prefix={Q(prefix)}");
    }

    /// <summary>
    /// A file from the browser's form, streamed into the bucket as it arrives (nothing buffers it): the form's fields
    /// come in order, the anti-forgery token and the prefix before the file. The key is the prefix and the file's name.
    /// </summary>
    private async Task<ConsoleAnswer> UploadAsync(HttpContext http, ConsoleSession session, BucketInfo bucket)
    {
        var boundary = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) ? HeaderUtilities.RemoveQuotes(type.Boundary).Value : null;
        if (boundary is null || !string.Equals(type!.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "An upload is a multipart/form-data form.");
        }

        var reader = new MultipartReader(boundary, http.Request.Body);
        string? csrf = null;
        var prefix = "";
        for (var section = await reader.ReadNextSectionAsync(http.RequestAborted).ConfigureAwait(false); section is not null;
             section = await reader.ReadNextSectionAsync(http.RequestAborted).ConfigureAwait(false))
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (field is "csrf" or "prefix")
            {
                using var text = new StreamReader(section.Body, Encoding.UTF8);
                var value = await text.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
                (csrf, prefix) = field == "csrf" ? (value, prefix) : (csrf, value);
                continue;
            }

            if (field != "file")
            {
                continue;
            }

            if (!ConsoleSessions.Carries(session, csrf))
            {
                return ConsoleAnswer.Page(Page("Refused", session, "<p class=\"error\">This upload did not carry the page's anti-forgery token.</p>"), 403);
            }

            if (bucket.Access.Encryption is not null)
            {
                throw new S3Exception(S3ErrorCode.NotImplemented, "The console uploads only to buckets without default encryption.");
            }

            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "upload";
            var key = prefix + Path.GetFileName(fileName);
            Handlers.ObjectHeaders.CheckKey(key);
            var attributes = new Dictionary<string, string> { ["content-type"] = section.ContentType ?? "application/octet-stream" };
            var partSize = Math.Max(Options.Console.UploadPartSize, Options.MinPartSize);
            if (http.Request.ContentLength > partSize)
            {
                await UploadInPartsAsync(bucket, key, attributes, section.Body, partSize, http.RequestAborted).ConfigureAwait(false);
            }
            else
            {
                await services.Storage.Objects.PutAsync(new PutObjectCommand(bucket.Name, key, bucket.Owner, attributes, WriteConditions.None, BodyChecks.None),
                    section.Body, http.RequestAborted).ConfigureAwait(false);
            }

            return ConsoleAnswer.Redirect($"/buckets/{Q(bucket.Name)}?prefix={Q(prefix)}");
        }

        throw new S3Exception(S3ErrorCode.InvalidArgument, "The form carried no file.");
    }

    /// <summary>
    /// A large browser upload as a multipart upload: the file's bytes cut into parts of <paramref name="partSize"/> as
    /// they arrive (each part streamed into the engine, nothing buffered), completed at the end, aborted on any failure.
    /// </summary>
    private async Task UploadInPartsAsync(BucketInfo bucket, string key, Dictionary<string, string> attributes, Stream body, long partSize, CancellationToken ct)
    {
        var multipart = services.Storage.Multipart;
        var upload = multipart.Create(bucket.Name, key, bucket.Owner, attributes);
        try
        {
            var source = new Lookahead(body);
            var parts = new List<Storage.Multipart.CompletePart>();
            for (var n = 1; await source.HasMoreAsync(ct).ConfigureAwait(false); n++)
            {
                var part = await multipart.UploadPartAsync(new Storage.Multipart.UploadPartCommand(bucket.Name, key, upload.UploadId, n, bucket.Owner, BodyChecks.None),
                    new Window(source, partSize), ct).ConfigureAwait(false);
                parts.Add(new Storage.Multipart.CompletePart(n, part.Part.ETag));
            }

            multipart.Complete(new Storage.Multipart.CompleteCommand(bucket.Name, key, upload.UploadId, bucket.Owner, parts, WriteConditions.None));
        }
        catch
        {
            multipart.Abort(bucket.Name, key, upload.UploadId, bucket.Owner);
            throw;
        }
    }

    /// <summary>A stream that can say whether another byte follows before any is consumed (so no empty part is made).</summary>
    private sealed class Lookahead(Stream inner) : Storage.Streams.ReadOnlyStream
    {
        private readonly byte[] _one = new byte[1];
        private bool _held;

        public async ValueTask<bool> HasMoreAsync(CancellationToken ct)
        {
            if (!_held)
            {
                _held = await inner.ReadAsync(_one, ct).ConfigureAwait(false) == 1;
            }

            return _held;
        }

        public override int Read(Span<byte> buffer)
        {
            if (buffer.Length == 0)
            {
                return 0;
            }

            if (_held)
            {
                buffer[0] = _one[0];
                _held = false;
                return 1;
            }

            return inner.Read(buffer);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.Length == 0)
            {
                return 0;
            }

            if (_held)
            {
                buffer.Span[0] = _one[0];
                _held = false;
                return 1;
            }

            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The next <c>limit</c> bytes of a stream, and no more.</summary>
    private sealed class Window(Stream inner, long limit) : Storage.Streams.ReadOnlyStream
    {
        private long _left = limit;

        public override int Read(Span<byte> buffer)
        {
            if (_left == 0 || buffer.Length == 0)
            {
                return 0;
            }

            var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
            _left -= n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left == 0 || buffer.Length == 0)
            {
                return 0;
            }

            var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], cancellationToken).ConfigureAwait(false);
            _left -= n;
            return n;
        }
    }
}
