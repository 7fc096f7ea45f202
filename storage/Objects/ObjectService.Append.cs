using Storage.Checksums;
using Storage.Faults;
using Storage.Metadata;

namespace Storage.Objects;

/// <summary>
/// An append: <paramref name="Offset"/> must be the object's size (0 with no object, which then starts it with
/// <paramref name="Attributes"/>; an existing object keeps its own).
/// </summary>
public sealed record AppendObjectCommand(string Bucket, string Key, string Account, long Offset, IReadOnlyDictionary<string, string> Attributes, BodyChecks Body);

/// <summary>A rename: the object at <paramref name="SourceKey"/> moves to <paramref name="Key"/> in the same bucket.</summary>
/// <param name="SourceConditions">Checked against the source (every failure is ConditionFailed).</param>
/// <param name="Conditions">Checked against what is at the destination now (If-Match, If-None-Match).</param>
/// <param name="DestinationTimes">Time conditions checked against the destination, when there is one.</param>
public sealed record RenameObjectCommand(
    string Bucket, string SourceKey, string Key, string Account, ReadConditions SourceConditions, WriteConditions Conditions, ReadConditions DestinationTimes);

public sealed partial class ObjectService
{
    /// <summary>
    /// Appends a body to an object without copying it: the new version's segment list is the old one's plus the new
    /// segments, and a CRC checksum of the whole object follows from the old value and the appended bytes' (a CRC of A
    /// then B is a function of the CRCs of A and B and the length of B). The offset is checked before the body is read
    /// and again in the commit, so of two appends racing at one offset only one lands.
    /// </summary>
    public async Task<ObjectInfo> AppendAsync(AppendObjectCommand cmd, Stream body, CancellationToken ct)
    {
        var current = _db.Read(db =>
        {
            BucketService.Require(db, cmd.Bucket, cmd.Account);
            return ObjectRows.Find(db, cmd.Bucket, cmd.Key);
        });
        CheckOffset(cmd, current);
        if (cmd.Body.DeclaredLength == 0)
        {
            throw new StorageException(StorageFault.EmptyAppend) { Bucket = cmd.Bucket, Key = cmd.Key };
        }

        if (current?.Encryption is not null)
        {
            throw new StorageException(StorageFault.AppendToEncrypted) { Bucket = cmd.Bucket, Key = cmd.Key };
        }

        if (current is not null && Math.Max(current.PartsCount, 1) + current.Appends + 1 > _limits.MaxParts)
        {
            throw new StorageException(StorageFault.TooManyParts) { Bucket = cmd.Bucket, Key = cmd.Key, Limit = _limits.MaxParts };
        }

        var (algorithm, previous) = current is null ? (cmd.Body.Checksum?.Algorithm ?? ChecksumAlgorithms.Default, null) : WholeCrc(current);
        if (current is not null && previous is not null && cmd.Body.Checksum is { } declared && declared.Algorithm != algorithm)
        {
            throw new StorageException(StorageFault.AppendChecksumMismatch) { Bucket = cmd.Bucket, Key = cmd.Key, Algorithm = algorithm, OtherAlgorithm = declared.Algorithm };
        }

        // An object whose checksum cannot be carried on (none, or not a CRC) gets checksums of the appended bytes only
        // checked, not kept: the new whole-object value is unknown without reading every old byte.
        if (previous is null && current is not null)
        {
            algorithm = cmd.Body.Checksum?.Algorithm ?? ChecksumAlgorithms.Default;
        }

        // One append is at most one write; the object it makes, at most an object.
        var remaining = Math.Min(_limits.MaxWriteSize, _limits.MaxObjectSize - (current?.Size ?? 0));
        if (cmd.Body.DeclaredLength > remaining)
        {
            throw new StorageException(StorageFault.TooLarge) { Size = cmd.Body.DeclaredLength, Limit = remaining };
        }

        _segments.Space.Require(cmd.Body.DeclaredLength ?? 0);
        using var staged = await _segmenter.StageAsync(body, remaining, [algorithm], ct).ConfigureAwait(false);
        staged.Verify(cmd.Body, body);
        if (staged.Length == 0)
        {
            throw new StorageException(StorageFault.EmptyAppend) { Bucket = cmd.Bucket, Key = cmd.Key };
        }

        var appended = staged.Checksums[algorithm];
        staged.Promote();
        (ObjectInfo Info, List<string> Orphans) result;
        try
        {
            result = _db.Write(db =>
            {
                BucketService.Require(db, cmd.Bucket, cmd.Account);
                var now = ObjectRows.Find(db, cmd.Bucket, cmd.Key);
                if (now?.Id != current?.Id)
                {
                    // Another write landed between the check and the commit: judge the offset against it.
                    CheckOffset(cmd, now);
                    throw new StorageException(StorageFault.WriteOffsetMismatch) { Bucket = cmd.Bucket, Key = cmd.Key, Size = now?.Size ?? 0 };
                }

                staged.Persist(db);
                var etag = ETags.Random();
                var time = ObjectWrites.Truncate(_clock.UtcNow);
                if (current is null)
                {
                    var info = new ObjectInfo(0, cmd.Bucket, cmd.Key, staged.Length, etag, time, cmd.Attributes,
                        new ChecksumValue(algorithm, ChecksumType.FullObject, appended), 0, cmd.Account);
                    return ObjectWrites.Replace(db, info, staged.Segments, null);
                }

                var (segments, partNumbers) = ObjectRows.Segments(db, current.Id);
                var checksum = previous is null ? null : new ChecksumValue(algorithm, ChecksumType.FullObject, Combine(algorithm, previous, appended, staged.Length));
                var next = current with
                {
                    Size = current.Size + staged.Length,
                    ETag = etag,
                    LastModified = time,
                    Checksum = checksum,
                    Appends = current.Appends + 1,
                };
                var parts = current.PartsCount > 0 ? ObjectRows.Parts(db, current.Id) : null;
                return ObjectWrites.Replace(db, next, [.. segments, .. staged.Segments], [.. partNumbers, .. staged.Segments.Select(_ => 0)], parts);
            });
        }
        catch
        {
            staged.Unpromote();
            throw;
        }

        _segments.DeleteUnreferenced(result.Orphans);
        return result.Info;
    }

