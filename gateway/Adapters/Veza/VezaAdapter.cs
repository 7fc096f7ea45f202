using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Pipeline;
using Storage;
using Storage.Faults;
using Storage.Multipart;
using Storage.Objects;
using Storage.Usage;

namespace Gateway.Adapters.Veza;

/// <summary>The Veza calls: one route (Parts) whose body names the operation.</summary>
internal enum VezaOperation
{
    /// <summary>The parts route, before its body has named the operation.</summary>
    Parts,
    Start,
    Upload,
    Complete,
    Unknown,
}

/// <summary>The Veza errors the adapter answers with: gRPC status names as Veza's API gateway writes them.</summary>
internal enum VezaError
{
    InvalidArgument,
    NotFound,
    Unauthenticated,
    Internal,
}

/// <summary>
/// Veza OAA <c>POST /api/v1/providers/custom/{id}/datasources/{data_source_id}:parts</c>: <c>start</c> creates a
/// multipart upload, <c>upload</c> stores chunk <c>sequence_number</c> as part of that number (decoded from base64
/// straight into segment files; the last upload of a number wins), <c>complete</c> assembles chunks
/// 1..<c>sequence_count</c> into the object <c>{id}/{data_source_id}/{upload_id}.json</c> without copying.
/// </summary>
internal sealed partial class VezaAdapter(VezaOptions settings) : IAdapter
{
    public AdapterSettings Settings => settings;

    [GeneratedRegex("^/api/v1/providers/custom/([^/]+)/datasources/([^/:]+):parts$")]
    private static partial Regex PartsPath();

    public FrontEnd FrontEnd => FrontEnd.Veza;

    /// <summary>
    /// POST .../datasources/{id}:parts is one route for three operations, named by the body's "operation" member: it
    /// is <see cref="VezaOperation.Parts"/> until the body says which (the hooks see Parts).
    /// </summary>
    public void Route(AdapterContext c)
    {
        var m = PartsPath().Match(Uri.UnescapeDataString(c.RawPath));
        if (!m.Success || c.Method != "POST")
        {
            c.Operation = VezaOperation.Unknown;
            return;
        }

        c.Operation = VezaOperation.Parts;
        c.Billing = RequestClass.WriteOrList;
        c.RouteValues = [m.Groups[1].Value, m.Groups[2].Value];
    }

    public string? Token(AdapterContext c) =>
        c.Header("Authorization") is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : null;

    public AdapterException Unauthorized(AdapterContext c) => Error(VezaError.Unauthenticated, c, "Unauthenticated: the API key is missing or not valid.");

    public ValueTask ResolveAsync(AdapterContext c) => ValueTask.CompletedTask;

    public async Task<AdapterResponse> HandleAsync(AdapterContext c)
    {
        if (c.Operation is VezaOperation.Unknown)
        {
            throw Error(VezaError.NotFound, c, "Not Found: the Veza adapter serves POST .../datasources/{data_source_id}:parts only.");
        }

        var prefix = c.RouteValues[0] + "/" + c.RouteValues[1] + "/";
        var request = await ReadAsync(c, prefix).ConfigureAwait(false);
        return request.Operation switch
        {
            "start" => Start(c, prefix),
            "upload" => await UploadAsync(c, prefix, request).ConfigureAwait(false),
            "complete" => Complete(c, prefix, request),
            null => throw Error(VezaError.InvalidArgument, c, "operation is required: start, upload or complete.", "operation"),
            _ => throw Error(VezaError.InvalidArgument, c, $"Unknown operation '{request.Operation}': use start, upload or complete.", "operation"),
        };
    }

    private sealed class PartsRequest
    {
        public string? Operation { get; set; }

        public string? UploadId { get; set; }

        public long? SequenceNumber { get; set; }

        public long? SequenceCount { get; set; }

        /// <summary>The chunk, when it arrived before the fields naming its upload and number (spooled to a temp file).</summary>
        public string? Spooled { get; set; }

        /// <summary>The chunk was stored as it was read.</summary>
        public UploadedPart? Stored { get; set; }
    }

