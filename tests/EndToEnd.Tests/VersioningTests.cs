using System.Collections.Concurrent;
using System.Net;
using Storage;

namespace EndToEnd.Tests;

/// <summary>
/// Versioned buckets through AWSSDK.S3 and boto3 with their defaults: versions, delete markers, the null version,
/// versioned multipart uploads, copies from old versions, ListObjectVersions paging over thousands of versions, and
/// kill -9 during version writes.
/// </summary>
public sealed class VersioningTests
{
    private static GatewayInstance Gw => SharedGateway.Instance;

    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = TempDir.Create("versioning-home");

    [TearDown]
    public void RemoveHome() => TempDir.TryDelete(_home);

    private static async Task<(AmazonS3Client S3, string Bucket)> VersionedBucket(AmazonS3Client? client = null, string? bucket = null)
    {
        var s3 = client ?? Gw.Client();
        bucket ??= Names.Bucket("ver");
        await s3.PutBucketAsync(bucket);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        return (s3, bucket);
    }

    private static async Task<byte[]> Get(AmazonS3Client s3, string bucket, string key, string? versionId = null, int? partNumber = null)
    {
        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId, PartNumber = partNumber });
        return await ObjectTests.ReadAll(get);
    }

    [Test]
    public async Task Sdk_versions_delete_markers_and_the_null_version()
    {
        using var s3 = Gw.Client();
        var bucket = Names.Bucket("ver");
        await s3.PutBucketAsync(bucket);
        Assert.That((await s3.GetBucketVersioningAsync(bucket)).VersioningConfig.Status, Is.EqualTo(VersionStatus.Off));
        var before = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "before" });
        Assert.That(before.VersionId, Is.Null, "an unversioned bucket answers no version id");
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        Assert.That((await s3.GetBucketVersioningAsync(bucket)).VersioningConfig.Status, Is.EqualTo(VersionStatus.Enabled));

        var v1 = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one" })).VersionId;
        var v2 = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" })).VersionId;
        Assert.That(new[] { v1, v2 }, Is.All.Not.Null.And.Not.EqualTo("null"));
        Assert.That(System.Text.Encoding.UTF8.GetString(await Get(s3, bucket, "k")), Is.EqualTo("two"));
        Assert.That(System.Text.Encoding.UTF8.GetString(await Get(s3, bucket, "k", v1)), Is.EqualTo("one"));
        Assert.That(System.Text.Encoding.UTF8.GetString(await Get(s3, bucket, "k", "null")), Is.EqualTo("before"));

        var delete = await s3.DeleteObjectAsync(bucket, "k");
        Assert.That(delete.DeleteMarker, Is.EqualTo("true"));
        var marker = delete.VersionId;
        Assert.That(marker, Is.Not.Null.And.Not.AnyOf(v1, v2, "null"));
        var gone = Assert.CatchAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "k"))!;
        Assert.That((gone.StatusCode, gone.ErrorCode), Is.EqualTo((HttpStatusCode.NotFound, "NoSuchKey")));
        var markerRead = Assert.CatchAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "k", VersionId = marker }))!;
        Assert.That(markerRead.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects, Is.Null.Or.Empty);

        var versions = (await s3.ListVersionsAsync(bucket)).Versions;
        Assert.That(versions.Select(v => (v.VersionId, v.IsLatest ?? false, v.IsDeleteMarker ?? false)), Is.EqualTo(new[]
        {
            (marker, true, true), (v2, false, false), (v1, false, false), ("null", false, false),
        }));

        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = marker });
        Assert.That(System.Text.Encoding.UTF8.GetString(await Get(s3, bucket, "k")), Is.EqualTo("two"), "deleting the marker brings the object back");

        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended } });
        var suspended = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "suspended" });
        Assert.That(suspended.VersionId, Is.Null, "a suspended bucket's write makes the null version, which the answer does not name");
        Assert.That((await s3.ListVersionsAsync(bucket)).Versions.Select(v => v.VersionId), Is.EqualTo(new[] { "null", v2, v1 }), "the suspended write replaced the null version");

        var del = await s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "k", VersionId = v1 }, new KeyVersion { Key = "k", VersionId = v2 }, new KeyVersion { Key = "k", VersionId = "null" }],
        });
        Assert.That(del.DeletedObjects.Select(d => d.VersionId), Is.EquivalentTo(new[] { v1, v2, "null" }));
        Assert.That((await s3.ListVersionsAsync(bucket)).Versions, Is.Null.Or.Empty);
        await s3.DeleteBucketAsync(bucket);
    }

    [Test]
    public async Task Sdk_versioned_multipart_part_reads_and_copies_from_old_versions()
    {
        var (s3, bucket) = await VersionedBucket();
        using var _ = s3;
        var first = ObjectTests.RandomBytes(5 << 20, 1);
        var second = ObjectTests.RandomBytes(300_000, 2);
        async Task<string> Multipart(byte[] a, byte[] b)
        {
            var init = await s3.InitiateMultipartUploadAsync(bucket, "mp");
            var p1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartNumber = 1, InputStream = new MemoryStream(a) });
            var p2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartNumber = 2, InputStream = new MemoryStream(b) });
            var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = "mp",
                UploadId = init.UploadId,
                PartETags = [new PartETag(1, p1.ETag), new PartETag(2, p2.ETag)],
            });
            return done.VersionId;
        }

        var old = await Multipart(first, second);
        var latest = await Multipart(second.Concat(first).ToArray()[..(5 << 20)], first[..1000]);
        Assert.That(old, Is.Not.EqualTo(latest));
        Assert.That(await Get(s3, bucket, "mp", old, partNumber: 2), Is.EqualTo(second), "?partNumber of an old version");
        Assert.That(await Get(s3, bucket, "mp", old), Is.EqualTo(first.Concat(second).ToArray()));

        var copy = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "mp", SourceVersionId = old, DestinationBucket = bucket, DestinationKey = "copy" });
        Assert.That(copy.VersionId, Is.Not.Null.And.Not.EqualTo(old));
        Assert.That(await Get(s3, bucket, "copy"), Is.EqualTo(first.Concat(second).ToArray()));

        var init = await s3.InitiateMultipartUploadAsync(bucket, "partcopy");
        var part = await s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket,
            SourceKey = "mp",
            SourceVersionId = old,
            DestinationBucket = bucket,
            DestinationKey = "partcopy",
            UploadId = init.UploadId,
            PartNumber = 1,
            FirstByte = 5 << 20,
            LastByte = (5 << 20) + 299_999,
        });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "partcopy", UploadId = init.UploadId, PartETags = [new PartETag(1, part.ETag)] });
        Assert.That(await Get(s3, bucket, "partcopy"), Is.EqualTo(second));
    }

    [Test]
    public async Task Sdk_lists_thousands_of_versions_and_markers_page_by_page()
    {
        var (s3, bucket) = await VersionedBucket();
        using var _ = s3;
        var expected = new List<(string Key, string Version, bool Marker)>();
        var keys = Enumerable.Range(0, 6).Select(i => $"dir/key-{i}").ToArray();
        foreach (var key in keys)
        {
            var versions = new List<(string, string, bool)>();
            for (var i = 0; i < 210; i++)
            {
                // Every seventh write of a key is a delete (a delete marker), the rest are small objects.
                versions.Add(i % 7 == 6
                    ? (key, (await s3.DeleteObjectAsync(bucket, key)).VersionId, true)
                    : (key, (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = $"{key} {i}" })).VersionId, false));
            }

            versions.Reverse();
            expected.AddRange(versions);
        }

        foreach (var pageSize in new[] { 1000, 333 })
        {
            var seen = new List<(string, string, bool)>();
            var request = new ListVersionsRequest { BucketName = bucket, MaxKeys = pageSize };
            ListVersionsResponse page;
            var pages = 0;
            do
            {
                page = await s3.ListVersionsAsync(request);
                pages++;
                seen.AddRange(page.Versions.Select(v => (v.Key, v.VersionId, v.IsDeleteMarker ?? false)));
                request.KeyMarker = page.NextKeyMarker;
                request.VersionIdMarker = page.NextVersionIdMarker;
            }
            while (page.IsTruncated == true);

            Assert.That(seen, Is.EqualTo(expected), $"pages of {pageSize}");
            Assert.That(pages, Is.EqualTo((expected.Count + pageSize - 1) / pageSize));
        }

        var rolled = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Delimiter = "/" });
        Assert.That(rolled.CommonPrefixes, Is.EqualTo(new[] { "dir/" }));
        Assert.That(rolled.Versions, Is.Null.Or.Empty, "every version is under the rolled-up prefix");
    }

    [Test]
    public Task Boto3_versioning_with_its_defaults() => Boto3.AssertPassesAsync("""
        import sys, boto3
        from botocore.exceptions import ClientError
        s3 = boto3.client("s3")
        b = sys.argv[1]
        s3.create_bucket(Bucket=b)
        assert "Status" not in s3.get_bucket_versioning(Bucket=b)
        s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        assert s3.get_bucket_versioning(Bucket=b)["Status"] == "Enabled"

        ids = [s3.put_object(Bucket=b, Key="k", Body=("body %d" % i).encode())["VersionId"] for i in range(5)]
        assert len(set(ids)) == 5 and "null" not in ids
        for i, v in enumerate(ids):
            got = s3.get_object(Bucket=b, Key="k", VersionId=v)
            assert got["Body"].read() == ("body %d" % i).encode() and got["VersionId"] == v
        head = s3.head_object(Bucket=b, Key="k")
        assert head["VersionId"] == ids[-1]

        marker = s3.delete_object(Bucket=b, Key="k")
        assert marker["DeleteMarker"] is True
        try:
            s3.get_object(Bucket=b, Key="k")
            raise SystemExit("a key under a delete marker must be gone")
        except ClientError as e:
            assert e.response["Error"]["Code"] == "NoSuchKey"
            assert e.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"

        listed, kw = [], {"Bucket": b, "MaxKeys": 2}
        while True:
            page = s3.list_object_versions(**kw)
            listed += [("v", v["VersionId"], v["IsLatest"]) for v in page.get("Versions", [])]
            listed += [("m", m["VersionId"], m["IsLatest"]) for m in page.get("DeleteMarkers", [])]
            if not page["IsTruncated"]:
                break
            kw.update(KeyMarker=page["NextKeyMarker"], VersionIdMarker=page["NextVersionIdMarker"])
        assert sorted(listed) == sorted([("m", marker["VersionId"], True)] + [("v", v, False) for v in ids]), listed

        r = s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "k", "VersionId": marker["VersionId"]}, {"Key": "k", "VersionId": ids[0]}]})
        assert sorted(d["VersionId"] for d in r["Deleted"]) == sorted([marker["VersionId"], ids[0]]), r
        assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"body 4"
        c = s3.copy_object(Bucket=b, Key="c", CopySource={"Bucket": b, "Key": "k", "VersionId": ids[1]})
        assert s3.get_object(Bucket=b, Key="c")["Body"].read() == b"body 1" and c["VersionId"] not in ids

        s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
        assert "VersionId" not in s3.put_object(Bucket=b, Key="k", Body=b"null one")
        assert s3.head_object(Bucket=b, Key="k")["VersionId"] == "null"
        assert s3.get_object(Bucket=b, Key="k", VersionId="null")["Body"].read() == b"null one"
        print("versioning-ok")
        """, "versioning-ok", Gw, _home, Names.Bucket("verpy"));

    [Test]
    public async Task Kill_9_during_version_writes_loses_no_acknowledged_version_and_leaves_no_orphan()
    {
        var dir = TempDir.Create("version-crash");
        var acknowledged = new ConcurrentDictionary<(string Key, string Version), (int Seed, int Size)>();
        var markers = new ConcurrentDictionary<(string Key, string Version), bool>();
        // Small segments, so larger versions span several segment files; every fifth write is a delete (a marker).
        await CrashDrill.RunAsync(dir, ["--Gateway:SegmentSize=65536"], s3 => VersionedBucket(s3, "vcrash"), async (s3, w, i) =>
        {
            var key = $"k{(w + i) % 6}";
            if (i % 5 == 4)
            {
                markers[(key, (await s3.DeleteObjectAsync("vcrash", key)).VersionId)] = true;
                return;
            }

            var (seed, size) = ((w * 1_000_000) + i, i % 3 == 0 ? 200_000 : 4096);
            var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "vcrash", Key = key, InputStream = new MemoryStream(ObjectTests.RandomBytes(size, seed)) });
            acknowledged[(key, put.VersionId)] = (seed, size);
        }, () => acknowledged.Count >= 200);

        // As the process left it: the meter equals a recount and every referenced segment is stored. Files the
        // process promoted but never committed a row for (or had not deleted yet) may be left: they are garbage,
        // which the start-up sweep removes.
        var check = StorageEngine.CheckFolder(dir);
        Assert.That(check.Gauges.Select(g => g with { AccruedTo = default }), Is.EqualTo(check.Recount.Select(g => g with { AccruedTo = default })), "meter = recount");
        Assert.That(check.ReferencedSegments, Is.SubsetOf(check.SegmentFiles.Concat(check.InlineSegments)), "no referenced segment is missing");

        await using var again = await GatewayInstance.StartAsync(dataDir: dir);
        await again.StopAsync();
        Assert.That(StorageEngine.CheckFolder(dir).IsConsistent, Is.True, "after the start-up sweep: exactly the referenced segments are stored");
        await again.RestartAsync();
        using var client = again.Client();
        var listed = new HashSet<(string, string, bool)>();
        var request = new ListVersionsRequest { BucketName = "vcrash" };
        ListVersionsResponse page;
        do
        {
            page = await client.ListVersionsAsync(request);
            listed.UnionWith(page.Versions.Select(v => (v.Key, v.VersionId, v.IsDeleteMarker ?? false)));
            (request.KeyMarker, request.VersionIdMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
        }
        while (page.IsTruncated == true);

        foreach (var ((key, version), (seed, size)) in acknowledged)
        {
            Assert.That(listed, Does.Contain((key, version, false)));
            Assert.That(await Get(client, "vcrash", key, version), Is.EqualTo(ObjectTests.RandomBytes(size, seed)), $"{key} {version}");
        }

        Assert.That(markers.Keys.Select(m => (m.Key, m.Version, true)), Is.SubsetOf(listed));
    }

    [Test]
    public async Task Sdk_lifecycle_on_versions_and_tags_runs_on_the_virtual_clock_and_the_meter_bills_noncurrent_bytes()
    {
        await using var gw = await GatewayInstance.StartAsync(o => o.Clock = "virtual");
        var (s3, bucket) = await VersionedBucket(gw.Client());
        using var _ = s3;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "logs/a", InputStream = new MemoryStream(new byte[1000]) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "logs/a", InputStream = new MemoryStream(new byte[10]) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "tmp", ContentBody = "x", TagSet = [new Tag { Key = "scratch", Value = "yes" }] });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "keep", ContentBody = "y", TagSet = [new Tag { Key = "scratch", Value = "no" }] });
        var usage = (await UsageTests.Admin(gw, HttpMethod.Get, $"/_gateway/usage?bucket={bucket}")).GetProperty("buckets")[0];
        Assert.That((usage.GetProperty("noncurrent").GetProperty("count").GetInt64(), usage.GetProperty("noncurrent").GetProperty("bytes").GetInt64()), Is.EqualTo((1L, 1000L)));

        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new LifecycleConfiguration
            {
                Rules =
                [
                    new LifecycleRule
                    {
                        Id = "old-logs", Status = LifecycleRuleStatus.Enabled,
                        Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "logs/" } },
                        NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 2 },
                    },
                    new LifecycleRule
                    {
                        Id = "scratch", Status = LifecycleRuleStatus.Enabled,
                        Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecycleTagPredicate { Tag = new Tag { Key = "scratch", Value = "yes" } } },
                        Expiration = new LifecycleRuleExpiration { Days = 1 },
                    },
                ],
            },
        });
        var rules = (await s3.GetLifecycleConfigurationAsync(bucket)).Configuration.Rules;
        Assert.That(((LifecycleTagPredicate)rules.Single(r => r.Id == "scratch").Filter.LifecycleFilterPredicate).Tag.Key, Is.EqualTo("scratch"));

        var advanced = await UsageTests.Admin(gw, HttpMethod.Post, "/_gateway/clock/advance?seconds=" + (4 * 86400));
        var lifecycle = advanced.GetProperty("lifecycle");
        Assert.That((lifecycle.GetProperty("expiredObjects").GetInt32(), lifecycle.GetProperty("expiredVersions").GetInt32()), Is.EqualTo((1, 1)));
        var versions = (await s3.ListVersionsAsync(bucket)).Versions.Select(v => (v.Key, v.IsDeleteMarker ?? false)).ToList();
        Assert.That(versions, Is.EquivalentTo(new[] { ("keep", false), ("logs/a", false), ("tmp", true), ("tmp", false) }),
            "the old log version is gone; the tagged object expired under a delete marker; the untagged one stays");
        usage = (await UsageTests.Admin(gw, HttpMethod.Get, $"/_gateway/usage?bucket={bucket}")).GetProperty("buckets")[0];
        Assert.That(usage.GetProperty("deleteMarkers").GetInt64(), Is.EqualTo(1));
        Assert.That(usage.GetProperty("noncurrent").GetProperty("byteHours").GetDouble(), Is.GreaterThan(1000 * 24.0), "the noncurrent version was billed while it was kept");
    }
}
