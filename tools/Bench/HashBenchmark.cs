using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Storage.Checksums;

namespace Bench;

/// <summary>
/// <c>Bench hashes</c>: the throughput of every checksum algorithm the gateway computes, on one core, beside MD5 (every
/// body's ETag) and SHA-256 (every signed payload), through the same incremental hashers the segmenter uses and
/// the 256 KiB reads it makes.
/// </summary>
internal static class HashBenchmark
{
    public static int Run(Options options)
    {
        var size = options.Size("size", 1L << 30);
        var rounds = (int)options.Size("rounds", 3);
        var buffer = new byte[256 * 1024];
        RandomNumberGenerator.Fill(buffer);
        Console.WriteLine($"| algorithm | GB/s on one core (median of {rounds}, {size >> 20} MiB each) |");
        Console.WriteLine("|---|---:|");
        foreach (var d in ChecksumAlgorithms.Descriptors)
        {
            var rates = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                using var hasher = d.NewHasher();
                var clock = Stopwatch.StartNew();
                for (long done = 0; done < size; done += buffer.Length)
                {
                    hasher.Append(buffer);
                }

                hasher.Finish();
                rates.Add(size / clock.Elapsed.TotalSeconds / 1e9);
            }

            rates.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {d.Name} | {rates[rates.Count / 2]:F2} |"));
        }

        return 0;
    }
}