    /// <summary>
    /// Reads the request object member by member. When <c>upload_id</c> and <c>sequence_number</c> come before
    /// <c>data</c> (as the SDK and the documented curl send them), the chunk streams into its part as it is
    /// decoded; otherwise it is spooled to a temp file first. Either way it is never held in memory.
    /// </summary>
    private async Task<PartsRequest> ReadAsync(AdapterContext c, string prefix)
    {
        var reader = new JsonBodyReader(c.Body, c.Http.RequestAborted);
        var r = new PartsRequest();
        try
        {
            await reader.BeginObjectAsync().ConfigureAwait(false);
            var first = true;
            while (await reader.NextNameAsync(first).ConfigureAwait(false) is { } name)
            {
                first = false;
                if (name == "data")
                {
                    if (r.UploadId is not null && r.SequenceNumber is not null && r.Operation is null or "upload")
                    {
                        r.Stored = await StreamChunkAsync(c, prefix, r, reader).ConfigureAwait(false);
                    }
                    else
                    {
                        r.Spooled = Path.Combine(c.Services.Options.DataDir, "tmp", "veza-" + Guid.NewGuid().ToString("N") + ".spool");
                        await using var spool = new FileStream(r.Spooled, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024);
                        await reader.CopyBase64StringAsync(spool, settings.MaxChunkSize).ConfigureAwait(false);
                    }

                    continue;
                }

                var (value, isString) = await reader.ReadValueAsync().ConfigureAwait(false);
                switch (name)
                {
                    case "operation":
                        r.Operation = isString ? (string)value! : throw Error(VezaError.InvalidArgument, c, "operation must be a string.", "operation");
                        c.Operation = r.Operation switch
                        {
                            "start" => VezaOperation.Start,
                            "upload" => VezaOperation.Upload,
                            "complete" => VezaOperation.Complete,
                            _ => VezaOperation.Parts,
                        };
                        break;
                    case "upload_id":
                        r.UploadId = isString ? (string)value! : throw Error(VezaError.InvalidArgument, c, "upload_id must be a string.", "upload_id");
                        break;
                    case "sequence_number":
                        r.SequenceNumber = Integer(c, value, isString, name);
                        break;
                    case "sequence_count":
                        r.SequenceCount = Integer(c, value, isString, name);
                        break;
                }
            }

            await reader.EndAsync().ConfigureAwait(false);
        }
        catch (JsonBodyReader.FormatError e)
        {
            Discard(r);
            throw Error(VezaError.InvalidArgument, c, "The request body is not valid: " + e.Message, "data");
        }
        catch
        {
            Discard(r);
            throw;
        }

        return r;
    }

    private static void Discard(PartsRequest r)
    {
        if (r.Spooled is { } path)
        {
            File.Delete(path);
            r.Spooled = null;
        }
    }

    private long Integer(AdapterContext c, object? value, bool isString, string field) =>
        !isString && value is string text && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw Error(VezaError.InvalidArgument, c, $"{field} must be an integer.", field);

    private AdapterResponse Start(AdapterContext c, string prefix)
    {
        var id = Guid.NewGuid().ToString().ToUpperInvariant();
        c.Storage.Multipart.Create(settings.Bucket, prefix + id + ".json", c.Account!, new Dictionary<string, string> { ["content-type"] = "application/json" });
        return new AdapterResponse(200, new JsonObject { ["status"] = "success", ["upload_id"] = id });
    }

    private async Task<AdapterResponse> UploadAsync(AdapterContext c, string prefix, PartsRequest r)
    {
        try
        {
            if (r.Stored is null)
            {
                var upload = Upload(c, prefix, r);
                var number = Sequence(c, r.SequenceNumber);
                if (r.Spooled is null)
                {
                    throw Error(VezaError.InvalidArgument, c, "data is required for upload.", "data");
                }

                await using var chunk = new FileStream(r.Spooled, FileMode.Open, FileAccess.Read, FileShare.None, 64 * 1024, FileOptions.SequentialScan);
                r.Stored = await c.Storage.Multipart.UploadPartAsync(new UploadPartCommand(settings.Bucket, upload.Key, upload.UploadId, number, c.Account!, new BodyChecks(chunk.Length)),
                    chunk, c.Http.RequestAborted).ConfigureAwait(false);
            }

            return new AdapterResponse(200, new JsonObject { ["status"] = "success" });
        }
        finally
        {
            Discard(r);
        }
    }

