using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using Storage.Multipart;
using Storage.Objects;
using Storage.Segments;

namespace Storage.Tests.Objects;

/// <summary>
/// Encryption at rest: what reaches the disk and the database is ciphertext, reads decrypt any range, parts and
/// copies under one key share segments and under another are written anew, and nothing is readable without the key.
/// </summary>
[TestFixture]
internal sealed class EncryptionStorageTests
{
    private const string Account = "acct";
    private const string Bucket = "bkt";
    private static readonly DataKey KeyA = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly DataKey KeyB = new(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private string _dir = "";
    private StorageEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "enc-" + Guid.NewGuid().ToString("N"));
        // Small segments and no inline data by default, so objects span several segment files.
        _engine = new StorageEngine(new StorageOptions(_dir, 1000, new StorageLimits(1 << 30, 100, 1 << 30, 100, 100, 1L << 40), InlineThreshold: 0), SystemClock.Instance);
        _engine.Buckets.Create(Bucket, Account);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A body with a recognisable, non-repeating pattern, so a plaintext run found on disk cannot be chance.</summary>
    private static byte[] Body(int size, int seed = 1)
    {
        var b = new byte[size];
        new Random(seed).NextBytes(b);
        return b;
    }

    private Task<ObjectInfo> Put(string key, byte[] body, DataKey? dataKey, bool opaque = false) => _engine.Objects.PutAsync(
        new PutObjectCommand(Bucket, key, Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(body.Length, null))
        {
            DataKey = dataKey,
            Encryption = dataKey is null ? null : "doc",
            OpaqueETag = opaque,
        },
        new MemoryStream(body), CancellationToken.None);

    private async Task<byte[]> Read(string key, DataKey? dataKey, long start = 0, long? length = null)
    {
        using var reader = _engine.Objects.Open(Bucket, key, Account).Decrypt(dataKey);
        await using var s = reader.OpenRange(start, length ?? reader.Info.Size - start);
        var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        return ms.ToArray();
    }

    /// <summary>Whether any 16-byte run of <paramref name="plain"/> appears in any file under the data folder (segment files and the database).</summary>
    private bool OnDisk(byte[] plain)
    {
        SqliteConnection.ClearAllPools();
        var probes = Enumerable.Range(0, plain.Length / 16).Select(i => plain.AsSpan(i * 16, 16).ToArray()).ToList();
        foreach (var file in Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            if (probes.Any(p => bytes.AsSpan().IndexOf(p) >= 0))
            {
                return true;
            }
        }

        return false;
    }

    [Test]
    public void TheCipherIsItsOwnInverseAndAnyRangeMatchesTheWhole()
    {
        // Longer than one batch of key stream (4096 blocks, 64 KiB), so a range can cross a batch boundary.
        var plain = Body(100_000);
        var whole = plain.ToArray();
        SegmentCipher.Apply(KeyA, "seg", 0, whole);
        Assert.That(whole, Is.Not.EqualTo(plain));
        foreach (var (start, length) in new[] { (0, 1), (1, 15), (15, 2), (16, 16), (17, 5000), (99_999, 1), ((4096 * 16) - 3, 100), (70_000, 30_000) })
        {
            var piece = plain.AsSpan(start, Math.Min(length, plain.Length - start)).ToArray();
            SegmentCipher.Apply(KeyA, "seg", start, piece);
            Assert.That(piece, Is.EqualTo(whole.AsSpan(start, piece.Length).ToArray()), $"range {start}+{length}");
        }

        SegmentCipher.Apply(KeyA, "seg", 0, whole);
        Assert.That(whole, Is.EqualTo(plain));
        var other = plain.ToArray();
        SegmentCipher.Apply(KeyA, "another-seg", 0, other);
        Assert.That(other.AsSpan(0, 64).ToArray(), Is.Not.EqualTo(whole.AsSpan(0, 64).ToArray()), "each segment has its own key stream");
        var otherKey = plain.ToArray();
        SegmentCipher.Apply(KeyB, "seg", 0, otherKey);
        Assert.That(otherKey.AsSpan(0, 64).ToArray(), Is.Not.EqualTo(whole.AsSpan(0, 64).ToArray()));
    }

