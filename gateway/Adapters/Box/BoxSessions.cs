using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Storage;
using Storage.Checksums;
using Storage.Multipart;
using Storage.Objects;

namespace Gateway.Adapters.Box;

/// <summary>
/// The upload-session calls. A session is a storage multipart upload (its id, upper-cased, is the session id)
/// created with SHA-1 part checksums, so every part's digest is verified as it streams in and kept with the part;
/// the file lands at <c>{folder_id}/{file_name}</c> in the adapter's bucket.
/// </summary>
internal sealed class BoxSessions(AdapterContext c, BoxOptions settings)
{
    private const string FileName = "box.file_name";
    private const string FolderId = "box.folder_id";
    private const string FileSize = "box.file_size";
    private const string PartSize = "box.part_size";
    private const int MaxListLimit = 1000;

    private string Bucket => settings.Bucket;

    private AdapterException Bad(BoxError e, string? message = null, JsonObject? context = null) => BoxErrors.Error(e, c.RequestId, message, context);

    public async Task<AdapterResponse> CreateAsync()
    {
        var body = await c.ReadJsonAsync(64 * 1024, m => Bad(BoxError.BadRequest, m)).ConfigureAwait(false) as JsonObject
            ?? throw Bad(BoxError.BadRequest, "The body must be a JSON object with folder_id, file_size and file_name.");
        var folder = Text(body, "folder_id") ?? throw Bad(BoxError.MissingDestination);
        var name = Text(body, "file_name") ?? throw Bad(BoxError.MissingFileName);
        if (name.Length > 255 || name is "." or ".." || name.IndexOfAny(['/', '\\']) >= 0 || name != name.Trim())
        {
            throw BoxErrors.Error(400, "item_name_invalid", "Item name invalid", c.RequestId);
        }

        if (body["file_size"] is not JsonValue v || !v.TryGetValue<long>(out var size) || size < 0 || size > settings.MaxFileSize)
        {
            throw Bad(BoxError.InvalidFileSize);
        }

        if (size < settings.MinFileSize)
        {
            throw Bad(BoxError.FileSizeTooSmall);
        }

        var key = folder + "/" + name;
        if (Exists(key) is { } existing)
        {
            throw Bad(BoxError.ItemNameInUse, context: new JsonObject { ["conflicts"] = new JsonObject { ["type"] = "file", ["id"] = existing.Id.ToString(CultureInfo.InvariantCulture), ["name"] = name } });
        }

        var partSize = PartSizeFor(size);
        var now = c.Services.Clock.UtcNow;
        var upload = c.Storage.Multipart.Create(Bucket, key, c.Account!, new Dictionary<string, string> { ["content-type"] = "application/octet-stream" },
            ChecksumAlgorithm.Sha1, ChecksumType.Composite,
            new UploadExtras(new Dictionary<string, string>
            {
                [FileName] = name,
                [FolderId] = folder,
                [FileSize] = size.ToString(CultureInfo.InvariantCulture),
                [PartSize] = partSize.ToString(CultureInfo.InvariantCulture),
            }, now + settings.SessionLifetime));
        return new AdapterResponse(201, SessionJson(upload, 0));
    }

    /// <summary>
    /// Box picks the part size; its rule is not published. This matches what Box is seen to give (8 MiB parts for a
    /// 445 MB file, 32 MiB for 1 GB) and keeps a session within 10,000 parts.
    /// </summary>
    internal long PartSizeFor(long fileSize)
    {
        var part = fileSize < 512L * 1024 * 1024 ? settings.PartSize : settings.PartSize * 4;
        while ((fileSize + part - 1) / part > 10000)
        {
            part *= 2;
        }

        return part;
    }

    public AdapterResponse Get(string id)
    {
        var (upload, _) = Session(id);
        return new AdapterResponse(200, SessionJson(upload, Parts(upload).Count));
    }

