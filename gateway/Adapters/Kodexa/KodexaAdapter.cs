using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Auth;
using Gateway.Pipeline;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Storage;
using Storage.Faults;
using Storage.Multipart;
using Storage.Objects;
using Storage.Streams;
using Storage.Usage;

namespace Gateway.Adapters.Kodexa;

/// <summary>The Kodexa intake operations (each a path segment; the direct upload has none).</summary>
internal enum KodexaOperation
{
    DirectUpload,
    PresignedUploadRequest,
    PresignedUploadComplete,
    MultipartUploadRequest,
    MultipartUploadPartUrls,
    MultipartUploadComplete,
    MultipartUploadAbort,
    Unknown,
}

/// <summary>The Kodexa errors the adapter answers with (the codes are the adapter's: Kodexa does not publish its error format).</summary>
internal enum KodexaError
{
    Unauthorized,
    LargeUploadsDisabled,
    InvalidRequest,
    PathExists,
    UploadNotFound,
    TooLarge,
    NotFound,
    Internal,
}

/// <summary>
/// Kodexa intake uploads under <c>/api/intake/{org}/{slug}</c>: the direct multipart/form-data upload (256 MB), a
/// presigned S3 PUT, and presigned multipart (batched part URLs, complete, abort), all landing in the adapter's
/// bucket. Uploads are staged at <c>presigned-uploads/{org}/{slug}/{uploadId}/{path}</c> and the finished file is the
/// object <c>{org}/{slug}/{path}</c> (moved by a copy that shares its segments: no byte is copied).
/// </summary>
internal sealed class KodexaAdapter(KodexaOptions settings) : IAdapter
{
    private const string Prefix = "/api/intake/";

    public AdapterSettings Settings => settings;

    public FrontEnd FrontEnd => FrontEnd.Kodexa;

    /// <summary>The intake operations, by the path segment that names them (none: the direct upload).</summary>
    private static readonly (string Segment, KodexaOperation Operation)[] Operations =
    [
        ("direct-upload", KodexaOperation.DirectUpload),
        ("presigned-upload-request", KodexaOperation.PresignedUploadRequest),
        ("presigned-upload-complete", KodexaOperation.PresignedUploadComplete),
        ("multipart-upload-request", KodexaOperation.MultipartUploadRequest),
        ("multipart-upload-part-urls", KodexaOperation.MultipartUploadPartUrls),
        ("multipart-upload-complete", KodexaOperation.MultipartUploadComplete),
        ("multipart-upload-abort", KodexaOperation.MultipartUploadAbort),
    ];

    /// <summary>POST /api/intake/{org}/{slug}[/operation]: the route values are the organisation, the slug and the operation's segment.</summary>
    public void Route(AdapterContext c)
    {
        var path = Uri.UnescapeDataString(c.RawPath);
        var segments = path.StartsWith(Prefix, StringComparison.Ordinal) ? path[Prefix.Length..].TrimEnd('/').Split('/') : [];
        if (c.Method != "POST" || segments.Length is < 2 or > 3 || segments[0].Length == 0 || segments[1].Length == 0)
        {
            c.Operation = KodexaOperation.Unknown;
            return;
        }

        var name = segments.Length == 3 ? segments[2] : "direct-upload";
        var operation = Operations.FirstOrDefault(o => o.Segment == name) is { Segment: not null } known ? known.Operation : KodexaOperation.Unknown;
        c.Operation = operation;
        c.RouteValues = [segments[0], segments[1], name];
        c.Billing = operation switch
        {
            KodexaOperation.MultipartUploadAbort or KodexaOperation.Unknown => RequestClass.Other,
            KodexaOperation.DirectUpload or KodexaOperation.PresignedUploadRequest or KodexaOperation.PresignedUploadComplete or KodexaOperation.MultipartUploadRequest
                or KodexaOperation.MultipartUploadPartUrls or KodexaOperation.MultipartUploadComplete => RequestClass.WriteOrList,
        };
    }

