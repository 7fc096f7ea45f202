using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Auth;
using Gateway.Pipeline;
using Storage.Faults;
using Storage.Multipart;
using Storage.Objects;
using Storage.Usage;

namespace Gateway.Adapters.TwelveLabs;

/// <summary>The Twelve Labs multipart-upload calls.</summary>
internal enum TwelveLabsOperation
{
    Create,
    ListIncomplete,
    GetStatus,
    ReportChunks,
    PresignedUrls,
    Unknown,
}

/// <summary>The Twelve Labs errors the adapter answers with (codes from Twelve Labs' error-code reference).</summary>
internal enum TwelveLabsError
{
    ParameterInvalid,
    ParameterNotProvided,
    ResourceNotExist,
    ApiKeyInvalid,
    Internal,
}

/// <summary>
/// Twelve Labs multipart asset uploads under <c>/v1.3/assets/multipart-uploads</c>. An upload is a storage multipart
/// upload at <c>assets/{asset_id}/{filename}</c>; chunk <c>i</c> is part <c>i</c>, PUT by the client to the gateway's own
/// presigned UploadPart URL; a chunk counts once it is reported with its ETag as proof, and the upload completes
/// (without copying) when every chunk is reported. The upload id is the asset id and a salt, so a finished
/// upload's status is found from its id alone.
/// </summary>
internal sealed class TwelveLabsAdapter(TwelveLabsOptions settings) : IAdapter
{
    private const string Base = "/v1.3/assets/multipart-uploads";
    private const string Reported = "tl.reported.";
    private static readonly string[] Types = ["video", "audio", "image"];

    public AdapterSettings Settings => settings;

    public FrontEnd FrontEnd => FrontEnd.TwelveLabs;

    public void Route(AdapterContext c)
    {
        var path = c.RawPath.TrimEnd('/');
        var rest = path == Base ? [] : path.StartsWith(Base + "/", StringComparison.Ordinal) ? path[(Base.Length + 1)..].Split('/') : null;
        (TwelveLabsOperation operation, c.Billing) = (c.Method, rest) switch
        {
            ("POST", []) => (TwelveLabsOperation.Create, RequestClass.WriteOrList),
            ("GET", []) => (TwelveLabsOperation.ListIncomplete, RequestClass.WriteOrList),
            ("GET", [_]) => (TwelveLabsOperation.GetStatus, RequestClass.Read),
            ("POST", [_]) => (TwelveLabsOperation.ReportChunks, RequestClass.WriteOrList),
            ("POST", [_, "presigned-urls"]) => (TwelveLabsOperation.PresignedUrls, RequestClass.WriteOrList),
            _ => (TwelveLabsOperation.Unknown, RequestClass.Other),
        };
        c.Operation = operation;
        if (operation is TwelveLabsOperation.GetStatus or TwelveLabsOperation.ReportChunks or TwelveLabsOperation.PresignedUrls)
        {
            c.RouteValues = [rest![0]];
            c.UploadId = rest[0];
        }
    }

    public string? Token(AdapterContext c) => c.Header("x-api-key");

    public AdapterException Unauthorized(AdapterContext c) =>
        Error(TwelveLabsError.ApiKeyInvalid, "API Key is either invalid or expired. Please check your API key or generate a new one from the dashboard and try again.");

    public ValueTask ResolveAsync(AdapterContext c) => ValueTask.CompletedTask;

    public async Task<AdapterResponse> HandleAsync(AdapterContext c) => (TwelveLabsOperation)c.Operation! switch
    {
        TwelveLabsOperation.Create => await CreateAsync(c).ConfigureAwait(false),
        TwelveLabsOperation.ListIncomplete => ListIncomplete(c),
        TwelveLabsOperation.GetStatus => Status(c, c.RouteValues[0]),
        TwelveLabsOperation.ReportChunks => await ReportAsync(c, c.RouteValues[0]).ConfigureAwait(false),
        TwelveLabsOperation.PresignedUrls => await MoreUrlsAsync(c, c.RouteValues[0]).ConfigureAwait(false),
        TwelveLabsOperation.Unknown => throw Error(TwelveLabsError.ResourceNotExist, $"No such endpoint: {c.Method} {c.RawPath.TrimEnd('/')}."),
    };

