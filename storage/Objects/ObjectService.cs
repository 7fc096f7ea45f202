using Storage.Faults;
using Storage.Metadata;
using Storage.Segments;

namespace Storage.Objects;

/// <summary>Preconditions on a write, checked before the body is read and again inside the commit.</summary>
internal sealed record WriteConditions(bool IfNoneMatchAny, string? IfMatchETag)
{
    public static readonly WriteConditions None = new(false, null);

    public void Check(ObjectInfo? current)
    {
        if (IfNoneMatchAny && current is not null)
        {
            throw new StorageException(StorageFault.PreconditionFailed);
        }

        if (IfMatchETag is not null && (current is null || !ETags.Match(IfMatchETag, current.ETag)))
        {
            // S3 answers a conditional write on a missing key with 404 NoSuchKey, not 412.
            throw new StorageException(current is null ? StorageFault.NoSuchKey : StorageFault.PreconditionFailed);
        }
    }
}

internal sealed record PutObjectCommand(
    string Bucket,
    string Key,
    string Account,
    IReadOnlyDictionary<string, string> Headers,
    WriteConditions Conditions,
    long? DeclaredLength,
    long MaxLength,
    byte[]? ExpectedMd5 = null);

/// <summary>An open object: its row and a stream of the requested byte range. Dispose to release the read lease.</summary>
internal sealed record OpenedObject(ObjectWithSegments Object, Stream Body, long Start, long Length) : IDisposable
{
    public void Dispose() => Body.Dispose();
}

internal sealed record ListEntry(string Key, ObjectInfo? Object);

internal sealed record ObjectListing(IReadOnlyList<ObjectInfo> Objects, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? LastReturned);

internal sealed class ObjectService(MetadataStore db, SegmentStore segments, IClock clock)
{
    private readonly Segmenter _segmenter = new(segments);

    /// <summary>
    /// Stores a body as (bucket, key). The bucket and the preconditions are checked before the first body byte is
    /// read; <paramref name="checksumAtEnd"/> is asked once the body has been read (and verified) in full.
    /// </summary>
    public async Task<ObjectInfo> PutAsync(PutObjectCommand cmd, Stream body, Func<StoredChecksum?> checksumAtEnd, CancellationToken ct)
    {
        db.Read(c =>
        {
            BucketService.Require(c, null, cmd.Bucket, cmd.Account);
            cmd.Conditions.Check(ObjectRows.Find(c, null, cmd.Bucket, cmd.Key));
            return 0;
        });

        using var staged = await _segmenter.StageAsync(body, cmd.MaxLength, ct).ConfigureAwait(false);
        if (cmd.DeclaredLength is { } declared && staged.Length != declared)
        {
            throw new StorageException(StorageFault.IncompleteBody);
        }

        // Content-MD5 is checked against the MD5 the segmenter computes anyway, before anything is promoted.
        if (cmd.ExpectedMd5 is not null && !cmd.ExpectedMd5.AsSpan().SequenceEqual(staged.Md5))
        {
            throw new StorageException(StorageFault.BadDigest);
        }

        var info = new ObjectInfo(0, cmd.Bucket, cmd.Key, staged.Length, Convert.ToHexStringLower(staged.Md5),
            BucketService.Truncate(clock.UtcNow), cmd.Headers, checksumAtEnd(), 0, cmd.Account);
        return Commit(staged, info, staged.Segments, null, cmd.Conditions);
    }

    private ObjectInfo Commit(StagedBody staged, ObjectInfo info, IReadOnlyList<SegmentRef> segs, IReadOnlyList<int>? partNumbers, WriteConditions conditions)
    {
        staged.Promote();
        (ObjectInfo Info, List<string> Orphans) result;
        try
        {
            result = db.Write((c, tx) =>
            {
                BucketService.Require(c, tx, info.Bucket, info.Owner);
                conditions.Check(ObjectRows.Find(c, tx, info.Bucket, info.Key));
                return ObjectRows.Replace(c, tx, info, segs, partNumbers);
            });
        }
        catch
        {
            staged.Unpromote();
            throw;
        }

        segments.DeleteUnreferenced(result.Orphans);
        return result.Info;
    }

