using Gateway.Protocol;

namespace Gateway.Tests.Protocol;

/// <summary>HeaderText: which values go on the wire as they are, and RFC 2047 encoded-words both ways.</summary>
[TestFixture]
internal sealed class HeaderTextTests
{
    [TestCase("plain text", true, true)]
    [TestCase("tab\there", true, true)]
    [TestCase("caf\u00e9", false, true)]
    [TestCase("\u00ff", false, true)]
    [TestCase("\u20ac", false, false)]
    [TestCase("a\nb", false, false)]
    [TestCase("a\u0001b", false, false)]
    [TestCase("a\u007fb", false, false)]
    [TestCase("a\u0085b", false, false)]
    public void WhatGoesOnTheWireAsItIs(string value, bool ascii, bool latin1)
    {
        Assert.That(HeaderText.IsPlainAscii(value), Is.EqualTo(ascii));
        Assert.That(HeaderText.IsLatin1Text(value), Is.EqualTo(latin1));
    }

    [Test]
    public void Utf8AsBytesGivesOneCharacterPerUtf8Byte() =>
        Assert.That(HeaderText.Utf8AsBytes("ü€"), Is.EqualTo("\u00c3\u00bc\u00e2\u0082\u00ac"));

    [TestCase("ascii stays", "ascii stays")]
    [TestCase("Hello World\u00e9", "=?UTF-8?B?SGVsbG8gV29ybGTDqQ==?=")]
    [TestCase("\u20ac", "=?UTF-8?B?4oKs?=")]
    [TestCase("a\nb", "=?UTF-8?B?YQpi?=")]
    public void MimeEncodeMakesBWords(string value, string expected) => Assert.That(HeaderText.MimeEncode(value), Is.EqualTo(expected));

    [Test]
    public void LongValuesSplitIntoWordsOfAtMost75CharactersBetweenCharacters()
    {
        var value = string.Concat(Enumerable.Repeat("\U0001F600é", 40));
        var encoded = HeaderText.MimeEncode(value);
        var words = encoded.Split(' ');
        Assert.That(words, Has.Length.GreaterThan(1));
        Assert.That(words.Select(w => w.Length), Has.All.LessThanOrEqualTo(75));
        Assert.That(words.Select(w => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(w[10..^2]))), Has.None.Contains('\uFFFD'), "no word splits a character");
        Assert.That(HeaderText.MimeDecode(encoded), Is.EqualTo(value));
    }

    [TestCase("=?UTF-8?B?SGVsbG8gV29ybGTDqQ==?=", "Hello World\u00e9")]
    [TestCase("=?utf-8?q?caf=C3=A9_au_lait?=", "café au lait")]
    [TestCase("=?ISO-8859-1?Q?caf=E9?=", "café")]
    [TestCase("a =?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?= b", "a éé b")]
    [TestCase("=?UTF-8?B?not base64!?=", "=?UTF-8?B?not base64!?=")]
    [TestCase("=?KOI8-R?B?w6k=?=", "=?KOI8-R?B?w6k=?=")]
    [TestCase("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=")]
    [TestCase("1+1=?2", "1+1=?2")]
    [TestCase("=?", "=?")]
    public void MimeDecodeReadsWordsAndLeavesTheRest(string value, string expected) => Assert.That(HeaderText.MimeDecode(value), Is.EqualTo(expected));
}
