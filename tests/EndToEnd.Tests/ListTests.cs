namespace EndToEnd.Tests;

/// <summary>ListObjectsV2 and ListObjects (v1) through AWSSDK.S3.</summary>
public sealed class ListTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    private static readonly string[] Keys =
    [
        "a.txt", "dir/one", "dir/sub/two", "dir/sub/three", "dir2/x", "photos/2024/jan/1.jpg", "photos/2024/feb/2.jpg",
        "photos/2025/x.jpg", "space key", "z", "é-accent", "😀-emoji",
    ];

    private static async Task<(AmazonS3Client S3, string Bucket)> Seeded()
    {
        var s3 = Gw.Client();
        var bucket = Names.Bucket("ls");
        await s3.PutBucketAsync(bucket);
        foreach (var k in Keys)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }

        return (s3, bucket);
    }

    private static IEnumerable<string> Utf8Sorted(IEnumerable<string> keys) =>
        keys.OrderBy(k => k, Comparer<string>.Create((a, b) => System.Text.Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(b))));

    [Test]
    public async Task V2_lists_everything_in_utf8_order_with_key_count()
    {
        var (s3, bucket) = await Seeded();
        using var _ = s3;
        var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.That(page.S3Objects.Select(o => o.Key), Is.EqualTo(Utf8Sorted(Keys)));
        Assert.That(page.KeyCount, Is.EqualTo(Keys.Length));
        Assert.That(page.IsTruncated, Is.False);
        Assert.That(page.S3Objects.First(o => o.Key == "a.txt").Size, Is.EqualTo(5));
        Assert.That(page.S3Objects.All(o => o.StorageClass == S3StorageClass.Standard), Is.True);
    }

    [Test]
    public async Task V2_delimiter_and_prefix_give_common_prefixes()
    {
        var (s3, bucket) = await Seeded();
        using var _ = s3;
        var top = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" });
        Assert.That(top.CommonPrefixes, Is.EqualTo(new[] { "dir/", "dir2/", "photos/" }));
        Assert.That(top.S3Objects.Select(o => o.Key), Is.EqualTo(Utf8Sorted(["a.txt", "space key", "z", "é-accent", "😀-emoji"])));
        var photos = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/", Prefix = "photos/2024/" });
        Assert.That(photos.CommonPrefixes, Is.EqualTo(new[] { "photos/2024/feb/", "photos/2024/jan/" }));
        Assert.That(photos.S3Objects ?? [], Is.Empty);
        var dir = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "dir/" });
        Assert.That(dir.S3Objects.Select(o => o.Key), Is.EqualTo(new[] { "dir/one", "dir/sub/three", "dir/sub/two" }));
    }

    [TestCase(1, null)]
    [TestCase(2, null)]
    [TestCase(3, "/")]
    [TestCase(1, "/")]
    public async Task V2_pages_with_continuation_tokens_visit_each_entry_once(int maxKeys, string? delimiter)
    {
        var (s3, bucket) = await Seeded();
        using var _ = s3;
        var all = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = delimiter });
        var expected = all.S3Objects.Select(o => o.Key).Concat(all.CommonPrefixes ?? []).OrderBy(x => x, StringComparer.Ordinal).ToList();
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = maxKeys, Delimiter = delimiter, ContinuationToken = token });
            Assert.That(page.KeyCount, Is.LessThanOrEqualTo(maxKeys));
            seen.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            seen.AddRange(page.CommonPrefixes ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        Assert.That(seen.OrderBy(x => x, StringComparer.Ordinal), Is.EqualTo(expected));
    }

    [Test]
    public async Task V2_start_after_fetch_owner_and_url_encoding()
    {
        var (s3, bucket) = await Seeded();
        using var _ = s3;
        var after = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, StartAfter = "photos/2025/x.jpg" });
        Assert.That(after.S3Objects.Select(o => o.Key), Is.EqualTo(Utf8Sorted(["space key", "z", "é-accent", "😀-emoji"])));
        var owner = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, FetchOwner = true, MaxKeys = 1 });
        Assert.That(owner.S3Objects[0].Owner.DisplayName, Is.EqualTo("test"));
        var noOwner = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 });
        Assert.That(noOwner.S3Objects[0].Owner, Is.Null);
        // A caller that asks for url encoding itself gets the keys as S3 encodes them (space as '+', measured
        // against real S3); the SDK decodes only when it added the parameter on its own.
        var v1 = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Encoding = EncodingType.Url, Prefix = "s" });
        Assert.That(v1.S3Objects.Select(o => o.Key), Is.EqualTo(new[] { "space+key" }));
    }

    [Test]
    public async Task V2_url_encoding_on_the_wire()
    {
        var (s3, bucket) = await Seeded();
        using var _ = s3;
        using var http = Gw.Http();
        var raw = new RawS3Client(http, GatewayInstance.AccessKey, GatewayInstance.SecretKey);
        using var response = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&encoding-type=url&prefix=space");
        var xml = await response.Content.ReadAsStringAsync();
        Assert.That(xml, Does.Contain("<Key>space+key</Key>"));
        Assert.That(xml, Does.Contain("<EncodingType>url</EncodingType>"));
        using var bad = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&encoding-type=base64");
        Assert.That((await S3Error.ReadAsync(bad)).Code, Is.EqualTo("InvalidArgument"));
        using var badToken = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&continuation-token=garbage");
        Assert.That((await S3Error.ReadAsync(badToken)).Code, Is.EqualTo("InvalidArgument"));
        using var badMax = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&max-keys=-1");
        Assert.That((await S3Error.ReadAsync(badMax)).Code, Is.EqualTo("InvalidArgument"));
    }

    [Test]
    public async Task V1_pages_with_marker_and_next_marker()
    {
        var (s3, bucket) = await Seeded();
        using var _ = s3;
        var seen = new List<string>();
        string? marker = null;
        var pages = 0;
        while (true)
        {
            var page = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 5, Marker = marker });
            seen.AddRange(page.S3Objects.Select(o => o.Key));
            pages++;
            if (page.IsTruncated != true)
            {
                break;
            }

            // Without a delimiter S3 sends no NextMarker and the client continues from the last key
            // (the .NET SDK fills NextMarker in with that key itself).
            Assert.That(page.NextMarker, Is.Null.Or.Empty.Or.EqualTo(page.S3Objects[^1].Key));
            marker = page.S3Objects[^1].Key;
        }

        Assert.That(seen, Is.EqualTo(Utf8Sorted(Keys)));
        Assert.That(pages, Is.EqualTo(3));
        var withDelimiter = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 2, Delimiter = "/" });
        Assert.That(withDelimiter.IsTruncated, Is.True);
        Assert.That(withDelimiter.NextMarker, Is.EqualTo("dir/"));
        var next = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 2, Delimiter = "/", Marker = withDelimiter.NextMarker });
        Assert.That(next.CommonPrefixes, Is.EqualTo(new[] { "dir2/", "photos/" }));
    }
}
