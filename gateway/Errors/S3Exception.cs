namespace Gateway.Errors;

/// <summary>
/// An S3 error to answer with. <paramref name="message"/> overrides the table's default text;
/// <see cref="Extra"/> holds additional elements for the error document (S3 adds, for example,
/// StringToSign and CanonicalRequest to SignatureDoesNotMatch so a client author can see the difference).
/// </summary>
internal sealed class S3Exception(S3ErrorCode code, string? message = null) : Exception(message ?? S3ErrorTable.Lookup(code).Message)
{
    public S3ErrorCode Code { get; } = code;

    public List<KeyValuePair<string, string>> Extra { get; } = [];

    /// <summary>Headers to send with the error response (e.g. Content-Range on 416).</summary>
    public List<KeyValuePair<string, string>> ResponseHeaders { get; } = [];

    public S3Exception WithHeader(string name, string value)
    {
        ResponseHeaders.Add(new(name, value));
        return this;
    }

    /// <summary>Adds an element to the error document; a null value adds nothing.</summary>
    public S3Exception With(string element, string? value)
    {
        if (value is not null)
        {
            Extra.Add(new(element, value));
        }

        return this;
    }
}