    /// <summary>Decodes the chunk into its part while the body is read: the decoder writes a pipe the engine reads.</summary>
    private async Task<UploadedPart> StreamChunkAsync(AdapterContext c, string prefix, PartsRequest r, JsonBodyReader reader)
    {
        var upload = Upload(c, prefix, r);
        var number = Sequence(c, r.SequenceNumber);
        var pipe = new Pipe();
        var store = c.Storage.Multipart.UploadPartAsync(new UploadPartCommand(settings.Bucket, upload.Key, upload.UploadId, number, c.Account!, new BodyChecks()),
            pipe.Reader.AsStream(), c.Http.RequestAborted);
        // If the engine stops reading (a full disk), the decoder must not wait on a pipe nobody drains.
        _ = store.ContinueWith(t => pipe.Reader.Complete(t.Exception), TaskScheduler.Default);
        // The writer is completed by hand: with an error when decoding fails, so the engine never takes a cut-off
        // chunk for a whole one.
        var writer = pipe.Writer.AsStream(leaveOpen: true);
        try
        {
            await reader.CopyBase64StringAsync(writer, settings.MaxChunkSize).ConfigureAwait(false);
            await writer.FlushAsync(c.Http.RequestAborted).ConfigureAwait(false);
            await pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            await Task.WhenAny(store).ConfigureAwait(false);
            throw;
        }

        return await store.ConfigureAwait(false);
    }

    private AdapterResponse Complete(AdapterContext c, string prefix, PartsRequest r)
    {
        var upload = Upload(c, prefix, r);
        if (r.SequenceCount is not { } count || count < 1 || count > settings.MaxChunks)
        {
            throw Error(VezaError.InvalidArgument, c, $"sequence_count must be from 1 to {settings.MaxChunks}.", "sequence_count");
        }

        var parts = c.Storage.Multipart.ListParts(settings.Bucket, upload.Key, upload.UploadId, c.Account!, 0, 10_000).Parts.ToDictionary(p => p.PartNumber);
        var missing = Enumerable.Range(1, (int)count).Where(n => !parts.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw Error(VezaError.InvalidArgument, c, "Not every chunk was uploaded: missing sequence numbers " + string.Join(", ", missing) + ".", "sequence_count");
        }

        c.Storage.Multipart.Complete(new CompleteCommand(settings.Bucket, upload.Key, upload.UploadId, c.Account!,
            Enumerable.Range(1, (int)count).Select(n => new CompletePart(n, parts[n].ETag)).ToList(), WriteConditions.None, MinPartSize: 0));
        return new AdapterResponse(200, new JsonObject { ["status"] = "success", ["warnings"] = new JsonArray() });
    }

    private int Sequence(AdapterContext c, long? number) =>
        number is { } n && n >= 1 && n <= settings.MaxChunks
            ? (int)n
            : throw Error(VezaError.InvalidArgument, c, $"sequence_number must be from 1 to {settings.MaxChunks}.", "sequence_number");

    /// <summary>The upload the request names, under this provider and data source, in the caller's account.</summary>
    private UploadInfo Upload(AdapterContext c, string prefix, PartsRequest r)
    {
        if (r.UploadId is not { } id || !Guid.TryParse(id, out _))
        {
            throw Error(VezaError.InvalidArgument, c, "upload_id must be the UUID a start returned.", "upload_id");
        }

        var key = prefix + id.ToUpperInvariant() + ".json";
        return c.Storage.Multipart.ListUploads(settings.Bucket, c.Account!, key, null, null, null, 2).Uploads.FirstOrDefault(u => u.Key == key)
            ?? throw Error(VezaError.NotFound, c, $"Upload {id} was not found (it was completed, or never started for this data source).", resource: id);
    }

