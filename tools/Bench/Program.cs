using Bench;

// Benchmarks run against a gateway in its own process so its memory is measured alone.
// Usage: dotnet run -c Release --project tools/Bench -- put [--size 1GiB] [--chunked true|false] [--segment-size 64MiB]
var command = args.Length > 0 ? args[0] : "help";
var options = Options.Parse(args.Skip(1).ToArray());
return command switch
{
    "put" => await PutBenchmark.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("""
        Bench: gateway benchmarks (the gateway runs as a separate process; its peak RSS is reported)
          put  [--size 1GiB] [--chunked true|false] [--segment-size 64MiB]
               PutObject of a generated object with AWSSDK.S3 (default settings: aws-chunked with a CRC32
               trailer), then GetObject and a byte-for-byte check. Reports MB/s and the gateway's peak RSS.
        """);
    return 2;
}
