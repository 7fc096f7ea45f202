using Bench;

// Benchmarks run against a gateway in its own process so its memory is measured alone.
// Usage: dotnet run -c Release --project tools/Bench -- put [--size 1GiB] [--chunked true|false] [--segment-size 64MiB]
var command = args.Length > 0 ? args[0] : "help";
var options = Options.Parse(args.Skip(1).ToArray());
return command switch
{
    "put" => await PutBenchmark.RunAsync(options),
    "multipart" => await MultipartBenchmark.RunAsync(options),
    "listing" => await ListingBenchmark.RunAsync(options),
    "hashes" => HashBenchmark.Run(options),
    "load" => await LoadBenchmark.RunAsync(options),
    "startup" => await StartupBenchmark.RunAsync(options),
    "console" => await ConsoleBenchmark.RunAsync(options),
    "all" => await RunAll(),
    "compare" => await Bench.Compare.CompareCommand.RunAsync(options),
    "null-server" => await Bench.Compare.NullServer.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("""
        Bench: gateway benchmarks (the gateway runs as a separate process; its peak RSS is reported)
          put  [--size 1GiB] [--chunked true|false] [--segment-size 64MiB]
               PutObject of a generated object with AWSSDK.S3 (default settings: aws-chunked with a CRC32
               trailer), then GetObject and a byte-for-byte check. Reports MB/s and the gateway's peak RSS.
          multipart [--size 1GiB] [--part-size 8MiB] [--concurrency 4]
               Multipart upload with N parts in flight, read back and verified; MB/s and peak RSS.
          listing [--count 10000]
               ListParts over N parts and ListMultipartUploads over N uploads: ms per 1000-entry page.
          hashes [--size 1GiB] [--rounds 3]
               Every checksum algorithm's throughput on one core (the segmenter's hashers and read size).
          load [--modes shipped,workstation,server,server-datas,workstation-conserve,heap-limit-96m,...] [--seconds 60]
               [--settle 60] [--clients 64] [--uploads 4] [--upload-size 50MiB]
               Memory under load per GC configuration: 4 KiB PUT+GET from many clients with parallel multipart
               uploads, then idle; the gateway's RSS at idle, its peak, at the end and 10/30/60 s after.
          startup [--kinds framework-dependent,ready-to-run,native-aot] [--rounds 10] [--idle 12]
               Publishes each build kind for linux-x64 and starts it again and again (alternating): ms from process
               start to its "listening on" line and to the first 200 from /_gateway/health, and RSS when idle.
          console [--objects 10000] [--uploads 1000]
               The web console's pages over a bucket of N objects and M incomplete uploads (one of 100 parts), fetched
               by a signed-in client on loopback: median and worst ms of 30 fetches after 5 warm-ups.
          all  Everything above at the sizes the README reports.
          compare [--endpoints gateway,ceiling,name=URL[@pid]] [--rounds 3] [--workloads mp64x4,get,mp8x1,put4k,small]
                  [--gateway-args "--Gateway:X=Y ..."] [--access-key K --secret-key S] [--client dotnet|boto3 [--python P]] [--pretouch 12GiB]
               The same workloads through the same client against each endpoint, alternating within each round:
               "gateway" is a Release gateway started here, "ceiling" a do-nothing S3 endpoint (the client's own
               ceiling), name=URL any S3 server (its CPU is reported when @pid is given). Reports throughput, the
               server's CPU per GiB or per request and its peak RSS; every byte read back is verified. With
               --client boto3 the workloads (not "small") run through boto3 in Python processes instead.
               --pretouch writes and deletes that much first, so page-cache pages a VM has never touched
               (costly to fault in) do not fall on whichever server happens to write first.
        """);
    return 2;
}

static async Task<int> RunAll()
{
    var ok = await PutBenchmark.RunAsync(Options.Parse(["--size", "1GiB"])) == 0;
    foreach (var part in new[] { 8L << 20, 64L << 20 })
    {
        foreach (var concurrency in new[] { 1, 4 })
        {
            ok &= await MultipartBenchmark.RunOneAsync(1L << 30, part, concurrency);
        }
    }

    ok &= await MultipartBenchmark.RunOneAsync(2L << 30, 64L << 20, 4);
    ok &= await ListingBenchmark.RunAsync(Options.Parse(["--count", "10000"])) == 0;
    return ok ? 0 : 1;
}
