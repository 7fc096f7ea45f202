using System.Security.Cryptography;
using NUnit.Framework;
using Storage.Faults;
using Storage.Segments;

namespace Storage.Tests.Segments;

/// <summary>Returns at most one byte per read, to exercise every boundary in the segmenter.</summary>
internal sealed class TrickleStream(byte[] data, int failAfter = -1) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (failAfter >= 0 && _position >= failAfter)
        {
            throw new IOException("body failed");
        }

        if (_position >= data.Length || buffer.Length == 0)
        {
            return 0;
        }

        buffer[0] = data[_position++];
        return 1;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

[TestFixture]
internal sealed class SegmenterTests
{
    private const long SegmentSize = 10;
    private string _dir = "";
    private SegmentStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "segmenter-" + Guid.NewGuid().ToString("N"));
        _store = new SegmentStore(_dir, SegmentSize);
    }

    [TearDown]
    public void TearDown()
    {
        Directory.Delete(_dir, recursive: true);
    }

    private string[] TempFiles() => Directory.GetFiles(Path.Combine(_dir, "tmp"));

    private string[] SegmentFiles() => Directory.GetFiles(Path.Combine(_dir, "segments"), "*", SearchOption.AllDirectories);

    private static byte[] Body(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(9)]
    [TestCase(10)]
    [TestCase(11)]
    [TestCase(20)]
    [TestCase(25)]
    [TestCase(101)]
    public async Task StagesCeilSizeOverSegmentSizeSegmentsThenPromotes(int size)
    {
        var body = Body(size);
        using var staged = await new Segmenter(_store).StageAsync(new TrickleStream(body), long.MaxValue, [], CancellationToken.None);
        var expectedCount = (size + (int)SegmentSize - 1) / (int)SegmentSize;

        Assert.That(staged.Length, Is.EqualTo(size));
        Assert.That(staged.Md5, Is.EqualTo(MD5.HashData(body)));
        Assert.That(staged.Segments, Has.Count.EqualTo(expectedCount));
        Assert.That(staged.Segments.Select(s => s.Length), Is.EqualTo(Enumerable.Range(0, expectedCount).Select(i => Math.Min(SegmentSize, size - (i * SegmentSize)))));
        Assert.That(staged.Segments.Select(s => s.Offset), Is.All.EqualTo(0));
        Assert.That(staged.Segments.Select(s => s.SegmentId), Is.Unique);
        Assert.That(TempFiles(), Has.Length.EqualTo(expectedCount));
        Assert.That(SegmentFiles(), Is.Empty, "nothing is visible before Promote");

        staged.Promote();
        Assert.That(TempFiles(), Is.Empty);
        Assert.That(SegmentFiles(), Has.Length.EqualTo(expectedCount));
        var joined = staged.Segments.SelectMany(s => File.ReadAllBytes(_store.PathOf(s.SegmentId))).ToArray();
        Assert.That(joined, Is.EqualTo(body));
    }

    [Test]
    public async Task LargeReadsGiveTheSameSegments()
    {
        var body = Body(35);
        using var staged = await new Segmenter(_store).StageAsync(new MemoryStream(body), 35, [], CancellationToken.None);
        Assert.That(staged.Segments.Select(s => s.Length), Is.EqualTo(new long[] { 10, 10, 10, 5 }));
        Assert.That(staged.Md5, Is.EqualTo(MD5.HashData(body)));
        staged.Promote();
        Assert.That(staged.Segments.SelectMany(s => File.ReadAllBytes(_store.PathOf(s.SegmentId))), Is.EqualTo(body));
    }

    [Test]
    public async Task DisposeWithoutPromoteDeletesTempFiles()
    {
        var staged = await new Segmenter(_store).StageAsync(new TrickleStream(Body(25)), long.MaxValue, [], CancellationToken.None);
        Assert.That(TempFiles(), Has.Length.EqualTo(3));
        staged.Dispose();
        Assert.That(TempFiles(), Is.Empty);
        Assert.That(SegmentFiles(), Is.Empty);
    }

    [Test]
    public async Task DisposeAfterPromoteKeepsSegments()
    {
        var staged = await new Segmenter(_store).StageAsync(new TrickleStream(Body(25)), long.MaxValue, [], CancellationToken.None);
        staged.Promote();
        staged.Dispose();
        Assert.That(SegmentFiles(), Has.Length.EqualTo(3));
    }

    [Test]
    public async Task UnpromoteDeletesPromotedSegments()
    {
        var staged = await new Segmenter(_store).StageAsync(new TrickleStream(Body(25)), long.MaxValue, [], CancellationToken.None);
        staged.Promote();
        staged.Unpromote();
        Assert.That(SegmentFiles(), Is.Empty);
    }

    [TestCase(0)]
    [TestCase(5)]
    [TestCase(10)]
    [TestCase(23)]
    public void BodyThatThrowsMidwayLeavesNoFiles(int failAfter)
    {
        Assert.ThrowsAsync<IOException>(() => new Segmenter(_store).StageAsync(new TrickleStream(Body(50), failAfter), long.MaxValue, [], CancellationToken.None));
        Assert.That(TempFiles(), Is.Empty);
        Assert.That(SegmentFiles(), Is.Empty);
    }

    [TestCase(26, 25)]
    [TestCase(1, 0)]
    [TestCase(11, 10)]
    public void OverMaxLengthIsEntityTooLargeAndLeavesNoFiles(int size, long maxLength)
    {
        var e = Assert.ThrowsAsync<StorageException>(() => new Segmenter(_store).StageAsync(new TrickleStream(Body(size)), maxLength, [], CancellationToken.None))!;
        Assert.That(e.Fault, Is.EqualTo(StorageFault.TooLarge));
        Assert.That(TempFiles(), Is.Empty);
        Assert.That(SegmentFiles(), Is.Empty);
    }

    [Test]
    public async Task ExactlyMaxLengthIsAccepted()
    {
        using var staged = await new Segmenter(_store).StageAsync(new TrickleStream(Body(25)), 25, [], CancellationToken.None);
        Assert.That(staged.Length, Is.EqualTo(25));
    }
}

