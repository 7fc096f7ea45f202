using System.Text;

namespace Gateway.Tests.Fuzz;

/// <summary>
/// Seeded mutations of a valid input: bytes flipped, structural characters and non-UTF-8 bytes inserted, ranges
/// deleted or repeated, the end cut off, numbers made huge or negative. The same seed gives the same inputs.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly byte[] Alphabet = Encoding.ASCII.GetBytes("<>/\"=;:,{}[]\\\r\n \t0123456789abcdefxXzZ-+.&%").Concat(new byte[] { 0x00, 0x80, 0xC3, 0xE2, 0xFF }).ToArray();

    private static readonly string[] Numbers = ["99999999999999999999999", "-1", "0", "18446744073709551616", "1e400", "0x10", "NaN", "  7", "٣"];

    public Random Random { get; } = new(seed);

    public byte[] Mutate(byte[] valid)
    {
        var data = new List<byte>(valid);
        var count = Random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            switch (Random.Next(7))
            {
                case 0 when data.Count > 0:
                    data[Random.Next(data.Count)] = (byte)Random.Next(256);
                    break;
                case 1:
                    data.InsertRange(Random.Next(data.Count + 1), Enumerable.Range(0, Random.Next(1, 6)).Select(_ => Alphabet[Random.Next(Alphabet.Length)]));
                    break;
                case 2 when data.Count > 1:
                    var at = Random.Next(data.Count);
                    data.RemoveRange(at, Math.Min(data.Count - at, Random.Next(1, 16)));
                    break;
                case 3 when data.Count > 1:
                    var keep = Random.Next(1, data.Count);
                    data.RemoveRange(keep, data.Count - keep);
                    break;
                case 4 when data.Count > 1:
                    var from = Random.Next(data.Count);
                    var len = Math.Min(data.Count - from, Random.Next(1, 64));
                    data.InsertRange(Random.Next(data.Count), data.GetRange(from, len));
                    break;
                case 5:
                    ReplaceNumber(data);
                    break;
                default:
                    data.Insert(Random.Next(data.Count + 1), Alphabet[Random.Next(Alphabet.Length)]);
                    break;
            }
        }

        return [.. data];
    }

    private void ReplaceNumber(List<byte> data)
    {
        var digits = Enumerable.Range(0, data.Count).Where(i => data[i] is >= (byte)'0' and <= (byte)'9').ToList();
        if (digits.Count == 0)
        {
            return;
        }

        var start = digits[Random.Next(digits.Count)];
        var end = start;
        while (end < data.Count && data[end] is >= (byte)'0' and <= (byte)'9')
        {
            end++;
        }

        data.RemoveRange(start, end - start);
        data.InsertRange(start, Encoding.UTF8.GetBytes(Numbers[Random.Next(Numbers.Length)]));
    }
}
