namespace Gateway.Pipeline;

/// <summary>The front ends one gateway serves: S3, the gateway's own endpoints, and each upload protocol.</summary>
internal enum FrontEnd
{
    S3,
    Admin,
    Box,
    Veza,
    Kodexa,
    TwelveLabs,
}

internal static class FrontEnds
{
    /// <summary>The front end's name in settings, rules and logs ("s3", "box", ...).</summary>
    public static string Name(FrontEnd f) => f switch
    {
        FrontEnd.S3 => "s3",
        FrontEnd.Admin => "admin",
        FrontEnd.Box => "box",
        FrontEnd.Veza => "veza",
        FrontEnd.Kodexa => "kodexa",
        FrontEnd.TwelveLabs => "twelvelabs",
    };

    public static bool TryParse(string? name, out FrontEnd f)
    {
        foreach (var candidate in Enum.GetValues<FrontEnd>())
        {
            if (string.Equals(name, Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                f = candidate;
                return true;
            }
        }

        f = default;
        return false;
    }
}