    /// <summary>
    /// Reads a part upload's session before the hooks run (the errors of a bad, unknown or expired session are
    /// answered here, first, as the handler would), and names the key, upload and, when the Content-Range is
    /// readable, the part number in the context. The handler takes the session from there.
    /// </summary>
    public void Resolve(string id)
    {
        var (upload, s) = Session(id);
        c.Resolved = (upload, s);
        c.Key = upload.Key;
        c.UploadId = upload.UploadId;
        if (TryContentRange(c.Header("Content-Range"), out var first, out _, out _) && first % s.PartSize == 0 && first / s.PartSize < int.MaxValue)
        {
            c.PartNumber = (int)(first / s.PartSize) + 1;
        }
    }

    public async Task<AdapterResponse> UploadPartAsync(string id)
    {
        var (upload, s) = c.Resolved is (UploadInfo resolved, SessionFields fields) ? (resolved, fields) : Session(id);
        var digest = Sha1Digest(c.Header("Digest"));
        var (first, last, total) = ContentRange(c.Header("Content-Range"));
        if (total != s.FileSize || first % s.PartSize != 0 || last >= s.FileSize
            || (last - first + 1 != s.PartSize && last != s.FileSize - 1) || last - first + 1 > s.PartSize)
        {
            throw Bad(BoxError.RangeNotSatisfiable, $"The content range {first}-{last}/{total} is not a part of this session (part size {s.PartSize}, file size {s.FileSize}).");
        }

        var length = last - first + 1;
        if (c.Http.Request.ContentLength is null && !c.Http.Request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            throw Bad(BoxError.LengthRequired);
        }

        if (c.Http.Request.ContentLength is { } declared && declared != length)
        {
            throw Bad(BoxError.BadRequest, $"Content-Length {declared} does not match the content range's {length} bytes.");
        }

        var number = (int)(first / s.PartSize) + 1;
        // Box parts are immutable: the same bytes again are the part already there; other bytes over it overlap it.
        // A part already there is answered before the body is read; one that lands while this body streams is
        // found by the commit, which keeps it (the check and the write are one transaction).
        if (c.Storage.Multipart.Part(Bucket, upload.Key, upload.UploadId, c.Account!, number) is { } existing)
        {
            return Existing(upload, existing, s, digest);
        }

        var stored = await c.Storage.Multipart.UploadPartAsync(
            new UploadPartCommand(Bucket, upload.Key, upload.UploadId, number, c.Account!, new BodyChecks(length, null, new ExpectedChecksum(ChecksumAlgorithm.Sha1, digest)))
            {
                Upload = upload,
                KeepExisting = true,
            },
            c.Body, c.Http.RequestAborted).ConfigureAwait(false);
        return stored.Kept ? Existing(upload, stored.Part, s, digest) : new AdapterResponse(200, new JsonObject { ["part"] = PartJson(upload, stored.Part, s) });
    }

    /// <summary>The answer to a part number that already has a part: that part, if it holds the same bytes; otherwise the overlap error.</summary>
    private AdapterResponse Existing(UploadInfo upload, PartInfo existing, SessionFields s, string digest)
    {
        var json = PartJson(upload, existing, s);
        if ((string)json["sha1"]! == Convert.ToHexStringLower(Convert.FromBase64String(digest)))
        {
            return new AdapterResponse(200, new JsonObject { ["part"] = json });
        }

        throw Bad(BoxError.RangeOverlapsExistingPart, context: new JsonObject { ["conflicting_part"] = json });
    }

    public AdapterResponse ListParts(string id)
    {
        var (upload, s) = Session(id);
        var offset = Number("offset", 0, 10000);
        var limit = Number("limit", 100, MaxListLimit);
        if (limit < 1)
        {
            throw Bad(BoxError.BadRequest, "limit must be at least 1.");
        }

        var parts = Parts(upload);
        var page = new JsonArray(parts.Skip(offset).Take(limit).Select(p => (JsonNode)PartJson(upload, p, s)).ToArray());
        return new AdapterResponse(200, new JsonObject { ["entries"] = page, ["limit"] = limit, ["offset"] = offset, ["total_count"] = parts.Count });
    }

