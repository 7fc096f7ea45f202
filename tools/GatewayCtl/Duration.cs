using System.Globalization;

namespace GatewayCtl;

/// <summary>Durations on the command line: 90s, 15m, 36h, 7d, or a plain number of seconds.</summary>
internal static class Duration
{
    /// <summary>Whole seconds, or null when the text is not a positive duration.</summary>
    public static long? TryParseSeconds(string text)
    {
        var t = text.Trim();
        if (t.Length == 0)
        {
            return null;
        }

        long factor = char.ToLowerInvariant(t[^1]) switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            'w' => 7 * 86400,
            _ => 0,
        };
        var number = factor == 0 ? t : t[..^1];
        factor = factor == 0 ? 1 : factor;
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0
            || value > long.MaxValue / factor)
        {
            return null;
        }

        return value * factor;
    }
}
