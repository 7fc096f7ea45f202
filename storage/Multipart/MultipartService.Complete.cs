using Storage.Checksums;
using Storage.Faults;
using Storage.Metadata;
using Storage.Objects;
using Storage.Segments;

namespace Storage.Multipart;

/// <summary>One part listed in a Complete: its number, the ETag the writer has for it and, optionally, its checksum.</summary>
public sealed record CompletePart(int PartNumber, string ETag, ChecksumAlgorithm? Algorithm = null, string? Checksum = null);

/// <summary>A checksum the writer claims for the whole completed object.</summary>
public sealed record ChecksumClaim(ChecksumAlgorithm Algorithm, string Value);

/// <summary>
/// A Complete request: the listed parts, the write conditions on the key, and optionally the checksum type the
/// writer expects the upload to have and the whole object's checksum it claims. <paramref name="MinPartSize"/>
/// replaces the engine's minimum for every part but the last (a protocol with smaller chunks than S3's 5 MiB).
/// </summary>
public sealed record CompleteCommand(
    string Bucket, string Key, string UploadId, string Account, IReadOnlyList<CompletePart> Parts, WriteConditions Conditions,
    ChecksumType? ExpectedType = null, ChecksumClaim? WholeObject = null, long? MinPartSize = null);

public sealed partial class MultipartService
{
    /// <summary>
    /// Completes an upload in one transaction: validates the part list (ascending order, known parts with matching
    /// ETags and checksums, minimum sizes, limits, the upload's checksum rules), derives the ETag and checksum from
    /// the parts, makes the parts' segment ranges the object's segment list, deletes the upload, and frees parts
    /// that were not listed. A retry of a Complete that already succeeded returns the object it created, while
    /// that object stands.
    /// </summary>
    public CompleteResult Complete(CompleteCommand cmd)
    {
        var (result, orphans) = _db.Write(db =>
        {
            BucketService.Require(db, cmd.Bucket, cmd.Account);
            var upload = UploadRows.Find(db, cmd.UploadId);
            if (upload is null || upload.Bucket != cmd.Bucket || upload.Key != cmd.Key)
            {
                return (Retry(db, cmd), new List<string>());
            }

            cmd.Conditions.Check(ObjectRows.Find(db, cmd.Bucket, cmd.Key), cmd.Bucket, cmd.Key);
            var stored = UploadRows.Parts(db, cmd.UploadId).ToDictionary(p => p.PartNumber);
            var chosen = Validate(cmd, stored);
            var segs = new List<SegmentRef>();
            var partNumbers = new List<int>();
            foreach (var p in chosen)
            {
                foreach (var s in UploadRows.PartSegments(db, cmd.UploadId, p.PartNumber))
                {
                    segs.Add(s);
                    partNumbers.Add(p.PartNumber);
                }
            }

            var info = new ObjectInfo(0, cmd.Bucket, cmd.Key, chosen.Sum(p => p.Size), MultipartRules.ETag(chosen.Select(p => p.ETag).ToList()),
                ObjectWrites.Truncate(_clock.UtcNow), upload.Attributes, ObjectChecksum(upload, chosen), chosen.Count, upload.Owner)
            {
                Tags = upload.Tags,
                Acl = upload.Acl,
                Encryption = upload.Encryption,
                Retention = upload.Lock?.Retention,
                LegalHold = upload.Lock?.LegalHold ?? false,
            };
            CheckChecksumRules(cmd, upload, info);
            var objectParts = chosen.Select(p => new ObjectPart(p.PartNumber, p.Size, p.ETag, p.Checksum)).ToList();
            var (created, replacedOrphans) = ObjectWrites.Replace(db, info, segs, partNumbers, objectParts);
            var unlisted = DeleteUpload(db, cmd.UploadId, created.LastModified);
            UploadRows.RecordCompleted(db, cmd.UploadId, cmd.Bucket, cmd.Key, created.ETag, created.LastModified);
            return (new CompleteResult(created, Retried: false), replacedOrphans.Concat(unlisted).ToList());
        });
        _segments.DeleteUnreferenced(orphans);
        return result;
    }

    /// <summary>
    /// A Complete for an upload that no longer exists: if this upload was completed into the object that is
    /// still at the key, the writer is retrying a Complete whose answer it lost, and gets the same answer.
    /// </summary>
    private static CompleteResult Retry(Db db, CompleteCommand cmd)
    {
        var etag = UploadRows.CompletedETag(db, cmd.UploadId, cmd.Bucket, cmd.Key);
        var current = ObjectRows.Find(db, cmd.Bucket, cmd.Key);
        if (etag is null || current is null || current.ETag != etag)
        {
            throw NotFound(cmd.Bucket, cmd.Key, cmd.UploadId);
        }

        return new CompleteResult(current, Retried: true);
    }

