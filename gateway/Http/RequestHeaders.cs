namespace Gateway.Http;

/// <summary>
/// The request headers as received: names as sent, repeated headers as repeated entries. Lookups ignore case and
/// join repeated values with ",", as HTTP defines a repeated field to mean.
/// </summary>
internal sealed class RequestHeaders(IReadOnlyList<KeyValuePair<string, string>> all)
{
    public static readonly RequestHeaders Empty = new([]);

    public IReadOnlyList<KeyValuePair<string, string>> All { get; } = all;

    public static RequestHeaders From(IEnumerable<(string Name, string Value)> headers) =>
        new(headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList());

    public static RequestHeaders From(IDictionary<string, string> headers) => new(headers.ToList());

    public static RequestHeaders From(IHeaderDictionary headers)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                list.Add(new(name, value ?? ""));
            }
        }

        return new RequestHeaders(list);
    }

    /// <summary>
    /// The headers of a presigned request with the x-amz-* (and, for SigV2, Content-Type / Content-MD5) parameters
    /// of its query added as headers: signers move signed headers into the query, and S3 honours them there
    /// (metadata, ACLs...). A header sent as a header wins; the authentication parameters stay in the query. Checksum
    /// parameters are not taken: S3 does not check or store a checksum given in a presigned URL's query (its
    /// presigned-URL guide; the JS SDK v3's getSignedUrl puts the CRC32 of an empty body there, and S3 stores the
    /// object with its default checksum), while a checksum sent as a real header is checked as any header is.
    /// </summary>
    public RequestHeaders WithQueryHeaders(Routing.QueryString query, bool includeContentHeaders)
    {
        var added = new List<KeyValuePair<string, string>>(All);
        foreach (var (name, value) in query.Pairs)
        {
            var lower = name.ToLowerInvariant();
            var hoisted = (lower.StartsWith("x-amz-", StringComparison.Ordinal) && !AuthParameters.Contains(lower)
                    && !lower.StartsWith("x-amz-checksum-", StringComparison.Ordinal) && lower != "x-amz-sdk-checksum-algorithm")
                || (includeContentHeaders && lower is "content-type" or "content-md5");
            if (hoisted && !Has(lower))
            {
                added.Add(new(lower, value));
            }
        }

        return added.Count == All.Count ? this : new RequestHeaders(added);
    }

    private static readonly HashSet<string> AuthParameters = new(StringComparer.Ordinal)
    {
        "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires", "x-amz-signedheaders", "x-amz-signature", "x-amz-security-token",
    };

    public string? this[string name] => Get(name);

    public string? Get(string name)
    {
        string? result = null;
        foreach (var (key, value) in All)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                result = result is null ? value : result + "," + value;
            }
        }

        return result;
    }

    public bool Has(string name) => All.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Distinct header names (lowercase) that start with <paramref name="prefix"/>.</summary>
    public IEnumerable<string> NamesStartingWith(string prefix) =>
        All.Select(h => h.Key.ToLowerInvariant()).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Distinct();
}
