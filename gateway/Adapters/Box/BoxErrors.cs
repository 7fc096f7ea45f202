using System.Text.Json.Nodes;
using Storage.Faults;

namespace Gateway.Adapters.Box;

/// <summary>The Box errors the adapter answers with (Box's codes; see the README for the ones Box does not document).</summary>
internal enum BoxError
{
    BadRequest,
    InvalidSessionId,
    FileSizeTooSmall,
    InvalidFileSize,
    MissingFileName,
    MissingDestination,
    ItemNameInUse,
    NotFound,
    SessionExpired,
    RangeNotSatisfiable,
    RangeOverlapsExistingPart,
    PartDigestMismatch,
    DigestMismatch,
    LengthRequired,
    StorageLimitExceeded,
    InternalServerError,
}

/// <summary>The one table of Box errors: status, code and default message; and storage faults in Box's words.</summary>
internal static class BoxErrors
{
    private const string HelpUrl = "https://developer.box.com/guides/api-calls/permissions-and-errors/common-errors/";

    public static (int Status, string Code, string Message) Lookup(BoxError e) => e switch
    {
        BoxError.BadRequest => (400, "bad_request", "The request is not valid."),
        BoxError.InvalidSessionId => (400, "invalid_upload_session_id", "The upload session ID provided in the URL is not of a valid format."),
        BoxError.FileSizeTooSmall => (400, "file_size_too_small", "`file_size` is below minimum file size for uploads via this API"),
        BoxError.InvalidFileSize => (400, "invalid_file_size", "`file_size` is not a valid file size."),
        BoxError.MissingFileName => (400, "missing_file_name", "`file_name` is required."),
        BoxError.MissingDestination => (400, "missing_destination", "`folder_id` is required."),
        BoxError.ItemNameInUse => (409, "item_name_in_use", "Item with the same name already exists"),
        BoxError.NotFound => (404, "not_found", "Not Found"),
        BoxError.SessionExpired => (410, "session_expired", "The upload session has expired."),
        BoxError.RangeNotSatisfiable => (416, "requested_range_not_satisfiable", "The content range does not match a part of this session."),
        BoxError.RangeOverlapsExistingPart => (416, "range_overlaps_existing_part", "Part overlaps with previously uploaded part"),
        BoxError.PartDigestMismatch => (412, "precondition_failed", "The SHA-1 in the Digest header does not match the part's content."),
        BoxError.DigestMismatch => (400, "digest_mismatch", "File digest was incorrect."),
        BoxError.LengthRequired => (411, "length_required", "content-length header was required, but not provided."),
        BoxError.StorageLimitExceeded => (403, "storage_limit_exceeded", "Account storage limit reached"),
        BoxError.InternalServerError => (500, "internal_server_error", "Internal Server Error"),
    };

    /// <summary>Box's error document: type, status, code, message, help_url, request_id, and context_info when given.</summary>
    public static AdapterException Error(BoxError e, string requestId, string? message = null, JsonObject? context = null) =>
        Error(Lookup(e).Status, Lookup(e).Code, message ?? Lookup(e).Message, requestId, context);

    public static AdapterException Error(int status, string code, string message, string requestId, JsonObject? context = null)
    {
        var body = new JsonObject
        {
            ["type"] = "error",
            ["status"] = status,
            ["code"] = code,
            ["help_url"] = HelpUrl,
            ["message"] = message,
            ["request_id"] = requestId,
        };
        if (context is not null)
        {
            body["context_info"] = context;
        }

        return new AdapterException(status, body, message);
    }

    /// <summary>An invalid token: 401 with no body and the WWW-Authenticate header Box sends.</summary>
    public static AdapterException Unauthorized() => new AdapterException(401, null, "invalid token")
        .WithHeader("WWW-Authenticate", "Bearer realm=\"Service\", error=\"invalid_token\", error_description=\"The access token provided is invalid.\"");

    /// <summary>Storage faults a Box call can meet, in Box's words.</summary>
    public static AdapterException Map(StorageException e, string requestId) => e.Fault switch
    {
        StorageFault.UploadNotFound or StorageFault.BucketNotFound or StorageFault.NotOwner => Error(BoxError.NotFound, requestId),
        StorageFault.ChecksumMismatch => Error(BoxError.PartDigestMismatch, requestId),
        StorageFault.LengthMismatch => Error(BoxError.BadRequest, requestId, "The body is shorter or longer than its Content-Range."),
        StorageFault.TooLarge => Error(BoxError.RangeNotSatisfiable, requestId),
        StorageFault.ConditionFailed => Error(BoxError.ItemNameInUse, requestId),
        StorageFault.InsufficientStorage => Error(BoxError.StorageLimitExceeded, requestId, "Account storage limit reached: the gateway's disk is full."),
        StorageFault.UnknownPart or StorageFault.PartTooSmall or StorageFault.PartsOutOfOrder => Error(BoxError.BadRequest, requestId, "The parts list does not match the parts of this session."),
        // Faults a call of this adapter does not meet (or cannot answer better): an internal error naming the fault.
        StorageFault.BucketNameTaken or StorageFault.BucketAlreadyYours or StorageFault.BucketNotEmpty or StorageFault.ObjectNotFound
            or StorageFault.VersionNotFound or StorageFault.VersionIsDeleteMarker or StorageFault.ObjectLocked or StorageFault.ObjectLockNotEnabled
            or StorageFault.InvalidBucketState or StorageFault.NoRetention or StorageFault.NotModified or StorageFault.RangeOutOfBounds
            or StorageFault.CopyRangeOutOfBounds or StorageFault.CopySourceTooLarge or StorageFault.Md5Mismatch or StorageFault.ChecksumNotReceived
            or StorageFault.PartNumberOutOfRange or StorageFault.ChecksumTypeNotSupported or StorageFault.PartChecksumAlgorithmMismatch
            or StorageFault.PartChecksumMismatch or StorageFault.UnexpectedPartChecksum or StorageFault.PartChecksumWrongAlgorithm
            or StorageFault.MissingPartChecksum or StorageFault.ChecksumTypeMismatch or StorageFault.ObjectChecksumMismatch
            or StorageFault.TooManyParts or StorageFault.WriteOffsetMismatch or StorageFault.EmptyAppend or StorageFault.AppendChecksumMismatch or StorageFault.AppendToEncrypted
            => Error(BoxError.InternalServerError, requestId, "Storage refused the request: " + e.Fault + "."),
    };
}
