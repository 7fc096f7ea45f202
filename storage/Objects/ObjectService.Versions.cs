using Storage.Metadata;

namespace Storage.Objects;

public sealed partial class ObjectService
{
    /// <summary>
    /// One page of every version and delete marker of a bucket, in key order and newest first within a key, after
    /// the marker (<paramref name="keyMarker"/> alone: after all of that key's versions; with
    /// <paramref name="versionIdMarker"/>: after that version of it). Keys holding <paramref name="delimiter"/> past
    /// the prefix roll up into common prefixes, each counted once; entries and prefixes number at most
    /// <paramref name="maxKeys"/>.
    /// </summary>
    public VersionListing ListVersions(string bucket, string account, string prefix, string? delimiter, string? keyMarker, string? versionIdMarker, int maxKeys) =>
        _db.Read(db =>
        {
            BucketService.Require(db, bucket, account);
            var versions = new List<ObjectInfo>();
            var prefixes = new List<string>();
            var afterKey = keyMarker ?? "";
            var afterId = 0L;
            if (keyMarker is not null && versionIdMarker is not null)
            {
                // After that version of the key: its older versions come next. A marker naming no version lists
                // from the next key, as after the key's last version.
                afterId = ObjectRows.FindVersion(db, bucket, keyMarker, versionIdMarker)?.Id ?? 0;
            }

            if (keyMarker is null)
            {
                // Nothing is before the empty key's versions: start after "no key" with every id allowed.
                afterId = long.MaxValue;
            }

            var upper = prefix.Length == 0 ? null : KeyOrder.UpperBound(prefix);
            var from = prefix;
            string? lastKey = null;
            string? lastVersion = null;
            if (maxKeys <= 0)
            {
                return new VersionListing(versions, prefixes, false, null, null);
            }

            const int Batch = 1000;
            while (true)
            {
                var rows = 0;
                string? jumpTo = null;
                foreach (var v in ObjectRows.VersionPage(db, bucket, from, afterKey, afterId, upper, Batch))
                {
                    rows++;
                    (afterKey, afterId) = (v.Key, v.Id);
                    var rolled = Rolled(v.Key, prefix, delimiter);
                    if (rolled is not null)
                    {
                        jumpTo = KeyOrder.UpperBound(rolled);
                        if (keyMarker is not null && KeyOrder.Compare(rolled, keyMarker) <= 0)
                        {
                            break;
                        }
                    }

                    if (versions.Count + prefixes.Count == maxKeys)
                    {
                        return new VersionListing(versions, prefixes, true, lastKey, lastVersion);
                    }

                    if (rolled is not null)
                    {
                        prefixes.Add(rolled);
                        (lastKey, lastVersion) = (rolled, null);
                        break;
                    }

                    versions.Add(v);
                    (lastKey, lastVersion) = (v.Key, v.VersionId);
                }

                if (jumpTo is not null)
                {
                    // Past every key under the prefix just rolled up.
                    (from, afterKey, afterId) = (jumpTo, "", long.MaxValue);
                    continue;
                }

                if (rows < Batch)
                {
                    return new VersionListing(versions, prefixes, false, null, null);
                }
            }
        });

    private static string? Rolled(string key, string prefix, string? delimiter)
    {
        if (string.IsNullOrEmpty(delimiter))
        {
            return null;
        }

        var idx = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
        return idx >= 0 ? key[..(idx + delimiter.Length)] : null;
    }
}