    public string? Token(AdapterContext c) =>
        c.Header("x-api-key") ?? (c.Header("Authorization") is { } a && a.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? a[7..].Trim() : null);

    public AdapterException Unauthorized(AdapterContext c) => Error(KodexaError.Unauthorized, c, "The intake token (x-api-key) is missing or not valid.");

    public ValueTask ResolveAsync(AdapterContext c) => ValueTask.CompletedTask;

    public async Task<AdapterResponse> HandleAsync(AdapterContext c)
    {
        if (c.RouteValues.Count == 0)
        {
            throw Error(KodexaError.NotFound, c, "Not found: intake endpoints are POST /api/intake/{org}/{slug}[/operation].");
        }

        var intake = new Intake(c.RouteValues[0], c.RouteValues[1]);
        var operation = (KodexaOperation)c.Operation!;
        if (operation != KodexaOperation.DirectUpload && !LargeUploads(intake))
        {
            throw Error(KodexaError.LargeUploadsDisabled, c, "Large uploads are not enabled for this intake: turn on Enable large uploads in its settings.");
        }

        var uploads = new KodexaUploads(c, settings, intake, this);
        return operation switch
        {
            KodexaOperation.DirectUpload => await uploads.DirectAsync().ConfigureAwait(false),
            KodexaOperation.PresignedUploadRequest => uploads.PresignedRequest(),
            KodexaOperation.PresignedUploadComplete => await uploads.PresignedCompleteAsync().ConfigureAwait(false),
            KodexaOperation.MultipartUploadRequest => uploads.MultipartRequest(),
            KodexaOperation.MultipartUploadPartUrls => await uploads.PartUrlsAsync().ConfigureAwait(false),
            KodexaOperation.MultipartUploadComplete => await uploads.MultipartCompleteAsync().ConfigureAwait(false),
            KodexaOperation.MultipartUploadAbort => uploads.Abort(),
            KodexaOperation.Unknown => throw Error(KodexaError.NotFound, c, $"Unknown intake operation '{c.RouteValues[2]}'."),
        };
    }

    private bool LargeUploads(Intake intake) =>
        settings.Intakes.FirstOrDefault(i => i.Org == intake.Org && i.Slug == intake.Slug) is { } own ? own.LargeUploads : settings.LargeUploads;

    public AdapterException Map(StorageException fault, AdapterContext context) => fault.Fault switch
    {
        StorageFault.UploadNotFound => Error(KodexaError.UploadNotFound, context, "The upload was not found: it was completed, aborted or never requested."),
        StorageFault.ObjectNotFound => Error(KodexaError.UploadNotFound, context, "Nothing was uploaded to s3Key yet: PUT the file to the uploadUrl first."),
        StorageFault.UnknownPart or StorageFault.PartsOutOfOrder or StorageFault.PartTooSmall or StorageFault.TooManyParts
            => Error(KodexaError.InvalidRequest, context, "The parts list does not match the uploaded parts: " + fault.Fault + "."),
        StorageFault.TooLarge => Error(KodexaError.TooLarge, context, "The file is larger than the intake accepts."),
        StorageFault.ConditionFailed => Error(KodexaError.PathExists, context, "A document already exists at this path."),
        StorageFault.InsufficientStorage => Error(KodexaError.Internal, context, "The gateway's disk is full; nothing was stored."),
        // Faults a call of this adapter does not meet (or cannot answer better): an internal error naming the fault.
        StorageFault.BucketNotFound or StorageFault.NotOwner or StorageFault.BucketNameTaken or StorageFault.BucketAlreadyYours
            or StorageFault.BucketNotEmpty or StorageFault.VersionNotFound or StorageFault.VersionIsDeleteMarker or StorageFault.ObjectLocked
            or StorageFault.ObjectLockNotEnabled or StorageFault.InvalidBucketState or StorageFault.NoRetention or StorageFault.NotModified
            or StorageFault.RangeOutOfBounds or StorageFault.CopyRangeOutOfBounds or StorageFault.CopySourceTooLarge or StorageFault.LengthMismatch
            or StorageFault.Md5Mismatch or StorageFault.ChecksumMismatch or StorageFault.ChecksumNotReceived or StorageFault.PartNumberOutOfRange
            or StorageFault.ChecksumTypeNotSupported or StorageFault.PartChecksumAlgorithmMismatch or StorageFault.PartChecksumMismatch
            or StorageFault.UnexpectedPartChecksum or StorageFault.PartChecksumWrongAlgorithm or StorageFault.MissingPartChecksum
            or StorageFault.ChecksumTypeMismatch or StorageFault.ObjectChecksumMismatch
            or StorageFault.WriteOffsetMismatch or StorageFault.EmptyAppend or StorageFault.AppendChecksumMismatch or StorageFault.AppendToEncrypted
            => Error(KodexaError.Internal, context, "Storage refused the request: " + fault.Fault + "."),
    };