    private static void CheckOffset(AppendObjectCommand cmd, ObjectInfo? current)
    {
        if (cmd.Offset != (current?.Size ?? 0))
        {
            throw new StorageException(StorageFault.WriteOffsetMismatch) { Bucket = cmd.Bucket, Key = cmd.Key, Size = current?.Size ?? 0 };
        }
    }

    /// <summary>
    /// The object's whole-object CRC and its algorithm, when it has one or one follows from its parts' (a composite
    /// multipart checksum keeps every part's CRC and size); (the default algorithm, null) otherwise.
    /// </summary>
    private (ChecksumAlgorithm Algorithm, string? Value) WholeCrc(ObjectInfo o)
    {
        if (o.Checksum is not { } c || !ChecksumAlgorithms.IsCrc(c.Algorithm))
        {
            return (ChecksumAlgorithms.Default, null);
        }

        if (c.Type == ChecksumType.FullObject)
        {
            return (c.Algorithm, c.Value);
        }

        var parts = Parts(o.Id);
        if (parts.Count == 0 || parts.Any(p => p.Checksum is null))
        {
            return (c.Algorithm, null);
        }

        var whole = parts[0].Checksum!;
        foreach (var p in parts.Skip(1))
        {
            whole = Combine(c.Algorithm, whole, p.Checksum!, p.Size);
        }

        return (c.Algorithm, whole);
    }

    private static string Combine(ChecksumAlgorithm algorithm, string first, string second, long secondLength)
    {
        var d = ChecksumAlgorithms.Of(algorithm);
        var value = d.Combine!(d.ToInteger(Convert.FromBase64String(first)), d.ToInteger(Convert.FromBase64String(second)), secondLength);
        return Convert.ToBase64String(d.FromInteger(value));
    }

    /// <summary>
    /// Moves an object to another key of its bucket in one transaction, sharing its segments (no byte is read or
    /// written): the destination's old object, if any, is replaced and the source is gone. The renamed object keeps
    /// its ETag, checksum, attributes and tags, and is last modified now.
    /// </summary>
    public ObjectInfo Rename(RenameObjectCommand cmd)
    {
        var result = _db.WriteFreeing(db =>
        {
            BucketService.Require(db, cmd.Bucket, cmd.Account);
            var src = ObjectRows.Find(db, cmd.Bucket, cmd.SourceKey) ?? throw new StorageException(StorageFault.ObjectNotFound) { Bucket = cmd.Bucket, Key = cmd.SourceKey };
            cmd.SourceConditions.Check(src, notModifiedFails: true);
            var dest = ObjectRows.Find(db, cmd.Bucket, cmd.Key);
            cmd.Conditions.Check(dest, cmd.Bucket, cmd.Key);
            if (dest is not null)
            {
                cmd.DestinationTimes.Check(dest, notModifiedFails: true);
            }

            if (cmd.SourceKey == cmd.Key)
            {
                return (src, new List<string>());
            }

            var (segments, partNumbers) = ObjectRows.Segments(db, src.Id);
            var parts = src.PartsCount > 0 ? ObjectRows.Parts(db, src.Id) : null;
            var time = ObjectWrites.Truncate(_clock.UtcNow);
            var (info, orphans) = ObjectWrites.Replace(db, src with { Key = cmd.Key, LastModified = time }, segments, partNumbers, parts);
            orphans.AddRange(ObjectWrites.DeleteCurrent(db, cmd.Bucket, cmd.SourceKey, cmd.Account, time).Orphans);
            return (info, orphans);
        });
        _segments.DeleteUnreferenced(result.Item2);
        return result.Item1;
    }
}
