using Gateway.Errors;
using Gateway.Http;
using Gateway.Xml;
using Storage.Objects;

namespace Gateway.Handlers;

/// <summary>Get/PutBucketVersioning, and the version id a request names and a response carries.</summary>
internal static class VersioningHandlers
{
    public static S3Response Get(S3Request r)
    {
        var state = r.Storage.Buckets.Require(r.Bucket, r.Account).Versioning;
        // A bucket whose versioning was never set shows an empty configuration, as S3 shows it.
        return S3Response.Xml(state == VersioningState.Unversioned
            ? new XmlBuilder().Raw("<VersioningConfiguration xmlns=\"" + XmlBuilder.S3Namespace + "\"/>").ToString()
            : new XmlBuilder().Root("VersioningConfiguration").Element("Status", state.ToString()).Close("VersioningConfiguration").ToString());
    }

    public static async Task<S3Response> Put(S3Request r)
    {
        r.Storage.Buckets.Require(r.Bucket, r.Account);
        var doc = await RequestXml.ReadBodyAsync(r).ConfigureAwait(false);
        var root = doc!.Root!;
        if (root.Name.LocalName != "VersioningConfiguration")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        if (root.Child("MfaDelete")?.Value is "Enabled")
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, "MFA delete is not implemented by this gateway: there is no MFA device to check.");
        }

        var state = root.Child("Status")?.Value switch
        {
            "Enabled" => VersioningState.Enabled,
            "Suspended" => VersioningState.Suspended,
            // A configuration without a status changes nothing.
            null => (VersioningState?)null,
            _ => throw new S3Exception(S3ErrorCode.MalformedXML),
        };
        if (state is { } s)
        {
            r.Storage.Buckets.SetVersioning(r.Bucket, r.Account, s);
        }

        return S3Response.Empty();
    }

    /// <summary>The request's versionId parameter (null when absent); an empty one names nothing and is refused.</summary>
    public static string? Requested(S3Request r)
    {
        var v = r.Query.Get("versionId");
        return v is "" ? throw EmptyVersionId("versionId", "") : v;
    }

    /// <summary>An empty version id, wherever it is given (the query, x-amz-copy-source, a DeleteObjects entry), names no version.</summary>
    public static S3Exception EmptyVersionId(string argumentName, string argumentValue) =>
        new S3Exception(S3ErrorCode.InvalidArgument, "Version id cannot be the empty string").With("ArgumentName", argumentName).With("ArgumentValue", argumentValue);

    /// <summary>x-amz-version-id on an answer about an object, when its bucket has (or had) versioning: S3 leaves it out for buckets that never had it.</summary>
    public static S3Response WithVersion(this S3Response response, ObjectInfo info) =>
        info.Versioned ? response.With("x-amz-version-id", info.VersionId) : response;

    /// <summary>
    /// x-amz-version-id on the answer to a write: only a write that made a version with an id of its own says it (a
    /// suspended bucket's null version goes unnamed, as S3 answers; s3-tests' test_versioning_bucket_*_return_version_id).
    /// </summary>
    public static S3Response WithNewVersion(this S3Response response, ObjectInfo info) =>
        info.VersionId != ObjectVersions.NullId ? response.With("x-amz-version-id", info.VersionId) : response;

    /// <summary>What a DELETE says about the version it removed or the marker it created.</summary>
    public static S3Response WithDeleteResult(this S3Response response, DeleteResult result)
    {
        if (result.DeleteMarker)
        {
            response.With("x-amz-delete-marker", "true");
        }

        return response.With("x-amz-version-id", result.VersionId);
    }
}
