using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Storage.Checksums;

/// <summary>
/// PCLMULQDQ folding for a reflected CRC of width 32 or 64 (Intel, "Fast CRC Computation for Generic
/// Polynomials Using PCLMULQDQ"). A 128-bit lane loaded little-endian holds x^(127-j) at bit j. Folding a
/// lane forward by d bits multiplies its low qword (the high-degree half) by x^(d+64) and its high qword by
/// x^d; a carry-less product of two bit-reflected qwords comes out one bit short of that convention, so the
/// constants are x^(d+63) and x^(d-1) mod P (<see cref="CrcMath.FoldConstant"/>). Instead of a Barrett
/// reduction, the final 128-bit remainder is run through the slicing tables: 16 bytes per call, which
/// is negligible next to the bulk and leaves nothing to get subtly wrong.
/// </summary>
internal sealed class ClmulFolder
{
    public static bool IsSupported => Pclmulqdq.IsSupported;

    public static bool IsWideSupported => Pclmulqdq.V512.IsSupported && Avx512F.IsSupported;

    /// <summary>Below this many bytes the tables are as quick as setting up eight lanes.</summary>
    public const int MinLength = 128;

    private readonly Vector128<ulong> _k128;
    private readonly Vector128<ulong> _k1024;
    private readonly Vector128<ulong> _k512;
    private readonly Vector128<ulong> _k2048;

    public ClmulFolder(CrcMath math)
    {
        _k128 = Constants(math, 128);
        _k512 = Constants(math, 512);
        _k1024 = Constants(math, 1024);
        _k2048 = Constants(math, 2048);
    }

    private static Vector128<ulong> Constants(CrcMath math, int distance) =>
        Vector128.Create(math.FoldConstant(distance + 63), math.FoldConstant(distance - 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Fold(Vector128<ulong> x, Vector128<ulong> k) =>
        Pclmulqdq.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, k, 0x11);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Fold(Vector512<ulong> x, Vector512<ulong> k) =>
        Pclmulqdq.V512.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.V512.CarrylessMultiply(x, k, 0x11);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Load128(ref byte p, int offset) =>
        Vector128.LoadUnsafe(ref p, (nuint)offset).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Load512(ref byte p, int offset) =>
        Vector512.LoadUnsafe(ref p, (nuint)offset).AsUInt64();

    /// <summary>
    /// Folds <paramref name="data"/> (a multiple of 16 bytes, at least <see cref="MinLength"/>) with the raw
    /// register <paramref name="state"/> XORed into its first bytes, and writes to <paramref name="remainder"/>
    /// 16 bytes whose CRC from a zero register equals the register after all of <paramref name="data"/>.
    /// </summary>
    public void Fold(ulong state, ReadOnlySpan<byte> data, Span<byte> remainder, bool allowWide)
    {
        if (data.Length < MinLength || (data.Length & 15) != 0 || remainder.Length < 16)
        {
            throw new ArgumentException("folding needs a multiple of 16 bytes, at least 128");
        }
        ref byte p = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int offset;
        Vector128<ulong> r;
        if (allowWide && IsWideSupported && length >= 256)
        {
            (r, offset) = FoldWide(state, ref p, length);
        }
        else
        {
            (r, offset) = FoldNarrow(state, ref p, length);
        }
        for (; offset < length; offset += 16)
        {
            r = Fold(r, _k128) ^ Load128(ref p, offset);
        }
        r.AsByte().CopyTo(remainder);
    }

    /// <summary>Eight independent 128-bit lanes hide the PCLMULQDQ latency; 128 bytes per round.</summary>
    private (Vector128<ulong>, int) FoldNarrow(ulong state, ref byte p, int length)
    {
        var x0 = Load128(ref p, 0) ^ Vector128.CreateScalar(state);
        var x1 = Load128(ref p, 16);
        var x2 = Load128(ref p, 32);
        var x3 = Load128(ref p, 48);
        var x4 = Load128(ref p, 64);
        var x5 = Load128(ref p, 80);
        var x6 = Load128(ref p, 96);
        var x7 = Load128(ref p, 112);
        int offset = 128;
        var k = _k1024;
        for (; offset + 128 <= length; offset += 128)
        {
            x0 = Fold(x0, k) ^ Load128(ref p, offset);
            x1 = Fold(x1, k) ^ Load128(ref p, offset + 16);
            x2 = Fold(x2, k) ^ Load128(ref p, offset + 32);
            x3 = Fold(x3, k) ^ Load128(ref p, offset + 48);
            x4 = Fold(x4, k) ^ Load128(ref p, offset + 64);
            x5 = Fold(x5, k) ^ Load128(ref p, offset + 80);
            x6 = Fold(x6, k) ^ Load128(ref p, offset + 96);
            x7 = Fold(x7, k) ^ Load128(ref p, offset + 112);
        }
        // The lanes are consecutive 16-byte blocks of one 128-byte stripe, so folding each into the next
        // by 128 bits merges them in order.
        var r = Fold(x0, _k128) ^ x1;
        r = Fold(r, _k128) ^ x2;
        r = Fold(r, _k128) ^ x3;
        r = Fold(r, _k128) ^ x4;
        r = Fold(r, _k128) ^ x5;
        r = Fold(r, _k128) ^ x6;
        r = Fold(r, _k128) ^ x7;
        return (r, offset);
    }

    /// <summary>VPCLMULQDQ: four 512-bit registers of four lanes each, 256 bytes per round.</summary>
    private (Vector128<ulong>, int) FoldWide(ulong state, ref byte p, int length)
    {
        var y0 = Load512(ref p, 0) ^ Vector512.CreateScalar(state);
        var y1 = Load512(ref p, 64);
        var y2 = Load512(ref p, 128);
        var y3 = Load512(ref p, 192);
        int offset = 256;
        var k = Vector512.Create(Vector256.Create(_k2048, _k2048), Vector256.Create(_k2048, _k2048));
        for (; offset + 256 <= length; offset += 256)
        {
            y0 = Fold(y0, k) ^ Load512(ref p, offset);
            y1 = Fold(y1, k) ^ Load512(ref p, offset + 64);
            y2 = Fold(y2, k) ^ Load512(ref p, offset + 128);
            y3 = Fold(y3, k) ^ Load512(ref p, offset + 192);
        }
        var k4 = Vector512.Create(Vector256.Create(_k512, _k512), Vector256.Create(_k512, _k512));
        var y = Fold(y0, k4) ^ y1;
        y = Fold(y, k4) ^ y2;
        y = Fold(y, k4) ^ y3;
        var r = Fold(y.GetLower().GetLower(), _k128) ^ y.GetLower().GetUpper();
        r = Fold(r, _k128) ^ y.GetUpper().GetLower();
        r = Fold(r, _k128) ^ y.GetUpper().GetUpper();
        return (r, offset);
    }
}
