using Storage.Faults;

namespace Storage.Objects;

/// <summary>Preconditions on a write, checked before the body is read and again inside the commit.</summary>
public sealed record WriteConditions(bool IfNoneMatchAny, string? IfMatchETag)
{
    public static readonly WriteConditions None = new(false, null);

    /// <summary>A delete's: the object's size must be this (a missing object meets it: there is nothing to delete).</summary>
    public long? IfMatchSize { get; init; }

    /// <summary>A delete's: the object's last-modified time must be this, to the second (a missing object meets it).</summary>
    public DateTimeOffset? IfMatchLastModified { get; init; }

    /// <summary>Checks the conditions against <paramref name="current"/>, the object now at (bucket, key), if any.</summary>
    internal void Check(ObjectInfo? current, string bucket, string key)
    {
        if (current is not null && ((IfMatchSize is { } size && current.Size != size)
                                    || (IfMatchLastModified is { } t && current.LastModified.ToUnixTimeSeconds() != t.ToUnixTimeSeconds())))
        {
            throw new StorageException(StorageFault.ConditionFailed) { Bucket = bucket, Key = key };
        }

        if (IfNoneMatchAny && current is not null)
        {
            throw new StorageException(StorageFault.ConditionFailed) { Bucket = bucket, Key = key };
        }

        if (IfMatchETag is not null && (current is null || !ETags.Match(IfMatchETag, current.ETag)))
        {
            // A conditional write on a missing key finds no object to match: that is a missing object, not a failed condition.
            throw new StorageException(current is null ? StorageFault.ObjectNotFound : StorageFault.ConditionFailed) { Bucket = bucket, Key = key };
        }
    }
}

/// <summary>
/// Preconditions on reading an object (RFC 9110 section 13.2.2, in the order S3 applies them): If-Match, then
/// If-Unmodified-Since (ignored when If-Match is present) fail the read; If-None-Match, then If-Modified-Since
/// (ignored when If-None-Match is present) say the reader's copy is current. Times compare at whole seconds.
/// </summary>
public sealed record ReadConditions(string? IfMatch, string? IfNoneMatch, DateTimeOffset? IfModifiedSince, DateTimeOffset? IfUnmodifiedSince)
{
    public static readonly ReadConditions None = new(null, null, null, null);

    /// <summary>The condition that does not hold and whether it means "not modified"; null when all hold.</summary>
    public (ReadCondition Condition, bool NotModified)? Evaluate(ObjectInfo o)
    {
        if (IfMatch is not null)
        {
            if (!ETags.Match(IfMatch, o.ETag))
            {
                return (ReadCondition.IfMatch, false);
            }
        }
        else if (IfUnmodifiedSince is { } unmodified && Seconds(o.LastModified) > unmodified)
        {
            return (ReadCondition.IfUnmodifiedSince, false);
        }

        if (IfNoneMatch is not null)
        {
            if (ETags.Match(IfNoneMatch, o.ETag))
            {
                return (ReadCondition.IfNoneMatch, true);
            }
        }
        else if (IfModifiedSince is { } modified && Seconds(o.LastModified) <= modified)
        {
            return (ReadCondition.IfModifiedSince, true);
        }

        return null;
    }

    /// <summary>
    /// The refusal when a condition does not hold (null when all hold): NotModified for the "current copy"
    /// conditions, unless <paramref name="notModifiedFails"/> (a copy source, where every failed condition is
    /// ConditionFailed).
    /// </summary>
    public StorageException? Failure(ObjectInfo o, bool notModifiedFails = false) =>
        Evaluate(o) is { } failed
            ? failed.NotModified && !notModifiedFails
                ? new StorageException(StorageFault.NotModified) { Bucket = o.Bucket, Key = o.Key, Condition = failed.Condition, ETag = o.ETag, LastModified = o.LastModified }
                : new StorageException(StorageFault.ConditionFailed) { Bucket = o.Bucket, Key = o.Key, Condition = failed.Condition }
            : null;

    /// <summary>Throws the fault of the first condition that does not hold (a front end that decides access first checks them after).</summary>
    public void Check(ObjectInfo o, bool notModifiedFails = false)
    {
        if (Failure(o, notModifiedFails) is { } e)
        {
            throw e;
        }
    }

    // HTTP dates have whole seconds; Last-Modified is compared at that precision.
    private static DateTimeOffset Seconds(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());
}
