using GatewayCtl;

namespace Gateway.Tests.GatewayCtl;

[TestFixture]
public sealed class FormatsTests
{
    [TestCase(0d, "0 B")]
    [TestCase(10d, "10 B")]
    [TestCase(1023d, "1023 B")]
    [TestCase(0.5d, "0.5 B")]
    [TestCase(1024d, "1.0 KiB")]
    [TestCase(10485760d, "10.0 MiB")]
    [TestCase(44040192d, "42.0 MiB")]
    [TestCase(5368709120d, "5.0 GiB")]
    [TestCase(1125899906842624d, "1.0 PiB")]
    public void Bytes(double value, string text) => Assert.That(Formats.Bytes(value), Is.EqualTo(text));

    [TestCase(0d, "$0.00")]
    [TestCase(0.0000123d, "$0.0000123")]
    [TestCase(0.000123d, "$0.000123")]
    [TestCase(0.000001d, "$0.000001")]
    [TestCase(0.004d, "$0.004")]
    [TestCase(0.5d, "$0.50")]
    [TestCase(0.018323d, "$0.0183")]
    [TestCase(12.3456d, "$12.35")]
    [TestCase(1234.5d, "$1234.50")]
    public void Cost(double value, string text) => Assert.That(Formats.Cost(value), Is.EqualTo(text));

    [TestCase(0d, "0s")]
    [TestCase(45.9d, "45s")]
    [TestCase(60d, "1m")]
    [TestCase(920d, "15m 20s")]
    [TestCase(9000d, "2h 30m")]
    [TestCase(86400d, "1d")]
    [TestCase(702000d, "8d 3h")]
    public void Age(double seconds, string text) => Assert.That(Formats.Age(seconds), Is.EqualTo(text));

    [Test]
    public void PricesNeverUseExponents() => Assert.That(Formats.Price(0.0000088), Is.EqualTo("0.0000088"));
}
