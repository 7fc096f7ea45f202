using System.Text.Json;
using Storage.Faults;
using Storage.Metadata;
using Storage.Multipart;
using Storage.Objects;

namespace Storage.Lifecycle;

/// <summary>One lifecycle rule: which keys (prefix) and what happens to them after how many days.</summary>
internal sealed record LifecycleRule(string Id, bool Enabled, string Prefix, int? ExpirationDays, int? AbortIncompleteDays);

internal sealed record SweepResult(int AbortedUploads, int ExpiredObjects);

/// <summary>
/// Bucket lifecycle rules (AbortIncompleteMultipartUpload and Expiration by days) and the sweep that applies them.
/// Due dates follow S3: the initiation or creation time plus the days, rounded up to the next midnight UTC.
/// </summary>
internal sealed class LifecycleService(MetadataStore db, ObjectService objects, MultipartService multipart, IClock clock)
{
    private readonly Lock _sweepGate = new();

    public void Put(string bucket, string account, IReadOnlyList<LifecycleRule> rules) => db.Write((c, tx) =>
    {
        BucketService.Require(c, tx, bucket, account);
        MetadataStore.Execute(c, tx, "INSERT OR REPLACE INTO lifecycle(bucket, rules) VALUES ($b, $r);", ("$b", bucket), ("$r", JsonSerializer.Serialize(rules)));
        return 0;
    });

    /// <summary>The bucket's rules, or null when it has none.</summary>
    public IReadOnlyList<LifecycleRule>? Get(string bucket, string account) => db.Read(c =>
    {
        BucketService.Require(c, null, bucket, account);
        var json = MetadataStore.Scalar<string>(c, null, "SELECT rules FROM lifecycle WHERE bucket = $b;", ("$b", bucket));
        return json is null ? null : JsonSerializer.Deserialize<List<LifecycleRule>>(json);
    });

    public void Delete(string bucket, string account) => db.Write((c, tx) =>
    {
        BucketService.Require(c, tx, bucket, account);
        return MetadataStore.Execute(c, tx, "DELETE FROM lifecycle WHERE bucket = $b;", ("$b", bucket));
    });

    /// <summary>
    /// S3's due date: <paramref name="from"/> plus <paramref name="days"/>, rounded up to midnight UTC. A date past
    /// the calendar's end (any positive int of days is valid XML) is never: <see cref="DateTimeOffset.MaxValue"/>.
    /// </summary>
    public static DateTimeOffset Due(DateTimeOffset from, int days)
    {
        if (days >= (DateTime.MaxValue.Date - from.UtcDateTime).TotalDays)
        {
            return DateTimeOffset.MaxValue;
        }

        var t = from.UtcDateTime.AddDays(days);
        var midnight = t.Date;
        return new DateTimeOffset(midnight == t ? midnight : midnight.AddDays(1), TimeSpan.Zero);
    }

    /// <summary>The enabled rule with an abort action that applies to <paramref name="key"/> and its abort date (the earliest if several apply).</summary>
    public static (LifecycleRule Rule, DateTimeOffset AbortDate)? AbortRule(IReadOnlyList<LifecycleRule>? rules, string key, DateTimeOffset initiated) =>
        rules?.Where(r => r.Enabled && r.AbortIncompleteDays is not null && key.StartsWith(r.Prefix, StringComparison.Ordinal))
            .Select(r => (r, Due(initiated, r.AbortIncompleteDays!.Value)))
            .OrderBy(x => x.Item2)
            .Select(x => ((LifecycleRule, DateTimeOffset)?)x)
            .FirstOrDefault();

    /// <summary>The rules of a bucket without an ownership check (for the sweep and response headers).</summary>
    public IReadOnlyList<LifecycleRule>? RulesOf(string bucket) => db.Read(c =>
        MetadataStore.Scalar<string>(c, null, "SELECT rules FROM lifecycle WHERE bucket = $b;", ("$b", bucket)) is { } json
            ? JsonSerializer.Deserialize<List<LifecycleRule>>(json) : null);

    /// <summary>Applies every bucket's rules as of now: aborts due incomplete uploads and deletes expired objects.</summary>
    public SweepResult Sweep()
    {
        lock (_sweepGate)
        {
            var now = clock.UtcNow;
            var buckets = db.Read(c =>
            {
                using var cmd = MetadataStore.Command(c, null, "SELECT l.bucket, b.owner, l.rules FROM lifecycle l JOIN buckets b ON b.name = l.bucket;");
                using var r = cmd.ExecuteReader();
                var list = new List<(string Bucket, string Owner, List<LifecycleRule> Rules)>();
                while (r.Read())
                {
                    list.Add((r.GetString(0), r.GetString(1), JsonSerializer.Deserialize<List<LifecycleRule>>(r.GetString(2)) ?? []));
                }

                return list;
            });

            var aborted = 0;
            var expired = 0;
            foreach (var (bucket, owner, rules) in buckets)
            {
                foreach (var upload in Usage.UsageService.Uploads(db, bucket, now))
                {
                    if (AbortRule(rules, upload.Key, upload.Initiated) is { } due && due.AbortDate <= now && TryAbort(bucket, upload.Key, upload.UploadId, owner))
                    {
                        aborted++;
                    }
                }

                foreach (var rule in rules.Where(r => r.Enabled && r.ExpirationDays is not null))
                {
                    foreach (var (key, id) in DueObjects(bucket, rule, now))
                    {
                        // Only the object the listing saw: a client may have written a new one under the key since.
                        if (objects.DeleteIfUnchanged(bucket, key, id))
                        {
                            expired++;
                        }
                    }
                }
            }

            return new SweepResult(aborted, expired);
        }
    }

    private bool TryAbort(string bucket, string key, string uploadId, string owner)
    {
        try
        {
            multipart.Abort(bucket, key, uploadId, owner);
            return true;
        }
        catch (StorageException e) when (e.Fault is StorageFault.NoSuchUpload or StorageFault.NoSuchBucket or StorageFault.AccessDenied)
        {
            // Completed or aborted by a client meanwhile, or its bucket deleted (and perhaps re-created).
            return false;
        }
    }

    private List<(string Key, long Id)> DueObjects(string bucket, LifecycleRule rule, DateTimeOffset now) => db.Read(c =>
    {
        // Objects last modified before the latest instant whose due date has passed; refined per object below.
        // In milliseconds: now minus a huge number of days is before year 1, which DateTimeOffset cannot hold.
        var cutoff = now.ToUnixTimeMilliseconds() - rule.ExpirationDays!.Value * 86_400_000L;
        using var cmd = MetadataStore.Command(c, null,
            "SELECT key, last_modified, id FROM objects WHERE bucket = $b AND substr(key, 1, length($p)) = $p AND last_modified <= $cut;",
            ("$b", bucket), ("$p", rule.Prefix), ("$cut", cutoff));
        using var r = cmd.ExecuteReader();
        var keys = new List<(string, long)>();
        while (r.Read())
        {
            if (Due(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), rule.ExpirationDays.Value) <= now)
            {
                keys.Add((r.GetString(0), r.GetInt64(2)));
            }
        }

        return keys;
    });
}
