using NUnit.Framework;
using Storage.Faults;
using Storage.Objects;

namespace Storage.Tests.Objects;

/// <summary>WriteConditions and ReadConditions as storage judges them (the header forms are tested in the gateway).</summary>
[TestFixture]
internal sealed class ConditionsTests
{
    private static readonly ObjectInfo Obj = new(1, "b", "k", 3, "abc", new DateTimeOffset(2024, 3, 1, 12, 0, 0, 500, TimeSpan.Zero),
        new Dictionary<string, string>(), null, 0, "acct");

    private static StorageFault? Write(WriteConditions c, ObjectInfo? current)
    {
        try
        {
            c.Check(current, "b", "k");
            return null;
        }
        catch (StorageException e)
        {
            Assert.That((e.Bucket, e.Key), Is.EqualTo(("b", "k")), "the fault names what it is about");
            return e.Fault;
        }
    }

    [Test]
    public void IfNoneMatchAnyRefusesAnExistingObjectOnly()
    {
        Assert.That(Write(new WriteConditions(true, null), Obj), Is.EqualTo(StorageFault.ConditionFailed));
        Assert.That(Write(new WriteConditions(true, null), null), Is.Null);
    }

    [Test]
    public void IfMatchNeedsTheObjectWithThatETag()
    {
        Assert.That(Write(new WriteConditions(false, "\"abc\""), Obj), Is.Null);
        Assert.That(Write(new WriteConditions(false, "\"xyz\""), Obj), Is.EqualTo(StorageFault.ConditionFailed));
        Assert.That(Write(new WriteConditions(false, "\"abc\""), null), Is.EqualTo(StorageFault.ObjectNotFound), "nothing to match is a missing object");
        Assert.That(Write(WriteConditions.None, null), Is.Null);
    }

    [Test]
    public void ReadConditionsNameTheFailedOneAndWhetherItMeansNotModified()
    {
        Assert.That(new ReadConditions("\"x\"", null, null, null).Evaluate(Obj), Is.EqualTo((ReadCondition.IfMatch, false)));
        Assert.That(new ReadConditions(null, "\"abc\"", null, null).Evaluate(Obj), Is.EqualTo((ReadCondition.IfNoneMatch, true)));
        Assert.That(new ReadConditions(null, null, Obj.LastModified.AddMilliseconds(-500), null).Evaluate(Obj), Is.EqualTo((ReadCondition.IfModifiedSince, true)));
        Assert.That(new ReadConditions(null, null, null, Obj.LastModified.AddSeconds(-1)).Evaluate(Obj), Is.EqualTo((ReadCondition.IfUnmodifiedSince, false)));
        Assert.That(ReadConditions.None.Evaluate(Obj), Is.Null);
    }

    [Test]
    public void ForACopySourceNotModifiedIsAFailedCondition()
    {
        var c = new ReadConditions(null, "\"abc\"", null, null);
        Assert.That(c.Failure(Obj)!.Fault, Is.EqualTo(StorageFault.NotModified));
        Assert.That(c.Failure(Obj, notModifiedFails: true)!.Fault, Is.EqualTo(StorageFault.ConditionFailed));
        Assert.That(c.Failure(Obj, notModifiedFails: true)!.Condition, Is.EqualTo(ReadCondition.IfNoneMatch));
    }
}
