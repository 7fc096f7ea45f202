using Gateway.Protocol;

namespace Gateway.Tests.Protocol;

[TestFixture]
internal sealed class BucketNamesTests
{
    [TestCase("abc")]
    [TestCase("a.b-c")]
    [TestCase("my-bucket.2024")]
    [TestCase("123")]
    [TestCase("192.168.1")]
    [TestCase("a-b-c")]
    [TestCase("xn-abc")]
    [TestCase("s3alias")]
    [TestCase("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Valid(string name)
    {
        Assert.That(BucketNames.IsValid(name), Is.True);
    }

    [TestCase("")]
    [TestCase("ab")]
    [TestCase("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [TestCase("Abc")]
    [TestCase("abC")]
    [TestCase("a_b")]
    [TestCase("a b")]
    [TestCase("a/b")]
    [TestCase("abé")]
    [TestCase("-abc")]
    [TestCase("abc-")]
    [TestCase(".abc")]
    [TestCase("abc.")]
    [TestCase("a..b")]
    [TestCase("foo.-bar")]
    [TestCase("foo-.bar")]
    [TestCase("192.168.1.1")]
    [TestCase("10.0.0.255")]
    [TestCase("xn--abc")]
    [TestCase("sthree-x")]
    [TestCase("amzn-s3-demo-bucket")]
    [TestCase("x-s3alias")]
    [TestCase("x--ol-s3")]
    [TestCase("x.mrap")]
    [TestCase("x--x-s3")]
    [TestCase("x--table-s3")]
    public void Invalid(string name)
    {
        Assert.That(BucketNames.IsValid(name), Is.False);
    }

    [Test]
    public void LengthBoundsAreInclusive()
    {
        Assert.That(new string('a', 63), Has.Length.EqualTo(63));
        Assert.That(BucketNames.IsValid(new string('a', 3)), Is.True);
        Assert.That(BucketNames.IsValid(new string('a', 63)), Is.True);
        Assert.That(BucketNames.IsValid(new string('a', 64)), Is.False);
    }
}