    public async Task<AdapterResponse> CommitAsync(string id)
    {
        var (upload, s) = Session(id);
        var expected = Sha1Digest(c.Header("Digest"));
        var body = await c.ReadJsonAsync(4 * 1024 * 1024, m => Bad(BoxError.BadRequest, m)).ConfigureAwait(false) as JsonObject;
        if (body?["parts"] is not JsonArray listed || listed.Count == 0)
        {
            throw Bad(BoxError.BadRequest, "The body must list the session's parts: {\"parts\": [{\"part_id\", \"offset\", \"size\", \"sha1\"}]}.");
        }

        var stored = Parts(upload).ToDictionary(p => p.PartNumber);
        var chosen = new List<PartInfo>();
        var pending = false;
        foreach (var item in listed)
        {
            var (partId, offset, size, sha1) = ListedPart(item);
            var number = offset % s.PartSize == 0 ? (int)(offset / s.PartSize) + 1 : -1;
            if (!stored.TryGetValue(number, out var part))
            {
                // Not here (yet): its upload may still be in flight.
                pending = true;
                continue;
            }

            var json = PartJson(upload, part, s);
            if ((string)json["part_id"]! != partId || (long)json["size"]! != size || !string.Equals((string)json["sha1"]!, sha1, StringComparison.OrdinalIgnoreCase))
            {
                throw Bad(BoxError.BadRequest, $"Part {partId} at offset {offset} does not match the part uploaded there.");
            }

            chosen.Add(part);
        }

        chosen = chosen.DistinctBy(p => p.PartNumber).OrderBy(p => p.PartNumber).ToList();
        var covers = chosen.Count == s.TotalParts && chosen.Sum(p => p.Size) == s.FileSize;
        if (pending || (!covers && stored.Count < s.TotalParts))
        {
            return new AdapterResponse(202).With("Retry-After", "1");
        }

        if (!covers)
        {
            throw Bad(BoxError.BadRequest, $"The parts list covers {chosen.Sum(p => p.Size)} of the file's {s.FileSize} bytes.");
        }

        var actual = await WholeFileSha1(upload, chosen).ConfigureAwait(false);
        if (actual != expected)
        {
            throw Bad(BoxError.DigestMismatch, $"File digest was incorrect. Actual: {actual} Expected: {expected}");
        }

        var done = c.Storage.Multipart.Complete(new CompleteCommand(Bucket, upload.Key, upload.UploadId, c.Account!,
            chosen.Select(p => new CompletePart(p.PartNumber, p.ETag, ChecksumAlgorithm.Sha1, p.Checksum)).ToList(),
            new WriteConditions(IfNoneMatchAny: true, IfMatchETag: null), MinPartSize: s.PartSize));
        return new AdapterResponse(201, new JsonObject { ["total_count"] = 1, ["entries"] = new JsonArray(FileJson(done.Object, s, Convert.ToHexStringLower(Convert.FromBase64String(actual)))) });
    }

    public AdapterResponse Abort(string id)
    {
        var (upload, _) = Session(id);
        c.Storage.Multipart.Abort(Bucket, upload.Key, upload.UploadId, c.Account!);
        return new AdapterResponse(204);
    }

    // ---- sessions ----

    internal sealed record SessionFields(long FileSize, long PartSize, string FileName, string FolderId)
    {
        public int TotalParts => (int)Math.Max(1, (FileSize + PartSize - 1) / PartSize);
    }

    /// <summary>The caller's session: another account's, or one in another bucket, is not found; an expired one is 410.</summary>
    private (UploadInfo Upload, SessionFields Fields) Session(string id)
    {
        if (id.Length is 0 or > 64 || !id.All(char.IsAsciiHexDigit))
        {
            throw Bad(BoxError.InvalidSessionId);
        }

        var upload = c.Storage.Multipart.Lookup(id.ToLowerInvariant());
        if (upload is null || upload.Bucket != Bucket || upload.Owner != c.Account || !upload.Annotations.ContainsKey(FileSize))
        {
            throw Bad(BoxError.NotFound, "Could not find the specified resource");
        }

        if (upload.ExpiresAt is { } expires && expires <= c.Services.Clock.UtcNow)
        {
            throw Bad(BoxError.SessionExpired);
        }

        var a = upload.Annotations;
        return (upload, new SessionFields(long.Parse(a[FileSize], CultureInfo.InvariantCulture), long.Parse(a[PartSize], CultureInfo.InvariantCulture), a[FileName], a[FolderId]));
    }