[TestFixture]
internal sealed class SegmentReadStreamTests
{
    private string _dir = "";
    private SegmentStore _store = null!;
    private byte[] _object = [];
    private List<SegmentRef> _segments = [];

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "segread-" + Guid.NewGuid().ToString("N"));
        _store = new SegmentStore(_dir, 1024);
        _object = Enumerable.Range(0, 13).Select(i => (byte)(i + 1)).ToArray();

        // Segments of 3, 1, 5 and 4 bytes, each stored at a different offset inside its file with junk around it,
        // as a copy of a part of a larger file would be.
        _segments = [];
        var lengths = new[] { 3, 1, 5, 4 };
        var offsets = new[] { 0, 7, 2, 1 };
        var pos = 0;
        for (var i = 0; i < lengths.Length; i++)
        {
            var id = SegmentStore.NewId();
            var file = new byte[offsets[i] + lengths[i] + 3];
            Array.Fill(file, (byte)0xEE);
            Array.Copy(_object, pos, file, offsets[i], lengths[i]);
            Directory.CreateDirectory(Path.GetDirectoryName(_store.PathOf(id))!);
            File.WriteAllBytes(_store.PathOf(id), file);
            _segments.Add(new SegmentRef(id, offsets[i], lengths[i]));
            pos += lengths[i];
        }
    }

    [TearDown]
    public void TearDown()
    {
        Directory.Delete(_dir, recursive: true);
    }

    private static byte[] ReadAll(Stream s, int chunk)
    {
        var result = new MemoryStream();
        var buffer = new byte[chunk];
        int n;
        while ((n = s.Read(buffer, 0, chunk)) > 0)
        {
            result.Write(buffer, 0, n);
        }

        return result.ToArray();
    }

    private static async Task<byte[]> ReadAllAsync(Stream s, int chunk)
    {
        var result = new MemoryStream();
        var buffer = new byte[chunk];
        int n;
        while ((n = await s.ReadAsync(buffer.AsMemory(0, chunk))) > 0)
        {
            result.Write(buffer, 0, n);
        }

        return result.ToArray();
    }

    [Test]
    public void EveryRangeReadsTheRightBytes()
    {
        var size = _object.Length;
        for (var start = 0; start <= size; start++)
        {
            for (var length = 0; start + length <= size; length++)
            {
                foreach (var chunk in new[] { 1, 2, 64 })
                {
                    using var s = new SegmentReadStream(_store, _segments, start, length);
                    Assert.That(ReadAll(s, chunk), Is.EqualTo(_object.AsSpan(start, length).ToArray()), $"start {start} length {length} chunk {chunk}");
                }
            }
        }
    }

    [Test]
    public async Task EveryRangeReadsTheRightBytesAsync()
    {
        var size = _object.Length;
        for (var start = 0; start <= size; start++)
        {
            for (var length = 0; start + length <= size; length++)
            {
                await using var s = new SegmentReadStream(_store, _segments, start, length);
                Assert.That(await ReadAllAsync(s, 3), Is.EqualTo(_object.AsSpan(start, length).ToArray()), $"start {start} length {length}");
            }
        }
    }

    [Test]
    public void ZeroLengthReadReturnsZeroWithoutConsumingAnything()
    {
        using var s = new SegmentReadStream(_store, _segments, 2, 5);
        Assert.That(s.Read(Span<byte>.Empty), Is.Zero);
        Assert.That(ReadAll(s, 4), Is.EqualTo(_object.AsSpan(2, 5).ToArray()));
    }

    [Test]
    public async Task ZeroLengthReadAsyncReturnsZeroWithoutConsumingAnything()
    {
        await using var s = new SegmentReadStream(_store, _segments, 2, 5);
        Assert.That(await s.ReadAsync(Memory<byte>.Empty), Is.Zero);
        Assert.That(await ReadAllAsync(s, 4), Is.EqualTo(_object.AsSpan(2, 5).ToArray()));
    }

    [Test]
    public void TruncatedSegmentFileIsAnIOExceptionNotShortData()
    {
        File.WriteAllBytes(_store.PathOf(_segments[2].SegmentId), [0xEE, 0xEE, 5]);
        using var s = new SegmentReadStream(_store, _segments, 0, _object.Length);
        Assert.Throws<IOException>(() => ReadAll(s, 64));
    }
}

