namespace Gateway.Errors;

/// <summary>The one table from error code to wire code, HTTP status and default message.</summary>
internal static class S3ErrorTable
{
    internal readonly record struct Entry(string Code, int Status, string Message);

    public static Entry Lookup(S3ErrorCode code) => code switch
    {
        S3ErrorCode.AccessDenied => new("AccessDenied", 403, "Access Denied"),
        S3ErrorCode.AccessForbidden => new("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed."),
        S3ErrorCode.AuthorizationHeaderMalformed => new("AuthorizationHeaderMalformed", 400, "The authorization header is malformed."),
        S3ErrorCode.AuthorizationQueryParametersError => new("AuthorizationQueryParametersError", 400, "Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."),
        S3ErrorCode.BadRequest => new("BadRequest", 400, "Bad Request"),
        S3ErrorCode.BadDigest => new("BadDigest", 400, "The Content-MD5 you specified did not match what we received."),
        S3ErrorCode.BucketAlreadyExists => new("BucketAlreadyExists", 409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."),
        S3ErrorCode.BucketAlreadyOwnedByYou => new("BucketAlreadyOwnedByYou", 409, "Your previous request to create the named bucket succeeded and you already own it."),
        S3ErrorCode.BucketNotEmpty => new("BucketNotEmpty", 409, "The bucket you tried to delete is not empty"),
        S3ErrorCode.Conflict => new("Conflict", 409, "The request conflicts with the gateway's state."),
        S3ErrorCode.EntityTooLarge => new("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size"),
        S3ErrorCode.EntityTooSmall => new("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size."),
        S3ErrorCode.IncompleteBody => new("IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header."),
        S3ErrorCode.InternalError => new("InternalError", 500, "We encountered an internal error. Please try again."),
        S3ErrorCode.InvalidAccessKeyId => new("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."),
        S3ErrorCode.InvalidArgument => new("InvalidArgument", 400, "Invalid Argument"),
        S3ErrorCode.InvalidBucketName => new("InvalidBucketName", 400, "The specified bucket is not valid."),
        S3ErrorCode.InvalidChunkSizeError => new("InvalidChunkSizeError", 403, "Only the last chunk is allowed to have a size less than 8192 bytes"),
        S3ErrorCode.InvalidDigest => new("InvalidDigest", 400, "The Content-MD5 you specified is not valid."),
        S3ErrorCode.InvalidEncryptionAlgorithmError => new("InvalidEncryptionAlgorithmError", 400, "The encryption request you specified is not valid."),
        S3ErrorCode.InvalidLocationConstraint => new("InvalidLocationConstraint", 400, "The specified location-constraint is not valid."),
        S3ErrorCode.InvalidPart => new("InvalidPart", 400, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."),
        S3ErrorCode.InvalidPartNumber => new("InvalidPartNumber", 416, "The requested partnumber is not satisfiable"),
        S3ErrorCode.InvalidPartOrder => new("InvalidPartOrder", 400, "The list of parts was not in ascending order. Parts must be ordered by part number."),
        S3ErrorCode.InvalidPolicyDocument => new("InvalidPolicyDocument", 400, "The content of the form does not meet the conditions specified in the policy document."),
        S3ErrorCode.InvalidRange => new("InvalidRange", 416, "The requested range is not satisfiable"),
        S3ErrorCode.InvalidRequest => new("InvalidRequest", 400, "Invalid Request"),
        S3ErrorCode.InvalidStorageClass => new("InvalidStorageClass", 400, "The storage class you specified is not valid"),
        // Not an AWS code (S3 never runs out of disk); MinIO answers a full drive the same way. 507 is not retried
        // by the SDKs, which is right: retrying cannot help until space is freed.
        S3ErrorCode.InsufficientStorage => new("InsufficientStorage", 507, "The gateway's disk is full."),
        S3ErrorCode.InvalidURI => new("InvalidURI", 400, "Couldn't parse the specified URI."),
        S3ErrorCode.KeyTooLongError => new("KeyTooLongError", 400, "Your key is too long"),
        S3ErrorCode.MalformedTrailerError => new("MalformedTrailerError", 400, "The request contained trailing data that was not well-formed or did not conform to our published schema."),
        S3ErrorCode.MalformedPOSTRequest => new("MalformedPOSTRequest", 400, "The body of your POST request is not well-formed multipart/form-data."),
        S3ErrorCode.MalformedXML => new("MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"),
        S3ErrorCode.MaxPostPreDataLengthExceededError => new("MaxPostPreDataLengthExceededError", 400, "Your POST request fields preceding the upload file were too large."),
        S3ErrorCode.InvalidTag => new("InvalidTag", 400, "The tag provided was not a valid tag. This error can occur if the tag did not pass input validation."),
        S3ErrorCode.MetadataTooLarge => new("MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size."),
        S3ErrorCode.MethodNotAllowed => new("MethodNotAllowed", 405, "The specified method is not allowed against this resource."),
        S3ErrorCode.MissingContentLength => new("MissingContentLength", 411, "You must provide the Content-Length HTTP header."),
        S3ErrorCode.MissingSecurityHeader => new("MissingSecurityHeader", 400, "Your request is missing a required header."),
        S3ErrorCode.NoSuchBucket => new("NoSuchBucket", 404, "The specified bucket does not exist"),
        S3ErrorCode.NoSuchKey => new("NoSuchKey", 404, "The specified key does not exist."),
        S3ErrorCode.NoSuchVersion => new("NoSuchVersion", 404, "The specified version does not exist."),
        S3ErrorCode.NoSuchTagSet => new("NoSuchTagSet", 404, "The TagSet does not exist"),
        S3ErrorCode.NoSuchLifecycleConfiguration => new("NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist"),
        S3ErrorCode.NoSuchUpload => new("NoSuchUpload", 404, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."),
        S3ErrorCode.NotFound => new("NotFound", 404, "The gateway has no such endpoint."),
        S3ErrorCode.NotImplemented => new("NotImplemented", 501, "A header or query you provided implies functionality that is not implemented."),
        S3ErrorCode.NotModified => new("NotModified", 304, "Not Modified"),
        S3ErrorCode.PreconditionFailed => new("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold"),
        S3ErrorCode.RequestTimeout => new("RequestTimeout", 400, "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed."),
        S3ErrorCode.RequestTimeTooSkewed => new("RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large."),
        S3ErrorCode.SignatureDoesNotMatch => new("SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided. Check your key and signing method."),
        S3ErrorCode.XAmzContentSHA256Mismatch => new("XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed."),
    };
}
