using System.Text;
using NUnit.Framework;
using Storage.Objects;

namespace Storage.Tests.Objects;

[TestFixture]
internal sealed class KeyOrderTests
{
    // Characters chosen around the places where UTF-16 and UTF-8 order disagree: U+FFFD and U+E000 sort after
    // surrogate pairs in UTF-16 but before them in UTF-8.
    private static readonly string[] Alphabet =
    [
        "\u0000", "\u0001", "/", "0", "A", "a", "z", "\u007f", "\u0080", "é", "\u07ff", "\u0800", "€", "\ud7ff", "\ue000",
        "\ufffd", "\uffff", "\U00010000", "\U0001F600", "\U0010FFFF",
    ];

    internal static int ByteCompare(string a, string b)
    {
        var c = Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));
        return Math.Sign(c);
    }

    private static string RandomKey(Random rng)
    {
        var sb = new StringBuilder();
        var n = rng.Next(0, 6);
        for (var i = 0; i < n; i++)
        {
            sb.Append(Alphabet[rng.Next(Alphabet.Length)]);
        }

        return sb.ToString();
    }

    [TestCase("\U0001F600", "\ufffd", 1)]
    [TestCase("\U0001F600", "\ue000", 1)]
    [TestCase("\U00010000", "\uffff", 1)]
    [TestCase("a", "b", -1)]
    [TestCase("a", "a", 0)]
    [TestCase("", "", 0)]
    [TestCase("", "\u0000", -1)]
    [TestCase("a", "a\u0000", -1)]
    [TestCase("a/", "a0", -1)]
    [TestCase("Z", "a", -1)]
    [TestCase("é", "z", 1)]
    public void KnownOrder(string a, string b, int sign)
    {
        Assert.That(Math.Sign(KeyOrder.Compare(a, b)), Is.EqualTo(sign));
        Assert.That(Math.Sign(KeyOrder.Compare(b, a)), Is.EqualTo(-sign));
        Assert.That(ByteCompare(a, b), Is.EqualTo(sign), "the expectation itself is UTF-8 byte order");
    }

    [Test]
    public void OrdinalComparisonDisagreesWhichIsWhyKeyOrderExists()
    {
        Assert.That(string.CompareOrdinal("\U0001F600", "\ufffd"), Is.LessThan(0));
        Assert.That(KeyOrder.Compare("\U0001F600", "\ufffd"), Is.GreaterThan(0));
    }

    [Test]
    public void CompareIsUtf8ByteOrderOnRandomStrings()
    {
        var rng = new Random(20240301);
        for (var i = 0; i < 20000; i++)
        {
            var a = RandomKey(rng);
            var b = rng.Next(4) == 0 ? a + RandomKey(rng) : RandomKey(rng);
            Assert.That(Math.Sign(KeyOrder.Compare(a, b)), Is.EqualTo(ByteCompare(a, b)), () => $"{Escape(a)} vs {Escape(b)}");
        }
    }

    [Test]
    public void SortingWithCompareEqualsSortingBytes()
    {
        var rng = new Random(7);
        var keys = Enumerable.Range(0, 500).Select(_ => RandomKey(rng)).ToList();
        var byKeyOrder = keys.Order(Comparer<string>.Create(KeyOrder.Compare)).ToList();
        var byBytes = keys.Order(Comparer<string>.Create(ByteCompare)).ToList();
        Assert.That(byKeyOrder, Is.EqualTo(byBytes));
    }

    [TestCase("a", "b")]
    [TestCase("a/", "a0")]
    [TestCase("abc", "abd")]
    [TestCase("a\u007f", "a\u0080")]
    [TestCase("\ud7ff", "\ue000")]
    [TestCase("\uffff", "\U00010000")]
    [TestCase("x\U0001F600", "x\U0001F601")]
    [TestCase("a\U0010FFFF", "b")]
    [TestCase("a\U0010FFFF\U0010FFFF", "b")]
    public void UpperBound(string prefix, string expected)
    {
        Assert.That(KeyOrder.UpperBound(prefix), Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("\U0010FFFF")]
    [TestCase("\U0010FFFF\U0010FFFF")]
    public void UpperBoundOfNothingOrOnlyMaxIsNull(string prefix)
    {
        Assert.That(KeyOrder.UpperBound(prefix), Is.Null);
    }

    [Test]
    public void UpperBoundIsAboveEveryExtensionAndAtOrBelowEverythingAfter()
    {
        var rng = new Random(11);
        for (var i = 0; i < 5000; i++)
        {
            var prefix = RandomKey(rng);
            var upper = KeyOrder.UpperBound(prefix);
            var other = RandomKey(rng);
            var extension = prefix + other;
            if (upper is null)
            {
                Assert.That(prefix.EnumerateRunes().All(r => r.Value == 0x10FFFF), Is.True, Escape(prefix));
                continue;
            }

            Assert.That(upper.StartsWith(prefix, StringComparison.Ordinal) && prefix.Length > 0, Is.False, Escape(prefix));
            Assert.That(KeyOrder.Compare(extension, upper), Is.LessThan(0), () => $"{Escape(extension)} < {Escape(upper)}");
            // Anything greater than all extensions of the prefix is at or above the bound.
            if (KeyOrder.Compare(other, prefix) > 0 && !other.StartsWith(prefix, StringComparison.Ordinal))
            {
                Assert.That(KeyOrder.Compare(other, upper), Is.GreaterThanOrEqualTo(0), () => $"{Escape(other)} >= {Escape(upper)}");
            }
        }
    }

    private static string Escape(string s) => string.Concat(s.EnumerateRunes().Select(r => $"U+{r.Value:X4} "));
}
