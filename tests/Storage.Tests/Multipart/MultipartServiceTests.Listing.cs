using NUnit.Framework;
using Storage.Multipart;

namespace Storage.Tests.Multipart;

internal sealed partial class MultipartServiceTests
{
    [Test]
    public async Task ListPartsPagesOverSparsePartNumbers()
    {
        var u = Create("k");
        var numbers = Enumerable.Range(0, 2500).Select(i => 2 * i + 1).ToList();
        foreach (var n in numbers)
        {
            await Part(u, n, n % 7 == 0 ? [(byte)n] : []);
        }

        foreach (var max in new[] { 1, 7, 1000, 2500, 3000 })
        {
            var seen = new List<int>();
            var marker = 0;
            while (true)
            {
                var page = Mp.ListParts(Bucket, "k", u.UploadId, Account, marker, max);
                Assert.That(page.Parts.Count, Is.LessThanOrEqualTo(max));
                Assert.That(page.Parts.All(p => p.PartNumber > marker), Is.True);
                seen.AddRange(page.Parts.Select(p => p.PartNumber));
                Assert.That(page.IsTruncated, Is.EqualTo(seen.Count < numbers.Count), $"max {max} after {seen.Count}");
                if (!page.IsTruncated)
                {
                    break;
                }

                marker = page.Parts[^1].PartNumber;
            }

            Assert.That(seen, Is.EqualTo(numbers), $"max {max}");
        }

        // A marker between or past part numbers.
        Assert.That(Mp.ListParts(Bucket, "k", u.UploadId, Account, 4, 2).Parts.Select(p => p.PartNumber), Is.EqualTo(new[] { 5, 7 }));
        var end = Mp.ListParts(Bucket, "k", u.UploadId, Account, 4999, 10);
        Assert.That((end.Parts.Count, end.IsTruncated), Is.EqualTo((0, false)));
        var sizes = Mp.ListParts(Bucket, "k", u.UploadId, Account, 0, 10000).Parts;
        Assert.That(sizes.Select(p => p.Size), Is.EqualTo(numbers.Select(n => n % 7 == 0 ? 1L : 0L)));
    }

    // ---- ListUploads ----

    private sealed record Entry(string Key, string? UploadId)
    {
        public bool IsPrefix => UploadId is null;

        public override string ToString() => IsPrefix ? "P:" + Key : $"U:{Key}#{UploadId}";
    }

    private static readonly string[] KeyShapes = ["a/", "a/b/", "b/x/y", "c", "d//", "a", "e-"];

