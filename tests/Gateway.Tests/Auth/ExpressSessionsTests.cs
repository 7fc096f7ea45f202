using System.Security.Cryptography;
using Gateway.Auth;
using Gateway.Errors;
using static Gateway.Tests.Auth.TestSigning;

namespace Gateway.Tests.Auth;

/// <summary>
/// Directory-bucket sessions: tokens that carry their session and a MAC, and requests signed for s3express with a
/// session's key id and secret and its token in x-amz-s3session-token.
/// </summary>
[TestFixture]
public sealed class ExpressSessionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private const string Bucket = "data--use1-az4--x-s3";

    private static ExpressSessions Sessions(byte[]? key = null) => new(() => key ?? Key);

    private static SignatureVerifier Verifier(DateTimeOffset gatewayClock, ExpressSessions? sessions = null) =>
        new(new Store(), "us-east-1", TimeSpan.FromMinutes(15), () => Now, () => gatewayClock, sessions: sessions ?? Sessions());

    private static AuthRequest SignWith(ExpressSession s, string method = "GET", string target = "/" + Bucket + "/k", string? token = null) =>
        SignHeader(method, target, Now, extraHeaders: [new("x-amz-s3session-token", token ?? s.Token)], accessKey: s.AccessKeyId, secret: s.SecretAccessKey,
            service: SigV4.ExpressService);

    [Test]
    public void ATokenReadsBackAsTheSessionItWasIssuedFor()
    {
        var issued = Sessions().Issue(Bucket, DocAccessKey, SessionMode.ReadOnly, Now.AddMilliseconds(700));
        var read = Sessions().Read(issued.Token);
        Assert.That(read, Is.EqualTo(issued));
        Assert.That(read.Expires, Is.EqualTo(Now.AddMinutes(5)), "five minutes, in whole seconds");
        Assert.That((read.AccessKeyId.Length, read.SecretAccessKey.Length), Is.EqualTo((20, 40)));
        Assert.That(Sessions().Issue(Bucket, DocAccessKey, SessionMode.ReadOnly, Now).Token, Is.Not.EqualTo(issued.Token), "every session is its own");
    }

    [Test]
    public void AnAlteredTokenOrAnotherGatewaysIsInvalid()
    {
        var token = Sessions().Issue(Bucket, DocAccessKey, SessionMode.ReadWrite, Now).Token;
        Assert.Multiple(() =>
        {
            for (var i = 0; i < token.Length; i++)
            {
                var altered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
                var e = Assert.Throws<S3Exception>(() => Sessions().Read(altered), $"byte {i}")!;
                Assert.That(e.Code, Is.EqualTo(S3ErrorCode.InvalidToken));
            }

            Assert.That(Assert.Throws<S3Exception>(() => Sessions(RandomNumberGenerator.GetBytes(32)).Read(token))!.Code, Is.EqualTo(S3ErrorCode.InvalidToken));
            Assert.That(Assert.Throws<S3Exception>(() => Sessions().Read("no-dot"))!.Code, Is.EqualTo(S3ErrorCode.InvalidToken));
        });
    }

    [Test]
    public void ARequestSignedWithASessionActsForItsAccount()
    {
        var s = Sessions().Issue(Bucket, DocAccessKey, SessionMode.ReadWrite, Now);
        var result = Verifier(Now).Verify(SignWith(s));
        Assert.That((result.AccessKey, result.Service, result.Session), Is.EqualTo((DocAccessKey, "s3express", s)));
    }

    [Test]
    public void TheAccountsOwnKeysMaySignForS3ExpressWithoutASession()
    {
        var result = Verifier(Now).Verify(SignHeader("GET", "/", Now, service: SigV4.ExpressService));
        Assert.That((result.AccessKey, result.Service, result.Session), Is.EqualTo((DocAccessKey, "s3express", (ExpressSession?)null)));
    }

    [Test]
    public void ASessionExpiresFiveMinutesLaterOnTheGatewaysClock()
    {
        var s = Sessions().Issue(Bucket, DocAccessKey, SessionMode.ReadWrite, Now);
        Assert.That(Verifier(Now.AddMinutes(5).AddSeconds(-1)).Verify(SignWith(s)).Session, Is.EqualTo(s));
        var e = Fails(Verifier(Now.AddMinutes(5)), SignWith(s), S3ErrorCode.ExpiredToken);
        Assert.That(Extra(e, "Expiration"), Is.EqualTo("2026-12-06T12:05:00Z"));
    }

    [Test]
    public void ATokenWithAnotherSessionsKeyOrOnAnS3SignedRequestIsRefused()
    {
        var a = Sessions().Issue(Bucket, DocAccessKey, SessionMode.ReadWrite, Now);
        var b = Sessions().Issue(Bucket, DocAccessKey, SessionMode.ReadWrite, Now);
        Fails(Verifier(Now), SignWith(a, token: b.Token), S3ErrorCode.InvalidToken);
        var s3Scoped = SignHeader("GET", "/" + Bucket + "/k", Now, extraHeaders: [new("x-amz-s3session-token", a.Token)], accessKey: a.AccessKeyId,
            secret: a.SecretAccessKey);
        Fails(Verifier(Now), s3Scoped, S3ErrorCode.InvalidRequest);
        Fails(new SignatureVerifier(new Store(), "us-east-1", TimeSpan.FromMinutes(15), () => Now), SignWith(a), S3ErrorCode.InvalidToken);
    }

    [Test]
    public void ASignatureMadeWithTheAccountsSecretInsteadOfTheSessionsDoesNotMatch()
    {
        var s = Sessions().Issue(Bucket, DocAccessKey, SessionMode.ReadWrite, Now);
        var request = SignHeader("GET", "/" + Bucket + "/k", Now, extraHeaders: [new("x-amz-s3session-token", s.Token)], accessKey: s.AccessKeyId,
            secret: DocSecret, service: SigV4.ExpressService);
        Fails(Verifier(Now), request, S3ErrorCode.SignatureDoesNotMatch);
    }

    [Test]
    public void AnotherServiceInTheScopeIsMalformed()
    {
        Fails(Verifier(Now), SignHeader("GET", "/", Now, service: "s3-outposts"), S3ErrorCode.AuthorizationHeaderMalformed);
    }
}
