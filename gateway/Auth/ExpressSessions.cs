using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gateway.Errors;

namespace Gateway.Auth;

/// <summary>What a CreateSession session lets its holder do.</summary>
internal enum SessionMode
{
    ReadWrite,
    ReadOnly,
}

/// <summary>
/// A directory bucket's session (S3 Express One Zone's CreateSession): for one bucket, one account, a mode, until a
/// time on the gateway's clock. <see cref="AccessKeyId"/> and <see cref="SecretAccessKey"/> are what the client signs
/// with (SigV4 for service s3express); <see cref="Token"/> travels in x-amz-s3session-token.
/// </summary>
internal sealed record ExpressSession(string Bucket, string Account, SessionMode Mode, DateTimeOffset Expires, string AccessKeyId, string SecretAccessKey, string Token);

/// <summary>
/// Issues and reads session tokens without keeping them: a token is its session's fields and a MAC over them under a
/// key derived from the data folder's master key, and the session's key id and secret are derived from the token the
/// same way. Nothing is stored per session, sessions survive a restart of the gateway on the same data folder, and a
/// token altered in any byte, or made by another data folder's gateway, is refused.
/// </summary>
internal sealed class ExpressSessions(Func<byte[]> key)
{
    /// <summary>S3 Express One Zone's session lifetime ("CreateSession": the credentials expire after 5 minutes).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private const string Version = "v1";
    private readonly Lazy<byte[]> _key = new(key);

    public ExpressSession Issue(string bucket, string account, SessionMode mode, DateTimeOffset now)
    {
        // Whole seconds: the Expiration a client reads back is an ISO time without fractions.
        var expires = DateTimeOffset.FromUnixTimeSeconds(now.Add(Lifetime).ToUnixTimeSeconds());
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var payload = string.Join('\n', Version, bucket, account, mode.ToString(), expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), nonce);
        var body = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));
        var token = body + "." + Base64Url.EncodeToString(Mac("token", body));
        return Session(bucket, account, mode, expires, token);
    }

    /// <summary>The session a token stands for; InvalidToken when it is not one this gateway issued, unaltered.</summary>
    public ExpressSession Read(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !TryDecode(token[(dot + 1)..], out var mac) || !CryptographicOperations.FixedTimeEquals(mac, Mac("token", token[..dot]))
            || !TryDecode(token[..dot], out var payloadBytes))
        {
            throw Invalid();
        }

        var fields = Encoding.UTF8.GetString(payloadBytes).Split('\n');
        if (fields.Length != 6 || fields[0] != Version || !Enum.TryParse<SessionMode>(fields[3], out var mode)
            || !long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw Invalid();
        }

        return Session(fields[1], fields[2], mode, DateTimeOffset.FromUnixTimeSeconds(seconds), token);
    }

    private ExpressSession Session(string bucket, string account, SessionMode mode, DateTimeOffset expires, string token) =>
        new(bucket, account, mode, expires,
            // A key id shaped like S3's temporary ones (20 characters), and a 40-character secret, both from the token.
            "S3GWSESS" + Convert.ToHexString(Mac("id", token))[..12],
            Convert.ToBase64String(Mac("secret", token))[..40],
            token);

    private byte[] Mac(string purpose, string text) => HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes(purpose + "\n" + text));

    private static bool TryDecode(string text, out byte[] bytes)
    {
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private static S3Exception Invalid() => new(S3ErrorCode.InvalidToken);
}