    private List<PartInfo> Validate(CompleteCommand cmd, Dictionary<int, PartInfo> stored)
    {
        if (cmd.Parts.Count > Limits.MaxParts)
        {
            throw new StorageException(StorageFault.TooManyParts) { UploadId = cmd.UploadId, Limit = Limits.MaxParts };
        }

        var chosen = new List<PartInfo>(cmd.Parts.Count);
        var previous = 0;
        foreach (var requested in cmd.Parts)
        {
            if (requested.PartNumber <= previous)
            {
                throw new StorageException(StorageFault.PartsOutOfOrder) { UploadId = cmd.UploadId, PartNumber = requested.PartNumber };
            }

            previous = requested.PartNumber;
            // One ETag, quoted or not. ETags.Match is for If-Match lists, where "*" and "a, b" match; here they must not.
            if (!stored.TryGetValue(requested.PartNumber, out var s) || ETags.Unquote(requested.ETag) != s.ETag)
            {
                throw new StorageException(StorageFault.UnknownPart) { UploadId = cmd.UploadId, PartNumber = requested.PartNumber, ETag = requested.ETag };
            }

            if (requested.Checksum is not null && requested.Checksum != s.Checksum)
            {
                throw new StorageException(StorageFault.PartChecksumMismatch) { UploadId = cmd.UploadId, PartNumber = requested.PartNumber };
            }

            chosen.Add(s);
        }

        var minPartSize = cmd.MinPartSize ?? Limits.MinPartSize;
        for (var i = 0; i < chosen.Count - 1; i++)
        {
            if (chosen[i].Size < minPartSize)
            {
                throw new StorageException(StorageFault.PartTooSmall) { UploadId = cmd.UploadId, PartNumber = chosen[i].PartNumber, Size = chosen[i].Size, Limit = minPartSize };
            }
        }

        if (chosen.Sum(p => p.Size) is var total && total > Limits.MaxObjectSize)
        {
            throw new StorageException(StorageFault.TooLarge) { Size = total, Limit = Limits.MaxObjectSize };
        }

        return chosen;
    }

    /// <summary>
    /// The upload's checksum rules, against the list as sent and the object about to be created: listed part
    /// checksums must be of the upload's algorithm (a composite upload needs every one), an upload created without
    /// an algorithm takes none, the expected type must be the upload's, and a claimed whole-object checksum must
    /// equal the one derived from the parts (for a composite one, with or without its "-N").
    /// </summary>
    private static void CheckChecksumRules(CompleteCommand cmd, UploadInfo upload, ObjectInfo created)
    {
        // An upload that declared no algorithm ignores an expected type and a whole-object claim. The claim is
        // checked before the per-part rules: a wrong whole-object checksum is BadDigest even when a part's
        // checksum is also missing (s3-tests' test_multipart_checksum_sha256).
        var declared = upload.ChecksumAlgorithm;
        if (declared is not null)
        {
            if (cmd.ExpectedType is { } expected && expected != upload.ChecksumType)
            {
                throw new StorageException(StorageFault.ChecksumTypeMismatch) { UploadId = upload.UploadId, ChecksumType = upload.ChecksumType };
            }

            if (cmd.WholeObject is { } w && !ClaimMatches(w, created.Checksum))
            {
                throw new StorageException(StorageFault.ObjectChecksumMismatch) { UploadId = upload.UploadId, Algorithm = w.Algorithm };
            }
        }

        foreach (var p in cmd.Parts)
        {
            if (declared is null)
            {
                if (p.Algorithm is not null)
                {
                    throw new StorageException(StorageFault.UnexpectedPartChecksum) { UploadId = upload.UploadId, PartNumber = p.PartNumber, ETag = ETags.Unquote(p.ETag) };
                }

                continue;
            }

            if (p.Algorithm is { } a && a != declared)
            {
                throw new StorageException(StorageFault.PartChecksumWrongAlgorithm) { UploadId = upload.UploadId, PartNumber = p.PartNumber, Algorithm = declared, OtherAlgorithm = a };
            }

            if (p.Algorithm is null && upload.ChecksumType == ChecksumType.Composite)
            {
                throw new StorageException(StorageFault.MissingPartChecksum) { UploadId = upload.UploadId, PartNumber = p.PartNumber, Algorithm = declared };
            }
        }
    }

    /// <summary>Whether a claimed whole-object checksum equals the derived one (a composite one with or without its "-N").</summary>
    private static bool ClaimMatches(ChecksumClaim claim, ChecksumValue? derived) =>
        derived is not { } c
        || (claim.Algorithm == c.Algorithm && (claim.Value == c.Value || (c.Type == ChecksumType.Composite && claim.Value == c.Value.Split('-')[0])));

    /// <summary>
    /// The object's checksum: the declared algorithm and type combined from the part checksums; with no declared
    /// algorithm, the full-object CRC64NVME, which every part carries in that case.
    /// </summary>
    private static ChecksumValue? ObjectChecksum(UploadInfo upload, List<PartInfo> parts)
    {
        if (parts.Count == 0 || parts.Exists(p => p.Checksum is null))
        {
            return null;
        }

        var algorithm = MultipartRules.Effective(upload.ChecksumAlgorithm);
        var type = upload.ChecksumType ?? MultipartRules.DefaultType(algorithm);
        var value = MultipartRules.Combine(algorithm, type, parts.Select(p => (p.Checksum!, p.Size)).ToList());
        return new ChecksumValue(algorithm, type, value);
    }
}
