using System.Globalization;
using System.Text.Json;
using Gateway.Contract;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Protocol;

namespace Gateway.Admin;

/// <summary>
/// GET /_gateway/requests: the request log, newest first. An admin sees every account's requests (or the one
/// <c>account</c> names); any other account only the requests it signed itself. Filters: <c>bucket</c>,
/// <c>frontEnd</c>, <c>operation</c>, <c>status</c> (a code, or <c>errors</c> for 400 and above); paged with
/// <c>limit</c> (1-1000, default 100) and <c>before</c> (the previous page's nextBefore).
/// </summary>
internal static class RequestLogHandlers
{
    public static S3Response List(AdminRequest r)
    {
        var account = AdminHandlers.Scope(r, "requests");
        var bucket = r.Query.Get("bucket") is { Length: > 0 } b ? b : null;
        var operation = r.Query.Get("operation") is { Length: > 0 } o ? o : null;
        FrontEnd? frontEnd = null;
        if (r.Query.Get("frontEnd") is { Length: > 0 } f)
        {
            frontEnd = FrontEnds.TryParse(f, out var parsed) ? parsed
                : throw new S3Exception(S3ErrorCode.InvalidArgument, "frontEnd must be s3, admin, box, veza, kodexa or twelvelabs.");
        }

        var errorsOnly = false;
        int? status = null;
        switch (r.Query.Get("status"))
        {
            case null or "":
                break;
            case "errors":
                errorsOnly = true;
                break;
            case var s when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599:
                status = code;
                break;
            default:
                throw new S3Exception(S3ErrorCode.InvalidArgument, "status must be an HTTP status code or errors.");
        }

        var limit = Number(r, "limit") ?? 100;
        if (limit is < 1 or > 1000)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "limit must be an integer from 1 to 1000.");
        }

        var before = Number(r, "before");
        var log = r.Services.Requests;
        // One more than asked tells whether an older page exists.
        var found = log.Latest(limit + 1, e =>
            (account is null || e.Account == account)
            && (bucket is null || e.Bucket == bucket)
            && (frontEnd is null || e.FrontEnd == frontEnd)
            && (operation is null || string.Equals(e.Operation, operation, StringComparison.OrdinalIgnoreCase))
            && (status is null || e.Status == status)
            && (!errorsOnly || e.Status >= 400), before);
        var page = found.Take(limit).ToList();
        return S3Response.Json(JsonSerializer.Serialize(new RequestLogPage
        {
            Capacity = log.Capacity,
            Requests = [.. page.Select(Entry)],
            NextBefore = found.Count > limit ? page[^1].Sequence : null,
        }, AdminJson.Default.RequestLogPage));
    }

    private static RequestLogEntry Entry(RequestEntry e) => new()
    {
        Sequence = e.Sequence,
        Time = Wire.Timestamp(e.Time),
        FrontEnd = FrontEnds.Name(e.FrontEnd),
        Operation = e.Operation,
        Method = e.Method,
        Account = e.Account,
        Bucket = e.Bucket,
        Key = e.Key,
        Status = e.Status,
        ErrorCode = e.ErrorCode,
        BytesIn = e.BytesIn,
        BytesOut = e.BytesOut,
        DurationMs = Math.Round(e.Duration.TotalMilliseconds, 3),
        RequestId = e.RequestId,
        RefusedSignature = e.Signature is { } sig
            ? new RefusedSignatureDocument { AccessKeyId = sig.AccessKeyId, SignedHeaders = sig.SignedHeaders, CanonicalRequest = sig.CanonicalRequest, StringToSign = sig.StringToSign }
            : null,
    };

    private static int? Number(AdminRequest r, string name) => r.Query.Get(name) is not { Length: > 0 } v ? null
        : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new S3Exception(S3ErrorCode.InvalidArgument, $"{name} must be a whole number.");
}
