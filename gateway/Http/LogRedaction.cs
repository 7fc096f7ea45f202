namespace Gateway.Http;

/// <summary>
/// Request targets as they may be logged: a presigned URL carries its signature and credential in the query,
/// and a log line must not hand out a working URL (or an access key) to whoever reads the log.
/// </summary>
internal static class LogRedaction
{
    private static readonly string[] Secret =
    [
        "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "Signature", "AWSAccessKeyId", "x-amz-security-token",
    ];

    public const string Mask = "REDACTED";

    /// <summary>The target with the value of every signature, credential and token parameter replaced by <see cref="Mask"/>.</summary>
    public static string Target(string rawTarget)
    {
        var q = rawTarget.IndexOf('?');
        if (q < 0)
        {
            return rawTarget;
        }

        var pairs = rawTarget[(q + 1)..].Split('&');
        for (var i = 0; i < pairs.Length; i++)
        {
            var eq = pairs[i].IndexOf('=');
            var name = eq < 0 ? pairs[i] : pairs[i][..eq];
            if (Secret.Any(s => string.Equals(s, Uri.UnescapeDataString(name), StringComparison.OrdinalIgnoreCase)))
            {
                pairs[i] = name + "=" + Mask;
            }
        }

        return rawTarget[..(q + 1)] + string.Join('&', pairs);
    }
}
