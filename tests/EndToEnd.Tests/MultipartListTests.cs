namespace EndToEnd.Tests;

/// <summary>ListParts and ListMultipartUploads paging through AWSSDK.S3, on the wire where the SDK hides details.</summary>
public sealed class MultipartListTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    [Test]
    public async Task List_parts_pages_over_2500_sparse_parts()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("lp");
        await s3.PutBucketAsync(bucket);
        var create = await s3.InitiateMultipartUploadAsync(bucket, "many");
        // Sparse part numbers: 1, 3, 5, ... 4999.
        var numbers = Enumerable.Range(0, 2500).Select(i => i * 2 + 1).ToList();
        using var throttle = new SemaphoreSlim(8);
        await Task.WhenAll(numbers.Select(async n =>
        {
            await throttle.WaitAsync();
            try
            {
                await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "many", UploadId = create.UploadId, PartNumber = n, InputStream = new MemoryStream([(byte)n]) });
            }
            finally
            {
                throttle.Release();
            }
        }));

        var seen = new List<int>();
        int? marker = null;
        var pages = 0;
        while (true)
        {
            var page = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "many", UploadId = create.UploadId, PartNumberMarker = marker?.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            pages++;
            Assert.That(page.Parts, Has.Count.LessThanOrEqualTo(1000));
            Assert.That(page.MaxParts, Is.EqualTo(1000));
            seen.AddRange(page.Parts.Select(p => p.PartNumber!.Value));
            if (page.IsTruncated != true)
            {
                break;
            }

            Assert.That(page.NextPartNumberMarker, Is.EqualTo(page.Parts[^1].PartNumber));
            marker = page.NextPartNumberMarker;
        }

        Assert.That(seen, Is.EqualTo(numbers));
        Assert.That(pages, Is.EqualTo(3));

        var small = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "many", UploadId = create.UploadId, MaxParts = 7, PartNumberMarker = "10" });
        Assert.That(small.Parts.Select(p => p.PartNumber!.Value), Is.EqualTo(new[] { 11, 13, 15, 17, 19, 21, 23 }));
        Assert.That(small.IsTruncated, Is.True);
        await s3.AbortMultipartUploadAsync(bucket, "many", create.UploadId);
    }

    [Test]
    public async Task List_multipart_uploads_pages_over_1200_uploads_with_prefixes_and_delimiters()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("lu");
        await s3.PutBucketAsync(bucket);
        // 1,200 uploads: 400 keys under a/, 300 under b/x/, 100 top-level keys with 5 uploads each.
        var keys = Enumerable.Range(0, 400).Select(i => $"a/{i:D4}")
            .Concat(Enumerable.Range(0, 300).Select(i => $"b/x/{i:D4}"))
            .Concat(Enumerable.Range(0, 100).SelectMany(i => Enumerable.Repeat($"top{i:D3}", 5)))
            .ToList();
        var created = new List<(string Key, string UploadId)>();
        using var throttle = new SemaphoreSlim(8);
        var results = await Task.WhenAll(keys.Select(async k =>
        {
            await throttle.WaitAsync();
            try
            {
                return (k, (await s3.InitiateMultipartUploadAsync(bucket, k)).UploadId);
            }
            finally
            {
                throttle.Release();
            }
        }));
        created.AddRange(results);
        Assert.That(created, Has.Count.EqualTo(1200));

        // Without a delimiter: every upload once, ordered by key and then by initiation (upload ids sort that way).
        var expected = created.OrderBy(c => c.Key, StringComparer.Ordinal).ThenBy(c => c.UploadId, StringComparer.Ordinal).ToList();
        var seen = await ListAll(s3, bucket, maxUploads: 1000, prefix: null, delimiter: null);
        Assert.That(seen.Uploads, Is.EqualTo(expected));
        Assert.That(seen.Pages, Is.EqualTo(2));
        var small = await ListAll(s3, bucket, maxUploads: 7, prefix: null, delimiter: null);
        Assert.That(small.Uploads, Is.EqualTo(expected));

        var delimited = await ListAll(s3, bucket, maxUploads: 3, prefix: null, delimiter: "/");
        Assert.That(delimited.Prefixes, Is.EqualTo(new[] { "a/", "b/" }));
        Assert.That(delimited.Uploads, Is.EqualTo(expected.Where(e => e.Key.StartsWith("top", StringComparison.Ordinal))));
        var nested = await ListAll(s3, bucket, maxUploads: 1000, prefix: "b/", delimiter: "/");
        Assert.That(nested.Prefixes, Is.EqualTo(new[] { "b/x/" }));
        Assert.That(nested.Uploads, Is.Empty);
        var prefixed = await ListAll(s3, bucket, maxUploads: 1000, prefix: "a/01", delimiter: null);
        Assert.That(prefixed.Uploads.Select(u => u.Key), Is.EqualTo(Enumerable.Range(100, 100).Select(i => $"a/{i:D4}")));

        // key-marker alone: all uploads of that key are skipped.
        var afterKey = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, KeyMarker = "top050", MaxUploads = 1 });
        Assert.That(afterKey.MultipartUploads.Single().Key, Is.EqualTo("top051"));
        // key-marker with upload-id-marker: the remaining uploads of that key come first.
        var top050 = expected.Where(e => e.Key == "top050").ToList();
        var afterId = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, KeyMarker = "top050", UploadIdMarker = top050[1].UploadId, MaxUploads = 3 });
        Assert.That(afterId.MultipartUploads.Select(u => u.UploadId), Is.EqualTo(top050.Skip(2).Select(u => u.UploadId)));
        Assert.That(afterId.IsTruncated, Is.True);
        Assert.That(afterId.NextKeyMarker, Is.EqualTo("top050"));
        Assert.That(afterId.NextUploadIdMarker, Is.EqualTo(top050[4].UploadId));
    }

    private static async Task<(List<(string Key, string UploadId)> Uploads, List<string> Prefixes, int Pages)> ListAll(AmazonS3Client s3, string bucket, int maxUploads, string? prefix, string? delimiter)
    {
        var uploads = new List<(string, string)>();
        var prefixes = new List<string>();
        string? keyMarker = null;
        string? idMarker = null;
        var pages = 0;
        while (true)
        {
            var page = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = bucket,
                MaxUploads = maxUploads,
                Prefix = prefix,
                Delimiter = delimiter,
                KeyMarker = keyMarker,
                UploadIdMarker = idMarker,
            });
            pages++;
            Assert.That((page.MultipartUploads?.Count ?? 0) + (page.CommonPrefixes?.Count ?? 0), Is.LessThanOrEqualTo(maxUploads));
            uploads.AddRange((page.MultipartUploads ?? []).Select(u => (u.Key, u.UploadId)));
            prefixes.AddRange(page.CommonPrefixes ?? []);
            if (page.IsTruncated != true)
            {
                return (uploads, prefixes, pages);
            }

            keyMarker = page.NextKeyMarker;
            idMarker = page.NextUploadIdMarker;
        }
    }

    [Test]
    public async Task Invalid_list_parameters_are_InvalidArgument_and_url_encoding_applies()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("lx");
        await s3.PutBucketAsync(bucket);
        var create = await s3.InitiateMultipartUploadAsync(bucket, "a b/c");
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        foreach (var target in new[] { $"/{bucket}?uploads&max-uploads=-1", $"/{bucket}/a%20b/c?uploadId={create.UploadId}&max-parts=x", $"/{bucket}/a%20b/c?uploadId={create.UploadId}&part-number-marker=-2", $"/{bucket}?uploads&encoding-type=xml" })
        {
            using var r = await raw.SendAsync(HttpMethod.Get, target);
            Assert.That((await S3Error.ReadAsync(r)).Code, Is.EqualTo("InvalidArgument"), target);
        }

        using var encoded = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?uploads&encoding-type=url&delimiter=/");
        var xml = await encoded.Content.ReadAsStringAsync();
        Assert.That(xml, Does.Contain("<Prefix>a+b/</Prefix>").And.Contain("<EncodingType>url</EncodingType>"));
    }
}
