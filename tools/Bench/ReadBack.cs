namespace Bench;

/// <summary>Compares a downloaded body with the generated stream it was uploaded from, 1 MiB at a time.</summary>
internal static class ReadBack
{
    /// <returns>The number of bytes that matched, or -1 at the first mismatch (reported on stderr).</returns>
    public static async Task<long> VerifyAsync(Stream actual, Stream expected)
    {
        var a = new byte[1 << 20];
        var b = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = await actual.ReadAsync(a)) > 0)
        {
            expected.ReadExactly(b.AsSpan(0, n));
            if (!a.AsSpan(0, n).SequenceEqual(b.AsSpan(0, n)))
            {
                await Console.Error.WriteLineAsync($"MISMATCH near byte {total}");
                return -1;
            }

            total += n;
        }

        return total;
    }
}
