using Gateway.Streaming;

namespace Gateway.Tests.Streaming;

public sealed class DigestingStreamTests
{
    private static DigestingStream Over(byte[] data, Action<byte[]> verify)
    {
        var seen = new List<byte>();
        return new DigestingStream(new MemoryStream(data), s => seen.AddRange(s.ToArray()), () => [.. seen], verify);
    }

    [Test]
    public void The_digest_covers_every_byte_and_is_verified_once_at_the_end()
    {
        var verified = 0;
        byte[]? digest = null;
        using var stream = Over([1, 2, 3, 4, 5], d =>
        {
            verified++;
            digest = d;
        });
        var buffer = new byte[2];
        while (stream.Read(buffer) > 0)
        {
        }

        Assert.That(stream.Read(buffer), Is.EqualTo(0));
        Assert.That(verified, Is.EqualTo(1));
        Assert.That(digest, Is.EqualTo(new byte[] { 1, 2, 3, 4, 5 }));
        Assert.That(stream.Digest, Is.EqualTo(new byte[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void A_zero_length_read_is_not_the_end_of_the_body()
    {
        var verified = 0;
        using var stream = Over([9, 9], _ => verified++);
        Assert.That(stream.Read([]), Is.EqualTo(0));
        Assert.That(verified, Is.EqualTo(0));
    }

    [Test]
    public void A_failed_check_is_thrown_again_on_every_later_read()
    {
        using var stream = Over([1, 2, 3], _ => throw new InvalidDataException("bad digest"));
        var buffer = new byte[8];
        Assert.That(stream.Read(buffer), Is.EqualTo(3));
        Assert.Throws<InvalidDataException>(() => Assert.Fail($"read {stream.Read(buffer)} bytes"));
        // A reader that carries on must never see a clean end of a rejected body.
        Assert.Throws<InvalidDataException>(() => Assert.Fail($"read {stream.Read(buffer)} bytes"));
        Assert.ThrowsAsync<InvalidDataException>(async () => Assert.Fail($"read {await stream.ReadAsync(buffer)} bytes"));
        Assert.That(stream.Digest, Is.Null);
    }
}
