using System.Text.Json;
using Storage.Faults;
using Storage.Metadata;
using Storage.Multipart;
using Storage.Objects;

namespace Storage.Lifecycle;

/// <summary>
/// One lifecycle rule: which objects (a key prefix, and optionally tags every one of which the object must carry and
/// bounds on its size) and what happens to them: current versions expire after days (in a versioned bucket that
/// leaves a delete marker), delete markers left alone are removed, noncurrent versions expire some days after they
/// stopped being current (keeping the newest few), incomplete uploads are aborted.
/// </summary>
public sealed record LifecycleRule(string Id, bool Enabled, string Prefix, int? ExpirationDays, int? AbortIncompleteDays)
{
    public IReadOnlyList<Tag> Tags { get; init; } = [];

    /// <summary>Only objects larger than this many bytes.</summary>
    public long? SizeGreaterThan { get; init; }

    /// <summary>Only objects smaller than this many bytes.</summary>
    public long? SizeLessThan { get; init; }

    /// <summary>Expire current versions from this date on (midnight UTC), whatever their age.</summary>
    public DateTimeOffset? ExpirationDate { get; init; }

    /// <summary>Remove a delete marker that is the only version left of its key.</summary>
    public bool ExpiredObjectDeleteMarker { get; init; }

    /// <summary>Delete noncurrent versions this many days after they became noncurrent.</summary>
    public int? NoncurrentDays { get; init; }

    /// <summary>With <see cref="NoncurrentDays"/>: keep this many of the newest noncurrent versions whatever their age.</summary>
    public int? NewerNoncurrentVersions { get; init; }

    /// <summary>The prefix was given as the rule's own Prefix element rather than in a Filter (answered the same way).</summary>
    public bool LegacyPrefix { get; init; }

    /// <summary>Whether the rule's filter selects <paramref name="o"/>.</summary>
    public bool Matches(ObjectInfo o) =>
        o.Key.StartsWith(Prefix, StringComparison.Ordinal)
        && Tags.All(t => o.Tags.Contains(t))
        && (SizeGreaterThan is not { } gt || o.Size > gt)
        && (SizeLessThan is not { } lt || o.Size < lt);

    public bool Equals(LifecycleRule? other) =>
        other is not null && (Id, Enabled, Prefix, ExpirationDays, AbortIncompleteDays, SizeGreaterThan, SizeLessThan, ExpiredObjectDeleteMarker,
            NoncurrentDays, NewerNoncurrentVersions, LegacyPrefix, ExpirationDate) == (other.Id, other.Enabled, other.Prefix, other.ExpirationDays,
            other.AbortIncompleteDays, other.SizeGreaterThan, other.SizeLessThan, other.ExpiredObjectDeleteMarker, other.NoncurrentDays,
            other.NewerNoncurrentVersions, other.LegacyPrefix, other.ExpirationDate)
        && Tags.SequenceEqual(other.Tags);

    public override int GetHashCode() => HashCode.Combine(Id, Prefix, ExpirationDays, AbortIncompleteDays, NoncurrentDays);
}