    public AdapterException Error(int status, string code, string message, AdapterContext context) =>
        Error(status switch { 404 => KodexaError.NotFound, 413 => KodexaError.TooLarge, >= 500 => KodexaError.Internal, _ => KodexaError.InvalidRequest }, context, message);

    /// <summary>The adapter's error document: <c>{"error", "message", "details": {"reason"}}</c> (Kodexa's API shows fragments of this shape).</summary>
    public AdapterException Error(KodexaError e, AdapterContext c, string message)
    {
        var (status, code) = e switch
        {
            KodexaError.Unauthorized => (401, "UNAUTHORIZED"),
            KodexaError.LargeUploadsDisabled => (403, "LARGE_UPLOADS_DISABLED"),
            KodexaError.InvalidRequest => (400, "INVALID_REQUEST"),
            KodexaError.PathExists => (400, "PATH_EXISTS"),
            KodexaError.UploadNotFound => (404, "UPLOAD_NOT_FOUND"),
            KodexaError.TooLarge => (413, "PAYLOAD_TOO_LARGE"),
            KodexaError.NotFound => (404, "NOT_FOUND"),
            KodexaError.Internal => (500, "INTERNAL_ERROR"),
        };
        return new AdapterException(status, new JsonObject { ["error"] = code, ["message"] = message, ["details"] = new JsonObject { ["reason"] = code }, ["requestId"] = c.RequestId }, message);
    }
}

/// <summary>An intake, named by organisation and slug.</summary>
internal sealed record Intake(string Org, string Slug)
{
    public string StagingPrefix => $"presigned-uploads/{Org}/{Slug}/";

    public string FinalKey(string path) => $"{Org}/{Slug}/{path}";
}

/// <summary>The intake calls of one request.</summary>
internal sealed class KodexaUploads(AdapterContext c, KodexaOptions settings, Intake intake, KodexaAdapter adapter)
{
    private string Bucket => settings.Bucket;

    private AdapterException Bad(string message) => adapter.Error(KodexaError.InvalidRequest, c, message);

