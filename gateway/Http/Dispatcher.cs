using System.Security.Cryptography;
using Gateway.Access;
using Gateway.Auth;
using Gateway.Errors;
using Gateway.Handlers;
using Gateway.Routing;
using Gateway.Streaming;
using Microsoft.AspNetCore.Http.Features;
using Storage.Faults;
using Storage.Usage;

namespace Gateway.Http;

/// <summary>
/// The single terminal middleware: assigns the request id, routes once, authenticates, calls the one handler for
/// the operation, writes the response value it returns, and turns every failure into an error response through
/// the one table.
/// </summary>
internal sealed class Dispatcher(GatewayServices services, ILogger<Dispatcher> log)
{
    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var hostId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        SetIds(http, requestId, hostId);
        http.Response.Headers.Server = "S3Gateway";
        var bodyIn = new RequestBodyStream(http.Request.BodyReader, services.Options.RequestBodyIdleTimeout);
        http.Response.RegisterForDispose(bodyIn); // Its idle timer is linked to the request's token.
        // Bytes out are counted where the response is written, not by wrapping Response.Body, so object bodies
        // go straight into Kestrel's pipe.
        var bodyOut = new BytesSent();
        http.Request.Body = bodyIn;
        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (http.Request.Path + http.Request.QueryString).ToString();
        var options = services.Options;
        var route = S3Router.Route(http.Request.Method, http.Request.Host.Value ?? "", rawTarget,
            http.Request.Headers.ContainsKey("x-amz-copy-source"), options.VirtualHostDomains, options.MaxPartNumber);
        AuthResult? auth = null;
        S3Request? request = null;
        string? errorCode = null;
        try
        {
            if (!route.IsAdmin && http.Request.Headers.ContainsKey("Origin"))
            {
                var rules = Cors.RulesFor(services, route);
                if (Cors.IsPreflight(http.Request))
                {
                    // A refused preflight carries no CORS headers at all (s3-tests' test_cors_header_option).
                    Cors.Preflight(http, rules);
                    return;
                }

                Cors.Decorate(http, rules);
            }

            if (!route.IsAdmin && HttpMethods.IsOptions(http.Request.Method))
            {
                // An OPTIONS that is no preflight is answered 400 before any signature is looked at, as S3 does.
                throw new S3Exception(S3ErrorCode.BadRequest, http.Request.Headers.ContainsKey("Origin")
                    ? "Invalid Access-Control-Request-Method: null"
                    : "Insufficient information. Origin request header needed.");
            }

            var headers = RequestHeaders.From(http.Request.Headers);
            if (!route.Unauthenticated)
            {
                auth = services.Verifier.Verify(new AuthRequest(http.Request.Method, rawTarget, headers.All, route.VirtualHosted ? route.Bucket : null));
            }

            if (route.Rejection is { } rejection)
            {
                throw rejection;
            }

            if (auth is { Presigned: true })
            {
                headers = headers.WithQueryHeaders(route.Query, includeContentHeaders: auth.SignatureVersion == 2);
            }

            request = new S3Request
            {
                Method = http.Request.Method,
                Route = route,
                Auth = auth,
                Headers = headers,
                Body = http.Request.Body,
                Scheme = http.Request.Scheme,
                Host = http.Request.Host.ToString(),
                Aborted = http.RequestAborted,
                Services = services,
                RemoteIp = http.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : null,
            };
            var response = await Run(request).ConfigureAwait(false);
            CloseIfBodyLeft(http, bodyIn);
            await ResponseWriter.WriteAsync(http, response, bodyOut, http.RequestAborted).ConfigureAwait(false);
        }
        catch (S3Exception e)
        {
            errorCode = S3ErrorTable.Lookup(e.Code).Code;
            await WriteError(http, e, route, requestId, hostId, bodyIn, bodyOut).ConfigureAwait(false);
        }
        catch (StorageException e)
        {
            var error = FaultMap.ToS3(e);
            errorCode = S3ErrorTable.Lookup(error.Code).Code;
            await WriteError(http, error, route, requestId, hostId, bodyIn, bodyOut).ConfigureAwait(false);
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
            log.LogInformation("Bad request body for {Target}: {Message}", LogRedaction.Target(rawTarget), e.Message);
            errorCode = "IncompleteBody";
            await WriteError(http, new S3Exception(S3ErrorCode.IncompleteBody), route, requestId, hostId, bodyIn, bodyOut).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            log.LogError(e, "Unhandled error in {Method} {Target} (request {RequestId})", http.Request.Method, LogRedaction.Target(rawTarget), requestId);
            errorCode = "InternalError";
            await WriteError(http, new S3Exception(S3ErrorCode.InternalError), route, requestId, hostId, bodyIn, bodyOut).ConfigureAwait(false);
        }
        finally
        {
            Account(http, route, request, auth, errorCode, bodyIn.Count, bodyOut.Count);
        }
    }

    private static void SetIds(HttpContext http, string requestId, string hostId)
    {
        http.Response.Headers["x-amz-request-id"] = requestId;
        http.Response.Headers["x-amz-id-2"] = hostId;
    }

    /// <summary>
    /// Counts the request for metrics and, when it was let into a bucket, for that bucket's traffic, billed to the
    /// bucket's owner whoever made it (S3's "bucket owner pays"; anonymous requests too). Requests refused before they
    /// reached a bucket (bad signature, access denied, no such bucket) are not billed to anyone.
    /// </summary>
    private void Account(HttpContext http, S3Route route, S3Request? request, AuthResult? auth, string? errorCode, long bytesIn, long bytesOut)
    {
        services.Metrics.Record(route.Operation.ToString(), http.Response.StatusCode, bytesIn, bytesOut);
        // The access step read the bucket's owner; a new bucket is its creator's. A DeleteBucket that succeeded has
        // no bucket left to bill.
        var owner = request?.Gate?.Owner.AccessKey ?? (route.Operation == S3Operation.CreateBucket && errorCode is null ? auth?.AccessKey : null);
        if (route.Bucket is { } bucket && owner is not null && errorCode is not ("AccessDenied" or "NoSuchBucket" or "InvalidBucketName")
            && !(errorCode is null && route.Operation == S3Operation.DeleteBucket))
        {
            services.Storage.Traffic.Record(bucket, owner, services.Clock.UtcNow, Classify(route.Operation), bytesIn, bytesOut);
        }
    }

    /// <summary>The billing class of an operation: S3 prices PUT, COPY, POST and LIST together, GET and the rest below them, and DELETE not at all.</summary>
    internal static RequestClass Classify(S3Operation op) => op switch
    {
        S3Operation.ListBuckets or S3Operation.CreateBucket or S3Operation.PutBucketAcl or S3Operation.ListObjects or S3Operation.ListObjectsV2
            or S3Operation.ListObjectVersions or S3Operation.DeleteObjects or S3Operation.PostObject or S3Operation.PutObject or S3Operation.CopyObject or S3Operation.PutObjectAcl
            or S3Operation.CreateMultipartUpload or S3Operation.UploadPart or S3Operation.UploadPartCopy or S3Operation.ListParts
            or S3Operation.ListMultipartUploads or S3Operation.CompleteMultipartUpload or S3Operation.PutBucketLifecycle
            or S3Operation.PutBucketTagging or S3Operation.PutObjectTagging or S3Operation.PutBucketVersioning
            or S3Operation.PutObjectLockConfiguration or S3Operation.PutObjectRetention or S3Operation.PutObjectLegalHold
            or S3Operation.PutBucketCors or S3Operation.PutBucketPolicy or S3Operation.PutBucketOwnershipControls
            or S3Operation.PutPublicAccessBlock or S3Operation.PutBucketEncryption => RequestClass.WriteOrList,
        S3Operation.HeadBucket or S3Operation.GetBucketLocation or S3Operation.GetBucketVersioning or S3Operation.GetBucketAcl or S3Operation.GetObject
            or S3Operation.HeadObject or S3Operation.GetObjectAcl or S3Operation.GetObjectAttributes or S3Operation.GetBucketLifecycle
            or S3Operation.GetBucketTagging or S3Operation.GetObjectTagging
            or S3Operation.GetObjectLockConfiguration or S3Operation.GetObjectRetention or S3Operation.GetObjectLegalHold
            or S3Operation.GetBucketCors or S3Operation.GetBucketPolicy or S3Operation.GetBucketPolicyStatus
            or S3Operation.GetBucketOwnershipControls or S3Operation.GetPublicAccessBlock or S3Operation.GetBucketEncryption => RequestClass.Read,
        S3Operation.DeleteBucket or S3Operation.DeleteObject or S3Operation.AbortMultipartUpload or S3Operation.DeleteBucketLifecycle
            or S3Operation.DeleteBucketTagging or S3Operation.DeleteObjectTagging or S3Operation.DeleteBucketCors
            or S3Operation.DeleteBucketPolicy or S3Operation.DeleteBucketOwnershipControls or S3Operation.DeletePublicAccessBlock
            or S3Operation.DeleteBucketEncryption
            or S3Operation.NotImplemented => RequestClass.Other,
        // The gateway's own endpoints address no bucket, so nothing is billed for them.
        S3Operation.AdminHealth or S3Operation.AdminUsage or S3Operation.AdminUploads or S3Operation.AdminAbortUploads or S3Operation.AdminClock
            or S3Operation.AdminClockAdvance or S3Operation.AdminMetrics or S3Operation.AdminAccess or S3Operation.AdminUnknown => RequestClass.Other,
    };

    /// <summary>Decides access, then runs the operation's handler.</summary>
    internal static async Task<S3Response> Run(S3Request r)
    {
        AccessControl.Authorize(r);
        try
        {
            return await Dispatch(r).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.Fault == StorageFault.ObjectNotFound && r.Gate is not null && !AccessControl.CanList(r))
        {
            // S3 tells a missing key only to those who could have listed the bucket; everyone else gets 403.
            throw new S3Exception(S3ErrorCode.AccessDenied);
        }
    }

    /// <summary>The one handler of each operation.</summary>
    internal static async Task<S3Response> Dispatch(S3Request r) => r.Route.Operation switch
    {
        S3Operation.ListBuckets => ServiceHandlers.ListBuckets(r),
        S3Operation.CreateBucket => await BucketHandlers.Create(r).ConfigureAwait(false),
        S3Operation.HeadBucket => BucketHandlers.Head(r),
        S3Operation.DeleteBucket => BucketHandlers.Delete(r),
        S3Operation.GetBucketLocation => BucketHandlers.Location(r),
        S3Operation.GetBucketVersioning => VersioningHandlers.Get(r),
        S3Operation.PutBucketVersioning => await VersioningHandlers.Put(r).ConfigureAwait(false),
        S3Operation.GetBucketAcl => AclHandlers.GetBucketAcl(r),
        S3Operation.PutBucketAcl => await AclHandlers.PutBucketAcl(r).ConfigureAwait(false),
        S3Operation.ListObjects => ListHandlers.ListObjectsV1(r),
        S3Operation.ListObjectsV2 => ListHandlers.ListObjectsV2(r),
        S3Operation.ListObjectVersions => ListHandlers.ListObjectVersions(r),
        S3Operation.DeleteObjects => await ObjectHandlers.DeleteObjects(r).ConfigureAwait(false),
        S3Operation.PostObject => await PostObjectHandlers.Post(r).ConfigureAwait(false),
        S3Operation.PutObject => await ObjectHandlers.Put(r).ConfigureAwait(false),
        S3Operation.CopyObject => await CopyHandlers.Copy(r).ConfigureAwait(false),
        S3Operation.GetObject => ObjectHandlers.Get(r, headOnly: false),
        S3Operation.HeadObject => ObjectHandlers.Get(r, headOnly: true),
        S3Operation.DeleteObject => ObjectHandlers.Delete(r),
        S3Operation.GetObjectAcl => AclHandlers.GetObjectAcl(r),
        S3Operation.PutObjectAcl => await AclHandlers.PutObjectAcl(r).ConfigureAwait(false),
        S3Operation.CreateMultipartUpload => MultipartHandlers.Create(r),
        S3Operation.UploadPart => await MultipartHandlers.UploadPart(r).ConfigureAwait(false),
        S3Operation.UploadPartCopy => await MultipartHandlers.UploadPartCopy(r).ConfigureAwait(false),
        S3Operation.ListParts => MultipartListHandlers.ListParts(r),
        S3Operation.ListMultipartUploads => MultipartListHandlers.ListMultipartUploads(r),
        S3Operation.CompleteMultipartUpload => await MultipartHandlers.Complete(r).ConfigureAwait(false),
        S3Operation.AbortMultipartUpload => MultipartHandlers.Abort(r),
        S3Operation.GetObjectAttributes => AttributesHandlers.GetObjectAttributes(r),
        S3Operation.GetBucketLifecycle => LifecycleHandlers.Get(r),
        S3Operation.PutBucketLifecycle => await LifecycleHandlers.Put(r).ConfigureAwait(false),
        S3Operation.DeleteBucketLifecycle => LifecycleHandlers.Delete(r),
        S3Operation.GetBucketTagging => TaggingHandlers.GetBucket(r),
        S3Operation.PutBucketTagging => await TaggingHandlers.PutBucket(r).ConfigureAwait(false),
        S3Operation.DeleteBucketTagging => TaggingHandlers.DeleteBucket(r),
        S3Operation.GetObjectTagging => TaggingHandlers.GetObject(r),
        S3Operation.PutObjectTagging => await TaggingHandlers.PutObject(r).ConfigureAwait(false),
        S3Operation.DeleteObjectTagging => TaggingHandlers.DeleteObject(r),
        S3Operation.GetObjectLockConfiguration => ObjectLockHandlers.GetConfiguration(r),
        S3Operation.PutObjectLockConfiguration => await ObjectLockHandlers.PutConfiguration(r).ConfigureAwait(false),
        S3Operation.GetObjectRetention => ObjectLockHandlers.GetRetention(r),
        S3Operation.PutObjectRetention => await ObjectLockHandlers.PutRetention(r).ConfigureAwait(false),
        S3Operation.GetObjectLegalHold => ObjectLockHandlers.GetLegalHold(r),
        S3Operation.PutObjectLegalHold => await ObjectLockHandlers.PutLegalHold(r).ConfigureAwait(false),
        S3Operation.GetBucketCors => CorsHandlers.Get(r),
        S3Operation.PutBucketCors => await CorsHandlers.Put(r).ConfigureAwait(false),
        S3Operation.DeleteBucketCors => CorsHandlers.Delete(r),
        S3Operation.GetBucketPolicy => AccessHandlers.GetPolicy(r),
        S3Operation.PutBucketPolicy => await AccessHandlers.PutPolicy(r).ConfigureAwait(false),
        S3Operation.DeleteBucketPolicy => AccessHandlers.DeletePolicy(r),
        S3Operation.GetBucketPolicyStatus => AccessHandlers.GetPolicyStatus(r),
        S3Operation.GetBucketOwnershipControls => AccessHandlers.GetOwnership(r),
        S3Operation.PutBucketOwnershipControls => await AccessHandlers.PutOwnership(r).ConfigureAwait(false),
        S3Operation.DeleteBucketOwnershipControls => AccessHandlers.DeleteOwnership(r),
        S3Operation.GetPublicAccessBlock => AccessHandlers.GetBlock(r),
        S3Operation.PutPublicAccessBlock => await AccessHandlers.PutBlock(r).ConfigureAwait(false),
        S3Operation.DeletePublicAccessBlock => AccessHandlers.DeleteBlock(r),
        S3Operation.GetBucketEncryption => EncryptionHandlers.GetBucket(r),
        S3Operation.PutBucketEncryption => await EncryptionHandlers.PutBucket(r).ConfigureAwait(false),
        S3Operation.DeleteBucketEncryption => EncryptionHandlers.DeleteBucket(r),
        S3Operation.NotImplemented => throw new S3Exception(S3ErrorCode.NotImplemented,
            $"A header or query you provided implies functionality that is not implemented ({r.Route.Detail})."),
        S3Operation.AdminHealth => AdminHandlers.Health(r),
        S3Operation.AdminUsage => AdminHandlers.Usage(r),
        S3Operation.AdminUploads => AdminHandlers.Uploads(r),
        S3Operation.AdminAbortUploads => AdminHandlers.AbortStale(r),
        S3Operation.AdminClock => AdminHandlers.Clock(r),
        S3Operation.AdminClockAdvance => AdminHandlers.Advance(r),
        S3Operation.AdminMetrics => AdminHandlers.Metrics(r),
        S3Operation.AdminAccess => AccessHandlers.Explain(r),
        S3Operation.AdminUnknown => AdminHandlers.Unknown(r),
    };

    /// <summary>
    /// HTTP/1.1 keeps a connection for the next request only once this one's body has been read to its end. A body
    /// left unread (an error answered from the headers) would be taken for the next request's start, so the answer
    /// closes the connection instead. So does any final answer to an Expect: 100-continue request that Kestrel never
    /// sent 100 Continue for (it sends one only on the first read of a non-empty body): botocore, having received
    /// its final answer in place of 100 Continue, keeps that status for the next response on the connection and
    /// misreads it, so the connection must not be reused.
    /// </summary>
    internal static void CloseIfBodyLeft(HttpContext http, RequestBodyStream body)
    {
        var length = http.Request.ContentLength;
        var chunked = http.Request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase);
        var bodyLeft = (length > 0 || chunked) && !body.Ended;
        var expect = http.Request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase);
        var continueNotSent = expect && (length == 0 || !body.ReadAttempted);
        if (bodyLeft || continueNotSent)
        {
            http.Response.Headers.Connection = "close";
        }
    }

    private async Task WriteError(HttpContext http, S3Exception error, S3Route route, string requestId, string hostId, RequestBodyStream body, BytesSent sent)
    {
        if (http.Response.HasStarted)
        {
            // Mid-body failure of a streamed response: the status is gone, so cut the connection; the client
            // sees a short body and never mistakes it for the whole object.
            http.Abort();
            return;
        }

        http.Response.Clear();
        SetIds(http, requestId, hostId);
        if (!route.IsAdmin && http.Request.Headers.ContainsKey("Origin") && !Cors.IsPreflight(http.Request))
        {
            // Response.Clear() dropped the CORS headers; a browser must be able to read the error too.
            Cors.Decorate(http, Cors.RulesFor(services, route));
        }

        var response = ResponseWriter.Error(error, route, route.Resource, requestId, hostId, HttpMethods.IsHead(http.Request.Method));
        CloseIfBodyLeft(http, body);
        await ResponseWriter.WriteAsync(http, response, sent, http.RequestAborted).ConfigureAwait(false);
    }
}
