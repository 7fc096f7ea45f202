using Storage.Checksums;

namespace Storage;

/// <summary>
/// A checksum the writer declared for a body. Its value is known before the body (sent ahead of it) or only
/// after it (sent behind it, as a trailer): then whoever reads the trailer sets <see cref="Value"/> before the
/// body stream reports its end, and storage compares once it has read that end.
/// </summary>
public sealed class ExpectedChecksum(ChecksumAlgorithm algorithm, string? value = null)
{
    public ChecksumAlgorithm Algorithm { get; } = algorithm;

    /// <summary>The base64 value; null until it is known.</summary>
    public string? Value { get; set; } = value;
}

/// <summary>What a writer declared about a body, checked by storage once the body has been read to its end and before anything is committed.</summary>
/// <param name="DeclaredLength">The length the writer announced, if any.</param>
/// <param name="Md5">The MD5 the writer announced, if any.</param>
/// <param name="Checksum">The checksum the writer announced, if any; storage stores a checksum of that algorithm.</param>
public sealed record BodyChecks(long? DeclaredLength = null, byte[]? Md5 = null, ExpectedChecksum? Checksum = null)
{
    public static readonly BodyChecks None = new();
}