    public async Task<AdapterResponse> DirectAsync()
    {
        if (c.Http.Request.ContentLength > settings.DirectUploadLimit)
        {
            throw adapter.Error(KodexaError.TooLarge, c, $"Direct uploads are limited to {settings.DirectUploadLimit} bytes: use a presigned or multipart upload.");
        }

        if (!MediaTypeHeaderValue.TryParse(c.Header("Content-Type"), out var media) || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(media.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw Bad("A direct upload is multipart/form-data with a file field.");
        }

        var reader = new MultipartReader(boundary, c.Body) { BodyLengthLimit = null };
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        ObjectInfo? stored = null;
        while (await reader.ReadNextSectionAsync(c.Http.RequestAborted).ConfigureAwait(false) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { } quoted)
            {
                throw Bad("A form part has no name.");
            }

            var name = HeaderUtilities.RemoveQuotes(quoted).Value!;
            if (name == "file")
            {
                if (stored is not null)
                {
                    throw Bad("This intake takes one file per upload.");
                }

                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "upload";
                var path = c.Query.Get("path") ?? fields.GetValueOrDefault("path") ?? fileName;
                CheckPath(path);
                var limited = new LimitedStream(section.Body, settings.DirectUploadLimit, () => adapter.Error(KodexaError.TooLarge, c, $"Direct uploads are limited to {settings.DirectUploadLimit} bytes."));
                stored = await c.Storage.Objects.PutAsync(new PutObjectCommand(Bucket, intake.FinalKey(path), c.Account!,
                    new Dictionary<string, string> { ["content-type"] = section.ContentType ?? "application/octet-stream" },
                    new WriteConditions(IfNoneMatchAny: true, IfMatchETag: null), new BodyChecks()), limited, c.Http.RequestAborted).ConfigureAwait(false);
                continue;
            }

            using var text = new StreamReader(section.Body);
            var value = await text.ReadToEndAsync(c.Http.RequestAborted).ConfigureAwait(false);
            fields[name] = value.Length <= 64 * 1024 ? value : throw Bad($"The form field {name} is too long.");
        }

        if (stored is null)
        {
            throw Bad("The form has no file field.");
        }

        return new AdapterResponse(200, DocumentFamily(stored, fields.GetValueOrDefault("metadata") is { } m ? Json(m) : null, fields.GetValueOrDefault("labels"), fields.GetValueOrDefault("documentVersion")));
    }

    public AdapterResponse PresignedRequest()
    {
        // The PUT's Content-Type is the client's to send; S3 keeps whatever it sends.
        var (path, _) = PathAndLength();
        var uploadId = Guid.NewGuid().ToString("N");
        var key = intake.StagingPrefix + uploadId + "/" + path;
        var now = c.Services.Clock.UtcNow;
        var url = Presign("PUT", key, [], now);
        return new AdapterResponse(200, new JsonObject { ["uploadUrl"] = url, ["s3Key"] = key, ["uploadId"] = uploadId, ["expiresAt"] = Time(now + settings.UrlLifetime) });
    }

    public async Task<AdapterResponse> PresignedCompleteAsync()
    {
        var key = StagedKey();
        var path = Required("path");
        CheckPath(path);
        var body = await c.ReadJsonAsync(1024 * 1024, Bad).ConfigureAwait(false) as JsonObject;
        var done = Move(key, path);
        return new AdapterResponse(200, DocumentFamily(done, body?["metadata"] as JsonObject, Text(body, "labels"), Text(body, "documentVersion")));
    }

    public AdapterResponse MultipartRequest()
    {
        var (path, contentType) = PathAndLength();
        var key = intake.StagingPrefix + Guid.NewGuid().ToString("N") + "/" + path;
        var upload = c.Storage.Multipart.Create(Bucket, key, c.Account!, new Dictionary<string, string> { ["content-type"] = contentType });
        return new AdapterResponse(200, new JsonObject { ["uploadId"] = upload.UploadId, ["s3Key"] = key, ["expiresAt"] = Time(c.Services.Clock.UtcNow + settings.UrlLifetime) });
    }

