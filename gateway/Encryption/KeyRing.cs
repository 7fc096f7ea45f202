using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Errors;

namespace Gateway.Encryption;

/// <summary>
/// The gateway's keys, kept in the data folder's <c>keys/</c>: the master key that wraps SSE-S3 data keys, and the
/// local KMS registry (key id to key material) that wraps SSE-KMS data keys. Data keys are wrapped with AES-256-GCM
/// under the key that owns them, bound to that key's id, so a wrapped key cannot be replayed under another. The
/// folder is created readable by the gateway's user only; losing it loses every SSE-S3 and SSE-KMS object, as
/// losing a KMS key does.
/// </summary>
internal sealed class KeyRing
{
    /// <summary>The key SSE-KMS uses when a request names none (S3's AWS managed key).</summary>
    public const string DefaultKmsKey = "aws/s3";

    private const string MasterId = "sse-s3";
    private readonly string _dir;
    private readonly object _gate = new();
    private readonly byte[] _master;
    private readonly Dictionary<string, string> _kms;

    public KeyRing(string dataDir, IEnumerable<string> kmsKeyIds)
    {
        _dir = Path.Combine(dataDir, "keys");
        if (!Directory.Exists(_dir))
        {
            Directory.CreateDirectory(_dir);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var masterPath = Path.Combine(_dir, "master.key");
        if (!File.Exists(masterPath))
        {
            WriteAtomically(masterPath, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        _master = Convert.FromBase64String(File.ReadAllText(masterPath).Trim());
        var kmsPath = Path.Combine(_dir, "kms.json");
        _kms = File.Exists(kmsPath) ? JsonSerializer.Deserialize(File.ReadAllText(kmsPath), GatewayJson.Default.DictionaryStringString) ?? [] : [];
        foreach (var id in kmsKeyIds.Append(DefaultKmsKey).Where(id => !_kms.ContainsKey(id)).ToList())
        {
            _kms[id] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }

        WriteAtomically(kmsPath, JsonSerializer.Serialize(_kms, GatewayJson.Default.DictionaryStringString));
    }

    /// <summary>A key for one <paramref name="purpose"/> derived from the master key: it lasts as long as the data folder.</summary>
    public byte[] Derive(string purpose) => HMACSHA256.HashData(_master, System.Text.Encoding.UTF8.GetBytes(purpose));

    public bool HasKmsKey(string id)
    {
        lock (_gate)
        {
            return _kms.ContainsKey(id);
        }
    }

    /// <summary>Wraps a data key under the master key (SSE-S3) or the KMS key <paramref name="kmsKeyId"/>.</summary>
    public string Wrap(byte[] dataKey, string? kmsKeyId)
    {
        var (id, key) = Owner(kmsKeyId);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var sealedKey = new byte[dataKey.Length];
        var tag = new byte[16];
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(nonce, dataKey, sealedKey, tag, System.Text.Encoding.UTF8.GetBytes(id));
        return Convert.ToBase64String([.. nonce, .. sealedKey, .. tag]);
    }

    /// <summary>The data key inside <paramref name="wrapped"/>; a key that does not unwrap (tampered, or another key's) is an internal error.</summary>
    public byte[] Unwrap(string wrapped, string? kmsKeyId)
    {
        var (id, key) = Owner(kmsKeyId);
        var bytes = Convert.FromBase64String(wrapped);
        var dataKey = new byte[bytes.Length - 28];
        using var gcm = new AesGcm(key, 16);
        gcm.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(12, dataKey.Length), bytes.AsSpan(12 + dataKey.Length), dataKey, System.Text.Encoding.UTF8.GetBytes(id));
        return dataKey;
    }

    private (string Id, byte[] Key) Owner(string? kmsKeyId)
    {
        if (kmsKeyId is null)
        {
            return (MasterId, _master);
        }

        lock (_gate)
        {
            return _kms.TryGetValue(kmsKeyId, out var material)
                ? ("kms:" + kmsKeyId, Convert.FromBase64String(material))
                : throw new S3Exception(S3ErrorCode.KMSNotFoundException, $"Invalid keyId {kmsKeyId}");
        }
    }

    private static void WriteAtomically(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, path, overwrite: true);
    }
}
