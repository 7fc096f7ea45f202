using System.Security.Cryptography;
using System.Text;
using Gateway.Auth;
using Gateway.Errors;
using Gateway.Handlers;
using Gateway.Routing;
using Microsoft.AspNetCore.Http.Features;
using Storage.Faults;

namespace Gateway;

/// <summary>
/// The single terminal middleware: assigns the request id, routes once, authenticates, calls the one handler
/// for the operation, and turns every failure into S3 error XML through the one table.
/// </summary>
internal sealed class Dispatcher(GatewayServices services, ILogger<Dispatcher> log)
{
    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var hostId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        http.Response.Headers["x-amz-request-id"] = requestId;
        http.Response.Headers["x-amz-id-2"] = hostId;
        http.Response.Headers.Server = "S3Gateway";
        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (http.Request.Path + http.Request.QueryString).ToString();
        var resource = "/";
        try
        {
            if (rawTarget.StartsWith("/_gateway/", StringComparison.Ordinal))
            {
                await AdminHandlers.HandleAsync(http, rawTarget, services).ConfigureAwait(false);
                return;
            }

            Cors.Decorate(http, services.Options.Cors);
            if (Cors.IsPreflight(http.Request))
            {
                await Cors.Preflight(http, services.Options.Cors).ConfigureAwait(false);
                return;
            }

            var route = S3Router.Route(http.Request.Method, http.Request.Host.Value ?? "", rawTarget,
                http.Request.Headers.ContainsKey("x-amz-copy-source"), services.Options.VirtualHostDomains);
            resource = route.Resource;
            var auth = services.Verifier.Verify(new SigV4Request(http.Request.Method, rawTarget, Headers(http.Request)));
            var ctx = new S3Context(http, route, auth, services);
            await Dispatch(ctx).ConfigureAwait(false);
        }
        catch (S3Exception e)
        {
            await WriteError(http, e, resource, requestId, hostId).ConfigureAwait(false);
        }
        catch (StorageException e)
        {
            await WriteError(http, FromFault(e, resource), resource, requestId, hostId).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing was committed and there is nobody to answer.
        }
        catch (Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // Likewise: the client closed the connection mid-body.
        }
        catch (BadHttpRequestException e)
        {
            log.LogInformation("Bad request body for {Target}: {Message}", rawTarget, e.Message);
            await WriteError(http, new S3Exception(S3ErrorCode.IncompleteBody), resource, requestId, hostId).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            log.LogError(e, "Unhandled error in {Method} {Target} (request {RequestId})", http.Request.Method, rawTarget, requestId);
            await WriteError(http, new S3Exception(S3ErrorCode.InternalError), resource, requestId, hostId).ConfigureAwait(false);
        }
    }

    private static Task Dispatch(S3Context ctx) => ctx.Route.Operation switch
    {
        S3Operation.ListBuckets => ServiceHandlers.ListBuckets(ctx),
        S3Operation.CreateBucket => BucketHandlers.Create(ctx),
        S3Operation.HeadBucket => BucketHandlers.Head(ctx),
        S3Operation.DeleteBucket => BucketHandlers.Delete(ctx),
        S3Operation.GetBucketLocation => BucketHandlers.Location(ctx),
        S3Operation.GetBucketVersioning => BucketHandlers.Versioning(ctx),
        S3Operation.GetBucketAcl => AclHandlers.GetBucketAcl(ctx),
        S3Operation.PutBucketAcl => AclHandlers.PutBucketAcl(ctx),
        S3Operation.ListObjects => ListHandlers.ListObjectsV1(ctx),
        S3Operation.ListObjectsV2 => ListHandlers.ListObjectsV2(ctx),
        S3Operation.ListObjectVersions => ListHandlers.ListObjectVersions(ctx),
        S3Operation.DeleteObjects => ObjectHandlers.DeleteObjects(ctx),
        S3Operation.PutObject => ObjectHandlers.Put(ctx),
        S3Operation.CopyObject => ObjectHandlers.Copy(ctx),
        S3Operation.GetObject => ObjectHandlers.Get(ctx, headOnly: false),
        S3Operation.HeadObject => ObjectHandlers.Get(ctx, headOnly: true),
        S3Operation.DeleteObject => ObjectHandlers.Delete(ctx),
        S3Operation.GetObjectAcl => AclHandlers.GetObjectAcl(ctx),
        S3Operation.PutObjectAcl => AclHandlers.PutObjectAcl(ctx),
        S3Operation.CreateMultipartUpload => MultipartHandlers.Create(ctx),
        S3Operation.UploadPart => MultipartHandlers.UploadPart(ctx),
        S3Operation.UploadPartCopy => MultipartHandlers.UploadPartCopy(ctx),
        S3Operation.ListParts => MultipartListHandlers.ListParts(ctx),
        S3Operation.ListMultipartUploads => MultipartListHandlers.ListMultipartUploads(ctx),
        S3Operation.CompleteMultipartUpload => MultipartHandlers.Complete(ctx),
        S3Operation.AbortMultipartUpload => MultipartHandlers.Abort(ctx),
        S3Operation.GetObjectAttributes => AttributesHandlers.GetObjectAttributes(ctx),
        S3Operation.NotImplemented => throw new S3Exception(S3ErrorCode.NotImplemented,
            $"A header or query you provided implies functionality that is not implemented ({ctx.Route.Detail})."),
    };

    internal static S3Exception FromFault(StorageException e, string resource)
    {
        var error = new S3Exception(FaultMap.ToS3(e.Fault), e.Message == e.Fault.ToString() ? null : e.Message);
        var parts = resource.Split('/', 3);
        if (e.Fault == StorageFault.NoSuchBucket && parts.Length > 1)
        {
            error.With("BucketName", parts[1]);
        }
        else if (e.Fault == StorageFault.NoSuchKey && parts.Length > 2)
        {
            error.With("Key", parts[2]);
        }

        return error;
    }

    private static List<KeyValuePair<string, string>> Headers(HttpRequest request)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                list.Add(new(name, value ?? ""));
            }
        }

        return list;
    }

    private async Task WriteError(HttpContext http, S3Exception error, string resource, string requestId, string hostId)
    {
        if (http.Response.HasStarted)
        {
            // Mid-body failure of a streamed response: the status is gone, so cut the connection; the client
            // sees a short body and never mistakes it for the whole object.
            http.Abort();
            return;
        }

        var entry = S3ErrorTable.Lookup(error.Code);
        http.Response.Clear();
        http.Response.Headers["x-amz-request-id"] = requestId;
        http.Response.Headers["x-amz-id-2"] = hostId;
        http.Response.StatusCode = entry.Status;
        // Response.Clear() dropped the CORS headers; a browser must be able to read the error too.
        Cors.Decorate(http, services.Options.Cors);
        foreach (var (name, value) in error.ResponseHeaders)
        {
            http.Response.Headers[name] = value;
        }

        if (HttpMethods.IsHead(http.Request.Method) || entry.Status == 304)
        {
            return;
        }

        var body = Encoding.UTF8.GetBytes(ErrorDocument.Build(error, resource, requestId, hostId));
        http.Response.ContentType = "application/xml";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
    }

}
