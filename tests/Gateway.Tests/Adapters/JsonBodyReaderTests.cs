using System.Text;
using Gateway.Adapters.Veza;

namespace Gateway.Tests.Adapters;

/// <summary>The streaming JSON member reader behind Veza chunks: values, escapes, base64 decoding and every malformed body.</summary>
[TestFixture]
internal sealed class JsonBodyReaderTests
{
    private static JsonBodyReader Reader(string json, int readSize = int.MaxValue) =>
        new(new TrickleStream(Encoding.UTF8.GetBytes(json), readSize), CancellationToken.None);

    /// <summary>Reads the object, decoding a "data" member; returns the other members and the decoded bytes.</summary>
    private static async Task<(Dictionary<string, object?> Fields, byte[] Data)> ReadAll(string json, int readSize = int.MaxValue)
    {
        var reader = Reader(json, readSize);
        var fields = new Dictionary<string, object?>();
        var data = new MemoryStream();
        await reader.BeginObjectAsync();
        var first = true;
        while (await reader.NextNameAsync(first) is { } name)
        {
            first = false;
            if (name == "data")
            {
                await reader.CopyBase64StringAsync(data, 1 << 20);
            }
            else
            {
                fields[name] = (await reader.ReadValueAsync()).Value;
            }
        }

        await reader.EndAsync();
        return (fields, data.ToArray());
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(int.MaxValue)]
    public async Task MembersAndDataAreReadWhateverTheReadSizes(int readSize)
    {
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        var json = "{ \"operation\" : \"upload\", \"upload_id\":\"7E4B\\u0030\", \"sequence_number\": 12, \"flag\": true, \"none\": null, \"skip\": {\"a\": [1, \"}\"]},"
            + " \"data\": \"" + Convert.ToBase64String(bytes) + "\" }\n";
        var (fields, data) = await ReadAll(json, readSize);
        Assert.That(fields["operation"], Is.EqualTo("upload"));
        Assert.That(fields["upload_id"], Is.EqualTo("7E4B0"));
        Assert.That(fields["sequence_number"], Is.EqualTo("12"));
        Assert.That(fields["flag"], Is.EqualTo(true));
        Assert.That(fields["none"], Is.Null);
        Assert.That(fields["skip"], Is.Null, "a nested value is skipped");
        Assert.That(data, Is.EqualTo(bytes));
    }

    [TestCase("")]
    [TestCase("QQ==")]
    [TestCase("QUI=")]
    [TestCase("QUJD")]
    [TestCase("QU\\nJD")]
    [TestCase("Q\\/+/")]
    [TestCase("-_-_")]
    public async Task Base64WithPaddingWhitespaceAndEscapesDecodes(string encoded)
    {
        var plain = encoded.Replace("\\n", "", StringComparison.Ordinal).Replace("\\/", "/", StringComparison.Ordinal).Replace('-', '+').Replace('_', '/');
        var (_, data) = await ReadAll("{\"data\": \"" + encoded + "\"}");
        Assert.That(data, Is.EqualTo(Convert.FromBase64String(plain)));
    }

    [TestCase("{\"data\": \"QUJ\"}")]
    [TestCase("{\"data\": \"QU==QU==\"}")]
    [TestCase("{\"data\": \"QUJ!\"}")]
    [TestCase("{\"data\": \"QUJD")]
    [TestCase("{\"data\": 12}")]
    [TestCase("{\"a\" 1}")]
    [TestCase("{\"a\": 1 \"b\": 2}")]
    [TestCase("{\"a\": tru}")]
    [TestCase("{\"a\": \"x\\q\"}")]
    [TestCase("[1]")]
    [TestCase("{\"a\": 1} trailing")]
    [TestCase("{\"a\": 1, \"a\": 2}")]
    [TestCase("{\"operation\": \"upload\", \"data\": \"QQ==\", \"operation\": \"complete\"}")]
    [TestCase("{\"a\": \"unterminated}")]
    public void MalformedBodiesAreFormatErrors(string json) =>
        Assert.ThrowsAsync<JsonBodyReader.FormatError>(() => ReadAll(json));

    [Test]
    public void AStringThatIsNotUtf8IsAFormatError()
    {
        var body = "{\"operation\": \"xy\"}"u8.ToArray();
        body[15] = 0xC3;
        body[16] = 0x28;
        var reader = new JsonBodyReader(new MemoryStream(body), CancellationToken.None);
        var e = Assert.ThrowsAsync<JsonBodyReader.FormatError>(async () =>
        {
            await reader.BeginObjectAsync();
            await reader.NextNameAsync(true);
            await reader.ReadValueAsync();
        })!;
        Assert.That(e.Message, Does.Contain("not UTF-8"));
    }

    [Test]
    public void AChunkOverItsLimitIsRefused()
    {
        var reader = Reader("{\"data\": \"" + Convert.ToBase64String(new byte[100]) + "\"}");
        Assert.ThrowsAsync<JsonBodyReader.FormatError>(async () =>
        {
            await reader.BeginObjectAsync();
            await reader.NextNameAsync(true);
            await reader.CopyBase64StringAsync(Stream.Null, 99);
        });
    }

    /// <summary>Returns at most <c>size</c> bytes per read.</summary>
    private sealed class TrickleStream(byte[] data, int size) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, size));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, size)], cancellationToken);
    }
}
