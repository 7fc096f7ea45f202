using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using ArmCrc = System.Runtime.Intrinsics.Arm.Crc32;

namespace Storage.Checksums;

/// <summary>CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, init and xorout 0xFFFFFFFF.</summary>
internal static class Crc32C
{
    internal static readonly CrcMath Poly = new(32, 0x82F63B78);

    /// <summary>
    /// On Intel the crc32 instruction has a latency of three cycles and a throughput of one, so three
    /// independent streams of this many bytes keep it busy; their registers are then merged by shifting
    /// with a table. (On AMD Zen the throughput is one per three cycles and interleaving gains little.)
    /// </summary>
    private const int Stride = 1024;
    private static readonly uint[] ShiftByStride = Poly.ShiftTable32(Stride);

    private static readonly ClmulFolder? Folder = ClmulFolder.IsSupported ? new ClmulFolder(Poly) : null;

    internal static IReadOnlyList<CrcPath> SupportedPaths { get; } = FindPaths();

    /// <summary>
    /// Folding is preferred over the crc32 instruction: on AMD Zen crc32 r64 issues only every third cycle,
    /// so the instruction tops out near 6.6 GB/s there against 13.6 (PCLMULQDQ) and 27 (VPCLMULQDQ) GB/s;
    /// on Intel the two are close. ARM gets the instruction (no PMULL path yet).
    /// </summary>
    internal static CrcPath BestPath { get; } = SupportedPaths[^1];

    private static CrcPath[] FindPaths()
    {
        var paths = new List<CrcPath> { CrcPath.Portable };
        if (Sse42.X64.IsSupported || ArmCrc.Arm64.IsSupported)
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

    private static uint Update(uint s, ReadOnlySpan<byte> data, CrcPath path) => path switch
    {
        CrcPath.Portable => CrcMath.Update32(s, data, Poly.Table32),
        CrcPath.Instruction when Sse42.X64.IsSupported => UpdateSse42(s, data),
        CrcPath.Instruction when ArmCrc.Arm64.IsSupported => UpdateArm(s, data),
        CrcPath.Clmul or CrcPath.ClmulWide when Folder is not null => UpdateFolded(s, data, path == CrcPath.ClmulWide),
        _ => throw new PlatformNotSupportedException($"CRC32C path {path} is not available"),
    };

    private static uint UpdateFolded(uint s, ReadOnlySpan<byte> data, bool allowWide)
    {
        if (data.Length >= ClmulFolder.MinLength)
        {
            int bulk = data.Length & ~15;
            Span<byte> remainder = stackalloc byte[16];
            Folder!.Fold(s, data[..bulk], remainder, allowWide);
            // The tail is short; the crc32 instruction (or tables) finishes it.
            s = Sse42.X64.IsSupported ? UpdateSse42(0, remainder) : CrcMath.Update32(0, remainder, Poly.Table32);
            data = data[bulk..];
        }
        return Sse42.X64.IsSupported ? UpdateSse42(s, data) : CrcMath.Update32(s, data, Poly.Table32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Read64(ref byte p, int offset) => Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, offset));

    /// <summary>Multiplies a raw register by x^(8*Stride) mod P, as if Stride zero bytes followed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Shift(uint s)
    {
        ReadOnlySpan<uint> t = ShiftByStride;
        return t[(int)(s & 0xFF)] ^ t[256 + (int)((s >> 8) & 0xFF)] ^ t[512 + (int)((s >> 16) & 0xFF)] ^ t[768 + (int)(s >> 24)];
    }

    private static uint UpdateSse42(uint s, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;
        ulong c0 = s;
        for (; i + 3 * Stride <= length; i += 3 * Stride)
        {
            ulong c1 = 0;
            ulong c2 = 0;
            for (int j = i; j < i + Stride; j += 8)
            {
                c0 = Sse42.X64.Crc32(c0, Read64(ref p, j));
                c1 = Sse42.X64.Crc32(c1, Read64(ref p, j + Stride));
                c2 = Sse42.X64.Crc32(c2, Read64(ref p, j + 2 * Stride));
            }
            // The register after A||B is shift(reg after A, len B) ^ (reg of B from zero).
            c0 = Shift((uint)c0) ^ c1;
            c0 = Shift((uint)c0) ^ c2;
        }
        for (; i + 8 <= length; i += 8)
        {
            c0 = Sse42.X64.Crc32(c0, Read64(ref p, i));
        }
        s = (uint)c0;
        for (; i < length; i++)
        {
            s = Sse42.Crc32(s, Unsafe.Add(ref p, i));
        }
        return s;
    }

    private static uint UpdateArm(uint s, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;
        for (; i + 3 * Stride <= length; i += 3 * Stride)
        {
            uint c1 = 0;
            uint c2 = 0;
            for (int j = i; j < i + Stride; j += 8)
            {
                s = ArmCrc.Arm64.ComputeCrc32C(s, Read64(ref p, j));
                c1 = ArmCrc.Arm64.ComputeCrc32C(c1, Read64(ref p, j + Stride));
                c2 = ArmCrc.Arm64.ComputeCrc32C(c2, Read64(ref p, j + 2 * Stride));
            }
            s = Shift(s) ^ c1;
            s = Shift(s) ^ c2;
        }
        for (; i + 8 <= length; i += 8)
        {
            s = ArmCrc.Arm64.ComputeCrc32C(s, Read64(ref p, i));
        }
        for (; i < length; i++)
        {
            s = ArmCrc.ComputeCrc32C(s, Unsafe.Add(ref p, i));
        }
        return s;
    }
}
