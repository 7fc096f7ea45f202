using Storage.Metadata;
using Storage.Objects;

namespace Storage.Multipart;

public sealed partial class MultipartService
{
    /// <summary>
    /// One page of incomplete uploads in (key, initiation) order. After the marker pair means: keys greater than
    /// <paramref name="keyMarker"/>, plus uploads of that very key whose id is greater than
    /// <paramref name="uploadIdMarker"/> (the id marker counts only with a key marker). Keys containing the
    /// delimiter past the prefix roll up into common prefixes; uploads and prefixes together number at most
    /// <paramref name="max"/>.
    /// </summary>
    public UploadListing ListUploads(string bucket, string account, string prefix, string? delimiter, string? keyMarker, string? uploadIdMarker, int max) => _db.Read(db =>
    {
        BucketService.Require(db, bucket, account);
        var uploads = new List<UploadInfo>();
        var prefixes = new List<string>();
        if (max <= 0)
        {
            return new UploadListing(uploads, prefixes, false, null, null);
        }

        var upper = prefix.Length == 0 ? null : KeyOrder.UpperBound(prefix);
        // Position: strictly after (afterKey, afterId); an empty afterId with a key means "after every upload of afterKey".
        var afterKey = keyMarker ?? "";
        var afterId = keyMarker is null ? "" : uploadIdMarker ?? "\uffff";
        var from = prefix;
        var truncated = false;
        string? lastKey = null;
        string? lastId = null;
        const int Batch = 1000;
        while (true)
        {
            var rows = 0;
            string? jumpTo = null;
            var done = false;
            foreach (var u in UploadRows.Page(db, bucket, from, afterKey, afterId, upper, Batch))
            {
                rows++;
                afterKey = u.Key;
                afterId = u.UploadId;
                string? rolled = null;
                if (!string.IsNullOrEmpty(delimiter))
                {
                    var idx = u.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                    if (idx >= 0)
                    {
                        rolled = u.Key[..(idx + delimiter.Length)];
                    }
                }

                if (uploads.Count + prefixes.Count == max)
                {
                    truncated = true;
                    done = true;
                    break;
                }

                if (rolled is not null)
                {
                    jumpTo = KeyOrder.UpperBound(rolled);
                    if (keyMarker is null || KeyOrder.Compare(rolled, keyMarker) > 0)
                    {
                        prefixes.Add(rolled);
                        lastKey = rolled;
                        lastId = null;
                    }

                    break;
                }

                uploads.Add(u);
                lastKey = u.Key;
                lastId = u.UploadId;
            }

            if (done || (jumpTo is null && rows < Batch))
            {
                break;
            }

            if (jumpTo is not null)
            {
                from = jumpTo;
                afterId = "";
            }
        }

        return new UploadListing(uploads, prefixes, truncated, truncated ? lastKey : null, truncated ? lastId : null);
    });
}