    private List<PartInfo> Parts(UploadInfo upload) =>
        c.Storage.Multipart.ListParts(Bucket, upload.Key, upload.UploadId, c.Account!, 0, 100_000).Parts.ToList();

    private ObjectInfo? Exists(string key)
    {
        try
        {
            return c.Storage.Objects.Head(Bucket, key, c.Account!);
        }
        catch (Storage.Faults.StorageException e) when (e.Fault == Storage.Faults.StorageFault.ObjectNotFound)
        {
            return null;
        }
    }

    private async Task<string> WholeFileSha1(UploadInfo upload, List<PartInfo> parts)
    {
        await using var stream = c.Storage.Multipart.OpenParts(Bucket, upload.Key, upload.UploadId, c.Account!, parts.Select(p => p.PartNumber).ToList());
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        var buffer = new byte[256 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer, c.Http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            sha1.AppendData(buffer, 0, n);
        }

        return Convert.ToBase64String(sha1.GetHashAndReset());
    }

    // ---- documents ----

    private string SessionUrl(string id) => $"{c.Http.Request.Scheme}://{c.Http.Request.Host}/api/2.0/files/upload_sessions/{id}";

    private JsonObject SessionJson(UploadInfo upload, int processed)
    {
        var a = upload.Annotations;
        var fields = new SessionFields(long.Parse(a[FileSize], CultureInfo.InvariantCulture), long.Parse(a[PartSize], CultureInfo.InvariantCulture), a[FileName], a[FolderId]);
        var id = upload.UploadId.ToUpperInvariant();
        var url = SessionUrl(id);
        return new JsonObject
        {
            ["id"] = id,
            ["type"] = "upload_session",
            ["session_expires_at"] = Time(upload.ExpiresAt ?? upload.Initiated),
            ["part_size"] = fields.PartSize,
            ["total_parts"] = fields.TotalParts,
            ["num_parts_processed"] = processed,
            ["session_endpoints"] = new JsonObject
            {
                ["upload_part"] = url,
                ["commit"] = url + "/commit",
                ["abort"] = url,
                ["list_parts"] = url + "/parts",
                ["status"] = url,
                ["log_event"] = url + "/log",
            },
        };
    }

