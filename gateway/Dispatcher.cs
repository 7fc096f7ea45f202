using System.Security.Cryptography;
using System.Text;
using Gateway.Auth;
using Gateway.Errors;
using Gateway.Handlers;
using Gateway.Routing;
using Gateway.Streaming;
using Microsoft.AspNetCore.Http.Features;
using Storage.Faults;
using Storage.Usage;

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
        var bodyIn = new CountingStream(http.Request.Body);
        var bodyOut = new CountingStream(http.Response.Body);
        http.Request.Body = bodyIn;
        http.Response.Body = bodyOut;
        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (http.Request.Path + http.Request.QueryString).ToString();
        var resource = "/";
        S3Route? route = null;
        AuthResult? auth = null;
        string? errorCode = null;
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

            route = S3Router.Route(http.Request.Method, http.Request.Host.Value ?? "", rawTarget,
                http.Request.Headers.ContainsKey("x-amz-copy-source"), services.Options.VirtualHostDomains);
            resource = route.Resource;
            auth = services.Verifier.Verify(new SigV4Request(http.Request.Method, rawTarget, Headers(http.Request)));
            var ctx = new S3Context(http, route, auth, services);
            await Dispatch(ctx).ConfigureAwait(false);
        }
        catch (S3Exception e)
        {
            errorCode = S3ErrorTable.Lookup(e.Code).Code;
            await WriteError(http, e, resource, requestId, hostId).ConfigureAwait(false);
        }
        catch (StorageException e)
        {
            var error = FromFault(e, resource);
            errorCode = S3ErrorTable.Lookup(error.Code).Code;
            await WriteError(http, error, resource, requestId, hostId).ConfigureAwait(false);
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
            errorCode = "IncompleteBody";
            await WriteError(http, new S3Exception(S3ErrorCode.IncompleteBody), resource, requestId, hostId).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            log.LogError(e, "Unhandled error in {Method} {Target} (request {RequestId})", http.Request.Method, rawTarget, requestId);
            errorCode = "InternalError";
            await WriteError(http, new S3Exception(S3ErrorCode.InternalError), resource, requestId, hostId).ConfigureAwait(false);
        }
        finally
        {
            Account(http, route, auth, errorCode, bodyIn.Count, bodyOut.Count);
        }
    }

    /// <summary>
    /// Counts the request for metrics and, when it reached a bucket its signer owns, for that bucket's traffic.
    /// Requests refused before they reached a bucket (bad signature, someone else's bucket, no such bucket) are
    /// not billed to anyone.
    /// </summary>
    private void Account(HttpContext http, S3Route? route, AuthResult? auth, string? errorCode, long bytesIn, long bytesOut)
    {
        services.Metrics.Record(route?.Operation.ToString() ?? "Gateway", http.Response.StatusCode, bytesIn, bytesOut);
        // Billed to the bucket's owner only, and only when the signer is that owner: a request refused for a
        // bucket someone else owns (or that does not exist) must not put phantom usage on anyone's bill. Every
        // storage call checks ownership, so a success proves it without another read on this hot path; only
        // refusals, and a DeleteBucket whose bucket is now gone, need the lookup.
        if (route?.Bucket is { } bucket && auth is not null && errorCode is not ("AccessDenied" or "NoSuchBucket" or "InvalidBucketName")
            && ((errorCode is null && route.Operation != S3Operation.DeleteBucket) || services.Storage.Buckets.OwnerOf(bucket) == auth.AccessKey))
        {
            services.Storage.Traffic.Record(bucket, auth.AccessKey, services.Clock.UtcNow, Classify(route.Operation), bytesIn, bytesOut);
        }
    }

    /// <summary>The billing class of an operation: S3 prices PUT, COPY, POST and LIST together, GET and the rest below them, and DELETE not at all.</summary>
    internal static RequestClass Classify(S3Operation op) => op switch
    {
        S3Operation.ListBuckets or S3Operation.CreateBucket or S3Operation.PutBucketAcl or S3Operation.ListObjects or S3Operation.ListObjectsV2
            or S3Operation.ListObjectVersions or S3Operation.DeleteObjects or S3Operation.PutObject or S3Operation.CopyObject or S3Operation.PutObjectAcl
            or S3Operation.CreateMultipartUpload or S3Operation.UploadPart or S3Operation.UploadPartCopy or S3Operation.ListParts
            or S3Operation.ListMultipartUploads or S3Operation.CompleteMultipartUpload or S3Operation.PutBucketLifecycle => RequestClass.WriteOrList,
        S3Operation.HeadBucket or S3Operation.GetBucketLocation or S3Operation.GetBucketVersioning or S3Operation.GetBucketAcl or S3Operation.GetObject
            or S3Operation.HeadObject or S3Operation.GetObjectAcl or S3Operation.GetObjectAttributes or S3Operation.GetBucketLifecycle => RequestClass.Read,
        S3Operation.DeleteBucket or S3Operation.DeleteObject or S3Operation.AbortMultipartUpload or S3Operation.DeleteBucketLifecycle
            or S3Operation.NotImplemented => RequestClass.Other,
    };

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
        S3Operation.GetBucketLifecycle => LifecycleHandlers.Get(ctx),
        S3Operation.PutBucketLifecycle => LifecycleHandlers.Put(ctx),
        S3Operation.DeleteBucketLifecycle => LifecycleHandlers.Delete(ctx),
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

    internal static List<KeyValuePair<string, string>> Headers(HttpRequest request)
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