    /// <summary>About 1,200 uploads over 300 keys (1 to 7 uploads per key), in (key, initiation) order.</summary>
    private List<UploadInfo> CreateManyUploads()
    {
        var created = new List<UploadInfo>();
        var rng = new Random(5);
        var keys = Enumerable.Range(0, 300).Select(i => KeyShapes[i % KeyShapes.Length] + (i * 37 % 300).ToString("D3")).ToList();
        // Interleave the keys so initiation order differs from key order.
        for (var round = 0; round < 7; round++)
        {
            foreach (var key in keys)
            {
                if (round == 0 || rng.Next(2) == 0)
                {
                    created.Add(Create(key));
                }
            }
        }

        return created.OrderBy(u => u.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>What a listing should show: uploads in (key, initiation) order, rolled up under the delimiter.</summary>
    private static List<Entry> Model(List<UploadInfo> sorted, string prefix, string? delimiter)
    {
        var result = new List<Entry>();
        foreach (var u in sorted.Where(u => u.Key.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var idx = string.IsNullOrEmpty(delimiter) ? -1 : u.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
            if (idx < 0)
            {
                result.Add(new Entry(u.Key, u.UploadId));
                continue;
            }

            var p = u.Key[..(idx + delimiter!.Length)];
            if (result.Count == 0 || result[^1] != new Entry(p, null))
            {
                result.Add(new Entry(p, null));
            }
        }

        return result;
    }

    private static List<Entry> Entries(UploadListing page) =>
        page.Uploads.Select(u => new Entry(u.Key, u.UploadId)).Concat(page.CommonPrefixes.Select(p => new Entry(p, null)))
            .OrderBy(e => e.Key, StringComparer.Ordinal).ToList();

    private static bool After(Entry e, string? keyMarker, string? idMarker)
    {
        if (keyMarker is null)
        {
            return true;
        }

        var c = string.CompareOrdinal(e.Key, keyMarker);
        return c > 0 || (c == 0 && !e.IsPrefix && idMarker is not null && string.CompareOrdinal(e.UploadId, idMarker) > 0);
    }

    [Test]
    public void ListUploadsOrderPagingMarkersAndRollUp()
    {
        var sorted = CreateManyUploads();
        Assert.That(sorted, Has.Count.GreaterThan(1000));

        // One shot: key order, then initiation order (creation order within a key).
        var all = Mp.ListUploads(Bucket, Account, "", null, null, null, 100000);
        Assert.That(all.IsTruncated, Is.False);
        Assert.That(all.Uploads.Select(u => (u.Key, u.UploadId)), Is.EqualTo(sorted.Select(u => (u.Key, u.UploadId))));
        Assert.That(all.CommonPrefixes, Is.Empty);
        foreach (var group in all.Uploads.GroupBy(u => u.Key))
        {
            Assert.That(group.Select(u => u.Initiated), Is.Ordered);
        }

        var configs = new (string Prefix, string? Delimiter, int[] Maxes)[]
        {
            ("", null, [1, 2, 3, 4, 5, 6, 7, 1000]),
            ("", "/", [1, 2, 3, 4, 5, 6, 7, 1000]),
            ("a", "/", [1, 3, 1000]),
            ("a/", "/", [2, 1000]),
            ("d/", "/", [1, 1000]),
            ("b/x/", null, [4]),
            ("zzz", "/", [1]),
        };
        foreach (var (prefix, delimiter, maxes) in configs)
        {
            var expected = Model(sorted, prefix, delimiter);
            var oneShot = Mp.ListUploads(Bucket, Account, prefix, delimiter, null, null, 100000);
            Assert.That(Entries(oneShot), Is.EqualTo(expected), $"one shot {prefix}|{delimiter}");
            foreach (var max in maxes)
            {
                var seen = new List<Entry>();
                string? keyMarker = null;
                string? idMarker = null;
                for (var pages = 0; ; pages++)
                {
                    Assert.That(pages, Is.LessThan(expected.Count + 2), "paging terminates");
                    var page = Mp.ListUploads(Bucket, Account, prefix, delimiter, keyMarker, idMarker, max);
                    var entries = Entries(page);
                    Assert.That(entries.Count, Is.LessThanOrEqualTo(max));
                    seen.AddRange(entries);
                    Assert.That(page.IsTruncated, Is.EqualTo(seen.Count < expected.Count), $"{prefix}|{delimiter} max {max} after {seen.Count}");
                    if (!page.IsTruncated)
                    {
                        Assert.That((page.NextKeyMarker, page.NextUploadIdMarker), Is.EqualTo(((string?)null, (string?)null)));
                        break;
                    }

                    Assert.That(entries, Is.Not.Empty);
                    Assert.That((page.NextKeyMarker, page.NextUploadIdMarker), Is.EqualTo((entries[^1].Key, entries[^1].UploadId)),
                        "the next markers are the last entry returned");
                    keyMarker = page.NextKeyMarker;
                    idMarker = page.NextUploadIdMarker;
                }

                Assert.That(seen, Is.EqualTo(expected), $"{prefix}|{delimiter} max {max}: every entry exactly once, in order");
            }
        }
    }

    [Test]
    public void ListUploadsMarkerRules()
    {
        var sorted = CreateManyUploads();
        var rng = new Random(11);
        foreach (var delimiter in new[] { null, "/" })
        {
            var expected = Model(sorted, "", delimiter);

            // key-marker alone skips every upload of that key (and common prefixes not after it).
            foreach (var i in Enumerable.Range(0, 25).Select(_ => rng.Next(sorted.Count)))
            {
                var key = sorted[i].Key;
                var page = Mp.ListUploads(Bucket, Account, "", delimiter, key, null, 100000);
                Assert.That(Entries(page), Is.EqualTo(expected.Where(e => After(e, key, null)).ToList()), $"key-marker {key} delimiter {delimiter}");
                Assert.That(page.Uploads.Any(u => u.Key == key), Is.False);
            }

            // key-marker and upload-id-marker: that key's later uploads, then later keys.
            foreach (var i in Enumerable.Range(0, 25).Select(_ => rng.Next(sorted.Count)))
            {
                var (key, id) = (sorted[i].Key, sorted[i].UploadId);
                var page = Mp.ListUploads(Bucket, Account, "", delimiter, key, id, 100000);
                Assert.That(Entries(page), Is.EqualTo(expected.Where(e => After(e, key, id)).ToList()), $"markers {key}#{id} delimiter {delimiter}");
            }

            // Markers that name no upload or key.
            foreach (var key in new[] { "", "a/", "a/b", "b/", "b/x/y100x", "c5", "zz" })
            {
                var page = Mp.ListUploads(Bucket, Account, "", delimiter, key, null, 100000);
                Assert.That(Entries(page), Is.EqualTo(expected.Where(e => After(e, key, null)).ToList()), $"key-marker {key} delimiter {delimiter}");
            }

            // upload-id-marker without key-marker is ignored.
            var ignored = Mp.ListUploads(Bucket, Account, "", delimiter, null, sorted[sorted.Count / 2].UploadId, 100000);
            Assert.That(Entries(ignored), Is.EqualTo(expected));
        }
    }

    [Test]
    public void ListUploadsDelimiterRollUp()
    {
        foreach (var key in new[] { "a", "a/b", "a/b/c", "a/c", "ab", "b/x/y", "b/z", "c", "c" })
        {
            Create(key);
        }

        static List<string> Show(UploadListing l) =>
            l.Uploads.Select(u => "U:" + u.Key).Concat(l.CommonPrefixes.Select(p => "P:" + p)).OrderBy(s => s[2..], StringComparer.Ordinal).ToList();

        Assert.That(Show(Mp.ListUploads(Bucket, Account, "", "/", null, null, 1000)), Is.EqualTo(new[] { "U:a", "P:a/", "U:ab", "P:b/", "U:c", "U:c" }));
        Assert.That(Show(Mp.ListUploads(Bucket, Account, "a/", "/", null, null, 1000)), Is.EqualTo(new[] { "U:a/b", "P:a/b/", "U:a/c" }));
        Assert.That(Show(Mp.ListUploads(Bucket, Account, "", "b", null, null, 1000)), Is.EqualTo(new[] { "U:a", "P:a/b", "U:a/c", "P:ab", "P:b", "U:c", "U:c" }));

        // A common prefix not greater than the key-marker is not repeated, whether the marker is the prefix or a key inside it.
        Assert.That(Show(Mp.ListUploads(Bucket, Account, "", "/", "a/", null, 1000)), Is.EqualTo(new[] { "U:ab", "P:b/", "U:c", "U:c" }));
        Assert.That(Show(Mp.ListUploads(Bucket, Account, "", "/", "a/b", null, 1000)), Is.EqualTo(new[] { "U:ab", "P:b/", "U:c", "U:c" }));
        Assert.That(Show(Mp.ListUploads(Bucket, Account, "", "/", "a", null, 1000)), Is.EqualTo(new[] { "P:a/", "U:ab", "P:b/", "U:c", "U:c" }));

        // Uploads and prefixes count together toward max.
        var page = Mp.ListUploads(Bucket, Account, "", "/", null, null, 2);
        Assert.That(Show(page), Is.EqualTo(new[] { "U:a", "P:a/" }));
        Assert.That((page.IsTruncated, page.NextKeyMarker, page.NextUploadIdMarker), Is.EqualTo((true, "a/", (string?)null)));
        page = Mp.ListUploads(Bucket, Account, "", "/", page.NextKeyMarker, page.NextUploadIdMarker, 2);
        Assert.That(Show(page), Is.EqualTo(new[] { "U:ab", "P:b/" }));
        Assert.That(Mp.ListUploads(Bucket, Account, "", "/", null, null, 0).Uploads, Is.Empty);
    }
}