    /// <summary>A part as Box shows it: an 8-hex-digit id (stable for the session and part), its offset, size and hex SHA-1.</summary>
    private static JsonObject PartJson(UploadInfo upload, PartInfo part, SessionFields s) => new()
    {
        ["part_id"] = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(upload.UploadId + ":" + part.PartNumber.ToString(CultureInfo.InvariantCulture))).AsSpan(0, 4)),
        ["offset"] = (part.PartNumber - 1) * s.PartSize,
        ["size"] = part.Size,
        ["sha1"] = part.Checksum is { } b64 ? Convert.ToHexStringLower(Convert.FromBase64String(b64)) : "",
    };

    private JsonObject FileJson(ObjectInfo o, SessionFields s, string sha1Hex)
    {
        var id = o.Id.ToString(CultureInfo.InvariantCulture);
        var user = new JsonObject { ["type"] = "user", ["id"] = UserId(o.Owner), ["name"] = o.Owner, ["login"] = o.Owner };
        var at = Time(o.LastModified);
        return new JsonObject
        {
            ["type"] = "file",
            ["id"] = id,
            ["etag"] = "0",
            ["sequence_id"] = "0",
            ["name"] = s.FileName,
            ["sha1"] = sha1Hex,
            ["file_version"] = new JsonObject { ["type"] = "file_version", ["id"] = id, ["sha1"] = sha1Hex },
            ["description"] = "",
            ["size"] = o.Size,
            ["path_collection"] = new JsonObject { ["total_count"] = 1, ["entries"] = new JsonArray(Folder(s.FolderId)) },
            ["created_at"] = at,
            ["modified_at"] = at,
            ["trashed_at"] = null,
            ["purged_at"] = null,
            ["content_created_at"] = at,
            ["content_modified_at"] = at,
            ["created_by"] = user.DeepClone(),
            ["modified_by"] = user.DeepClone(),
            ["owned_by"] = user,
            ["shared_link"] = null,
            ["parent"] = Folder(s.FolderId),
            ["item_status"] = "active",
        };
    }

    private static JsonObject Folder(string id) => new()
    {
        ["type"] = "folder",
        ["id"] = id,
        ["sequence_id"] = null,
        ["etag"] = null,
        ["name"] = id == "0" ? "All Files" : id,
    };

    /// <summary>A stable numeric user id for an account (Box ids are numbers).</summary>
    private static string UserId(string account) =>
        (BitConverter.ToUInt32(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(account)).AsSpan(0, 4)) % 1_000_000_000).ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // ---- request fields ----

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && (v.TryGetValue<string>(out var s) ? s : v.TryGetValue<long>(out var n) ? n.ToString(CultureInfo.InvariantCulture) : null) is { Length: > 0 } text ? text : null;

    private int Number(string name, int fallback, int max)
    {
        var text = c.Query.Get(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max ? n
            : throw Bad(BoxError.BadRequest, $"{name} must be an integer from 0 to {max}.");
    }

    /// <summary>"sha=&lt;base64 SHA-1&gt;" (the prefix in any case); Box takes SHA-1 only.</summary>
    private string Sha1Digest(string? header)
    {
        if (header is null)
        {
            throw Bad(BoxError.BadRequest, "The Digest header is required: sha=<base64 SHA-1 of the content>.");
        }

        var eq = header.IndexOf('=');
        if (eq < 0 || !header[..eq].Trim().Equals("sha", StringComparison.OrdinalIgnoreCase))
        {
            throw Bad(BoxError.BadRequest, "Only SHA-1 is supported: the Digest header must be sha=<base64 SHA-1 of the content>.");
        }

        var value = header[(eq + 1)..].Trim();
        return ChecksumAlgorithms.IsValidValue(ChecksumAlgorithm.Sha1, value) ? value
            : throw Bad(BoxError.BadRequest, "The Digest header's SHA-1 is not base64 of 20 bytes.");
    }

    /// <summary>"bytes first-last/total" (or, as Box's own example writes it, without "bytes ").</summary>
    private (long First, long Last, long Total) ContentRange(string? header)
    {
        if (header is null)
        {
            throw Bad(BoxError.BadRequest, "The Content-Range header is required: bytes <first>-<last>/<total>.");
        }

        return TryContentRange(header, out var first, out var last, out var total)
            ? (first, last, total)
            : throw Bad(BoxError.RangeNotSatisfiable, "The Content-Range header must be bytes <first>-<last>/<total>.");
    }

    private static bool TryContentRange(string? header, out long first, out long last, out long total)
    {
        first = last = total = 0;
        var text = header?.Trim();
        if (text is null)
        {
            return false;
        }

        if (text.StartsWith("bytes", StringComparison.OrdinalIgnoreCase))
        {
            text = text[5..].Trim();
        }

        var dash = text.IndexOf('-');
        var slash = text.IndexOf('/');
        return dash > 0 && slash > dash
            && long.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out first)
            && long.TryParse(text[(dash + 1)..slash], NumberStyles.None, CultureInfo.InvariantCulture, out last)
            && long.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out total) && last >= first;
    }

    private (string PartId, long Offset, long Size, string Sha1) ListedPart(JsonNode? item) =>
        item is JsonObject o && Text(o, "part_id") is { } id && o["offset"] is JsonValue off && off.TryGetValue<long>(out var offset)
            && o["size"] is JsonValue sz && sz.TryGetValue<long>(out var size) && Text(o, "sha1") is { } sha1
            ? (id, offset, size, sha1)
            : throw Bad(BoxError.BadRequest, "Each listed part needs part_id, offset, size and sha1.");
}