    [Test]
    public void TheCipherIsAes256Ctr()
    {
        // The first key-stream block is AES-256 of the initial counter block, the SHA-256 of the segment id cut to 16 bytes.
        var zeros = new byte[32];
        SegmentCipher.Apply(KeyA, "seg", 0, zeros);
        using var aes = Aes.Create();
        aes.Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var counter = SHA256.HashData("seg"u8)[..16];
        var expected = aes.EncryptEcb(counter, PaddingMode.None);
        Assert.That(zeros[..16], Is.EqualTo(expected));
        counter[15]++;
        Assert.That(zeros[16..], Is.EqualTo(aes.EncryptEcb(counter, PaddingMode.None)), "the next block's counter is one more");
    }

    [TestCase(0)]
    [TestCase(300)]
    public async Task AnEncryptedObjectIsCiphertextAtRestAndReadsBackInAnyRange(int inlineThreshold)
    {
        if (inlineThreshold > 0)
        {
            // A data folder of its own whose small objects are inline segments (bytes in the database).
            _dir = Path.Combine(Path.GetTempPath(), "enc-inline-" + Guid.NewGuid().ToString("N"));
            _engine = new StorageEngine(new StorageOptions(_dir, 1000, InlineThreshold: inlineThreshold), SystemClock.Instance);
            _engine.Buckets.Create(Bucket, Account);
        }

        var body = Body(inlineThreshold > 0 ? 250 : 3500);
        var info = await Put("k", body, KeyA);
        Assert.That(info.Encryption, Is.EqualTo("doc"));
        Assert.That(info.ETag, Is.EqualTo(Convert.ToHexStringLower(MD5.HashData(body))), "the ETag stays the plaintext's MD5 unless asked otherwise");
        Assert.That(OnDisk(body), Is.False, "no 16-byte run of the plaintext is anywhere in the data folder");
        Assert.That(await Read("k", KeyA), Is.EqualTo(body));
        var n = body.Length;
        foreach (var (start, length) in new long[][] { [0, 1], [n / 3, 2], [n / 2, n / 4], [1, n - 2], [n - 1, 1], [Math.Min(999, n - 2), 2] }.Select(a => (a[0], a[1])))
        {
            Assert.That(await Read("k", KeyA, start, length), Is.EqualTo(body.AsSpan((int)start, (int)length).ToArray()), $"range {start}+{length}");
        }

        Assert.That(await Read("k", KeyB), Is.Not.EqualTo(body), "another key reads noise");
        using var reader = _engine.Objects.Open(Bucket, "k", Account);
        Assert.Throws<InvalidOperationException>(() => reader.OpenRange(0, 1), "never the ciphertext as if it were the object");
        Assert.That(_engine.Check().IsConsistent, Is.True);
    }

    [Test]
    public async Task AnOpaqueETagIsNotTheMd5ButIsStableForTheSameKeyAndBytes()
    {
        var body = Body(1200);
        var a1 = await Put("a1", body, KeyA, opaque: true);
        var a2 = await Put("a2", body, KeyA, opaque: true);
        var b = await Put("b", body, KeyB, opaque: true);
        Assert.That(a1.ETag, Is.Not.EqualTo(Convert.ToHexStringLower(MD5.HashData(body))));
        Assert.That(a1.ETag, Has.Length.EqualTo(32));
        Assert.That(a2.ETag, Is.EqualTo(a1.ETag));
        Assert.That(b.ETag, Is.Not.EqualTo(a1.ETag));
    }

    [Test]
    public async Task PartsAreEncryptedAsTheyComeAndTheObjectReadsAcrossThem()
    {
        var upload = _engine.Multipart.Create(Bucket, "mp", Account, new Dictionary<string, string>(), extras: new UploadExtras(Encryption: "doc"));
        var p1 = Body(1500, 2);
        var p2 = Body(700, 3);
        var parts = new List<CompletePart>();
        foreach (var (n, data) in new[] { (1, p1), (2, p2) })
        {
            var part = await _engine.Multipart.UploadPartAsync(new UploadPartCommand(Bucket, "mp", upload.UploadId, n, Account, new BodyChecks(data.Length, null)) { DataKey = KeyA },
                new MemoryStream(data), CancellationToken.None);
            parts.Add(new CompletePart(n, part.Part.ETag));
        }

        var done = _engine.Multipart.Complete(new CompleteCommand(Bucket, "mp", upload.UploadId, Account, parts, WriteConditions.None));
        Assert.That(done.Object.Encryption, Is.EqualTo("doc"));
        var all = p1.Concat(p2).ToArray();
        Assert.That(OnDisk(all), Is.False);
        Assert.That(await Read("mp", KeyA), Is.EqualTo(all));
        Assert.That(await Read("mp", KeyA, 1400, 300), Is.EqualTo(all.AsSpan(1400, 300).ToArray()), "a range across the part boundary");
    }

