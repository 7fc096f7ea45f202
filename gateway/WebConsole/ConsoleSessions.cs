using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.WebConsole;

/// <summary>A signed-in browser: the account it acts as, until when, and the token its changes must carry.</summary>
internal sealed record ConsoleSession(string Account, DateTimeOffset Expires, string AntiForgery);

/// <summary>
/// The console's sessions, in memory (a restart signs everyone out): an unguessable id in an HttpOnly, SameSite=Strict
/// cookie names one; each has its own anti-forgery token that every POST must carry. Sessions last a fixed time of
/// real time (not the gateway's clock: advancing a virtual clock must not sign the person advancing it out).
/// </summary>
internal sealed class ConsoleSessions(TimeSpan lifetime)
{
    public const string Cookie = "s3gw_console";

    private const int MaxSessions = 10_000;
    private readonly ConcurrentDictionary<string, ConsoleSession> _sessions = new(StringComparer.Ordinal);

    public TimeSpan Lifetime { get; } = lifetime;

    public (string Id, ConsoleSession Session) Start(string account, DateTimeOffset now)
    {
        if (_sessions.Count >= MaxSessions)
        {
            foreach (var (id, s) in _sessions)
            {
                if (s.Expires <= now)
                {
                    _sessions.TryRemove(id, out _);
                }
            }
        }

        var session = new ConsoleSession(account, now + Lifetime, Token());
        var sessionId = Token();
        _sessions[sessionId] = session;
        return (sessionId, session);
    }

    /// <summary>The live session a cookie names; null for none, an unknown id or an expired one (which is dropped).</summary>
    public ConsoleSession? Find(string? id, DateTimeOffset now)
    {
        if (id is null || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        if (session.Expires > now)
        {
            return session;
        }

        _sessions.TryRemove(id, out _);
        return null;
    }

    public void End(string? id)
    {
        if (id is not null)
        {
            _sessions.TryRemove(id, out _);
        }
    }

    /// <summary>Whether a form's anti-forgery field is the session's own (compared in constant time).</summary>
    public static bool Carries(ConsoleSession session, string? token) =>
        token is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(session.AntiForgery), Encoding.ASCII.GetBytes(token));

    private static string Token() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
