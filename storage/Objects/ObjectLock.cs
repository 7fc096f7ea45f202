using Storage.Faults;

namespace Storage.Objects;

/// <summary>Object lock retention modes: GOVERNANCE yields to a caller allowed to bypass it, COMPLIANCE to nobody until its date.</summary>
public enum RetentionMode
{
    Governance,
    Compliance,
}

/// <summary>A version's retention: it cannot be deleted (or its retention weakened) before <see cref="Until"/>.</summary>
public sealed record Retention(RetentionMode Mode, DateTimeOffset Until)
{
    public bool InEffect(DateTimeOffset now) => Until > now;
}

/// <summary>A bucket's default retention for new versions: a mode and a period of days or years.</summary>
public sealed record DefaultRetention(RetentionMode Mode, int? Days, int? Years)
{
    public Retention From(DateTimeOffset created) =>
        new(Mode, Days is { } d ? created.AddDays(d) : created.AddYears(Years ?? 0));
}

/// <summary>What a write asks for: a retention (null: the bucket's default, if any) and a legal hold.</summary>
public sealed record LockSettings(Retention? Retention, bool LegalHold);

/// <summary>Object lock rules: what protects a version, and which retention changes are allowed.</summary>
internal static class ObjectLockRules
{
    /// <summary>
    /// A version under legal hold, or under retention that has not passed, cannot be deleted; GOVERNANCE retention
    /// yields to <paramref name="bypassGovernance"/>.
    /// </summary>
    public static void CheckDeletable(ObjectInfo v, DateTimeOffset now, bool bypassGovernance)
    {
        if (v.LegalHold || v.Retention is { } r && r.InEffect(now) && (r.Mode == RetentionMode.Compliance || !bypassGovernance))
        {
            throw new StorageException(StorageFault.ObjectLocked) { Bucket = v.Bucket, Key = v.Key, VersionId = v.VersionId };
        }
    }

    /// <summary>
    /// While a retention is in effect it may be extended in its own mode. COMPLIANCE can be neither shortened,
    /// removed nor changed to GOVERNANCE; GOVERNANCE can be, by a caller who bypasses it. After its date anything goes.
    /// </summary>
    public static void CheckChange(ObjectInfo v, Retention? next, DateTimeOffset now, bool bypassGovernance)
    {
        if (v.Retention is not { } current || !current.InEffect(now))
        {
            return;
        }

        var extends = next is { } n && n.Mode == current.Mode && n.Until >= current.Until;
        if (!extends && (current.Mode == RetentionMode.Compliance || !bypassGovernance))
        {
            throw new StorageException(StorageFault.ObjectLocked) { Bucket = v.Bucket, Key = v.Key, VersionId = v.VersionId };
        }
    }
}
