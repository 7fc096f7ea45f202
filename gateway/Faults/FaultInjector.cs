using Gateway.Contract;
using Gateway.Pipeline;
using Gateway.Protocol;

namespace Gateway.Faults;

/// <summary>
/// Fault injection as a request hook: one ordered rule set for the whole gateway, held in memory (a restart starts
/// from the settings' rules), checked before each handler. The first rule that fires decides what happens to the
/// request; each firing is recorded. The faults act on the request's transport (delays, a dribbled or cut response,
/// a cut upload, no answer) or answer in the handler's place, so no handler knows of them.
/// </summary>
internal sealed class FaultInjector(GatewayServices services) : IRequestHook
{
    /// <summary>How long a "timeout" fault holds a request whose client never gives up: it is then cut.</summary>
    private static readonly TimeSpan MaxHold = TimeSpan.FromMinutes(10);

    private const int HistorySize = 1000;

    private readonly Lock _gate = new();
    private readonly List<FaultRule> _rules = [];
    private readonly Queue<FaultEvent> _history = new();
    private long _nextId;

    /// <summary>Adds rules at the end of the list; all or none (a bad one refuses them all). Returns them with their ids.</summary>
    public IReadOnlyList<FaultRule> Add(IEnumerable<FaultRuleDocument> documents)
    {
        lock (_gate)
        {
            var next = _nextId;
            var rules = documents.Select(d => FaultRule.Parse(d, "f" + (++next).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
            _nextId = next;
            _rules.AddRange(rules);
            return rules;
        }
    }

    public FaultState State()
    {
        lock (_gate)
        {
            return new FaultState { Rules = _rules.Select(r => r.ToDocument(withCounts: true)).ToList(), History = [.. _history] };
        }
    }

    /// <summary>Removes every rule and the history; returns how many rules went.</summary>
    public int Clear()
    {
        lock (_gate)
        {
            var n = _rules.Count;
            _rules.Clear();
            _history.Clear();
            return n;
        }
    }

    public bool Remove(string id)
    {
        lock (_gate)
        {
            return _rules.RemoveAll(r => r.Id == id) > 0;
        }
    }

    public async ValueTask<HookAnswer?> BeforeHandlerAsync(RequestContext context)
    {
        FaultRule? fired = null;
        lock (_gate)
        {
            foreach (var rule in _rules)
            {
                if (rule.Matches(context) && rule.Decide())
                {
                    fired = rule;
                    break;
                }
            }

            if (fired is not null)
            {
                _history.Enqueue(new FaultEvent
                {
                    RuleId = fired.Id,
                    RequestId = context.RequestId,
                    Time = Wire.Timestamp(services.Clock.UtcNow),
                    FrontEnd = FrontEnds.Name(context.FrontEnd),
                    Operation = context.OperationName,
                    Bucket = context.Bucket,
                    Key = context.Key,
                    PartNumber = context.PartNumber,
                    Fault = fired.Action.TypeName,
                });
                while (_history.Count > HistorySize)
                {
                    _history.Dequeue();
                }
            }
        }

        return fired is null ? null : await ApplyAsync(fired.Action, context).ConfigureAwait(false);
    }

    private static async ValueTask<HookAnswer?> ApplyAsync(FaultAction action, RequestContext c)
    {
        var http = c.Http;
        switch (action)
        {
            case FaultAction.Error e:
                return new HookAnswer.Error(e.Status, e.Code, e.Message,
                    e.RetryAfterSeconds is { } seconds ? [new("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture))] : []);
            case FaultAction.ErrorAfter200 e:
                return new HookAnswer.ErrorAfterSuccess(e.Code, e.Message);
            case FaultAction.Latency l:
                await Task.Delay(l.Ms, http.RequestAborted).ConfigureAwait(false);
                return null;
            case FaultAction.SlowBody s:
                http.Response.Body = new ThrottledResponseStream(http.Response.Body, s.BytesPerSecond);
                return null;
            case FaultAction.Reset r:
                if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
                {
                    // An upload: cut once that much of its body has been read; storage keeps nothing of a body that never ended.
                    c.Body.AbortAfter(r.AfterBytes, http.Abort);
                }
                else
                {
                    http.Response.Body = new CuttingResponseStream(http.Response.Body, r.AfterBytes, http.Abort);
                }

                return null;
            case FaultAction.Timeout:
                try
                {
                    await Task.Delay(MaxHold, http.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up, as the fault meant it to.
                }

                http.Abort();
                throw new OperationCanceledException(http.RequestAborted);
            default:
                throw new InvalidOperationException("Unknown fault action.");
        }
    }

    public void Completed(RequestContext context)
    {
    }
}
