namespace Storage.Checksums;

/// <summary>
/// How a CRC is computed. Internal so tests can run every path the machine supports against the portable
/// one; product code always takes the best path.
/// </summary>
internal enum CrcPath
{
    /// <summary>Slicing-by-8 tables; runs everywhere.</summary>
    Portable,
    /// <summary>The CPU's own CRC instruction (SSE4.2 crc32 for CRC32C, ARMv8 crc32/crc32c).</summary>
    Instruction,
    /// <summary>PCLMULQDQ folding on 128-bit vectors.</summary>
    Clmul,
    /// <summary>VPCLMULQDQ folding on 512-bit vectors (AVX-512).</summary>
    ClmulWide,
}
