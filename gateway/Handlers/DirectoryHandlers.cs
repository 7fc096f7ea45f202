using System.Collections.Concurrent;
using System.Globalization;
using Gateway.Access;
using Gateway.Auth;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Gateway.Xml;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>Directory buckets' own operations: CreateSession, ListDirectoryBuckets, RenameObject.</summary>
internal static class DirectoryHandlers
{
    /// <summary>
    /// CreateSession: credentials for one directory bucket, valid five minutes on the gateway's clock. Signed with the
    /// account's own credentials for s3express. Whoever may CreateSession on the bucket (its owner, or a policy's
    /// s3express:CreateSession) gets a session that acts as them; each request made with it is still decided as theirs.
    /// A bucket not created yet gets a session too, for its creator to create it with: botocore asks for one before
    /// CreateBucket and DeleteBucket on a custom endpoint and signs them with it.
    /// </summary>
    public static S3Response CreateSession(S3Request r)
    {
        if (r.Auth is { Session: not null })
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "CreateSession is signed with an account's credentials, not with a session's.");
        }

        var requester = r.Requester ?? throw new S3Exception(S3ErrorCode.AccessDenied);
        var mode = r.Header("x-amz-create-session-mode") switch
        {
            null or "ReadWrite" => SessionMode.ReadWrite,
            "ReadOnly" => SessionMode.ReadOnly,
            var other => throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-create-session-mode must be ReadWrite or ReadOnly.")
                .With("ArgumentName", "x-amz-create-session-mode").With("ArgumentValue", other),
        };
        if (r.Storage.Buckets.Find(r.Bucket) is not null)
        {
            r.Gate = AccessControl.Gate(r.Services, r.Bucket);
            AccessControl.Require(r, "s3express:CreateSession", null, null);
        }
        else if (!DirectoryBuckets.TryParseName(r.Bucket, out _))
        {
            throw new S3Exception(S3ErrorCode.NoSuchBucket).With("BucketName", r.Bucket);
        }

        var session = r.Services.Sessions.Issue(r.Bucket, requester, mode, r.Storage.Clock.UtcNow);
        var xml = new XmlBuilder().Root("CreateSessionResult").Open("Credentials")
            .Element("SessionToken", session.Token)
            .Element("SecretAccessKey", session.SecretAccessKey)
            .Element("AccessKeyId", session.AccessKeyId)
            .Element("Expiration", session.Expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Close("Credentials").Close("CreateSessionResult");
        return S3Response.Xml(xml.ToString());
    }

    /// <summary>ListDirectoryBuckets: the caller's directory buckets in name order, paged by an opaque continuation token.</summary>
    public static S3Response ListDirectoryBuckets(S3Request r)
    {
        var max = 1000;
        if (r.Query.Get("max-directory-buckets") is { } m && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max > 1000))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Argument max-directory-buckets must be an integer between 0 and 1000.")
                .With("ArgumentName", "max-directory-buckets").With("ArgumentValue", m);
        }

        var (buckets, truncated) = max == 0 ? ([], false) : r.Storage.Buckets.List(r.Account, null, ServiceHandlers.After(r), max, BucketKind.Directory);
        var xml = new XmlBuilder().Root("ListAllMyDirectoryBucketsResult");
        ServiceHandlers.Buckets(xml, r, buckets, truncated);
        return S3Response.Xml(xml.Close("ListAllMyDirectoryBucketsResult").ToString());
    }

    /// <summary>
    /// RenameObject: moves an object to the addressed key in one step, no byte copied. x-amz-rename-source names the
    /// source key in the same bucket (botocore sends the key as it is; a leading '/' and percent-encoding are
    /// accepted). If-* headers are judged against the destination, x-amz-rename-source-if-* against the source.
    /// x-amz-client-token makes a retry of the same rename succeed again instead of failing on the moved source.
    /// </summary>
    public static S3Response Rename(S3Request r)
    {
        ObjectHeaders.CheckKey(r.Key);
        var source = r.Header("x-amz-rename-source") is { Length: > 0 } raw
            ? Routing.QueryString.PercentDecode(raw.TrimStart('/'), plusIsSpace: false)
            : throw new S3Exception(S3ErrorCode.InvalidRequest, "Missing required header for this request: x-amz-rename-source");
        if (source.Length == 0 || source.EndsWith('/') || r.Key.EndsWith('/'))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "RenameObject renames objects, not directories: neither key may end in '/'.");
        }

        var token = r.Header("x-amz-client-token");
        var request = new RenameRequest(r.Bucket, source, r.Key);
        if (token is not null && r.Services.RenameTokens.Find(token) is { } done)
        {
            return done == request
                ? S3Response.Empty()
                : throw new S3Exception(S3ErrorCode.IdempotencyParameterMismatch);
        }

        var ifNoneMatch = r.Header("If-None-Match");
        if (ifNoneMatch is not null && ifNoneMatch.Trim() != "*")
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, "If-None-Match on RenameObject accepts only *.");
        }

        var h = r.Headers;
        var sourceConditions = new ReadConditions(h["x-amz-rename-source-if-match"], h["x-amz-rename-source-if-none-match"],
            HttpConditions.ParseDate(h["x-amz-rename-source-if-modified-since"]), HttpConditions.ParseDate(h["x-amz-rename-source-if-unmodified-since"]));
        var destinationTimes = new ReadConditions(null, null, HttpConditions.ParseDate(h["If-Modified-Since"]), HttpConditions.ParseDate(h["If-Unmodified-Since"]));
        r.Storage.Objects.Rename(new RenameObjectCommand(r.Bucket, source, r.Key, r.Account, sourceConditions,
            new WriteConditions(ifNoneMatch is not null, h["If-Match"]), destinationTimes));
        if (token is not null)
        {
            r.Services.RenameTokens.Remember(token, request, r.Storage.Clock.UtcNow);
        }

        return S3Response.Empty();
    }

}

/// <summary>What a rename asked for: a retry with the same client token must ask the same.</summary>
internal sealed record RenameRequest(string Bucket, string Source, string Key);

/// <summary>
/// The client tokens of a gateway's recent renames (an SDK's retry window, not forever): bounded in count and age,
/// in memory, per gateway.
/// </summary>
internal sealed class RenameTokens
{
    private const int MaxRemembered = 10_000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, (RenameRequest Request, DateTimeOffset At)> _done = new(StringComparer.Ordinal);

    public RenameRequest? Find(string token) => _done.TryGetValue(token, out var done) ? done.Request : null;

    public void Remember(string token, RenameRequest request, DateTimeOffset now)
    {
        if (_done.Count >= MaxRemembered)
        {
            foreach (var (k, v) in _done)
            {
                if (now - v.At > Lifetime)
                {
                    _done.TryRemove(k, out _);
                }
            }

            if (_done.Count >= MaxRemembered)
            {
                _done.Clear();
            }
        }

        _done[token] = (request, now);
    }
}
