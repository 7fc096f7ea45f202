namespace Storage.Tests.Usage;

/// <summary>A clock the test sets by hand: metering and lifecycle read time only through it.</summary>
internal sealed class FakeClock(DateTimeOffset now) : IClock
{
    public DateTimeOffset UtcNow { get; set; } = now;
}