    public AdapterException Map(StorageException fault, AdapterContext context) => fault.Fault switch
    {
        StorageFault.UploadNotFound => Error(VezaError.NotFound, context, "The upload was not found.", resource: fault.UploadId),
        StorageFault.TooLarge => Error(VezaError.InvalidArgument, context, "The chunk is too large.", "data"),
        StorageFault.InsufficientStorage => Error(VezaError.Internal, context, "The gateway's disk is full; nothing was stored."),
        // Faults a call of this adapter does not meet (or cannot answer better): an internal error naming the fault.
        StorageFault.BucketNotFound or StorageFault.NotOwner or StorageFault.BucketNameTaken or StorageFault.BucketAlreadyYours
            or StorageFault.BucketNotEmpty or StorageFault.ObjectNotFound or StorageFault.VersionNotFound or StorageFault.VersionIsDeleteMarker
            or StorageFault.ObjectLocked or StorageFault.ObjectLockNotEnabled or StorageFault.InvalidBucketState or StorageFault.NoRetention
            or StorageFault.ConditionFailed or StorageFault.NotModified or StorageFault.RangeOutOfBounds or StorageFault.CopyRangeOutOfBounds
            or StorageFault.CopySourceTooLarge or StorageFault.LengthMismatch or StorageFault.Md5Mismatch or StorageFault.ChecksumMismatch
            or StorageFault.ChecksumNotReceived or StorageFault.PartNumberOutOfRange or StorageFault.ChecksumTypeNotSupported
            or StorageFault.PartChecksumAlgorithmMismatch or StorageFault.UnknownPart or StorageFault.PartChecksumMismatch
            or StorageFault.UnexpectedPartChecksum or StorageFault.PartChecksumWrongAlgorithm or StorageFault.MissingPartChecksum
            or StorageFault.ChecksumTypeMismatch or StorageFault.ObjectChecksumMismatch or StorageFault.PartsOutOfOrder or StorageFault.PartTooSmall
            or StorageFault.TooManyParts or StorageFault.WriteOffsetMismatch or StorageFault.EmptyAppend or StorageFault.AppendChecksumMismatch or StorageFault.AppendToEncrypted
            => Error(VezaError.Internal, context, "Storage refused the request: " + fault.Fault + "."),
    };

    public AdapterException Error(int status, string code, string message, AdapterContext context) =>
        Error(status >= 500 ? VezaError.Internal : status == 404 ? VezaError.NotFound : VezaError.InvalidArgument, context, message);

    /// <summary>Veza's error document: the gRPC code name, a message, request id, timestamp and typed details.</summary>
    private static AdapterException Error(VezaError e, AdapterContext c, string message, string? field = null, string? resource = null)
    {
        var (status, code, reason) = e switch
        {
            VezaError.InvalidArgument => (400, "InvalidArgument", "INVALID_ARGUMENTS"),
            VezaError.NotFound => (404, "NotFound", "NOT_FOUND"),
            VezaError.Unauthenticated => (401, "Unauthenticated", "UNAUTHENTICATED"),
            VezaError.Internal => (500, "Internal", "INTERNAL"),
        };
        var details = new JsonArray();
        if (field is not null)
        {
            details.Add((JsonNode)new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.BadRequest",
                ["field_violations"] = new JsonArray(new JsonObject { ["field"] = field, ["description"] = message }),
            });
        }

        if (resource is not null)
        {
            details.Add((JsonNode)new JsonObject { ["@type"] = "type.googleapis.com/errorstatus.v1.ResourceInfo", ["resource_type"] = "upload", ["resource"] = resource });
        }

        details.Add((JsonNode)new JsonObject
        {
            ["@type"] = "type.googleapis.com/errorstatus.v1.UserFacingErrorInfo",
            ["reason"] = reason,
            ["metadata"] = new JsonObject(),
            ["message"] = message,
            ["resolution"] = "",
        });
        return new AdapterException(status, new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["request_id"] = c.RequestId.ToLowerInvariant(),
            ["timestamp"] = c.Services.Clock.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            ["details"] = details,
        }, message);
    }
}