    public ObjectInfo Head(string bucket, string key, string account) => db.Read(c =>
    {
        BucketService.Require(c, null, bucket, account);
        return ObjectRows.Find(c, null, bucket, key) ?? throw new StorageException(StorageFault.NoSuchKey);
    });

    /// <summary>
    /// Reads the row and its segment list and leases the segments in one critical section, so a concurrent
    /// replace cannot delete a file between the two (see <see cref="SegmentLeases"/>).
    /// </summary>
    public (ObjectWithSegments Object, IDisposable Lease) Acquire(string bucket, string key, string account)
    {
        lock (segments.Leases.Gate)
        {
            var obj = db.Read(c =>
            {
                BucketService.Require(c, null, bucket, account);
                var info = ObjectRows.Find(c, null, bucket, key) ?? throw new StorageException(StorageFault.NoSuchKey);
                var (segs, parts) = ObjectRows.Segments(c, null, info.Id);
                return new ObjectWithSegments(info, segs, parts);
            });
            return (obj, segments.Leases.Acquire(obj.Segments.Select(s => s.SegmentId)));
        }
    }

    /// <summary>A stream over [start, start + length) of a leased object; takes ownership of the lease.</summary>
    public Stream OpenRange(ObjectWithSegments obj, IDisposable lease, long start, long length)
    {
        if (start < 0 || length < 0 || start + length > obj.Info.Size)
        {
            lease.Dispose();
            throw new StorageException(StorageFault.InvalidRange);
        }

        if (obj.Segments.Sum(s => s.Length) != obj.Info.Size)
        {
            // Never serve a short body under a full Content-Length: this would be a metadata bug, so say so.
            lease.Dispose();
            throw new InvalidOperationException($"Object {obj.Info.Bucket}/{obj.Info.Key} has {obj.Info.Size} bytes but its segments hold {obj.Segments.Sum(s => s.Length)}.");
        }

        return new SegmentReadStream(segments, obj.Segments, start, length, lease);
    }

    /// <summary>Deletes (bucket, key). Deleting a key that does not exist succeeds, as in S3.</summary>
    public void Delete(string bucket, string key, string account)
    {
        var orphans = db.Write((c, tx) =>
        {
            BucketService.Require(c, tx, bucket, account);
            var old = ObjectRows.Find(c, tx, bucket, key);
            return old is null ? [] : ObjectRows.Delete(c, tx, old, clock.UtcNow);
        });
        segments.DeleteUnreferenced(orphans);
    }

    /// <summary>
    /// Deletes (bucket, key) only if it is still the object with row id <paramref name="expectedId"/>: the lifecycle
    /// sweep decides from a listing, and a client may have written a new object under the key since.
    /// </summary>
    public bool DeleteIfUnchanged(string bucket, string key, long expectedId)
    {
        var (deleted, orphans) = db.Write((c, tx) =>
        {
            var current = ObjectRows.Find(c, tx, bucket, key);
            return current is null || current.Id != expectedId ? (false, new List<string>()) : (true, ObjectRows.Delete(c, tx, current, clock.UtcNow));
        });
        segments.DeleteUnreferenced(orphans);
        return deleted;
    }

    /// <summary>
    /// Copies an object by sharing its immutable segments: no byte is read or written. <paramref name="checkSource"/>
    /// runs inside the commit transaction against the source row as it is then (copy-source conditions).
    /// <paramref name="headers"/> null keeps the source's headers (metadata directive COPY).
    /// </summary>
    public ObjectInfo Copy(string srcBucket, string srcKey, string dstBucket, string dstKey, string account,
        IReadOnlyDictionary<string, string>? headers, Action<ObjectInfo> checkSource, WriteConditions conditions)
    {
        var result = db.Write((c, tx) =>
        {
            BucketService.Require(c, tx, srcBucket, account);
            var src = ObjectRows.Find(c, tx, srcBucket, srcKey) ?? throw new StorageException(StorageFault.NoSuchKey);
            checkSource(src);
            BucketService.Require(c, tx, dstBucket, account);
            conditions.Check(ObjectRows.Find(c, tx, dstBucket, dstKey));
            var (segs, parts) = ObjectRows.Segments(c, tx, src.Id);
            var objectParts = ObjectRows.Parts(c, tx, src.Id);
            var info = src with
            {
                Bucket = dstBucket,
                Key = dstKey,
                LastModified = BucketService.Truncate(clock.UtcNow),
                Headers = headers ?? src.Headers,
                Owner = account,
            };
            return ObjectRows.Replace(c, tx, info, segs, parts, objectParts);
        });
        segments.DeleteUnreferenced(result.Orphans);
        return result.Info;
    }