    private async Task<AdapterResponse> CreateAsync(AdapterContext c)
    {
        var body = await Body(c).ConfigureAwait(false);
        var filename = Text(body, "filename") ?? throw Error(TwelveLabsError.ParameterNotProvided, "The filename parameter is required but was not provided.");
        var type = Text(body, "type") ?? throw Error(TwelveLabsError.ParameterNotProvided, "The type parameter is required but was not provided.");
        if (body["total_size"] is null)
        {
            throw Error(TwelveLabsError.ParameterNotProvided, "The total_size parameter is required but was not provided.");
        }

        if (filename.Length > 255 || filename.Contains('/', StringComparison.Ordinal))
        {
            throw Error(TwelveLabsError.ParameterInvalid, "The filename parameter is invalid.");
        }

        if (!Types.Contains(type))
        {
            throw Error(TwelveLabsError.ParameterInvalid, "The type parameter is invalid.");
        }

        if (body["total_size"] is not JsonValue v || !v.TryGetValue<long>(out var total) || total < 1 || total > settings.MaxTotalSize)
        {
            throw Error(TwelveLabsError.ParameterInvalid, "The total_size parameter is invalid.");
        }

        var chunk = settings.ChunkSize;
        var chunks = (int)((total + chunk - 1) / chunk);
        var assetId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var uploadId = assetId + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var now = c.Services.Clock.UtcNow;
        var upload = c.Storage.Multipart.Create(settings.Bucket, $"assets/{assetId}/{filename}", c.Account!,
            new Dictionary<string, string> { ["content-type"] = "application/octet-stream", ["x-amz-meta-type"] = type, ["x-amz-meta-upload-id"] = uploadId },
            extras: new UploadExtras(new Dictionary<string, string>
            {
                ["tl.upload_id"] = uploadId,
                ["tl.total_size"] = total.ToString(CultureInfo.InvariantCulture),
                ["tl.chunk_size"] = chunk.ToString(CultureInfo.InvariantCulture),
            }, now + TimeSpan.FromHours(24)));
        return new AdapterResponse(201, new JsonObject
        {
            ["upload_id"] = uploadId,
            ["asset_id"] = assetId,
            ["upload_urls"] = Urls(c, upload, 1, Math.Min(settings.FirstBatch, chunks), now),
            ["upload_headers"] = new JsonObject(),
            ["chunk_size"] = chunk,
            ["total_chunks"] = chunks,
            ["expires_at"] = Time(upload.ExpiresAt!.Value),
        });
    }

    private sealed record Session(UploadInfo Upload, string UploadId, long TotalSize, long ChunkSize)
    {
        public int TotalChunks => (int)((TotalSize + ChunkSize - 1) / ChunkSize);

        public long SizeOf(int index) => index < TotalChunks ? ChunkSize : TotalSize - ((long)(TotalChunks - 1) * ChunkSize);

