using Gateway.Pipeline;

namespace Gateway.Tests.Pipeline;

[TestFixture]
internal sealed class FrontEndsTests
{
    [Test]
    public void EveryFrontEndHasANameThatParsesBackInAnyCase()
    {
        Assert.That(Enum.GetValues<FrontEnd>().Select(FrontEnds.Name), Is.EqualTo(new[] { "s3", "admin", "box", "veza", "kodexa", "twelvelabs" }));
        foreach (var f in Enum.GetValues<FrontEnd>())
        {
            Assert.That(FrontEnds.TryParse(FrontEnds.Name(f).ToUpperInvariant(), out var parsed) && parsed == f, Is.True, f.ToString());
        }

        Assert.That(FrontEnds.TryParse("ftp", out _), Is.False);
    }
}