    /// <summary>
    /// One page of keys in UTF-8 order: keys after <paramref name="after"/> that start with <paramref name="prefix"/>,
    /// with keys that contain <paramref name="delimiter"/> past the prefix rolled up into common prefixes. Keys and
    /// prefixes together number at most <paramref name="maxKeys"/>. A common prefix at or before the marker was
    /// returned by an earlier page and is skipped, whether the marker is that prefix or a key inside it.
    /// </summary>
    public ObjectListing List(string bucket, string account, string prefix, string? delimiter, string? after, int maxKeys) => db.Read(c =>
    {
        BucketService.Require(c, null, bucket, account);
        var objects = new List<ObjectInfo>();
        var prefixes = new List<string>();
        string? last = null;
        var upper = prefix.Length == 0 ? null : KeyOrder.UpperBound(prefix);
        var from = prefix;
        var strictAfter = after ?? "";
        var truncated = false;
        if (maxKeys <= 0)
        {
            return new ObjectListing(objects, prefixes, false, null);
        }

        const int batch = 1000;
        var done = false;
        while (!done)
        {
            var sql = $"SELECT {ObjectRows.SelectColumns("o")} FROM objects o WHERE o.bucket = $b AND o.key >= $from AND o.key > $after" +
                (upper is null ? "" : " AND o.key < $upper") + " ORDER BY o.key LIMIT $n;";
            using var cmd = Metadata.MetadataStore.Command(c, null, sql, ("$b", bucket), ("$from", from), ("$after", strictAfter), ("$upper", upper), ("$n", batch));
            using var r = cmd.ExecuteReader();
            var rows = 0;
            string? jumpTo = null;
            while (r.Read())
            {
                rows++;
                var info = ObjectRows.Map(r);
                strictAfter = info.Key;
                string? rolled = null;
                if (!string.IsNullOrEmpty(delimiter))
                {
                    var idx = info.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                    if (idx >= 0)
                    {
                        rolled = info.Key[..(idx + delimiter.Length)];
                    }
                }

                if (rolled is not null)
                {
                    jumpTo = KeyOrder.UpperBound(rolled);
                    if (after is not null && KeyOrder.Compare(rolled, after) <= 0)
                    {
                        break;
                    }

                    if (objects.Count + prefixes.Count == maxKeys)
                    {
                        truncated = true;
                        done = true;
                        break;
                    }

                    prefixes.Add(rolled);
                    last = rolled;
                    break;
                }

                if (objects.Count + prefixes.Count == maxKeys)
                {
                    truncated = true;
                    done = true;
                    break;
                }

                objects.Add(info);
                last = info.Key;
            }

            if (done)
            {
                break;
            }

            if (jumpTo is not null)
            {
                from = jumpTo;
                continue;
            }

            if (rows < batch)
            {
                done = true;
            }
        }

        return new ObjectListing(objects, prefixes, truncated, last);
    });

    /// <summary>The parts a multipart object was completed from (empty for objects written whole).</summary>
    public IReadOnlyList<ObjectPart> Parts(long objectId) => db.Read(c => ObjectRows.Parts(c, null, objectId));

    /// <summary>True when the bucket has at least one object (for DeleteBucket and ListObjectVersions callers).</summary>
    public bool Any(string bucket) => db.Read(c => MetadataStore.Scalar<long>(c, null, "SELECT EXISTS(SELECT 1 FROM objects WHERE bucket = $b);", ("$b", bucket)) != 0);
}
