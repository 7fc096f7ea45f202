using System.Security.Cryptography;
using Gateway.Access;
using Gateway.Auth;
using Gateway.Errors;
using Gateway.Handlers;
using Gateway.Pipeline;
using Gateway.Protocol;
using Gateway.Routing;
using Gateway.Streaming;
using Storage.Faults;
using Storage.Usage;

namespace Gateway.Http;

/// <summary>One S3 request's state: the front-end-neutral context, and what the S3 front end learns as it goes.</summary>
internal sealed class S3Call(HttpContext http, string requestId, RequestBodyStream body, BytesSent sent, string hostId)
    : RequestContext(FrontEnd.S3, http, requestId, body, sent)
{
    public string HostId { get; } = hostId;

    public S3Route Route { get; set; } = null!;

    public AuthResult? Auth { get; set; }

    public S3Request? Request { get; set; }
}

/// <summary>
/// The S3 front end's pipeline (the catch-all behind the gateway's own endpoints): routes once, answers CORS
/// preflights, authenticates, hands the context to the hooks, calls the one handler for the operation, writes the
/// response value it returns, and turns every failure into an error response through the one table.
/// </summary>
internal sealed class Dispatcher(GatewayServices services, ILogger<Dispatcher> log) : FrontEndPipeline<S3Call>(services, log)
{
    protected override S3Call Begin(HttpContext http, string requestId, RequestBodyStream body, BytesSent sent)
    {
        var call = new S3Call(http, requestId, body, sent, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
        SetIds(http, requestId, call.HostId);
        http.Response.Headers.Server = "S3Gateway";
        var options = Services.Options;
        var q = call.RawTarget.IndexOf('?', StringComparison.Ordinal);
        var express = S3Router.SignedForExpress(http.Request.Headers.Authorization.ToString(), q < 0 ? "" : call.RawTarget[(q + 1)..]);
        var route = S3Router.Route(http.Request.Method, http.Request.Host.Value ?? "", call.RawTarget,
            http.Request.Headers.ContainsKey("x-amz-copy-source"), options.VirtualHostDomains, options.MaxPartNumber, express);
        call.Route = route;
        call.Operation = route.Operation;
        call.Bucket = route.Bucket;
        call.Key = route.Key;
        call.UploadId = route.UploadId;
        call.PartNumber = route.PartNumber;
        return call;
    }

    protected override ValueTask<bool> PrepareAsync(S3Call call)
    {
        var http = call.Http;
        var route = call.Route;
        if (http.Request.Headers.ContainsKey("Origin"))
        {
            var rules = Cors.RulesFor(Services, route);
            if (Cors.IsPreflight(http.Request))
            {
                // A refused preflight carries no CORS headers at all (s3-tests' test_cors_header_option).
                Cors.Preflight(http, rules);
                return ValueTask.FromResult(false);
            }

            Cors.Decorate(http, rules);
        }

        if (HttpMethods.IsOptions(http.Request.Method))
        {
            // An OPTIONS that is no preflight is answered 400 before any signature is looked at, as S3 does.
            throw new S3Exception(S3ErrorCode.BadRequest, http.Request.Headers.ContainsKey("Origin")
                ? "Invalid Access-Control-Request-Method: null"
                : "Insufficient information. Origin request header needed.");
        }

        var headers = RequestHeaders.From(http.Request.Headers);
        if (!route.Unauthenticated)
        {
            call.Auth = Services.Verifier.Verify(new AuthRequest(http.Request.Method, call.RawTarget, headers.All, route.VirtualHosted ? route.Bucket : null));
            call.Account = call.Auth.Anonymous ? null : call.Auth.AccessKey;
        }

        if (route.Rejection is { } rejection)
        {
            throw rejection;
        }

        if (call.Auth is { Presigned: true })
        {
            headers = headers.WithQueryHeaders(route.Query, includeContentHeaders: call.Auth.SignatureVersion == 2);
        }

        call.Request = new S3Request
        {
            Method = http.Request.Method,
            Route = route,
            Auth = call.Auth,
            Headers = headers,
            Body = http.Request.Body,
            Scheme = http.Request.Scheme,
            Host = http.Request.Host.ToString(),
            Aborted = http.RequestAborted,
            Services = Services,
            RemoteIp = http.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : null,
        };
        return ValueTask.FromResult(true);
    }

    protected override async Task RunAsync(S3Call call)
    {
        var response = await Run(call.Request!).ConfigureAwait(false);
        // A form upload learns its signer from the form: the request is its signer's from here on.
        call.Account ??= call.Request!.Requester;
        CloseIfBodyLeft(call.Http, call.Body);
        await ResponseWriter.WriteAsync(call.Http, response, call.Sent, call.Http.RequestAborted).ConfigureAwait(false);
    }

    protected override bool IsAnswerable(Exception e) => e is S3Exception or StorageException or HookAnswerException;

    protected override async Task WriteErrorAsync(S3Call call, Exception failure)
    {
        var http = call.Http;
        S3Response response;
        if (failure is HookAnswerException { Answer: HookAnswer.Error injected })
        {
            call.ErrorCode = injected.Code;
            response = ResponseWriter.InjectedError(injected, call.Route.Resource, call.RequestId, call.HostId, HttpMethods.IsHead(http.Request.Method));
        }
        else if (failure is HookAnswerException { Answer: HookAnswer.ErrorAfterSuccess late })
        {
            call.ErrorCode = late.Code;
            response = ResponseWriter.ErrorAfterSuccess(late, call.Route.Resource, call.RequestId, call.HostId);
        }
        else
        {
            var error = FaultMap.ToS3(failure);
            call.ErrorCode = S3ErrorTable.Lookup(error.Code).Code;
            if (error.Code == S3ErrorCode.SignatureDoesNotMatch)
            {
                call.RefusedSignature = Refused(error, http.Request);
            }

            response = ResponseWriter.Error(error, call.Route.Resource, call.RequestId, call.HostId, HttpMethods.IsHead(http.Request.Method));
        }

        http.Response.Clear();
        SetIds(http, call.RequestId, call.HostId);
        if (http.Request.Headers.ContainsKey("Origin") && !Cors.IsPreflight(http.Request))
        {
            // Response.Clear() dropped the CORS headers; a browser must be able to read the error too.
            Cors.Decorate(http, Cors.RulesFor(Services, call.Route));
        }

        CloseIfBodyLeft(http, call.Body);
        await ResponseWriter.WriteAsync(http, response, call.Sent, http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>What the request log keeps of a signature that did not match (SigV4's; SigV2's has no canonical request).</summary>
    private static RefusedSignature? Refused(S3Exception error, HttpRequest request)
    {
        string? Extra(string name) => error.Extra.FirstOrDefault(x => x.Key == name).Value;
        if (Extra("CanonicalRequest") is not { } canonical || Extra("StringToSign") is not { } stringToSign)
        {
            return null;
        }

        var authorization = request.Headers.Authorization.ToString();
        var at = authorization.IndexOf("SignedHeaders=", StringComparison.Ordinal);
        var signed = at >= 0 ? authorization[(at + "SignedHeaders=".Length)..].Split(',')[0].Trim() : request.Query["X-Amz-SignedHeaders"].ToString();
        return new RefusedSignature(Extra("AWSAccessKeyId") ?? "", signed, RefusedSignature.Redact(canonical), stringToSign);
    }

    private static void SetIds(HttpContext http, string requestId, string hostId)
    {
        http.Response.Headers["x-amz-request-id"] = requestId;
        http.Response.Headers["x-amz-id-2"] = hostId;
    }

    /// <summary>
    /// Bills the request, when it was let into a bucket, to that bucket's owner whoever made it (S3's "bucket owner
    /// pays"; anonymous requests too). Requests refused before they reached a bucket (bad signature, access denied, no
    /// such bucket) are not billed to anyone.
    /// </summary>
    protected override void Bill(S3Call call)
    {
        var route = call.Route;
        var errorCode = call.ErrorCode;
        // The access step read the bucket's owner; a new bucket is its creator's. A DeleteBucket that succeeded has
        // no bucket left to bill.
        var owner = call.Request?.Gate?.Owner.AccessKey ?? (route.Operation == S3Operation.CreateBucket && errorCode is null ? call.Auth?.AccessKey : null);
        if (route.Bucket is { } bucket && owner is not null && errorCode is not ("AccessDenied" or "NoSuchBucket" or "InvalidBucketName")
            && !(errorCode is null && route.Operation == S3Operation.DeleteBucket))
        {
            Services.Storage.Traffic.Record(bucket, owner, Services.Clock.UtcNow, Classify(route.Operation), call.BytesIn, call.BytesOut);
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
            or S3Operation.PutPublicAccessBlock or S3Operation.PutBucketEncryption
            or S3Operation.ListDirectoryBuckets or S3Operation.RenameObject => RequestClass.WriteOrList,
        S3Operation.HeadBucket or S3Operation.GetBucketLocation or S3Operation.GetBucketVersioning or S3Operation.GetBucketAcl or S3Operation.GetObject
            or S3Operation.HeadObject or S3Operation.GetObjectAcl or S3Operation.GetObjectAttributes or S3Operation.GetBucketLifecycle
            or S3Operation.GetBucketTagging or S3Operation.GetObjectTagging
            or S3Operation.GetObjectLockConfiguration or S3Operation.GetObjectRetention or S3Operation.GetObjectLegalHold
            or S3Operation.GetBucketCors or S3Operation.GetBucketPolicy or S3Operation.GetBucketPolicyStatus
            or S3Operation.GetBucketOwnershipControls or S3Operation.GetPublicAccessBlock or S3Operation.GetBucketEncryption
            or S3Operation.CreateSession => RequestClass.Read,
        S3Operation.DeleteBucket or S3Operation.DeleteObject or S3Operation.AbortMultipartUpload or S3Operation.DeleteBucketLifecycle
            or S3Operation.DeleteBucketTagging or S3Operation.DeleteObjectTagging or S3Operation.DeleteBucketCors
            or S3Operation.DeleteBucketPolicy or S3Operation.DeleteBucketOwnershipControls or S3Operation.DeletePublicAccessBlock
            or S3Operation.DeleteBucketEncryption
            or S3Operation.NotImplemented => RequestClass.Other,
    };

    /// <summary>Decides access, then runs the operation's handler.</summary>
    internal static async Task<S3Response> Run(S3Request r)
    {
        DirectoryBuckets.Admit(r);
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
        S3Operation.CreateSession => DirectoryHandlers.CreateSession(r),
        S3Operation.ListDirectoryBuckets => DirectoryHandlers.ListDirectoryBuckets(r),
        S3Operation.RenameObject => DirectoryHandlers.Rename(r),
        S3Operation.NotImplemented => throw new S3Exception(S3ErrorCode.NotImplemented,
            $"A header or query you provided implies functionality that is not implemented ({r.Route.Detail})."),
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
}
