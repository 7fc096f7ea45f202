using System.Globalization;

namespace GatewayCtl;

/// <summary>Human-readable numbers for the tables; --json keeps the exact values.</summary>
internal static class Formats
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

    /// <summary>Binary units with one decimal ("10.0 MiB"); below 1 KiB the exact count ("10 B").</summary>
    public static string Bytes(double bytes)
    {
        if (Math.Abs(bytes) < 1024)
        {
            return bytes == Math.Floor(bytes)
                ? $"{bytes.ToString("0", CultureInfo.InvariantCulture)} B"
                : $"{bytes.ToString("0.0", CultureInfo.InvariantCulture)} B";
        }

        var unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < Units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return $"{bytes.ToString("0.0", CultureInfo.InvariantCulture)} {Units[unit]}";
    }

    /// <summary>Byte-hours (storage integrated over time) in the same units: "1.5 GiB-h".</summary>
    public static string ByteHours(double byteHours) => Bytes(byteHours) + "-h";

    /// <summary>
    /// Dollars with three significant digits but at least two decimals, trailing zeros dropped: per-request
    /// prices make real costs tiny ($0.0000123), and "$0.00" would hide them.
    /// </summary>
    public static string Cost(double dollars)
    {
        if (dollars == 0 || !double.IsFinite(dollars))
        {
            return "$0.00";
        }

        var magnitude = (int)Math.Floor(Math.Log10(Math.Abs(dollars)));
        var decimals = Math.Clamp(2 - magnitude, 2, 12);
        var text = Math.Round(dollars, decimals).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var trimmed = text.TrimEnd('0');
        if (trimmed.Length - point - 1 < 2)
        {
            trimmed = text[..(point + 3)];
        }

        return "$" + trimmed;
    }

    /// <summary>A price exactly as configured, without exponent notation (0.0000088, not 8.8E-06).</summary>
    public static string Price(double value) => ((decimal)value).ToString(CultureInfo.InvariantCulture);

    /// <summary>The two largest units of an age: "45s", "15m 20s", "2h 30m", "8d 3h".</summary>
    public static string Age(double seconds)
    {
        var s = (long)Math.Max(0, Math.Floor(seconds));
        (long Size, string Name)[] units = [(86400, "d"), (3600, "h"), (60, "m"), (1, "s")];
        for (var i = 0; i < units.Length - 1; i++)
        {
            if (s >= units[i].Size)
            {
                var major = s / units[i].Size;
                var minor = s % units[i].Size / units[i + 1].Size;
                return minor == 0 ? $"{major}{units[i].Name}" : $"{major}{units[i].Name} {minor}{units[i + 1].Name}";
            }
        }

        return $"{s}s";
    }

    public static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>"1 upload", "3 uploads".</summary>
    public static string Plural(long count, string noun) => $"{Count(count)} {noun}{(count == 1 ? "" : "s")}";
}
