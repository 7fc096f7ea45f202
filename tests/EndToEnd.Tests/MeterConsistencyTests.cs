using Storage;
using Storage.Usage;

namespace EndToEnd.Tests;

/// <summary>
/// A seeded random sequence of everything that changes stored data (versioning on, suspended and off included), with
/// restarts in between; afterwards the meter must equal a recount from the rows, and the segment files on disk must be
/// exactly the ones rows reference.
/// </summary>
public sealed class MeterConsistencyTests
{
    [TestCase(20261121)]
    [TestCase(7)]
    public async Task The_meter_equals_a_recount_after_a_random_sequence_with_restarts(int seed)
    {
        await using var gw = await GatewayInstance.StartAsync(o =>
        {
            o.Clock = "virtual";
            o.MinPartSize = 1;
        });
        var rng = new Random(seed);
        var buckets = new[] { Names.Bucket("rnd"), Names.Bucket("rnd") };
        var keys = new[] { "a", "b", "dir/c", "dir/d" };
        var uploads = new List<(string Bucket, string Key, string Id, Dictionary<int, string> Parts)>();
        var s3 = gw.Client();
        foreach (var b in buckets)
        {
            await s3.PutBucketAsync(b);
        }

        var counts = new Dictionary<string, int>();
        for (var step = 0; step < 160; step++)
        {
            var bucket = buckets[rng.Next(buckets.Length)];
            var key = keys[rng.Next(keys.Length)];
            var op = rng.Next(12);
            counts[op.ToString(System.Globalization.CultureInfo.InvariantCulture)] = counts.GetValueOrDefault(op.ToString(System.Globalization.CultureInfo.InvariantCulture)) + 1;
            try
            {
                switch (op)
                {
                    case 0:
                        uploads.Add((bucket, key, (await s3.InitiateMultipartUploadAsync(bucket, key)).UploadId, []));
                        break;
                    case 1 or 2 when uploads.Count > 0:
                        {
                            // Upload or re-upload a part (part numbers collide on purpose).
                            var u = uploads[rng.Next(uploads.Count)];
                            var n = rng.Next(1, 5);
                            var r = await s3.UploadPartAsync(new UploadPartRequest
                            {
                                BucketName = u.Bucket,
                                Key = u.Key,
                                UploadId = u.Id,
                                PartNumber = n,
                                InputStream = new MemoryStream(ObjectTests.RandomBytes(rng.Next(0, (int)GatewayInstance.TestSegmentSize * 3), step)),
                            });
                            u.Parts[n] = r.ETag;
                            break;
                        }

                    case 3 when uploads.Count > 0:
                        {
                            // UploadPartCopy of a range of an existing object.
                            var u = uploads[rng.Next(uploads.Count)];
                            var objects = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = u.Bucket })).S3Objects ?? [];
                            var source = objects.FirstOrDefault(o => o.Size > 0);
                            if (source is null)
                            {
                                break;
                            }

                            var first = rng.NextInt64(0, source.Size!.Value);
                            var n = rng.Next(1, 5);
                            var r = await s3.CopyPartAsync(new CopyPartRequest
                            {
                                SourceBucket = u.Bucket,
                                SourceKey = source.Key,
                                DestinationBucket = u.Bucket,
                                DestinationKey = u.Key,
                                UploadId = u.Id,
                                PartNumber = n,
                                FirstByte = first,
                                LastByte = rng.NextInt64(first, source.Size!.Value),
                            });
                            u.Parts[n] = r.ETag;
                            break;
                        }

                    case 4 when uploads.Count > 0:
                        {
                            // Complete with a random non-empty subset of the parts; the rest are discarded.
                            var u = uploads[rng.Next(uploads.Count)];
                            uploads.Remove(u);
                            var chosen = u.Parts.OrderBy(p => p.Key).Where(_ => rng.Next(4) > 0).Select(p => new PartETag(p.Key, p.Value)).ToList();
                            if (chosen.Count == 0)
                            {
                                await s3.AbortMultipartUploadAsync(u.Bucket, u.Key, u.Id);
                                break;
                            }

                            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = u.Bucket, Key = u.Key, UploadId = u.Id, PartETags = chosen });
                            break;
                        }

                    case 5 when uploads.Count > 0:
                        {
                            var u = uploads[rng.Next(uploads.Count)];
                            uploads.Remove(u);
                            await s3.AbortMultipartUploadAsync(u.Bucket, u.Key, u.Id);
                            break;
                        }

                    case 6:
                        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(ObjectTests.RandomBytes(rng.Next(0, (int)GatewayInstance.TestSegmentSize * 2), step)) });
                        break;
                    case 7:
                        await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = key, DestinationBucket = bucket, DestinationKey = keys[rng.Next(keys.Length)] + "-copy" });
                        break;
                    case 8:
                        await s3.DeleteObjectAsync(bucket, key);
                        break;
                    case 9 when step % 3 == 0:
                        s3.Dispose();
                        await gw.RestartAsync();
                        s3 = gw.Client();
                        break;
                    case 9:
                        await UsageTests.Admin(gw, HttpMethod.Post, "/_gateway/clock/advance?seconds=" + rng.Next(1, 100_000));
                        break;
                    case 10:
                        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
                        {
                            BucketName = bucket,
                            VersioningConfig = new S3BucketVersioningConfig { Status = rng.Next(3) == 0 ? VersionStatus.Suspended : VersionStatus.Enabled },
                        });
                        break;
                    case 11:
                        {
                            // Delete one version (or delete marker) for good.
                            var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? [];
                            if (versions.Count > 0)
                            {
                                var v = versions[rng.Next(versions.Count)];
                                await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = v.Key, VersionId = v.VersionId });
                            }

                            break;
                        }
                }
            }
            catch (AmazonS3Exception e) when (e.ErrorCode is "NoSuchKey" or "InvalidRequest" or "InvalidPart")
            {
                // Copying a key that does not exist (yet), or a part that a re-upload replaced: refused, and
                // a refusal must change nothing, which the recount below checks.
            }
        }

        s3.Dispose();
        // Reported figures come from the meter; take them before stopping.
        var report = await UsageTests.Admin(gw, HttpMethod.Get, "/_gateway/usage");
        await gw.StopAsync();

        // The stopped gateway's data folder, read as it was left (no start-up sweep).
        var check = StorageEngine.CheckFolder(gw.DataDir);
        var (gauges, recount, referenced) = (check.Gauges, check.Recount, check.ReferencedSegments);
        Assert.That(gauges.Select(Strip), Is.EqualTo(recount.Select(Strip)), "the meter equals a recount from the rows");
        foreach (var b in report.GetProperty("buckets").EnumerateArray())
        {
            var g = recount.Single(x => x.Bucket == b.GetProperty("bucket").GetString());
            Assert.That(b.GetProperty("objects").GetProperty("bytes").GetInt64(), Is.EqualTo(g.ObjectBytes));
            Assert.That(b.GetProperty("noncurrent").GetProperty("bytes").GetInt64(), Is.EqualTo(g.NoncurrentBytes));
            Assert.That(b.GetProperty("deleteMarkers").GetInt64(), Is.EqualTo(g.DeleteMarkers));
            Assert.That(b.GetProperty("incomplete").GetProperty("bytes").GetInt64(), Is.EqualTo(g.PartBytes));
            Assert.That(b.GetProperty("incomplete").GetProperty("segments").GetInt64(), Is.EqualTo(g.PartSegments));
        }

        var onDisk = Directory.GetFiles(Path.Combine(gw.DataDir, "segments"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        Assert.That(onDisk.Concat(check.InlineSegments), Is.EquivalentTo(referenced),
            "every stored segment (a file, or an inline row for a small body) is referenced by a row, and every referenced segment is stored");
        Assert.That(check.IsConsistent, Is.True);
        Assert.That(Directory.GetFiles(Path.Combine(gw.DataDir, "tmp")), Is.Empty);
        Assert.That(counts.Keys, Has.Count.EqualTo(12), "the sequence exercised every operation");
        Assert.That(recount.Sum(g => g.Objects + g.Uploads), Is.GreaterThan(0), "the sequence left something to count");
    }

    private static string Strip(UsageGauges g) =>
        $"{g.Bucket} {g.Account} objects={g.Objects} bytes={g.ObjectBytes} segs={g.ObjectSegments} uploads={g.Uploads} parts={g.Parts} partBytes={g.PartBytes} partSegs={g.PartSegments} " +
        $"noncurrent={g.NoncurrentObjects} noncurrentBytes={g.NoncurrentBytes} noncurrentSegs={g.NoncurrentSegments} markers={g.DeleteMarkers}";
}
