using Gateway.Errors;
using Gateway.Xml;

namespace Gateway.Handlers;

/// <summary>CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation, GetBucketVersioning.</summary>
internal static class BucketHandlers
{
    public static async Task Create(S3Context ctx)
    {
        if (!BucketNames.IsValid(ctx.Bucket))
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketName).With("BucketName", ctx.Bucket);
        }

        AclHandlers.RequireOwnerOnlyAclHeaders(ctx);
        var doc = await RequestXml.ReadBodyAsync(ctx, allowEmpty: true).ConfigureAwait(false);
        var location = doc?.Root?.Child("LocationConstraint")?.Value;
        if (!string.IsNullOrEmpty(location) && location != ctx.Options.Region)
        {
            throw new S3Exception(S3ErrorCode.InvalidLocationConstraint,
                $"The {location} location constraint is incompatible for the region specific endpoint this request was sent to.");
        }

        ctx.Storage.Buckets.Create(ctx.Bucket, ctx.Account);
        ctx.Response.Headers.Location = "/" + ctx.Bucket;
        await ctx.Empty(200).ConfigureAwait(false);
    }

    public static Task Head(S3Context ctx)
    {
        ctx.Storage.Buckets.Require(ctx.Bucket, ctx.Account);
        ctx.Response.Headers["x-amz-bucket-region"] = ctx.Options.Region;
        return ctx.Empty(200);
    }

    public static Task Delete(S3Context ctx)
    {
        ctx.Storage.Buckets.Delete(ctx.Bucket, ctx.Account);
        return ctx.Empty(204);
    }

    public static Task Location(S3Context ctx)
    {
        ctx.Storage.Buckets.Require(ctx.Bucket, ctx.Account);
        // S3 answers an empty LocationConstraint for us-east-1, the region's legacy name.
        var region = ctx.Options.Region == "us-east-1" ? null : ctx.Options.Region;
        var xml = new XmlBuilder();
        xml.Raw(region is null
            ? "<LocationConstraint xmlns=\"" + XmlBuilder.S3Namespace + "\"/>"
            : "<LocationConstraint xmlns=\"" + XmlBuilder.S3Namespace + "\">" + region + "</LocationConstraint>");
        return ctx.Xml(xml.ToString());
    }

    public static Task Versioning(S3Context ctx)
    {
        ctx.Storage.Buckets.Require(ctx.Bucket, ctx.Account);
        // Buckets here are never versioned; S3 shows a never-versioned bucket as an empty configuration.
        return ctx.Xml(new XmlBuilder().Raw("<VersioningConfiguration xmlns=\"" + XmlBuilder.S3Namespace + "\"/>").ToString());
    }
}
