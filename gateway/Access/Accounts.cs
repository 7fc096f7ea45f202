using System.Security.Cryptography;
using System.Text;

namespace Gateway.Access;

/// <summary>One configured account: its access key, the canonical id S3 shows for it, its display name and (optionally) an email for grants by email.</summary>
internal sealed record Account(string AccessKey, string CanonicalId, string DisplayName, string? Email);

/// <summary>
/// The configured accounts (Gateway:AccessKey plus Gateway:Credentials), found by access key, canonical id or email:
/// grants name accounts by canonical id or email, and the gateway stores and evaluates them by access key.
/// </summary>
internal sealed class Accounts
{
    private readonly Dictionary<string, Account> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Account> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Account> _byEmail = new(StringComparer.OrdinalIgnoreCase);

    public Accounts(GatewayOptions options)
    {
        Add(options.AccessKey, options.DisplayName, options.Email);
        foreach (var c in options.Credentials)
        {
            Add(c.AccessKey, c.DisplayName, c.Email);
        }
    }

    /// <summary>S3 shows owners as a 64-hex-digit canonical id; ours is the SHA-256 of the access key, stable across restarts and distinct per account.</summary>
    public static string CanonicalId(string accessKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(accessKey)));

    /// <summary>The account of an access key; one that is not configured (an owner recorded before its key was removed) gets a record of its own.</summary>
    public Account Of(string accessKey) => _byKey.GetValueOrDefault(accessKey) ?? new Account(accessKey, CanonicalId(accessKey), accessKey, null);

    public Account? ById(string canonicalId) => _byId.GetValueOrDefault(canonicalId);

    public Account? ByEmail(string email) => _byEmail.GetValueOrDefault(email);

    private void Add(string accessKey, string? displayName, string? email)
    {
        var account = new Account(accessKey, CanonicalId(accessKey), string.IsNullOrEmpty(displayName) ? accessKey : displayName, string.IsNullOrEmpty(email) ? null : email);
        _byKey[accessKey] = account;
        _byId[account.CanonicalId] = account;
        if (account.Email is { } e)
        {
            _byEmail[e] = account;
        }
    }
}
