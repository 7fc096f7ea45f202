using Storage.Checksums;

namespace Storage;

/// <summary>
/// A checksum the writer declared for a body. Its value is known before the body (sent ahead of it), or only after
/// it (<paramref name="Value"/> null: sent behind it, as a trailer), when the body stream itself reports it once read
/// to its end (<see cref="ITrailingChecksum"/>).
/// </summary>
/// <param name="Algorithm">The algorithm; storage stores a checksum of it.</param>
/// <param name="Value">The base64 value sent ahead of the body; null when it comes behind it.</param>
public sealed record ExpectedChecksum(ChecksumAlgorithm Algorithm, string? Value = null)
{
    /// <summary>True when the writer names the algorithm only and sends no value at all (CopyObject's x-amz-checksum-algorithm): computed and stored, nothing to check.</summary>
    public bool ComputeOnly { get; private init; }

    /// <summary>A checksum of <paramref name="algorithm"/> to compute and store, with no value to check it against.</summary>
    public static ExpectedChecksum Compute(ChecksumAlgorithm algorithm) => new(algorithm) { ComputeOnly = true };
}

/// <summary>
/// A body stream that carries a checksum behind its data (an aws-chunked trailer): what it carried is its result,
/// known once a read has returned the end of the body.
/// </summary>
public interface ITrailingChecksum
{
    /// <summary>The base64 value of the checksum trailer; null when none was sent (or the end was not read yet).</summary>
    string? TrailingChecksum { get; }
}

/// <summary>What a writer declared about a body, checked by storage once the body has been read to its end and before anything is committed.</summary>
/// <param name="DeclaredLength">The length the writer announced, if any.</param>
/// <param name="Md5">The MD5 the writer announced, if any.</param>
/// <param name="Checksum">The checksum the writer announced, if any; storage stores a checksum of that algorithm.</param>
public sealed record BodyChecks(long? DeclaredLength = null, byte[]? Md5 = null, ExpectedChecksum? Checksum = null)
{
    public static readonly BodyChecks None = new();
}