    [Test]
    public async Task ACopyUnderTheSameKeySharesSegmentsAndUnderAnotherIsRefused()
    {
        var body = Body(2500);
        await Put("src", body, KeyA);
        var copy = _engine.Objects.Copy(new CopyObjectCommand(Bucket, "src", Bucket, "same", Account, null, ReadConditions.None, WriteConditions.None)
        {
            SourceDataKey = KeyA,
            DataKey = new DataKey(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
            Encryption = "doc",
        });
        Assert.That(copy.Encryption, Is.EqualTo("doc"));
        Assert.That(await Read("same", KeyA), Is.EqualTo(body));
        Assert.Throws<InvalidOperationException>(() => _engine.Objects.Copy(new CopyObjectCommand(Bucket, "src", Bucket, "other", Account, null, ReadConditions.None, WriteConditions.None)
        {
            SourceDataKey = KeyA,
            DataKey = KeyB,
        }));
        Assert.Throws<InvalidOperationException>(() => _engine.Objects.Copy(new CopyObjectCommand(Bucket, "src", Bucket, "plain", Account, null, ReadConditions.None, WriteConditions.None)
        {
            SourceDataKey = KeyA,
        }));
        Assert.That(_engine.Check().IsConsistent, Is.True);
    }

    [Test]
    public async Task APartCopiedUnderAnotherKeyIsReWrittenAndUnderTheSameKeyShared()
    {
        var body = Body(2500);
        await Put("src", body, KeyA);
        var upload = _engine.Multipart.Create(Bucket, "dst", Account, new Dictionary<string, string>(), extras: new UploadExtras(Encryption: "docB"));
        var copied = await _engine.Multipart.CopyPartAsync(new CopyPartCommand(Bucket, "dst", upload.UploadId, 1, Account, Bucket, "src", (100, 2000))
        {
            SourceDataKey = KeyA,
            DataKey = KeyB,
        }, CancellationToken.None);
        Assert.That(copied.Part.ETag, Is.EqualTo(Convert.ToHexStringLower(MD5.HashData(body.AsSpan(100, 2000)))));
        var plain = _engine.Multipart.Create(Bucket, "plain", Account, new Dictionary<string, string>());
        await _engine.Multipart.CopyPartAsync(new CopyPartCommand(Bucket, "plain", plain.UploadId, 1, Account, Bucket, "src", null) { SourceDataKey = KeyA }, CancellationToken.None);
        _engine.Multipart.Complete(new CompleteCommand(Bucket, "dst", upload.UploadId, Account, [new CompletePart(1, copied.Part.ETag)], WriteConditions.None));
        var plainDone = _engine.Multipart.Complete(new CompleteCommand(Bucket, "plain", plain.UploadId, Account,
            [new CompletePart(1, Convert.ToHexStringLower(MD5.HashData(body)))], WriteConditions.None));
        Assert.That(plainDone.Object.Encryption, Is.Null);
        Assert.That(await Read("dst", KeyB), Is.EqualTo(body.AsSpan(100, 2000).ToArray()));
        Assert.That(await Read("plain", null), Is.EqualTo(body), "a plaintext upload gets the source's bytes decrypted");
        await _engine.Objects.PutAsync(new PutObjectCommand(Bucket, "src", Account, new Dictionary<string, string>(), WriteConditions.None, new BodyChecks(1, null)),
            new MemoryStream([1]), CancellationToken.None);
        Assert.That(await Read("dst", KeyB), Is.EqualTo(body.AsSpan(100, 2000).ToArray()), "the copy owns its bytes");
        Assert.That(_engine.Check().IsConsistent, Is.True);
    }
}
