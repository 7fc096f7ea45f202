using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ArmCrc = System.Runtime.Intrinsics.Arm.Crc32;

namespace Storage.Checksums;

/// <summary>CRC-32 (IEEE 802.3, zlib): reflected polynomial 0xEDB88320, init and xorout 0xFFFFFFFF.</summary>
internal static class Crc32
{
    internal static readonly CrcMath Poly = new(32, 0xEDB88320);
    private static readonly ClmulFolder? Folder = ClmulFolder.IsSupported ? new ClmulFolder(Poly) : null;

    internal static IReadOnlyList<CrcPath> SupportedPaths { get; } = FindPaths();
    internal static CrcPath BestPath { get; } = SupportedPaths[^1];

    private static CrcPath[] FindPaths()
    {
        var paths = new List<CrcPath> { CrcPath.Portable };
        if (ArmCrc.Arm64.IsSupported)
        {
            paths.Add(CrcPath.Instruction);
        }
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

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <param name="crc">The finished CRC of the preceding bytes, 0 for none.</param>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data, BestPath);

    internal static uint Append(uint crc, ReadOnlySpan<byte> data, CrcPath path) => ~Update(~crc, data, path);

    /// <summary>CRC of A||B from CRC(A), CRC(B) and len(B), in O(log length2).</summary>
    public static uint Combine(uint crc1, uint crc2, long length2) => (uint)Poly.Combine(crc1, crc2, length2);

    private static uint Update(uint s, ReadOnlySpan<byte> data, CrcPath path)
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
                    s = CrcMath.Update32(0, remainder, Poly.Table32);
                    data = data[bulk..];
                }
                break;
            case CrcPath.Instruction:
                if (!ArmCrc.Arm64.IsSupported)
                {
                    throw new PlatformNotSupportedException("no CRC32 instruction");
                }
                return UpdateArm(s, data);
        }
        return CrcMath.Update32(s, data, Poly.Table32);
    }

    private static uint UpdateArm(uint s, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            s = ArmCrc.Arm64.ComputeCrc32(s, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
        }
        for (; i < data.Length; i++)
        {
            s = ArmCrc.ComputeCrc32(s, Unsafe.Add(ref p, i));
        }
        return s;
    }
}