/// <summary>What one sweep did: uploads aborted, current versions expired, noncurrent versions deleted, lone delete markers removed.</summary>
public sealed record SweepResult(int AbortedUploads, int ExpiredObjects, int ExpiredVersions = 0, int RemovedDeleteMarkers = 0);

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
        LifecycleRows.Put(db, bucket, JsonSerializer.Serialize(rules, StorageJson.Default.IReadOnlyListLifecycleRule));
    });

    /// <summary>The bucket's rules, or null when it has none.</summary>
    public IReadOnlyList<LifecycleRule>? Get(string bucket, string account) => _db.Read(db =>
    {
        BucketService.Require(db, bucket, account);
        return Parse(LifecycleRows.Get(db, bucket));
    });

    private static List<LifecycleRule>? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize(json, StorageJson.Default.ListLifecycleRule);

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

    /// <summary>
    /// The enabled rule that expires <paramref name="o"/> (a current version: its filter selects it and it has an
    /// Expiration by days or date) and when, the earliest if several do; null when none will.
    /// </summary>
    public static (LifecycleRule Rule, DateTimeOffset ExpiryDate)? ExpirationRule(IReadOnlyList<LifecycleRule>? rules, ObjectInfo o) =>
        rules?.Where(r => r.Enabled && (r.ExpirationDays is not null || r.ExpirationDate is not null) && r.Matches(o))
            .Select(r => (r, r.ExpirationDate ?? Due(o.LastModified, r.ExpirationDays!.Value)))
            .OrderBy(x => x.Item2)
            .Select(x => ((LifecycleRule, DateTimeOffset)?)x)
            .FirstOrDefault();

    /// <summary>The rules of a bucket without an ownership check (for the sweep and response headers).</summary>
    public IReadOnlyList<LifecycleRule>? RulesOf(string bucket) => _db.Read(db => Parse(LifecycleRows.Get(db, bucket)));

    // A bound on one sweep's work; the next sweep (seconds later) takes the rest.
    private const int ExpiredPerSweep = 1000;

    /// <summary>
    /// Moves the virtual clock and applies the rules that came due, under the sweep's lock: no background sweep can
    /// run between the two and take the work, so the result is everything the move made due.
    /// </summary>
    public SweepResult AdvanceAndSweep(Usage.VirtualClock clock, TimeSpan by)
    {
        lock (_sweepGate)
        {
            clock.Advance(by);
            return Sweep();
        }
    }

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
            var versions = 0;
            var markers = 0;
            // Uploads a front end gave an expiry time (a protocol's session lifetime), whatever the bucket's rules.
            foreach (var upload in _db.Read(db => UploadRows.Expired(db, Codes.Ms(now), ExpiredPerSweep)))
            {
                if (TryAbort(upload.Bucket, upload.Key, upload.UploadId, upload.Owner, upload.ExpiresAt))
                {
                    aborted++;
                }
            }

            foreach (var (bucket, owner, rules) in buckets)
            {
                foreach (var upload in _db.Read(db => UploadRows.InBucket(db, bucket)))
                {
                    if (AbortRule(rules, upload.Key, upload.Initiated) is { } due && due.AbortDate <= now && TryAbort(bucket, upload.Key, upload.UploadId, owner, due.AbortDate))
                    {
                        aborted++;
                    }
                }

                foreach (var rule in rules.Where(r => r.Enabled))
                {
                    foreach (var (key, id, at) in rule.ExpirationDays is null && rule.ExpirationDate is null ? [] : DueObjects(bucket, rule, now))
                    {
                        // Only the object the listing saw: a client may have written a new one under the key since.
                        if (_objects.DeleteIfUnchanged(bucket, key, id, at))
                        {
                            expired++;
                        }
                    }

                    foreach (var v in rule.NoncurrentDays is null ? [] : DueNoncurrent(bucket, rule, now))
                    {
                        if (_objects.DeleteVersionIfUnchanged(bucket, v.Key, v.VersionId, v.Id, latest: false, Due(v.NoncurrentSince ?? v.LastModified, rule.NoncurrentDays!.Value)))
                        {
                            versions++;
                        }
                    }

                    foreach (var m in rule.ExpiredObjectDeleteMarker ? _db.Read(db => ObjectRows.LoneDeleteMarkers(db, bucket, rule.Prefix)) : [])
                    {
                        if (_objects.DeleteVersionIfUnchanged(bucket, m.Key, m.VersionId, m.Id, latest: true))
                        {
                            markers++;
                        }
                    }
                }
            }

            return new SweepResult(aborted, expired, versions, markers);
        }
    }

    private bool TryAbort(string bucket, string key, string uploadId, string owner, DateTimeOffset? due)
    {
        try
        {
            _multipart.Abort(bucket, key, uploadId, owner, due);
            return true;
        }
        catch (StorageException e) when (e.Fault is StorageFault.UploadNotFound or StorageFault.BucketNotFound or StorageFault.NotOwner)
        {
            // Completed or aborted by a client meanwhile, or its bucket deleted (and perhaps re-created).
            return false;
        }
    }

    /// <summary>The current objects <paramref name="rule"/> has made due by <paramref name="now"/>, each with the instant it came due.</summary>
    private List<(string Key, long Id, DateTimeOffset Due)> DueObjects(string bucket, LifecycleRule rule, DateTimeOffset now)
    {
        // Objects last modified before the latest instant whose due date has passed; refined per object below.
        // In milliseconds: now minus a huge number of days is before year 1, which DateTimeOffset cannot hold.
        if (rule.ExpirationDate is { } date)
        {
            // From the date on, every current object the filter selects is due.
            return date > now ? [] : _db.Read(db => ObjectRows.ModifiedBefore(db, bucket, rule.Prefix, long.MaxValue))
                .Where(rule.Matches).Select(o => (o.Key, o.Id, date)).ToList();
        }

        var cutoff = now.ToUnixTimeMilliseconds() - rule.ExpirationDays!.Value * 86_400_000L;
        return _db.Read(db => ObjectRows.ModifiedBefore(db, bucket, rule.Prefix, cutoff))
            .Select(o => (o.Key, o.Id, Due: Due(o.LastModified, rule.ExpirationDays.Value), Object: o))
            .Where(x => rule.Matches(x.Object) && x.Due <= now)
            .Select(x => (x.Key, x.Id, x.Due))
            .ToList();
    }

    /// <summary>
    /// Noncurrent versions whose NoncurrentDays have passed since they became noncurrent, beyond the newest
    /// NewerNoncurrentVersions of their key (which are kept whatever their age). Delete markers count as versions.
    /// </summary>
    private List<ObjectInfo> DueNoncurrent(string bucket, LifecycleRule rule, DateTimeOffset now) =>
        _db.Read(db => ObjectRows.Noncurrent(db, bucket, rule.Prefix))
            .GroupBy(v => v.Key)
            .SelectMany(key => key.Skip(rule.NewerNoncurrentVersions ?? 0))
            .Where(v => (v.IsDeleteMarker || rule.Matches(v)) && Due(v.NoncurrentSince ?? v.LastModified, rule.NoncurrentDays!.Value) <= now)
            .ToList();
}
