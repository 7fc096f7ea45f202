using System.Text.Json;
using Gateway.Contract;
using Gateway.Errors;
using Gateway.Http;
using Gateway.Protocol;
using Storage.Checksums;

namespace Gateway.Admin;

/// <summary>
/// POST /_gateway/checksum?algorithm=NAME: the checksum of the body, for clients whose SDK lacks an algorithm (the
/// xxHash family without awscrt, MD5 in botocore), so they can still send a correct value. Any signed caller; the
/// body streams through the hasher, whatever its size.
/// </summary>
internal static class ChecksumHandlers
{
    public static async Task<S3Response> Compute(AdminRequest r)
    {
        _ = r.Account;
        var name = r.Query.Get("algorithm");
        if (!ChecksumNames.TryParse(name, out var algorithm))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"algorithm must be one of {ChecksumNames.ValidList}.");
        }

        using var hasher = IncrementalChecksum.Create(algorithm);
        var buffer = new byte[256 * 1024];
        long total = 0;
        int n;
        while ((n = await r.Body.ReadAsync(buffer, r.Aborted).ConfigureAwait(false)) > 0)
        {
            hasher.Append(buffer.AsSpan(0, n));
            total += n;
        }

        return S3Response.Json(JsonSerializer.Serialize(new ChecksumResult
        {
            Algorithm = ChecksumNames.WireName(algorithm),
            Value = hasher.FinishBase64(),
            Header = ChecksumNames.HeaderName(algorithm),
            Bytes = total,
        }, AdminJson.Default.ChecksumResult));
    }
}