        public bool IsReported(int index) => Upload.Annotations.ContainsKey(Reported + index.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The caller's upload in progress, or, when it has completed, the asset object it became; else 404.</summary>
    private (Session? Active, ObjectInfo? Completed) Find(AdapterContext c, string uploadId)
    {
        if (uploadId.Length != 32 || !uploadId.All(char.IsAsciiHexDigit))
        {
            throw NotFound(uploadId);
        }

        var prefix = "assets/" + uploadId[..24] + "/";
        var upload = c.Storage.Multipart.ListUploads(settings.Bucket, c.Account!, prefix, null, null, null, 10).Uploads
            .FirstOrDefault(u => u.Annotations.GetValueOrDefault("tl.upload_id") == uploadId);
        if (upload is not null)
        {
            var a = upload.Annotations;
            return (new Session(upload, uploadId, long.Parse(a["tl.total_size"], CultureInfo.InvariantCulture), long.Parse(a["tl.chunk_size"], CultureInfo.InvariantCulture)), null);
        }

        var done = c.Storage.Objects.List(settings.Bucket, c.Account!, prefix, null, null, 2).Objects
            .FirstOrDefault(o => o.Attributes.GetValueOrDefault("x-amz-meta-upload-id") == uploadId);
        return done is not null ? (null, done) : throw NotFound(uploadId);
    }

    private static AdapterException NotFound(string uploadId) =>
        Error(TwelveLabsError.ResourceNotExist, $"Resource with id {uploadId} does not exist in multipart_uploads.", 404);

    private AdapterResponse Status(AdapterContext c, string uploadId)
    {
        var (session, completed) = Find(c, uploadId);
        var (page, limit) = Paging(c);
        var now = Time(c.Services.Clock.UtcNow);
        if (completed is not null)
        {
            var n = (int)Math.Max(1, (completed.Size + settings.ChunkSize - 1) / settings.ChunkSize);
            return new AdapterResponse(200, StatusJson(uploadId, "completed", Enumerable.Range(1, n).Select(i => ChunkJson(i, true, Time(completed.LastModified))),
                n, 0, completed.Size, completed.Size, page, limit, Time(completed.LastModified), Time(completed.LastModified)));
        }

        var s = session!;
        var parts = c.Storage.Multipart.ListParts(settings.Bucket, s.Upload.Key, s.Upload.UploadId, c.Account!, 0, 10_000).Parts.ToDictionary(p => p.PartNumber);
        var done = Enumerable.Range(1, s.TotalChunks).Where(s.IsReported).ToList();
        var uploaded = done.Sum(i => parts.TryGetValue(i, out var p) ? p.Size : 0);
        return new AdapterResponse(200, StatusJson(uploadId, "active",
            Enumerable.Range(1, s.TotalChunks).Select(i => ChunkJson(i, s.IsReported(i), s.IsReported(i) && parts.TryGetValue(i, out var p) ? Time(p.LastModified) : null)),
            done.Count, s.TotalChunks - done.Count, uploaded, s.TotalSize, page, limit, Time(s.Upload.Initiated), now));
    }

    private static JsonObject ChunkJson(int index, bool completed, string? at) => new()
    {
        ["index"] = index,
        ["status"] = completed ? "completed" : "pending",
        ["uploaded_at"] = completed ? at : null,
        ["updated_at"] = at,
    };

    private static JsonObject StatusJson(string uploadId, string status, IEnumerable<JsonObject> chunks, int completed, int pending, long uploaded, long total,
        int page, int limit, string created, string updated)
    {
        var all = chunks.ToList();
        return new JsonObject
        {
            ["upload_id"] = uploadId,
            ["status"] = status,
            ["uploaded_chunks"] = new JsonArray(all.Skip((page - 1) * limit).Take(limit).Select(j => (JsonNode)j).ToArray()),
            ["chunks_completed"] = completed,
            ["chunks_failed"] = 0,
            ["chunks_pending"] = pending,
            ["page_info"] = PageInfo(page, limit, all.Count),
            ["total_size"] = total,
            ["uploaded_size"] = uploaded,
            ["created_at"] = created,
            ["updated_at"] = updated,
        };
    }

    private async Task<AdapterResponse> ReportAsync(AdapterContext c, string uploadId)
    {
        var (session, completed) = Find(c, uploadId);
        var body = await Body(c).ConfigureAwait(false);
        if (body["completed_chunks"] is not JsonArray reports || reports.Count == 0)
        {
            throw Error(TwelveLabsError.ParameterNotProvided, "The completed_chunks parameter is required but was not provided.");
        }

        if (completed is not null)
        {
            return new AdapterResponse(200, ReportJson(c, completed, 0, reports.Count, (int)Math.Max(1, (completed.Size + settings.ChunkSize - 1) / settings.ChunkSize)));
        }

        var s = session!;
        var parts = c.Storage.Multipart.ListParts(settings.Bucket, s.Upload.Key, s.Upload.UploadId, c.Account!, 0, 10_000).Parts.ToDictionary(p => p.PartNumber);
        var fresh = new Dictionary<string, string>();
        var duplicates = 0;
        foreach (var item in reports)
        {
            if (item is not JsonObject r || r["chunk_index"] is not JsonValue iv || !iv.TryGetValue<int>(out var index) || Text(r, "proof") is not { } proof
                || r["chunk_size"] is not JsonValue sv || !sv.TryGetValue<long>(out var size))
            {
                throw Error(TwelveLabsError.ParameterNotProvided, "The following required parameters were not provided: chunk_index, proof, proof_type, chunk_size.");
            }

            if (Text(r, "proof_type") != "etag")
            {
                throw Error(TwelveLabsError.ParameterInvalid, "The proof_type parameter is invalid.");
            }

            if (index < 1 || index > s.TotalChunks || size != s.SizeOf(index))
            {
                throw Error(TwelveLabsError.ParameterInvalid, $"The chunk_index or chunk_size parameter is invalid for chunk {index} (chunks 1 to {s.TotalChunks}; each {s.ChunkSize} bytes but the last).");
            }

            // The proof is the ETag S3 gave the chunk's PUT: it must be the part that is stored, whole.
            if (!parts.TryGetValue(index, out var part) || part.ETag != ETags.Unquote(proof) || part.Size != size)
            {
                throw Error(TwelveLabsError.ParameterInvalid, $"The proof parameter is invalid: chunk {index} was not uploaded with that ETag.");
            }

            var keyName = Reported + index.ToString(CultureInfo.InvariantCulture);
            if (s.IsReported(index) || fresh.ContainsKey(keyName))
            {
                duplicates++;
                continue;
            }

            fresh[keyName] = part.ETag;
        }

        var upload = fresh.Count > 0 ? c.Storage.Multipart.Annotate(settings.Bucket, s.Upload.Key, s.Upload.UploadId, c.Account!, fresh) : s.Upload;
        var now = s with { Upload = upload };
        var reported = Enumerable.Range(1, now.TotalChunks).Count(now.IsReported);
        if (reported < now.TotalChunks)
        {
            return new AdapterResponse(200, new JsonObject
            {
                ["asset_id"] = AssetId(uploadId),
                ["processed_chunks"] = fresh.Count,
                ["duplicate_chunks"] = duplicates,
                ["total_completed"] = reported,
            });
        }

        // Every chunk is reported: the upload completes. Two reports finishing at once both get this answer (a
        // retried Complete returns the object the first made).
        var result = c.Storage.Multipart.Complete(new CompleteCommand(settings.Bucket, s.Upload.Key, s.Upload.UploadId, c.Account!,
            Enumerable.Range(1, now.TotalChunks).Select(i => new CompletePart(i, parts[i].ETag)).ToList(), WriteConditions.None, MinPartSize: s.ChunkSize));
        return new AdapterResponse(200, ReportJson(c, result.Object, fresh.Count, duplicates, now.TotalChunks));
    }

    private JsonObject ReportJson(AdapterContext c, ObjectInfo asset, int processed, int duplicates, int total) => new()
    {
        ["url"] = Presigner.Presign("GET", c.S3BaseUri, settings.Bucket, asset.Key, [], c.Account!, c.Secret, c.Services.Options.Region, c.Services.Clock.UtcNow, settings.UrlLifetime),
        ["asset_id"] = asset.Key.Split('/')[1],
        ["processed_chunks"] = processed,
        ["duplicate_chunks"] = duplicates,
        ["total_completed"] = total,
    };

    private async Task<AdapterResponse> MoreUrlsAsync(AdapterContext c, string uploadId)
    {
        var (session, _) = Find(c, uploadId);
        var s = session ?? throw Error(TwelveLabsError.ParameterInvalid, "The upload is completed: it takes no more chunks.");
        var body = await Body(c).ConfigureAwait(false);
        if (body["start"] is not JsonValue sv || !sv.TryGetValue<int>(out var start) || body["count"] is not JsonValue cv || !cv.TryGetValue<int>(out var count))
        {
            throw Error(TwelveLabsError.ParameterNotProvided, "The following required parameters were not provided: start, count.");
        }

        if (start < 1 || start > s.TotalChunks || count < 1 || count > 50)
        {
            throw Error(TwelveLabsError.ParameterInvalid, $"The start or count parameter is invalid (start from 1 to {s.TotalChunks}, count from 1 to 50).");
        }

        var now = c.Services.Clock.UtcNow;
        var last = Math.Min(s.TotalChunks, start + count - 1);
        return new AdapterResponse(200, new JsonObject
        {
            ["upload_id"] = uploadId,
            ["start_index"] = start,
            ["count"] = last - start + 1,
            ["upload_urls"] = Urls(c, s.Upload, start, last - start + 1, now),
            ["generated_at"] = Time(now),
            ["expires_at"] = Time(now + settings.UrlLifetime),
        });
    }

    private AdapterResponse ListIncomplete(AdapterContext c)
    {
        var (page, limit) = Paging(c);
        var all = c.Storage.Multipart.ListUploads(settings.Bucket, c.Account!, "assets/", null, null, null, 10_000).Uploads
            .Where(u => u.Annotations.ContainsKey("tl.upload_id")).OrderBy(u => u.Initiated).ToList();
        var data = new JsonArray(all.Skip((page - 1) * limit).Take(limit).Select(u =>
        {
            var total = long.Parse(u.Annotations["tl.total_size"], CultureInfo.InvariantCulture);
            var chunk = long.Parse(u.Annotations["tl.chunk_size"], CultureInfo.InvariantCulture);
            return (JsonNode)new JsonObject
            {
                ["upload_id"] = u.Annotations["tl.upload_id"],
                ["status"] = "active",
                ["total_size"] = total,
                ["chunk_size"] = chunk,
                ["total_chunks"] = (total + chunk - 1) / chunk,
                ["created_at"] = Time(u.Initiated),
                ["expires_at"] = u.ExpiresAt is { } e ? Time(e) : null,
            };
        }).ToArray());
        return new AdapterResponse(200, new JsonObject { ["data"] = data, ["page_info"] = PageInfo(page, limit, all.Count) });
    }

    private JsonArray Urls(AdapterContext c, UploadInfo upload, int start, int count, DateTimeOffset now) =>
        new(Enumerable.Range(start, count).Select(i => (JsonNode)new JsonObject
        {
            ["chunk_index"] = i,
            ["url"] = Presigner.Presign("PUT", c.S3BaseUri, settings.Bucket, upload.Key,
                [("partNumber", i.ToString(CultureInfo.InvariantCulture)), ("uploadId", upload.UploadId)], c.Account!, c.Secret, c.Services.Options.Region, now, settings.UrlLifetime),
            ["expires_at"] = Time(now + settings.UrlLifetime),
        }).ToArray());

    private (int Page, int Limit) Paging(AdapterContext c)
    {
        var page = Int(c, "page", 1, 1, int.MaxValue);
        var limit = Int(c, "page_limit", 10, 1, 50);
        return (page, limit);
    }

    private int Int(AdapterContext c, string name, int fallback, int min, int max) =>
        c.Query.Get(name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : throw Error(TwelveLabsError.ParameterInvalid, $"The {name} parameter is invalid.");

    private static JsonObject PageInfo(int page, int limit, int total) => new()
    {
        ["limit_per_page"] = limit,
        ["page"] = page,
        ["total_page"] = Math.Max(1, (total + limit - 1) / limit),
        ["total_results"] = total,
    };

    private static string AssetId(string uploadId) => uploadId[..24];

    private async Task<JsonObject> Body(AdapterContext c) =>
        await c.ReadJsonAsync(1024 * 1024, m => Error(TwelveLabsError.ParameterInvalid, "The request contains some invalid parameters: " + m)).ConfigureAwait(false) as JsonObject
        ?? throw Error(TwelveLabsError.ParameterInvalid, "The request contains some invalid parameters: the body must be a JSON object.");

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public AdapterException Map(StorageException fault, AdapterContext context) => fault.Fault switch
    {
        StorageFault.UploadNotFound => Error(TwelveLabsError.ResourceNotExist, "The upload does not exist in multipart_uploads.", 404),
        StorageFault.UnknownPart or StorageFault.PartTooSmall => Error(TwelveLabsError.ParameterInvalid, "The chunks do not match the upload: " + fault.Fault + "."),
        StorageFault.InsufficientStorage => Error(TwelveLabsError.Internal, "The gateway's disk is full; nothing was stored."),
        // Faults a call of this adapter does not meet (or cannot answer better): an internal error naming the fault.
        StorageFault.BucketNotFound or StorageFault.NotOwner or StorageFault.BucketNameTaken or StorageFault.BucketAlreadyYours
            or StorageFault.BucketNotEmpty or StorageFault.ObjectNotFound or StorageFault.VersionNotFound or StorageFault.VersionIsDeleteMarker
            or StorageFault.ObjectLocked or StorageFault.ObjectLockNotEnabled or StorageFault.InvalidBucketState or StorageFault.NoRetention
            or StorageFault.ConditionFailed or StorageFault.NotModified or StorageFault.RangeOutOfBounds or StorageFault.CopyRangeOutOfBounds
            or StorageFault.CopySourceTooLarge or StorageFault.TooLarge or StorageFault.LengthMismatch or StorageFault.Md5Mismatch
            or StorageFault.ChecksumMismatch or StorageFault.ChecksumNotReceived or StorageFault.PartNumberOutOfRange
            or StorageFault.ChecksumTypeNotSupported or StorageFault.PartChecksumAlgorithmMismatch or StorageFault.PartChecksumMismatch
            or StorageFault.UnexpectedPartChecksum or StorageFault.PartChecksumWrongAlgorithm or StorageFault.MissingPartChecksum
            or StorageFault.ChecksumTypeMismatch or StorageFault.ObjectChecksumMismatch or StorageFault.PartsOutOfOrder or StorageFault.TooManyParts
            or StorageFault.WriteOffsetMismatch or StorageFault.EmptyAppend or StorageFault.AppendChecksumMismatch or StorageFault.AppendToEncrypted
            => Error(TwelveLabsError.Internal, "Storage refused the request: " + fault.Fault + "."),
    };

    public AdapterException Error(int status, string code, string message, AdapterContext context) =>
        Error(status >= 500 ? TwelveLabsError.Internal : TwelveLabsError.ParameterInvalid, message, status);

    /// <summary>Twelve Labs' error document: code, message and docs_url.</summary>
    private static AdapterException Error(TwelveLabsError e, string message, int? status = null)
    {
        var (defaultStatus, code) = e switch
        {
            TwelveLabsError.ParameterInvalid => (400, "parameter_invalid"),
            TwelveLabsError.ParameterNotProvided => (400, "parameter_not_provided"),
            TwelveLabsError.ResourceNotExist => (404, "resource_not_exist"),
            TwelveLabsError.ApiKeyInvalid => (401, "api_key_invalid"),
            TwelveLabsError.Internal => (500, "internal_error"),
        };
        return new AdapterException(status ?? defaultStatus, new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["docs_url"] = "https://docs.twelvelabs.io/v1.3/api-reference/error-codes",
        }, message);
    }
}
