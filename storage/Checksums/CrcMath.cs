using System.Buffers.Binary;

namespace Storage.Checksums;

/// <summary>
/// GF(2) polynomial arithmetic modulo a reflected CRC polynomial of width 32 or 64, plus the portable
/// slicing-by-8 tables. Values are in the reflected form the CRC registers use: bit (width-1-i) holds
/// the coefficient of x^i. Everything hardware paths need (fold constants, shift tables) is derived
/// here from the polynomial alone, so no magic constants are copied from elsewhere.
/// </summary>
internal sealed class CrcMath
{
    public int Width { get; }
    public ulong ReflectedPoly { get; }

    /// <summary>x^(2^k) mod P for k = 0..69: enough for any byte length up to 2^63 (bit length up to 2^66).</summary>
    private readonly ulong[] _x2n = new ulong[70];

    /// <summary>Slicing-by-8 tables, flattened: entry [k*256+b] is the CRC of byte b followed by k zero bytes.</summary>
    public ulong[] Table64 { get; }
    public uint[] Table32 { get; }

    public CrcMath(int width, ulong reflectedPoly)
    {
        Width = width;
        ReflectedPoly = reflectedPoly;
        ulong p = One >> 1; // x^1
        _x2n[0] = p;
        for (int k = 1; k < _x2n.Length; k++)
        {
            p = MultModP(p, p);
            _x2n[k] = p;
        }

        Table64 = new ulong[8 * 256];
        for (int b = 0; b < 256; b++)
        {
            ulong c = (ulong)b;
            for (int i = 0; i < 8; i++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ reflectedPoly : c >> 1;
            }
            Table64[b] = c;
        }
        for (int k = 1; k < 8; k++)
        {
            for (int b = 0; b < 256; b++)
            {
                ulong prev = Table64[(k - 1) * 256 + b];
                Table64[k * 256 + b] = (prev >> 8) ^ Table64[(int)(prev & 0xFF)];
            }
        }
        Table32 = width == 32 ? Array.ConvertAll(Table64, v => (uint)v) : [];
    }

    /// <summary>The polynomial 1 (x^0) in reflected form.</summary>
    public ulong One => 1UL << (Width - 1);

    /// <summary>a*b mod P (zlib's multmodp, generalised to the width).</summary>
    public ulong MultModP(ulong a, ulong b)
    {
        if (a == 0)
        {
            return 0; // the loop below relies on a set bit to stop
        }
        ulong m = One;
        ulong p = 0;
        while (true)
        {
            if ((a & m) != 0)
            {
                p ^= b;
                if ((a & (m - 1)) == 0)
                {
                    break;
                }
            }
            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ ReflectedPoly : b >> 1;
        }
        return p;
    }

    /// <summary>x^bits mod P in O(log bits) multiplications.</summary>
    public ulong XPowBits(ulong bits)
    {
        ulong p = One;
        for (int k = 0; bits != 0; k++, bits >>= 1)
        {
            if ((bits & 1) != 0)
            {
                p = MultModP(_x2n[k], p);
            }
        }
        return p;
    }

    /// <summary>x^(8*bytes) mod P.</summary>
    public ulong XPowBytes(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ulong p = One;
        for (int k = 3; bytes != 0; k++, bytes >>= 1)
        {
            if ((bytes & 1) != 0)
            {
                p = MultModP(_x2n[k], p);
            }
        }
        return p;
    }

    /// <summary>
    /// CRC of A||B from finished CRC(A), CRC(B) and len(B). Init and xorout being the same all-ones
    /// value makes them cancel, so finished values combine exactly like raw register states.
    /// </summary>
    public ulong Combine(ulong crc1, ulong crc2, long length2) => MultModP(XPowBytes(length2), crc1) ^ crc2;

    /// <summary>
    /// Fold constant for PCLMULQDQ: x^n mod P as a 64-bit bit-reflected value (bit 63-i holds x^i),
    /// which is the reflected register value shifted up to the top of the qword.
    /// </summary>
    public ulong FoldConstant(int n) => XPowBits((ulong)n) << (64 - Width);

    /// <summary>
    /// Tables for multiplying a register by a fixed x^(8*bytes) mod P with four byte lookups; a table
    /// lookup is cheaper than <see cref="MultModP"/> when shifting often by the same distance.
    /// </summary>
    public uint[] ShiftTable32(int bytes)
    {
        ulong k = XPowBytes(bytes);
        var t = new uint[4 * 256];
        for (int j = 0; j < 4; j++)
        {
            for (int b = 0; b < 256; b++)
            {
                t[j * 256 + b] = (uint)MultModP(k, (ulong)b << (8 * j));
            }
        }
        return t;
    }

    /// <summary>Portable slicing-by-8 update of a raw (not inverted) 32-bit register.</summary>
    public static uint Update32(uint s, ReadOnlySpan<byte> data, uint[] t)
    {
        ReadOnlySpan<uint> table = t;
        if (table.Length < 8 * 256)
        {
            throw new ArgumentException("slicing-by-8 table too short", nameof(t));
        }
        while (data.Length >= 8)
        {
            uint lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ s;
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            s = table[7 * 256 + (int)(lo & 0xFF)]
                ^ table[6 * 256 + (int)((lo >> 8) & 0xFF)]
                ^ table[5 * 256 + (int)((lo >> 16) & 0xFF)]
                ^ table[4 * 256 + (int)(lo >> 24)]
                ^ table[3 * 256 + (int)(hi & 0xFF)]
                ^ table[2 * 256 + (int)((hi >> 8) & 0xFF)]
                ^ table[1 * 256 + (int)((hi >> 16) & 0xFF)]
                ^ table[(int)(hi >> 24)];
            data = data[8..];
        }
        foreach (byte b in data)
        {
            s = table[(int)((s ^ b) & 0xFF)] ^ (s >> 8);
        }
        return s;
    }

    /// <summary>Portable slicing-by-8 update of a raw (not inverted) 64-bit register.</summary>
    public static ulong Update64(ulong s, ReadOnlySpan<byte> data, ulong[] t)
    {
        ReadOnlySpan<ulong> table = t;
        if (table.Length < 8 * 256)
        {
            throw new ArgumentException("slicing-by-8 table too short", nameof(t));
        }
        while (data.Length >= 8)
        {
            ulong v = BinaryPrimitives.ReadUInt64LittleEndian(data) ^ s;
            s = table[7 * 256 + (int)(v & 0xFF)]
                ^ table[6 * 256 + (int)((v >> 8) & 0xFF)]
                ^ table[5 * 256 + (int)((v >> 16) & 0xFF)]
                ^ table[4 * 256 + (int)((v >> 24) & 0xFF)]
                ^ table[3 * 256 + (int)((v >> 32) & 0xFF)]
                ^ table[2 * 256 + (int)((v >> 40) & 0xFF)]
                ^ table[1 * 256 + (int)((v >> 48) & 0xFF)]
                ^ table[(int)(v >> 56)];
            data = data[8..];
        }
        foreach (byte b in data)
        {
            s = table[(int)((s ^ b) & 0xFF)] ^ (s >> 8);
        }
        return s;
    }
}