    public async Task<AdapterResponse> PartUrlsAsync()
    {
        var upload = Upload();
        var numbers = await c.ReadJsonAsync(64 * 1024, Bad).ConfigureAwait(false) as JsonArray
            ?? throw Bad("The body must be a JSON array of part numbers, e.g. [1, 2, 3].");
        if (numbers.Count == 0 || numbers.Count > settings.MaxPartUrls)
        {
            throw Bad($"Ask for 1 to {settings.MaxPartUrls} part URLs per call.");
        }

        var now = c.Services.Clock.UtcNow;
        var parts = new JsonArray();
        foreach (var n in numbers)
        {
            if (n is not JsonValue v || !v.TryGetValue<int>(out var number) || number < 1 || number > c.Storage.Multipart.Limits.MaxPartNumber)
            {
                throw Bad($"Part numbers are integers from 1 to {c.Storage.Multipart.Limits.MaxPartNumber}.");
            }

            parts.Add((JsonNode)new JsonObject
            {
                ["partNumber"] = number,
                ["uploadUrl"] = Presign("PUT", upload.Key, [("partNumber", number.ToString(CultureInfo.InvariantCulture)), ("uploadId", upload.UploadId)], now),
                ["expiresAt"] = Time(now + settings.UrlLifetime),
            });
        }

        return new AdapterResponse(200, new JsonObject { ["parts"] = parts });
    }

    public async Task<AdapterResponse> MultipartCompleteAsync()
    {
        var upload = Upload();
        var path = Required("path");
        CheckPath(path);
        var body = await c.ReadJsonAsync(4 * 1024 * 1024, Bad).ConfigureAwait(false) as JsonObject;
        if (body?["parts"] is not JsonArray listed || listed.Count == 0)
        {
            throw Bad("The body must list the parts: {\"parts\": [{\"partNumber\": 1, \"etag\": \"...\"}]}.");
        }

        var parts = new List<CompletePart>();
        foreach (var p in listed)
        {
            if (p is not JsonObject o || o["partNumber"] is not JsonValue n || !n.TryGetValue<int>(out var number) || Text(o, "etag") is not { } etag)
            {
                throw Bad("Each part needs partNumber and etag.");
            }

            parts.Add(new CompletePart(number, etag));
        }

        c.Storage.Multipart.Complete(new CompleteCommand(Bucket, upload.Key, upload.UploadId, c.Account!, parts, WriteConditions.None));
        var done = Move(upload.Key, path);
        return new AdapterResponse(200, DocumentFamily(done, body["metadata"] as JsonObject, Text(body, "labels"), Text(body, "documentVersion")));
    }

    public AdapterResponse Abort()
    {
        var upload = Upload();
        c.Storage.Multipart.Abort(Bucket, upload.Key, upload.UploadId, c.Account!);
        return new AdapterResponse(204);
    }

    // ---- helpers ----

    private string Required(string name) => c.Query.Get(name) is { Length: > 0 } v ? v : throw Bad($"The query parameter {name} is required.");

