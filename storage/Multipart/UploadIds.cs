using System.Security.Cryptography;

namespace Storage.Multipart;

/// <summary>
/// Upload ids that sort (ordinally) in initiation order: 12 hex digits of milliseconds, 4 of a per-millisecond
/// counter, then 24 random hex digits. ListMultipartUploads orders by key, then initiation time, and S3's
/// upload-id-marker compares ids; with these ids both orders agree.
/// </summary>
internal sealed class UploadIds
{
    private readonly Lock _gate = new();
    private long _lastMs;
    private int _counter;

    public string Next(DateTimeOffset now)
    {
        long ms;
        int counter;
        lock (_gate)
        {
            ms = Math.Max(now.ToUnixTimeMilliseconds(), _lastMs);
            _counter = ms == _lastMs ? _counter + 1 : 0;
            if (_counter > 0xFFFF)
            {
                ms++;
                _counter = 0;
            }

            _lastMs = ms;
            counter = _counter;
        }

        return $"{ms:x12}{counter:x4}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
    }
}