/// <summary>
/// Large bodies in reads of uneven sizes, alone (MD5 runs on another core, on alternating buffers) and several at
/// once (MD5 in place): the digests and the files are exactly the body's.
/// </summary>
[TestFixture]
internal sealed class SegmenterLargeBodyTests
{
    private string _dir = "";
    private SegmentStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "segmenter-large-" + Guid.NewGuid().ToString("N"));
        _store = new SegmentStore(_dir, 4 << 20);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>Hands out reads of pseudo-random sizes between 1 byte and 300 KiB.</summary>
    private sealed class UnevenStream(byte[] data, int seed) : MemoryStream(data)
    {
        private readonly Random _sizes = new(seed);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, _sizes.Next(1, 300 * 1024))], cancellationToken);
    }

    private async Task Stage(int size, int seed)
    {
        var body = new byte[size];
        new Random(seed).NextBytes(body);
        using var staged = await new Segmenter(_store).StageAsync(new UnevenStream(body, seed), long.MaxValue, [Storage.Checksums.ChecksumAlgorithm.Crc32], CancellationToken.None);
        Assert.That(staged.Md5, Is.EqualTo(MD5.HashData(body)));
        Assert.That(staged.Checksums[Storage.Checksums.ChecksumAlgorithm.Crc32],
            Is.EqualTo(Convert.ToBase64String(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(Storage.Checksums.Crc32.Compute(body))))));
        Assert.That(staged.Segments.Select(s => s.Length), Is.EqualTo(new long[] { 4 << 20, 4 << 20, size - (8 << 20) }));
        staged.Promote();
        Assert.That(staged.Segments.SelectMany(s => File.ReadAllBytes(_store.PathOf(s.SegmentId))), Is.EqualTo(body));
    }

    [Test]
    public Task OneBodyAlone() => Stage((9 << 20) + 12345, 1);

    [Test]
    public Task SeveralBodiesAtOnce() => Task.WhenAll(Enumerable.Range(2, 4).Select(seed => Task.Run(() => Stage((9 << 20) + seed, seed))));
}
