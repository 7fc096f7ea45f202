using Storage.Metadata;

namespace Storage.Objects;

public sealed partial class ObjectService
{
    /// <summary>
    /// One page of keys in UTF-8 order: keys after <paramref name="after"/> that start with <paramref name="prefix"/>,
    /// with keys that contain <paramref name="delimiter"/> past the prefix rolled up into common prefixes. Keys and
    /// prefixes together number at most <paramref name="maxKeys"/>. A common prefix at or before the marker was
    /// returned by an earlier page and is skipped, whether the marker is that prefix or a key inside it.
    /// </summary>
    public ObjectListing List(string bucket, string account, string prefix, string? delimiter, string? after, int maxKeys) => _db.Read(db =>
    {
        BucketService.Require(db, bucket, account);
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

        const int Batch = 1000;
        var done = false;
        while (!done)
        {
            var rows = 0;
            string? jumpTo = null;
            foreach (var info in ObjectRows.Page(db, bucket, from, strictAfter, upper, Batch))
            {
                rows++;
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

            if (rows < Batch)
            {
                done = true;
            }
        }

        return new ObjectListing(objects, prefixes, truncated, last);
    });
}
