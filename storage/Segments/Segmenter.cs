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
    private const int BufferSize = 1024 * 1024;

    /// <summary>
    /// The most one read takes (the inline phase aside): each read is hashed and written while it is still in the
    /// CPU's cache, so it is kept well under L2's size even when much more is waiting on the socket.
    /// </summary>
    private const int ReadSize = 256 * 1024;

    /// <summary>Bodies being staged right now, by every segmenter of the process.</summary>
    private static int _active;

    /// <summary>Reads smaller than this are hashed in place: handing them to another core costs more than it saves.</summary>
    private const int MinOffload = 16 * 1024;

    /// <summary>
    /// Streams <paramref name="body"/> to staged segment files. Reads until the body ends; a front end's verifying
    /// streams under it throw from their last read if a signature is wrong, in which case every staged file is
    /// deleted and the exception propagates. <paramref name="maxLength"/> bounds what is accepted. With
    /// <paramref name="key"/> the bytes are encrypted (<see cref="SegmentCipher"/>) after they are hashed, so the
    /// digests are the plaintext's and only ciphertext reaches the disk.
    /// </summary>
    public async Task<StagedBody> StageAsync(Stream body, long maxLength, IReadOnlyCollection<ChecksumAlgorithm> checksums, CancellationToken ct, DataKey? key = null)
    {
        var staged = new StagedBody(store);
        Interlocked.Increment(ref _active);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var spare = ArrayPool<byte>.Shared.Rent(BufferSize);
        // The plaintext stays in the read buffer for the MD5 (which may still be running on another core); the
        // ciphertext is written from a buffer of its own.
        var sealedBytes = key is null ? null : ArrayPool<byte>.Shared.Rent(BufferSize);
        string? segmentId = null;
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var md5Pending = Task.CompletedTask;
        var digests = checksums.Distinct().Select(IncrementalChecksum.Create).ToList();
        FileStream? file = null;
        string? tempPath = null;
        long inFile = 0;
        try
        {
            // A body that ends within the inline limit is kept in memory and becomes an inline segment: its bytes
            // go into the database row with the object or part, one commit and no file of its own. The first
            // reads fill the buffer until the body ends or passes the limit; past it, what was held is written
            // to a segment file like everything after it.
            var held = 0;
            var ended = false;
            var limit = store.InlineLimit;
            while (limit > 0 && held <= limit)
            {
                var n = await body.ReadAsync(buffer.AsMemory(held, BufferSize - held), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    ended = true;
                    break;
                }

                held += n;
                if (held > maxLength)
                {
                    throw new StorageException(StorageFault.TooLarge) { Limit = maxLength };
                }
            }

            if (held > 0)
            {
                Hash(buffer.AsSpan(0, held));
                if (held <= limit)
                {
                    staged.SetInline(buffer.AsSpan(0, held).ToArray(), key);
                    return Finish();
                }

                await WriteAsync(held).ConfigureAwait(false);
            }

            while (!ended)
            {
                // Each read is hashed and written as it comes, while its bytes are still in the CPU's cache:
                // filling the whole 1 MiB first and then making three passes over it (MD5, CRC, write) measured
                // 1.5-2 s/GiB more CPU in A/B runs with boto3, most likely because a MiB no longer stays in L2.
                var room = file is null ? ReadSize : (int)Math.Min(ReadSize, store.SegmentSize - inFile);
                var n = await body.ReadAsync(buffer.AsMemory(0, room), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    ended = true;
                    break;
                }

                if (staged.Length + n > maxLength)
                {
                    throw new StorageException(StorageFault.TooLarge) { Limit = maxLength };
                }

                // MD5 (the ETag, and the costliest digest: about 1.4 s/GiB on this CPU) runs on another core over
                // this read while the next one is received, hashed (the payload SHA-256, the CRCs) and written,
                // so a single upload is not bound to one core. Two buffers alternate; MD5 is appended in order.
                // With several bodies in flight the cores are busy anyway and the hand-off only costs.
                foreach (var d in digests)
                {
                    d.Append(buffer.AsSpan(0, n));
                }

                await WriteAsync(n).ConfigureAwait(false);
                await md5Pending.ConfigureAwait(false);
                if (n < MinOffload || Volatile.Read(ref _active) > 1)
                {
                    md5.AppendData(buffer, 0, n);
                }
                else
                {
                    var (chunk, length) = (buffer, n);
                    md5Pending = Task.Run(() => md5.AppendData(chunk, 0, length), CancellationToken.None);
                    (buffer, spare) = (spare, buffer);
                }
            }

            await md5Pending.ConfigureAwait(false);
            if (file is not null)
            {
                CloseDurably(file);
                staged.Seal(tempPath!, segmentId!, inFile);
                file = null;
            }

            return Finish();
        }
        catch (IOException e) when (DiskSpace.IsDiskFull(e))
        {
            DisposeQuietly(file);
            staged.Dispose();
            throw store.Space.Full();
        }
        catch
        {
            file?.Dispose();
            staged.Dispose();
            throw;
        }
        finally
        {
            // An MD5 still running reads one of the buffers: it finishes before they go back to the pool.
            await md5Pending.ConfigureAwait(false);
            Interlocked.Decrement(ref _active);
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(spare);
            if (sealedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(sealedBytes);
            }
            foreach (var d in digests)
            {
                d.Dispose();
            }
        }

        void Hash(ReadOnlySpan<byte> data)
        {
            md5.AppendData(data);
            foreach (var d in digests)
            {
                d.Append(data);
            }
        }

        StagedBody Finish()
        {
            staged.Md5 = md5.GetHashAndReset();
            foreach (var d in digests)
            {
                staged.Checksums[d.Algorithm] = d.FinishBase64();
            }

            return staged;
        }

        // Writes buffer[0..n) to segment files, opening a new one at each SegmentSize boundary.
        async Task WriteAsync(int n)
        {
            var written = 0;
            while (written < n)
            {
                if (file is null)
                {
                    // Each new segment file is written only while the reserve is still free (a body of
                    // unknown length is checked as it grows).
                    store.Space.Require(0);
                    // The id is chosen now: an encrypted segment's counters derive from it.
                    segmentId = SegmentStore.NewId();
                    tempPath = store.NewTempPath();
                    staged.AddTemp(tempPath);
                    file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
                    inFile = 0;
                }

                var take = (int)Math.Min(n - written, store.SegmentSize - inFile);
                var bytes = buffer.AsMemory(written, take);
                if (key is not null)
                {
                    buffer.AsSpan(written, take).CopyTo(sealedBytes);
                    SegmentCipher.Apply(key, segmentId!, inFile, sealedBytes.AsSpan(0, take));
                    bytes = sealedBytes.AsMemory(0, take);
                }

                await file.WriteAsync(bytes, ct).ConfigureAwait(false);
                written += take;
                inFile += take;
                staged.Length += take;
                if (inFile == store.SegmentSize)
                {
                    CloseDurably(file);
                    staged.Seal(tempPath!, segmentId!, inFile);
                    file = null;
                }
            }
        }
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

    private static void CloseDurably(FileStream file)
    {
        // fsync before the rename in Promote: a row must never point at data the disk has not kept.
        file.Flush(flushToDisk: true);
        file.Dispose();
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
    /// Checks the body against what the caller declared: a checksum (its value known before the body or only
    /// after it), the length and the MD5. Throws the fault of the first that does not hold.
    /// </summary>
    public void Verify(BodyChecks checks)
    {
        if (checks.Checksum is { } expected)
        {
            if (expected.Value is null)
            {
                throw new StorageException(StorageFault.ChecksumNotReceived) { Algorithm = expected.Algorithm };
            }

            if (Checksums[expected.Algorithm] != expected.Value.Trim())
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
