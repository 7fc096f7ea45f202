using System.Text.Json;
using Storage.Faults;
using Storage.Metadata;
using Storage.Multipart;
using Storage.Objects;

namespace Storage.Lifecycle;

/// <summary>One lifecycle rule: which keys (prefix) and what happens to them after how many days.</summary>
public sealed record LifecycleRule(string Id, bool Enabled, string Prefix, int? ExpirationDays, int? AbortIncompleteDays);

public sealed record SweepResult(int AbortedUploads, int ExpiredObjects);

/// <summary>
/// Bucket lifecycle rules (AbortIncompleteMultipartUpload and Expiration by days) and the sweep that applies them.
/// Due dates follow S3: the initiation or creation time plus the days, rounded up to the next midnight UTC.
/// </summary>
public sealed class LifecycleService
{
    private readonly Lock _sweepGate = new();
    private readonly MetadataStore _db;
    private readonly ObjectService _objects;
    private readonly MultipartService _multipart;
    private readonly IClock _clock;

    internal LifecycleService(MetadataStore db, ObjectService objects, MultipartService multipart, IClock clock)
    {
        _db = db;
        _objects = objects;
        _multipart = multipart;
        _clock = clock;
    }

    public void Put(string bucket, string account, IReadOnlyList<LifecycleRule> rules) => _db.Write(db =>
    {
        BucketService.Require(db, bucket, account);
        LifecycleRows.Put(db, bucket, JsonSerializer.Serialize(rules));
    });

    /// <summary>The bucket's rules, or null when it has none.</summary>
    public IReadOnlyList<LifecycleRule>? Get(string bucket, string account) => _db.Read(db =>
    {
        BucketService.Require(db, bucket, account);
        return Parse(LifecycleRows.Get(db, bucket));
    });

    private static List<LifecycleRule>? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<List<LifecycleRule>>(json);

    public void Delete(string bucket, string account) => _db.Write(db =>
    {
        BucketService.Require(db, bucket, account);
        LifecycleRows.Delete(db, bucket);
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
    public IReadOnlyList<LifecycleRule>? RulesOf(string bucket) => _db.Read(db => Parse(LifecycleRows.Get(db, bucket)));

    // A bound on one sweep's work; the next sweep (seconds later) takes the rest.
    private const int ExpiredPerSweep = 1000;

    /// <summary>
    /// Applies every bucket's rules as of now: aborts due incomplete uploads (and those past their own expiry time)
    /// and deletes expired objects.
    /// </summary>
    public SweepResult Sweep()
    {
        lock (_sweepGate)
        {
            var now = _clock.UtcNow;
            var buckets = _db.Read(LifecycleRows.All).Select(b => (b.Bucket, b.Owner, Rules: Parse(b.Rules) ?? [])).ToList();

            var aborted = 0;
            var expired = 0;
            // Uploads a front end gave an expiry time (a protocol's session lifetime), whatever the bucket's rules.
            foreach (var upload in _db.Read(db => UploadRows.Expired(db, Codes.Ms(now), ExpiredPerSweep)))
            {
                if (TryAbort(upload.Bucket, upload.Key, upload.UploadId, upload.Owner))
                {
                    aborted++;
                }
            }

            foreach (var (bucket, owner, rules) in buckets)
            {
                foreach (var upload in _db.Read(db => UploadRows.InBucket(db, bucket)))
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
                        if (_objects.DeleteIfUnchanged(bucket, key, id))
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
            _multipart.Abort(bucket, key, uploadId, owner);
            return true;
        }
        catch (StorageException e) when (e.Fault is StorageFault.UploadNotFound or StorageFault.BucketNotFound or StorageFault.NotOwner)
        {
            // Completed or aborted by a client meanwhile, or its bucket deleted (and perhaps re-created).
            return false;
        }
    }

    private List<(string Key, long Id)> DueObjects(string bucket, LifecycleRule rule, DateTimeOffset now)
    {
        // Objects last modified before the latest instant whose due date has passed; refined per object below.
        // In milliseconds: now minus a huge number of days is before year 1, which DateTimeOffset cannot hold.
        var cutoff = now.ToUnixTimeMilliseconds() - rule.ExpirationDays!.Value * 86_400_000L;
        return _db.Read(db => ObjectRows.ModifiedBefore(db, bucket, rule.Prefix, cutoff))
            .Where(o => Due(o.LastModified, rule.ExpirationDays.Value) <= now)
            .Select(o => (o.Key, o.Id))
            .ToList();
    }
}
