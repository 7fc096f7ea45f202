using GatewayCtl;

namespace Gateway.Tests.GatewayCtl;

[TestFixture]
public sealed class DurationTests
{
    [TestCase("90s", 90L)]
    [TestCase("15m", 900L)]
    [TestCase("36h", 129600L)]
    [TestCase("7d", 604800L)]
    [TestCase("8D", 691200L)]
    [TestCase("2w", 1209600L)]
    [TestCase("3600", 3600L)]
    [TestCase(" 45 ", 45L)]
    public void Parses(string text, long seconds) => Assert.That(Duration.TryParseSeconds(text), Is.EqualTo(seconds));

    [TestCase("")]
    [TestCase("d")]
    [TestCase("0")]
    [TestCase("0d")]
    [TestCase("-5m")]
    [TestCase("+5m")]
    [TestCase("1.5h")]
    [TestCase("7 d")]
    [TestCase("7y")]
    [TestCase("1h30m")]
    [TestCase("999999999999999999d")]
    public void RejectsAnythingElse(string text) => Assert.That(Duration.TryParseSeconds(text), Is.Null);
}
