using Storage.Checksums;
using Storage.Faults;
using Storage.Metadata;
using Storage.Objects;
using Storage.Segments;

namespace Storage.Multipart;

internal sealed partial class MultipartService
{
    /// <summary>
    /// Completes an upload in one transaction: validates the part list (ascending order, known parts with matching
    /// ETags and checksums, minimum sizes, limits), derives the ETag and checksum from the parts, makes the parts'
    /// segment ranges the object's segment list, deletes the upload, and frees parts that were not listed.
    /// A retry of a Complete that already succeeded returns the object it created, while that object stands.
    /// </summary>
    public CompleteResult Complete(CompleteCommand cmd)
    {
        var (result, orphans) = db.Write((c, tx) =>
        {
            BucketService.Require(c, tx, cmd.Bucket, cmd.Account);
            var upload = Find(c, tx, cmd.UploadId);
            if (upload is null || upload.Bucket != cmd.Bucket || upload.Key != cmd.Key)
            {
                return (Retry(c, tx, cmd), new List<string>());
            }

            cmd.Conditions.Check(ObjectRows.Find(c, tx, cmd.Bucket, cmd.Key));
            var stored = new Dictionary<int, (PartInfo Part, List<SegmentRef> Segments)>();
            using (var q = MetadataStore.Command(c, tx, "SELECT part_number, size, etag, last_modified, checksum_value FROM parts WHERE upload_id = $u;", ("$u", cmd.UploadId)))
            using (var r = q.ExecuteReader())
            {
                while (r.Read())
                {
                    var p = new PartInfo(r.GetInt32(0), r.GetInt64(1), r.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.IsDBNull(4) ? null : r.GetString(4));
                    stored[p.PartNumber] = (p, []);
                }
            }

            var chosen = Validate(cmd, upload, stored);
            var segs = new List<SegmentRef>();
            var partNumbers = new List<int>();
            foreach (var p in chosen)
            {
                foreach (var s in PartSegments(c, tx, cmd.UploadId, p.PartNumber))
                {
                    segs.Add(s);
                    partNumbers.Add(p.PartNumber);
                }
            }

            var info = new ObjectInfo(0, cmd.Bucket, cmd.Key, chosen.Sum(p => p.Size), MultipartRules.ETag(chosen.Select(p => p.ETag).ToList()),
                BucketService.Truncate(clock.UtcNow), upload.Headers, ObjectChecksum(upload, chosen), chosen.Count, cmd.Account);
            cmd.Verify?.Invoke(upload, info);
            var objectParts = chosen.Select(p => new ObjectPart(p.PartNumber, p.Size, p.ETag, p.Checksum)).ToList();
            var (created, replacedOrphans) = ObjectRows.Replace(c, tx, info, segs, partNumbers, objectParts);
            var unlisted = DeleteUpload(c, tx, cmd.UploadId, created.LastModified);
            MetadataStore.Execute(c, tx, "INSERT OR REPLACE INTO completed_uploads(upload_id, bucket, key, etag, completed) VALUES ($u, $b, $k, $e, $t);",
                ("$u", cmd.UploadId), ("$b", cmd.Bucket), ("$k", cmd.Key), ("$e", created.ETag), ("$t", created.LastModified.ToUnixTimeMilliseconds()));
            return (new CompleteResult(created, Retried: false), replacedOrphans.Concat(unlisted).ToList());
        });
        segments.DeleteUnreferenced(orphans);
        return result;
    }

    /// <summary>
    /// A Complete for an upload that no longer exists: if this upload was completed into the object that is
    /// still at the key, the client is retrying a Complete whose answer it lost, and gets the same answer.
    /// </summary>
    private static CompleteResult Retry(Microsoft.Data.Sqlite.SqliteConnection c, Microsoft.Data.Sqlite.SqliteTransaction tx, CompleteCommand cmd)
    {
        var etag = MetadataStore.Scalar<string>(c, tx, "SELECT etag FROM completed_uploads WHERE upload_id = $u AND bucket = $b AND key = $k;",
            ("$u", cmd.UploadId), ("$b", cmd.Bucket), ("$k", cmd.Key));
        var current = ObjectRows.Find(c, tx, cmd.Bucket, cmd.Key);
        if (etag is null || current is null || current.ETag != etag)
        {
            throw new StorageException(StorageFault.NoSuchUpload);
        }

        return new CompleteResult(current, Retried: true);
    }

    private List<PartInfo> Validate(CompleteCommand cmd, UploadInfo upload, Dictionary<int, (PartInfo Part, List<SegmentRef> Segments)> stored)
    {
        if (cmd.Parts.Count > limits.MaxParts)
        {
            throw new StorageException(StorageFault.InvalidArgument, $"Too many parts: at most {limits.MaxParts} are allowed.");
        }

        var chosen = new List<PartInfo>(cmd.Parts.Count);
        var previous = 0;
        foreach (var requested in cmd.Parts)
        {
            if (requested.PartNumber <= previous)
            {
                throw new StorageException(StorageFault.InvalidPartOrder);
            }

            previous = requested.PartNumber;
            // One ETag, quoted or not. ETags.Match is for If-Match lists, where "*" and "a, b" match; here they must not.
            if (!stored.TryGetValue(requested.PartNumber, out var s) || ETags.Unquote(requested.ETag) != s.Part.ETag)
            {
                throw new StorageException(StorageFault.InvalidPart,
                    $"One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag. (part {requested.PartNumber})");
            }

            if (requested.Checksum is not null && requested.Checksum != s.Part.Checksum)
            {
                throw new StorageException(StorageFault.InvalidPart,
                    $"The checksum given for part {requested.PartNumber} does not match the checksum of the uploaded part.");
            }

            chosen.Add(s.Part);
        }

        for (var i = 0; i < chosen.Count - 1; i++)
        {
            if (chosen[i].Size < limits.MinPartSize)
            {
                throw new StorageException(StorageFault.EntityTooSmall,
                    $"Your proposed upload is smaller than the minimum allowed object size. (part {chosen[i].PartNumber}: {chosen[i].Size} bytes, minimum {limits.MinPartSize})");
            }
        }

        if (chosen.Sum(p => p.Size) > limits.MaxObjectSize)
        {
            throw new StorageException(StorageFault.EntityTooLarge);
        }

        return chosen;
    }

    /// <summary>
    /// The object's checksum: the declared algorithm and type combined from the part checksums; with no declared
    /// algorithm, S3's default full-object CRC64NVME, which every part carries in that case.
    /// </summary>
    private static StoredChecksum? ObjectChecksum(UploadInfo upload, List<PartInfo> parts)
    {
        if (parts.Count == 0 || parts.Exists(p => p.Checksum is null))
        {
            return null;
        }

        var algorithm = MultipartRules.Effective(upload.ChecksumAlgorithm);
        var type = upload.ChecksumType ?? MultipartRules.DefaultType(algorithm);
        var value = MultipartRules.Combine(algorithm, type, parts.Select(p => (p.Checksum!, p.Size)).ToList());
        return new StoredChecksum(ChecksumAlgorithms.WireName(algorithm), value, type);
    }
}
