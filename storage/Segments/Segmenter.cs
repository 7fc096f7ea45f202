using System.Buffers;
using System.Security.Cryptography;
using Storage.Checksums;
using Storage.Faults;

namespace Storage.Segments;

/// <summary>One piece of stored data: a byte range of a segment file, or of an inline segment (a database row).</summary>
internal sealed record SegmentRef(string SegmentId, long Offset, long Length);

/// <summary>
/// Splits a body into segment files of <see cref="SegmentStore.SegmentSize"/> bytes while computing its MD5 and
/// the requested checksums in the same pass. Each finished file is fsynced under tmp/; nothing is visible until
/// <see cref="StagedBody.Promote"/>. A body no longer than <see cref="SegmentStore.InlineLimit"/> gets no file: it
/// is an inline segment, written by <see cref="StagedBody.Persist"/> in the transaction of its row.
/// </summary>
internal sealed class Segmenter(SegmentStore store)
{
    /// <summary>
    /// Streams <paramref name="body"/> to staged segment files. Reads until the body ends; a front end's verifying
    /// streams under it throw from their last read if a signature is wrong, in which case every staged file is
    /// deleted and the exception propagates. <paramref name="maxLength"/> bounds what is accepted. With
    /// <paramref name="key"/> the bytes are encrypted (<see cref="SegmentCipher"/>) after they are hashed, so the
    /// digests are the plaintext's and only ciphertext reaches the disk.
    /// </summary>
    public async Task<StagedBody> StageAsync(Stream body, long maxLength, IReadOnlyCollection<ChecksumAlgorithm> checksums, CancellationToken ct, DataKey? key = null)
    {
        using var run = new StagingRun(store, body, maxLength, checksums, key, ct);
        return await run.RunAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// The state of one body being staged, and the steps that move it along: hold what may become an inline segment,
/// then read, hash and write in a loop, opening and sealing segment files at the size boundaries.
/// </summary>
internal sealed class StagingRun : IDisposable
{
    /// <summary>
    /// The most one read takes (the inline phase aside): each read is hashed and written while it is still in the
    /// CPU's cache, so it is kept well under L2's size even when much more is waiting on the socket.
    /// </summary>
    private const int ReadSize = 256 * 1024;

    /// <summary>Reads smaller than this are hashed in place: handing them to another core costs more than it saves.</summary>
    private const int MinOffload = 16 * 1024;

    private readonly SegmentStore _store;
    private readonly Stream _body;
    private readonly long _maxLength;
    private readonly DataKey? _key;
    private readonly CancellationToken _ct;
    private readonly StagedBody _staged;
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly List<IncrementalChecksum> _digests;
    /// <summary>
    /// The read buffer: one read (<see cref="ReadSize"/>) or the inline phase's body plus a byte, whichever is
    /// larger; 256 KiB by default. (It was 1 MiB, with a second one rented up front: 64 small PUTs in flight then
    /// held 128 MiB of pooled arrays, most of them dropped by the pool into the large object heap.)
    /// </summary>
    private byte[] _buffer;

    /// <summary>The second buffer, for the read received while MD5 runs over the first on another core; rented only then.</summary>
    private byte[]? _spare;

    /// <summary>The plaintext stays in the read buffer for the MD5 (which may still be running on another core); the ciphertext is written from a buffer of its own.</summary>
    private readonly byte[]? _sealed;

    private readonly bool _md5Checksum;
    private Task _md5Pending = Task.CompletedTask;
    private FileStream? _file;
    private string? _tempPath;
    private string? _segmentId;
    private long _inFile;
    private bool _ended;

    public StagingRun(SegmentStore store, Stream body, long maxLength, IReadOnlyCollection<ChecksumAlgorithm> checksums, DataKey? key, CancellationToken ct)
    {
        _store = store;
        _body = body;
        _maxLength = maxLength;
        _key = key;
        _ct = ct;
        _staged = new StagedBody(store);
        // An MD5 checksum is the MD5 the ETag is made of anyway: it is taken from there, not computed twice.
        _md5Checksum = checksums.Contains(ChecksumAlgorithm.Md5);
        _digests = checksums.Distinct().Where(a => a != ChecksumAlgorithm.Md5).Select(IncrementalChecksum.Create).ToList();
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(ReadSize, store.InlineLimit + 1));
        _sealed = key is null ? null : ArrayPool<byte>.Shared.Rent(_buffer.Length);
        store.BeginStaging();
    }

    public async Task<StagedBody> RunAsync()
    {
        try
        {
            var held = await HoldAsync().ConfigureAwait(false);
            if (held > 0)
            {
                HashInPlace(_buffer.AsSpan(0, held));
                if (held <= _store.InlineLimit)
                {
                    _staged.SetInline(_buffer.AsSpan(0, held).ToArray(), _key);
                    return Finish();
                }

                await WriteAsync(held).ConfigureAwait(false);
            }

            while (!_ended)
            {
                await StreamOneReadAsync().ConfigureAwait(false);
            }

            await _md5Pending.ConfigureAwait(false);
            SealOpenSegment();
            return Finish();
        }
        catch (IOException e) when (DiskSpace.IsDiskFull(e))
        {
            DisposeQuietly(_file);
            _file = null;
            _staged.Dispose();
            throw _store.Space.Full();
        }
        catch
        {
            _file?.Dispose();
            _file = null;
            _staged.Dispose();
            throw;
        }
        finally
        {
            // An MD5 still running reads one of the buffers: it finishes before they go back to the pool.
            await _md5Pending.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A body that ends within the inline limit is kept in memory and becomes an inline segment: its bytes go into
    /// the database row with the object or part, one commit and no file of its own. The first reads fill the
    /// buffer until the body ends or passes the limit; returns how many bytes are held.
    /// </summary>
    private async Task<int> HoldAsync()
    {
        var held = 0;
        var limit = _store.InlineLimit;
        while (limit > 0 && held <= limit)
        {
            // Never more than the limit and a byte: that byte says the body goes on, and the rest streams in reads.
            var n = await _body.ReadAsync(_buffer.AsMemory(held, limit + 1 - held), _ct).ConfigureAwait(false);
            if (n == 0)
            {
                _ended = true;
                break;
            }

            held += n;
            CheckLength(held);
        }

        return held;
    }

    /// <summary>
    /// One read, hashed and written as it comes, while its bytes are still in the CPU's cache: filling the whole
    /// 1 MiB first and then making three passes over it (MD5, CRC, write) measured 1.5-2 s/GiB more CPU in A/B runs
    /// with boto3, most likely because a MiB no longer stays in L2.
    /// </summary>
    private async Task StreamOneReadAsync()
    {
        var room = _file is null ? ReadSize : (int)Math.Min(ReadSize, _store.SegmentSize - _inFile);
        var n = await _body.ReadAsync(_buffer.AsMemory(0, room), _ct).ConfigureAwait(false);
        if (n == 0)
        {
            _ended = true;
            return;
        }

        CheckLength(_staged.Length + n);
        foreach (var d in _digests)
        {
            d.Append(_buffer.AsSpan(0, n));
        }

        await WriteAsync(n).ConfigureAwait(false);
        await Md5Async(n).ConfigureAwait(false);
    }

    /// <summary>
    /// MD5 (the ETag, and the costliest digest: about 1.4 s/GiB on this CPU) runs on another core over this read
    /// while the next one is received, hashed (the payload SHA-256, the CRCs) and written, so a single upload is not
    /// bound to one core. Two buffers alternate; MD5 is appended in order. With several bodies in flight in this
    /// store the cores are busy anyway and the hand-off only costs.
    /// </summary>
    private async Task Md5Async(int n)
    {
        await _md5Pending.ConfigureAwait(false);
        if (n < MinOffload || _store.StagingCount > 1)
        {
            _md5.AppendData(_buffer, 0, n);
            return;
        }

        var (chunk, length) = (_buffer, n);
        _md5Pending = Task.Run(() => _md5.AppendData(chunk, 0, length), CancellationToken.None);
        (_buffer, _spare) = (_spare ?? ArrayPool<byte>.Shared.Rent(_buffer.Length), _buffer);
    }

    private void CheckLength(long length)
    {
        if (length > _maxLength)
        {
            throw new StorageException(StorageFault.TooLarge) { Limit = _maxLength };
        }
    }

    private void HashInPlace(ReadOnlySpan<byte> data)
    {
        _md5.AppendData(data);
        foreach (var d in _digests)
        {
            d.Append(data);
        }
    }

    /// <summary>Writes buffer[0..n) to segment files, opening a new one at each SegmentSize boundary.</summary>
    private async Task WriteAsync(int n)
    {
        var written = 0;
        while (written < n)
        {
            var file = _file ?? OpenSegment();
            var take = (int)Math.Min(n - written, _store.SegmentSize - _inFile);
            var bytes = _buffer.AsMemory(written, take);
            if (_sealed is not null)
            {
                _buffer.AsSpan(written, take).CopyTo(_sealed);
                SegmentCipher.Apply(_key!, _segmentId!, _inFile, _sealed.AsSpan(0, take));
                bytes = _sealed.AsMemory(0, take);
            }

            await file.WriteAsync(bytes, _ct).ConfigureAwait(false);
            written += take;
            _inFile += take;
            _staged.Length += take;
            if (_inFile == _store.SegmentSize)
            {
                SealOpenSegment();
            }
        }
    }

    private FileStream OpenSegment()
    {
        // Each new segment file is written only while the reserve is still free (a body of unknown length is
        // checked as it grows).
        _store.Space.Require(0);
        // The id is chosen now: an encrypted segment's counters derive from it.
        _segmentId = SegmentStore.NewId();
        _tempPath = _store.NewTempPath();
        _staged.AddTemp(_tempPath);
        _file = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
        _inFile = 0;
        return _file;
    }

    /// <summary>fsync before the rename in Promote: a row must never point at data the disk has not kept.</summary>
    private void SealOpenSegment()
    {
        if (_file is null)
        {
            return;
        }

        _file.Flush(flushToDisk: true);
        _file.Dispose();
        _file = null;
        _staged.Seal(_tempPath!, _segmentId!, _inFile);
    }

    private StagedBody Finish()
    {
        _staged.Md5 = _md5.GetHashAndReset();
        foreach (var d in _digests)
        {
            _staged.Checksums[d.Algorithm] = d.FinishBase64();
        }

        if (_md5Checksum)
        {
            _staged.Checksums[ChecksumAlgorithm.Md5] = Convert.ToBase64String(_staged.Md5);
        }

        return _staged;
    }

    /// <summary>Closing a file whose last write hit a full disk flushes again and fails again: that is not news.</summary>
    private static void DisposeQuietly(FileStream? file)
    {
        try
        {
            file?.Dispose();
        }
        catch (IOException)
        {
        }
    }

    public void Dispose()
    {
        _store.EndStaging();
        ArrayPool<byte>.Shared.Return(_buffer);
        if (_spare is not null)
        {
            ArrayPool<byte>.Shared.Return(_spare);
        }

        if (_sealed is not null)
        {
            ArrayPool<byte>.Shared.Return(_sealed);
        }

        _md5.Dispose();
        foreach (var d in _digests)
        {
            d.Dispose();
        }
    }
}

/// <summary>
/// Segment files written by one request and not yet referenced by a row. Disposing deletes whatever was not
/// promoted, so a failed or abandoned request leaves nothing behind.
/// </summary>
internal sealed class StagedBody(SegmentStore store) : IDisposable
{
    private readonly List<string> _temps = [];
    private readonly List<(string Temp, string Id, long Length)> _sealed = [];
    private bool _promoted;
    private (string Id, byte[] Data)? _inline;

    public long Length { get; internal set; }

    public byte[] Md5 { get; internal set; } = [];

    /// <summary>The base64 checksums computed over the body, by algorithm.</summary>
    public Dictionary<ChecksumAlgorithm, string> Checksums { get; } = [];

    public IReadOnlyList<SegmentRef> Segments => _inline is { } i
        ? [new SegmentRef(i.Id, 0, i.Data.Length)]
        : _sealed.Select(s => new SegmentRef(s.Id, 0, s.Length)).ToArray();

    /// <summary>Keeps the body as an inline segment (encrypted under <paramref name="key"/>, if given; <paramref name="data"/> is the caller's copy).</summary>
    internal void SetInline(byte[] data, DataKey? key = null)
    {
        var id = Metadata.InlineRows.NewId();
        if (key is not null)
        {
            SegmentCipher.Apply(key, id, 0, data);
        }

        _inline = (id, data);
        Length = data.Length;
    }

    /// <summary>
    /// Writes the inline segment's row, if the body is one. Call inside the transaction that inserts the rows
    /// referencing <see cref="Segments"/>, so the bytes and their reference commit together.
    /// </summary>
    internal void Persist(Metadata.Db db)
    {
        if (_inline is { } i)
        {
            Metadata.InlineRows.Insert(db, i.Id, i.Data);
        }
    }

    internal void AddTemp(string path) => _temps.Add(path);

    internal void Seal(string tempPath, string id, long length) => _sealed.Add((tempPath, id, length));

    /// <summary>
    /// Checks the body against what the caller declared: a checksum (its value sent before the body, or reported by
    /// the <paramref name="body"/> stream that carried it behind the data), the length and the MD5. Throws the fault
    /// of the first that does not hold.
    /// </summary>
    public void Verify(BodyChecks checks, Stream body)
    {
        if (checks.Checksum is { ComputeOnly: false } expected)
        {
            var value = expected.Value ?? (body as ITrailingChecksum)?.TrailingChecksum
                ?? throw new StorageException(StorageFault.ChecksumNotReceived) { Algorithm = expected.Algorithm };
            if (Checksums[expected.Algorithm] != value.Trim())
            {
                throw new StorageException(StorageFault.ChecksumMismatch) { Algorithm = expected.Algorithm };
            }
        }

        if (checks.DeclaredLength is { } declared && Length != declared)
        {
            throw new StorageException(StorageFault.LengthMismatch) { Size = Length, Limit = declared };
        }

        // The declared MD5 is checked against the MD5 computed anyway, before anything is promoted.
        if (checks.Md5 is not null && !checks.Md5.AsSpan().SequenceEqual(Md5))
        {
            throw new StorageException(StorageFault.Md5Mismatch);
        }
    }

    /// <summary>Renames every sealed temp file into place. Call before committing the row that references them.</summary>
    public void Promote()
    {
        var directories = new List<string>();
        foreach (var (temp, id, _) in _sealed)
        {
            directories.Add(store.Promote(temp, id));
        }

        _promoted = true;
        store.MakeDurable(directories);
    }

    /// <summary>Call when the commit that was to reference the promoted segments failed.</summary>
    public void Unpromote()
    {
        if (_promoted)
        {
            store.DeleteUnreferenced(_sealed.Select(s => s.Id));
        }
    }

    public void Dispose()
    {
        if (_promoted)
        {
            return;
        }

        foreach (var temp in _temps)
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // The start-up sweep removes temp files that could not be deleted now.
            }
        }
    }
}
