namespace Storage.Checksums;

/// <summary>
/// CRC-64/NVME: reflected polynomial 0x9A6C9329AC4BC9B5 (normal 0xAD93D23594C93659), init and xorout all ones.
/// </summary>
internal static class Crc64Nvme
{
    internal static readonly CrcMath Poly = new(64, 0x9A6C9329AC4BC9B5);
    private static readonly ClmulFolder? Folder = ClmulFolder.IsSupported ? new ClmulFolder(Poly) : null;

    internal static IReadOnlyList<CrcPath> SupportedPaths { get; } = FindPaths();
    internal static CrcPath BestPath { get; } = SupportedPaths[^1];

    private static CrcPath[] FindPaths()
    {
        var paths = new List<CrcPath> { CrcPath.Portable };
        if (ClmulFolder.IsSupported)
        {
            paths.Add(CrcPath.Clmul);
            if (ClmulFolder.IsWideSupported)
            {
                paths.Add(CrcPath.ClmulWide);
            }
        }
        return [.. paths];
    }

    public static ulong Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <param name="crc">The finished CRC of the preceding bytes, 0 for none.</param>
    public static ulong Append(ulong crc, ReadOnlySpan<byte> data) => ~Update(~crc, data, BestPath);

    internal static ulong Append(ulong crc, ReadOnlySpan<byte> data, CrcPath path) => ~Update(~crc, data, path);

    /// <summary>CRC of A||B from CRC(A), CRC(B) and len(B), in O(log length2).</summary>
    public static ulong Combine(ulong crc1, ulong crc2, long length2) => Poly.Combine(crc1, crc2, length2);

    private static ulong Update(ulong s, ReadOnlySpan<byte> data, CrcPath path)
    {
        switch (path)
        {
            case CrcPath.Portable:
                break;
            case CrcPath.Clmul or CrcPath.ClmulWide:
                if (Folder is null)
                {
                    throw new PlatformNotSupportedException("PCLMULQDQ is not available");
                }
                if (data.Length >= ClmulFolder.MinLength)
                {
                    int bulk = data.Length & ~15;
                    Span<byte> remainder = stackalloc byte[16];
                    Folder.Fold(s, data[..bulk], remainder, path == CrcPath.ClmulWide);
                    s = CrcMath.Update64(0, remainder, Poly.Table64);
                    data = data[bulk..];
                }
                break;
            case CrcPath.Instruction:
                throw new PlatformNotSupportedException("no CPU has a CRC-64/NVME instruction");
        }
        return CrcMath.Update64(s, data, Poly.Table64);
    }
}
