using System.Globalization;
using Gateway.Adapters.Box;
using Gateway.Adapters.Kodexa;
using Gateway.Adapters.TwelveLabs;
using Gateway.Adapters.Veza;
using Gateway.Contract;
using Gateway.Pipeline;
using Gateway.Routing;

namespace Gateway.Faults;

/// <summary>What a fault rule does to a request it fires on.</summary>
internal abstract record FaultAction
{
    private FaultAction()
    {
    }

    /// <summary>The front end's error document with this status and code, sent before the body is read.</summary>
    public sealed record Error(int Status, string Code, string Message, int? RetryAfterSeconds) : FaultAction;

    /// <summary>200, then whitespace and an S3 error document (CompleteMultipartUpload, CopyObject, UploadPartCopy); the operation does not happen.</summary>
    public sealed record ErrorAfter200(string Code, string Message) : FaultAction;

    /// <summary>A delay before the handler.</summary>
    public sealed record Latency(int Ms) : FaultAction;

    /// <summary>The response body sent at this rate.</summary>
    public sealed record SlowBody(long BytesPerSecond) : FaultAction;

    /// <summary>The connection cut after this many response bytes (or request body bytes, for a request with a body).</summary>
    public sealed record Reset(long AfterBytes) : FaultAction;

    /// <summary>No answer at all, until the client gives up.</summary>
    public sealed record Timeout : FaultAction;

    /// <summary>The fault's type as rules name it.</summary>
    public string TypeName => this switch
    {
        Error => "error",
        ErrorAfter200 => "error-after-200",
        Latency => "latency",
        SlowBody => "slow-body",
        Reset => "reset",
        Timeout => "timeout",
        _ => throw new InvalidOperationException("Unknown fault action."),
    };
}

/// <summary>A rule the gateway refuses, with the reason (400 InvalidArgument through the admin API, a start-up error from settings).</summary>
internal sealed class FaultRuleException(string message) : Exception(message);

/// <summary>
/// One fault rule: what it matches (omitted fields match everything), when it fires (after N matches, at most N
/// times, with a seeded chance), what it does, and how often it matched and fired. Its counters change under the
/// injector's lock.
/// </summary>
internal sealed class FaultRule
{
    private readonly Random? _chance;

    private FaultRule(string id, FaultRuleDocument d, FrontEnd frontEnd, Enum? operation, FaultAction action)
    {
        Id = id;
        Document = d;
        FrontEnd = frontEnd;
        Operation = operation;
        Action = action;
        After = d.After ?? 0;
        Times = d.Times;
        Probability = d.Probability ?? 1;
        _chance = Probability < 1 ? new Random(d.Seed ?? 0) : null;
    }

    public string Id { get; }

    public FaultRuleDocument Document { get; }

    public FrontEnd FrontEnd { get; }

    public Enum? Operation { get; }

    public FaultAction Action { get; }

    public long After { get; }

    public long? Times { get; }

    public double Probability { get; }

    public long Matched { get; private set; }

    public long Fired { get; private set; }

