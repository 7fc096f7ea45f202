using System.Security.Cryptography;
using Gateway.Encryption;
using Gateway.Errors;
using Gateway.Http;

namespace Gateway.Tests.Encryption;

/// <summary>Server-side encryption headers, documents and keys, header by header.</summary>
[TestFixture]
internal sealed class SseTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
    private static readonly string KeyB64 = Convert.ToBase64String(Key);
    private static readonly string KeyMd5 = Convert.ToBase64String(MD5.HashData(Key));
    private string _dir = "";
    private KeyRing _keys = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "keys-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _keys = new KeyRing(_dir, ["k1"]);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static RequestHeaders H(params (string Name, string Value)[] h) => RequestHeaders.From(h.ToDictionary(x => x.Name, x => x.Value));

    private static (string, string)[] Customer(string prefix = "") =>
    [
        (prefix + "server-side-encryption-customer-algorithm", "AES256"), (prefix + "server-side-encryption-customer-key", KeyB64),
        (prefix + "server-side-encryption-customer-key-MD5", KeyMd5),
    ];

    private static S3Exception Refused(Func<object?> f) => Assert.Throws<S3Exception>(() => f())!;

    [Test]
    public void WritesAskForNothingOneModeOrTheBucketsDefault()
    {
        var bucketDefault = new SseRequest(SseMode.S3, null, null, false, null);
        Assert.That(Sse.ForWrite(H(), null), Is.Null);
        Assert.That(Sse.ForWrite(H(), bucketDefault), Is.SameAs(bucketDefault));
        Assert.That(Sse.ForWrite(H(("x-amz-server-side-encryption", "AES256")), null)!.Mode, Is.EqualTo(SseMode.S3));
        var kms = Sse.ForWrite(H(("x-amz-server-side-encryption", "aws:kms"), ("x-amz-server-side-encryption-aws-kms-key-id", "k1"),
            ("x-amz-server-side-encryption-bucket-key-enabled", "true")), bucketDefault)!;
        Assert.That((kms.Mode, kms.KmsKeyId, kms.BucketKey), Is.EqualTo((SseMode.Kms, "k1", true)));
        Assert.That(Sse.ForWrite(H(("x-amz-server-side-encryption", "aws:kms")), null)!.KmsKeyId, Is.EqualTo(KeyRing.DefaultKmsKey));
        var c = Sse.ForWrite(H(Customer("x-amz-")), bucketDefault)!;
        Assert.That((c.Mode, c.CustomerKey), Is.EqualTo((SseMode.Customer, Key)), "SSE-C beats the bucket default");
    }

    [Test]
    public void ConflictingOrUnknownEncryptionIsInvalidArgument()
    {
        Assert.That(Refused(() => Sse.ForWrite(H(("x-amz-server-side-encryption", "aes:kms")), null)).Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        Assert.That(Refused(() => Sse.ForWrite(H([.. Customer("x-amz-"), ("x-amz-server-side-encryption", "AES256")]), null)).Code, Is.EqualTo(S3ErrorCode.InvalidArgument));
        var keyIdAlone = Refused(() => Sse.ForWrite(H(("x-amz-server-side-encryption", "AES256"), ("x-amz-server-side-encryption-aws-kms-key-id", "k1")), null));
        Assert.That((keyIdAlone.Code, keyIdAlone.Message), Is.EqualTo((S3ErrorCode.InvalidArgument,
            "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms")));
        Assert.That(Refused(() => Sse.ForWrite(H(("x-amz-server-side-encryption", "aws:kms:dsse")), null)).Code, Is.EqualTo(S3ErrorCode.NotImplemented));
    }

    [TestCase("x-amz-server-side-encryption-customer-algorithm", null, S3ErrorCode.InvalidArgument, "must provide a valid encryption algorithm")]
    [TestCase("x-amz-server-side-encryption-customer-algorithm", "AES128", S3ErrorCode.InvalidEncryptionAlgorithmError, "Supported value: AES256")]
    [TestCase("x-amz-server-side-encryption-customer-key", null, S3ErrorCode.InvalidArgument, "must provide an appropriate secret key")]
    [TestCase("x-amz-server-side-encryption-customer-key", "c2hvcnQ=", S3ErrorCode.InvalidArgument, "The secret key was invalid")]
    [TestCase("x-amz-server-side-encryption-customer-key", "not base64!", S3ErrorCode.InvalidArgument, "The secret key was invalid")]
    [TestCase("x-amz-server-side-encryption-customer-key-MD5", null, S3ErrorCode.InvalidArgument, "client calculated MD5 of the secret key")]
    [TestCase("x-amz-server-side-encryption-customer-key-MD5", "AAAAAAAAAAAAAAAAAAAAAA==", S3ErrorCode.InvalidArgument, "did not match the hash that was provided")]
    public void CustomerKeyHeadersAreCheckedOneByOne(string header, string? value, S3ErrorCode code, string message)
    {
        var headers = Customer("x-amz-").Where(h => h.Item1 != header).ToList();
        if (value is not null)
        {
            headers.Add((header, value));
        }

        var e = Refused(() => Sse.CustomerKeyOf(H([.. headers]), ""));
        Assert.That(e.Code, Is.EqualTo(code));
        Assert.That(e.Message, Does.Contain(message));
    }

    [Test]
    public void ACopysSourceKeyComesFromTheCopySourceHeaders()
    {
        Assert.That(Sse.CustomerKeyOf(H(Customer("x-amz-copy-source-")), Sse.CopySource), Is.EqualTo(Key));
        Assert.That(Sse.CustomerKeyOf(H(Customer("x-amz-copy-source-")), ""), Is.Null);
        Assert.That(Sse.CustomerKeyOf(H(Customer("x-amz-")), Sse.CopySource), Is.Null);
    }

    [Test]
    public void SseCKeepsAVerifierNeverTheKeyAndOpensOnlyWithTheSameKey()
    {
        var (dataKey, doc) = Sse.Seal(new SseRequest(SseMode.Customer, Key, null, false, null), _keys);
        var json = doc.ToJson();
        Assert.That(json, Does.Not.Contain(KeyB64));
        Assert.That(json, Does.StartWith("{\"m\":\"Customer\",\"v\":\""));
        var back = SseDocument.FromJson(json)!;
        Assert.That(Sse.Open(back, H(Customer("x-amz-")), _keys)!.SameAs(dataKey), Is.True);
        var other = RandomNumberGenerator.GetBytes(32);
        var wrong = H(("x-amz-server-side-encryption-customer-algorithm", "AES256"), ("x-amz-server-side-encryption-customer-key", Convert.ToBase64String(other)),
            ("x-amz-server-side-encryption-customer-key-MD5", Convert.ToBase64String(MD5.HashData(other))));
        Assert.That(Refused(() => Sse.Open(back, wrong, _keys)).Code, Is.EqualTo(S3ErrorCode.AccessDenied));
        var missing = Refused(() => Sse.Open(back, H(), _keys));
        Assert.That((missing.Code, missing.Message), Is.EqualTo((S3ErrorCode.InvalidRequest,
            "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.")));
        Assert.That(back.OpaqueETag, Is.True);
    }

    [Test]
    public void SseS3AndKmsWrapARandomDataKeyThatOpensWithoutHeaders()
    {
        var (s3Key, s3Doc) = Sse.Seal(new SseRequest(SseMode.S3, null, null, false, null), _keys);
        var (kmsKey, kmsDoc) = Sse.Seal(new SseRequest(SseMode.Kms, null, "k1", true, null), _keys);
        Assert.That(s3Key.SameAs(kmsKey), Is.False);
        Assert.That(Sse.Open(SseDocument.FromJson(s3Doc.ToJson()), H(), _keys)!.SameAs(s3Key), Is.True);
        Assert.That(Sse.Open(SseDocument.FromJson(kmsDoc.ToJson()), H(), _keys)!.SameAs(kmsKey), Is.True);
        Assert.That((s3Doc.OpaqueETag, kmsDoc.OpaqueETag, kmsDoc.KmsKeyId, kmsDoc.BucketKey), Is.EqualTo((false, true, "k1", true)));
        Assert.That(Refused(() => Sse.Open(s3Doc, H(Customer("x-amz-")), _keys)).Code, Is.EqualTo(S3ErrorCode.InvalidRequest), "SSE-C headers for an object that is not SSE-C");
        Assert.That(Sse.Open(null, H(), _keys), Is.Null);
        Assert.That(Refused(() => Sse.Seal(new SseRequest(SseMode.Kms, null, "nope", false, null), _keys)).Code, Is.EqualTo(S3ErrorCode.KMSNotFoundException));
    }

    [Test]
    public void TheKeysSurviveARestartAndAWrappedKeyOpensUnderItsOwnKeyOnly()
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var wrapped = _keys.Wrap(dataKey, null);
        var kmsWrapped = _keys.Wrap(dataKey, "k1");
        var again = new KeyRing(_dir, []);
        Assert.That(again.Unwrap(wrapped, null), Is.EqualTo(dataKey));
        Assert.That(again.Unwrap(kmsWrapped, "k1"), Is.EqualTo(dataKey));
        Assert.That(again.HasKmsKey("k1"), Is.True, "registered keys stay");
        Assert.Throws<AuthenticationTagMismatchException>(() => again.Unwrap(wrapped, "k1"), "a key wrapped under the master key is not a KMS key's");
        var tampered = Convert.FromBase64String(wrapped);
        tampered[20] ^= 1;
        Assert.Throws<AuthenticationTagMismatchException>(() => again.Unwrap(Convert.ToBase64String(tampered), null));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(_dir, "keys", "master.key")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public void ResponsesNameTheModeAsS3Does()
    {
        var c = S3Response.Empty().WithEncryption(new SseDocument(SseMode.Customer, "v", null, null, false, null), H(Customer("x-amz-")));
        Assert.That((c.Header("x-amz-server-side-encryption-customer-algorithm"), c.Header("x-amz-server-side-encryption-customer-key-MD5"), c.Header("x-amz-server-side-encryption")),
            Is.EqualTo(("AES256", KeyMd5, (string?)null)));
        var k = S3Response.Empty().WithEncryption(new SseDocument(SseMode.Kms, null, "w", "k1", true, null), H());
        Assert.That((k.Header("x-amz-server-side-encryption"), k.Header("x-amz-server-side-encryption-aws-kms-key-id"), k.Header("x-amz-server-side-encryption-bucket-key-enabled")),
            Is.EqualTo(("aws:kms", "k1", "true")));
        Assert.That(S3Response.Empty().WithEncryption(null, H()).Headers, Is.Empty);
    }
}