    private static string? Text(JsonObject? o, string name) => o?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonObject? Json(string text)
    {
        try
        {
            // Strict, as every JSON body: a duplicate name would otherwise throw on first access, after the file is stored.
            return JsonNode.Parse(text, documentOptions: new System.Text.Json.JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private (string Path, string ContentType) PathAndLength()
    {
        var path = Required("path");
        CheckPath(path);
        if (!long.TryParse(Required("contentLength"), NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length < 1)
        {
            throw Bad("contentLength must be a positive integer.");
        }

        if (length > c.Storage.Multipart.Limits.MaxObjectSize)
        {
            throw adapter.Error(KodexaError.TooLarge, c, "The file is larger than 5 TB.");
        }

        if (Exists(intake.FinalKey(path)))
        {
            throw adapter.Error(KodexaError.PathExists, c, $"A document already exists at path {path}.");
        }

        return (path, c.Query.Get("contentType") is { Length: > 0 } t ? t : "application/octet-stream");
    }

    private void CheckPath(string path)
    {
        if (path.Length is 0 or > 900 || path.StartsWith('/') || path.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw Bad("path must be a relative path without empty, '.' or '..' segments.");
        }
    }

    private bool Exists(string key)
    {
        try
        {
            c.Storage.Objects.Head(Bucket, key, c.Account!);
            return true;
        }
        catch (StorageException e) when (e.Fault == StorageFault.ObjectNotFound)
        {
            return false;
        }
    }

    /// <summary>The s3Key of this intake's staging area that the request names.</summary>
    private string StagedKey()
    {
        var key = Required("s3Key");
        return key.StartsWith(intake.StagingPrefix, StringComparison.Ordinal) ? key : throw adapter.Error(KodexaError.UploadNotFound, c, "s3Key is not an upload of this intake.");
    }

    private UploadInfo Upload()
    {
        var key = StagedKey();
        var id = Required("uploadId");
        return c.Storage.Multipart.Require(Bucket, key, id, c.Account!);
    }

    /// <summary>The staged file becomes the document's object (a copy that shares segments), and the staging key goes.</summary>
    private ObjectInfo Move(string staged, string path)
    {
        var done = c.Storage.Objects.Copy(new CopyObjectCommand(Bucket, staged, Bucket, intake.FinalKey(path), c.Account!, null, ReadConditions.None,
            new WriteConditions(IfNoneMatchAny: true, IfMatchETag: null)));
        c.Storage.Objects.Delete(Bucket, staged, c.Account!);
        return done;
    }

    private string Presign(string method, string key, IEnumerable<(string, string)> query, DateTimeOffset now) =>
        Presigner.Presign(method, c.S3BaseUri, Bucket, key, query, c.Account!, c.Secret, c.Services.Options.Region, now, settings.UrlLifetime);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The created document family, shaped as Kodexa's API returns one (ids derived from the object).</summary>
    private JsonObject DocumentFamily(ObjectInfo o, JsonObject? metadata, string? labels, string? version)
    {
        var id = DeterministicGuid("family:" + o.Bucket + "/" + o.Key + "@" + o.Id.ToString(CultureInfo.InvariantCulture));
        var contentId = DeterministicGuid("content:" + id);
        var at = Time(o.LastModified);
        var storeRef = intake.Org + "/" + intake.Slug;
        var path = o.Key[(intake.Org.Length + intake.Slug.Length + 2)..];
        return new JsonObject
        {
            ["id"] = id.ToString(),
            ["uuid"] = id.ToString("N"),
            ["changeSequence"] = 1,
            ["createdOn"] = at,
            ["updatedOn"] = at,
            ["created"] = at,
            ["modified"] = at,
            ["storeRef"] = storeRef,
            ["path"] = path,
            ["originalPath"] = path,
            ["size"] = o.Size,
            ["locked"] = false,
            ["deleted"] = false,
            ["pendingProcessing"] = false,
            ["metadata"] = metadata?.DeepClone() ?? new JsonObject(),
            ["metadataSource"] = new JsonObject(),
            ["labels"] = new JsonArray((labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => (JsonNode)new JsonObject { ["label"] = l }).ToArray()),
            ["mixins"] = new JsonArray(),
            ["contentObjects"] = new JsonArray(new JsonObject
            {
                ["id"] = contentId.ToString(),
                ["uuid"] = contentId.ToString("N"),
                ["changeSequence"] = 1,
                ["createdOn"] = at,
                ["updatedOn"] = at,
                ["contentType"] = "NATIVE",
                ["documentFamilyId"] = id.ToString(),
                ["documentVersion"] = version ?? "1.0",
                ["index"] = 0,
                ["metadata"] = new JsonObject(),
                ["mixins"] = new JsonArray(),
                ["labels"] = new JsonArray(),
                ["size"] = o.Size,
                ["storeRef"] = storeRef,
                ["created"] = at,
                ["modified"] = at,
            }),
        };
    }

    private static Guid DeterministicGuid(string text) => new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}

/// <summary>A body that may not exceed a limit: past it, the adapter's error (nothing is stored).</summary>
internal sealed class LimitedStream(Stream inner, long limit, Func<Exception> tooLarge) : ReadOnlyStream
{
    private long _read;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    private int Count(int n)
    {
        _read += n;
        return _read > limit ? throw tooLarge() : n;
    }
}