    /// <summary>Whether the rule names this request (front end, operation, bucket, key or prefix, part, account, method).</summary>
    public bool Matches(RequestContext c)
    {
        var d = Document;
        return c.FrontEnd == FrontEnd
            && (Operation is null || Equals(Operation, c.Operation))
            && (d.Bucket is null || d.Bucket == c.Bucket)
            && (d.Key is null || (d.Key.EndsWith('*') ? c.Key?.StartsWith(d.Key[..^1], StringComparison.Ordinal) == true : d.Key == c.Key))
            && (d.PartNumber is null || d.PartNumber == c.PartNumber)
            && (d.Account is null || d.Account == c.Account)
            && (d.Method is null || string.Equals(d.Method, c.Method, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Counts a matching request and says whether the rule fires on it: past the first <see cref="After"/>, within <see cref="Times"/>, by its chance.</summary>
    public bool Decide()
    {
        Matched++;
        if (Matched <= After || (Times is { } times && Fired >= times))
        {
            return false;
        }

        if (_chance is not null && _chance.NextDouble() >= Probability)
        {
            return false;
        }

        Fired++;
        return true;
    }

    public FaultRuleDocument ToDocument(bool withCounts) => new()
    {
        Id = Id,
        FrontEnd = FrontEnds.Name(FrontEnd),
        Operation = Operation?.ToString(),
        Bucket = Document.Bucket,
        Key = Document.Key,
        PartNumber = Document.PartNumber,
        Account = Document.Account,
        Method = Document.Method,
        After = Document.After,
        Times = Document.Times,
        Probability = Document.Probability,
        Seed = Document.Seed,
        Fault = Document.Fault,
        Matched = withCounts ? Matched : null,
        Fired = withCounts ? Fired : null,
    };

    /// <summary>Validates a rule as given and makes it; <see cref="FaultRuleException"/> says what is wrong.</summary>
    public static FaultRule Parse(FaultRuleDocument d, string id)
    {
        var frontEnd = FrontEnd.S3;
        if (d.FrontEnd is { } f && (!FrontEnds.TryParse(f, out frontEnd) || frontEnd == FrontEnd.Admin))
        {
            throw new FaultRuleException($"frontEnd must be s3, box, veza, kodexa or twelvelabs, not '{f}'.");
        }

        var operation = d.Operation is { } name ? ParseOperation(frontEnd, name) : null;
        if (d.After is < 0 || d.Times is < 0)
        {
            throw new FaultRuleException("after and times must be 0 or more.");
        }

        if (d.Probability is { } p && (double.IsNaN(p) || p < 0 || p > 1))
        {
            throw new FaultRuleException("probability must be from 0 to 1.");
        }

        if (d.PartNumber is < 1)
        {
            throw new FaultRuleException("partNumber must be 1 or more.");
        }

        if (d.Key is { Length: 0 } || d.Bucket is { Length: 0 })
        {
            throw new FaultRuleException("bucket and key, when given, must not be empty.");
        }

        var action = ParseAction(d.Fault ?? throw new FaultRuleException("fault is required."), frontEnd, operation);
        return new FaultRule(id, d, frontEnd, operation, action);
    }

    private static Enum ParseOperation(FrontEnd frontEnd, string name)
    {
        Enum? parsed = frontEnd switch
        {
            FrontEnd.S3 => Enum.TryParse<S3Operation>(name, ignoreCase: true, out var s3) && !int.TryParse(name, CultureInfo.InvariantCulture, out _) ? s3 : null,
            FrontEnd.Box => Enum.TryParse<BoxOperation>(name, ignoreCase: true, out var box) && !int.TryParse(name, CultureInfo.InvariantCulture, out _) ? box : null,
            FrontEnd.Veza => Enum.TryParse<VezaOperation>(name, ignoreCase: true, out var veza) && !int.TryParse(name, CultureInfo.InvariantCulture, out _) ? veza : null,
            FrontEnd.Kodexa => Enum.TryParse<KodexaOperation>(name, ignoreCase: true, out var kodexa) && !int.TryParse(name, CultureInfo.InvariantCulture, out _) ? kodexa : null,
            FrontEnd.TwelveLabs => Enum.TryParse<TwelveLabsOperation>(name, ignoreCase: true, out var tl) && !int.TryParse(name, CultureInfo.InvariantCulture, out _) ? tl : null,
            FrontEnd.Admin => null,
        };
        return parsed ?? throw new FaultRuleException($"'{name}' is not an operation of the {FrontEnds.Name(frontEnd)} front end (the README lists them).");
    }

    private static FaultAction ParseAction(FaultDocument f, FrontEnd frontEnd, Enum? operation)
    {
        switch (f.Type)
        {
            case "error":
                if (f.Status is not (>= 400 and <= 599))
                {
                    throw new FaultRuleException("An error fault needs a status from 400 to 599.");
                }

                if (f.RetryAfterSeconds is < 0)
                {
                    throw new FaultRuleException("retryAfterSeconds must be 0 or more.");
                }

                return new FaultAction.Error(f.Status.Value, Required(f.Code, "code"), f.Message ?? "A fault rule answered this request.", f.RetryAfterSeconds);
            case "error-after-200":
                if (frontEnd != FrontEnd.S3 || operation is not (S3Operation.CompleteMultipartUpload or S3Operation.CopyObject or S3Operation.UploadPartCopy))
                {
                    throw new FaultRuleException("error-after-200 is S3's answer to CompleteMultipartUpload, CopyObject and UploadPartCopy: name one of them as the operation.");
                }

                return new FaultAction.ErrorAfter200(f.Code ?? "InternalError", f.Message ?? "We encountered an internal error. Please try again.");
            case "latency":
                return f.Ms is >= 0 and <= 600_000 ? new FaultAction.Latency(f.Ms.Value) : throw new FaultRuleException("A latency fault needs ms from 0 to 600000.");
            case "slow-body":
                return f.BytesPerSecond is >= 1 ? new FaultAction.SlowBody(f.BytesPerSecond.Value) : throw new FaultRuleException("A slow-body fault needs bytesPerSecond of 1 or more.");
            case "reset":
                return f.AfterBytes is >= 0 ? new FaultAction.Reset(f.AfterBytes.Value) : throw new FaultRuleException("A reset fault needs afterBytes of 0 or more.");
            case "timeout":
                return new FaultAction.Timeout();
            default:
                throw new FaultRuleException($"Unknown fault type '{f.Type}': use error, error-after-200, latency, slow-body, reset or timeout.");
        }
    }

    private static string Required(string? value, string name) =>
        string.IsNullOrEmpty(value) ? throw new FaultRuleException($"An error fault needs a {name}.") : value;
}
