using System.Security.Cryptography;
using System.Text;
using Gateway.Access;
using Gateway.Adapters.Veza;
using Gateway.Auth;
using Gateway.Errors;
using Gateway.Streaming;
using Gateway.Tests.Handlers;

namespace Gateway.Tests.Fuzz;

/// <summary>
/// Seeded, bounded fuzzing of what reads request bodies: the aws-chunked decoder, every XML document a handler reads,
/// bucket policies and Veza's streaming JSON. Each generated input must be answered with success or a client error
/// (4xx; 501 only as S3's NotImplemented for a feature not built), never an internal error, and a refused request
/// must leave what it addressed as it was. Counts and seeds are fixed, so a failure reproduces.
/// </summary>
[TestFixture]
internal sealed class BodyFuzzTests
{
    /// <summary>The answer a failure gets: a client error, or S3's NotImplemented; an internal error fails the test.</summary>
    private static int StatusOf(Exception e)
    {
        var s3 = FaultMap.ToS3(e);
        var status = S3ErrorTable.Lookup(s3.Code).Status;
        Assert.That(status is >= 400 and < 500 || s3.Code == S3ErrorCode.NotImplemented, Is.True, $"{s3.Code} ({status}) for {e.GetType().Name}: {e}");
        return status;
    }

    [Test]
    public void The_aws_chunked_decoder_answers_every_mangled_body_with_success_or_a_client_error()
    {
        var key = SigV4.DeriveSigningKey("test", "20240301", "us-east-1", "s3");
        var context = new ChunkSigningContext(key, "20240301T120000Z", "20240301/us-east-1/s3/aws4_request", new string('5', 64));
        var data = Enumerable.Range(0, 20_000).Select(i => (byte)(i * 31)).ToArray();
        var bodies = new[]
        {
            (Signed: true, Trailer: true, Body: AwsChunked(data, context, trailer: true)),
            (Signed: true, Trailer: false, Body: AwsChunked(data, context, trailer: false)),
            (Signed: false, Trailer: true, Body: AwsChunked(data, null, trailer: true)),
        };
        var mutator = new Mutator(20261206);
        int ok = 0, refused = 0;
        for (var i = 0; i < 3000; i++)
        {
            var (signed, trailer, valid) = bodies[i % bodies.Length];
            var input = mutator.Mutate(valid);
            try
            {
                using var stream = new AwsChunkedStream(new MemoryStream(input), signed ? context : null, signed && trailer, trailer ? ["x-amz-checksum-crc32"] : [], data.Length);
                stream.CopyTo(Stream.Null);
                ok++;
            }
            catch (Exception e)
            {
                StatusOf(e);
                refused++;
            }
        }

        TestContext.Out.WriteLine($"aws-chunked: {ok} decoded, {refused} refused with a client error");
        Assert.That(refused, Is.GreaterThan(2500), "the mutations are mostly refused: a fuzzer that changes nothing tests nothing");
    }

    [Test]
    public void Bucket_policies_and_Veza_json_refuse_every_mangled_document_with_their_own_error()
    {
        var mutator = new Mutator(7);
        var policy = Encoding.UTF8.GetBytes("""
            {"Version":"2012-10-17","Statement":[{"Sid":"s1","Effect":"Allow","Principal":{"AWS":["acct"]},"Action":["s3:GetObject","s3:PutObject"],
            "Resource":"arn:aws:s3:::bkt/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"NumericLessThan":{"s3:max-keys":"10"}}}]}
            """);
        int policies = 0, refusedPolicies = 0;
        for (var i = 0; i < 2000; i++)
        {
            var input = mutator.Mutate(policy);
            policies++;
            try
            {
                // The bytes as the handler gives them: refused when not UTF-8, else parsed.
                if (!System.Text.Unicode.Utf8.IsValid(input))
                {
                    refusedPolicies++;
                    continue;
                }

                BucketPolicy.Parse(Encoding.UTF8.GetString(input), "bkt");
            }
            catch (S3Exception e)
            {
                Assert.That(e.Code, Is.AnyOf(S3ErrorCode.MalformedPolicy, S3ErrorCode.InvalidArgument), e.ToString());
                refusedPolicies++;
            }
        }

        var veza = Encoding.UTF8.GetBytes("""{"operation":"upload","upload_id":"7E4B","sequence_number":12,"flag":true,"none":null,"skip":{"a":[1,"}"]},"data":"QUJDRA=="}""");
        int vezas = 0, refusedVeza = 0;
        for (var i = 0; i < 2000; i++)
        {
            vezas++;
            var reader = new JsonBodyReader(new MemoryStream(mutator.Mutate(veza)), CancellationToken.None);
            try
            {
                ReadAll(reader).GetAwaiter().GetResult();
            }
            catch (JsonBodyReader.FormatError)
            {
                refusedVeza++;
            }
        }

        TestContext.Out.WriteLine($"policies: {policies - refusedPolicies} accepted, {refusedPolicies} refused; Veza bodies: {vezas - refusedVeza} read, {refusedVeza} refused");
        Assert.That(refusedPolicies, Is.GreaterThan(1000), "most mutations break the policy");
        Assert.That(refusedVeza, Is.GreaterThan(1000), "most mutations break the body");
    }

    private static async Task ReadAll(JsonBodyReader reader)
    {
        await reader.BeginObjectAsync();
        var first = true;
        while (await reader.NextNameAsync(first) is { } name)
        {
            first = false;
            if (name == "data")
            {
                await reader.CopyBase64StringAsync(Stream.Null, 1 << 20);
            }
            else
            {
                await reader.ReadValueAsync();
            }
        }

        await reader.EndAsync();
    }

    /// <summary>A valid document for one handler, and the request that reads back what it changes.</summary>
    private sealed record Target(string Method, string Path, string Document, string ReadBack);

    private static readonly Target[] XmlTargets =
    [
        new("PUT", "/bkt/k?tagging", "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag><Tag><Key>c</Key><Value></Value></Tag></TagSet></Tagging>", "/bkt/k?tagging"),
        new("PUT", "/bkt?tagging", "<Tagging><TagSet><Tag><Key>team</Key><Value>x</Value></Tag></TagSet></Tagging>", "/bkt?tagging"),
        new("PUT", "/bkt?lifecycle", "<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>p/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>3</Days></Expiration><AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule><Rule><ID>t</ID><Filter><And><Prefix>q/</Prefix><Tag><Key>a</Key><Value>b</Value></Tag><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule></LifecycleConfiguration>", "/bkt?lifecycle"),
        new("PUT", "/bkt?cors", "<CORSConfiguration><CORSRule><ID>c</ID><AllowedOrigin>https://a.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>10</MaxAgeSeconds></CORSRule></CORSConfiguration>", "/bkt?cors"),
        new("PUT", "/bkt?versioning", "<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>", "/bkt?versioning"),
        new("PUT", "/bkt?encryption", "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>", "/bkt?encryption"),
        new("PUT", "/bkt?ownershipControls", "<OwnershipControls><Rule><ObjectOwnership>BucketOwnerPreferred</ObjectOwnership></Rule></OwnershipControls>", "/bkt?ownershipControls"),
        new("PUT", "/bkt?publicAccessBlock", "<PublicAccessBlockConfiguration><BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>", "/bkt?publicAccessBlock"),
        new("POST", "/bkt?delete", "<Delete><Quiet>false</Quiet><Object><Key>d1</Key></Object><Object><Key>d2</Key><VersionId>null</VersionId></Object></Delete>", "/bkt"),
        new("PUT", "/bkt?policy", """{"Version":"2012-10-17","Statement":[{"Sid":"p","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::bkt/locked/*"}]}""", "/bkt?policy"),
    ];

    /// <summary>What a GET of <paramref name="path"/> answers, as text: the state a refused request must not have changed.</summary>
    private static async Task<string> ReadBack(HandlerHarness h, string path)
    {
        try
        {
            var r = await h.Send("GET", path);
            return r.Status + " " + r.BodyText;
        }
        catch (Exception e)
        {
            return "error " + FaultMap.ToS3(e).Code;
        }
    }

    [Test]
    public async Task Every_xml_and_json_document_a_handler_reads_is_refused_cleanly_and_changes_nothing_when_mangled()
    {
        using var h = new HandlerHarness();
        await h.Send("PUT", "/bkt");
        await h.Send("PUT", "/bkt/k", "x");
        await h.Send("PUT", "/bkt/d1", "x");
        var mutator = new Mutator(24);
        int accepted = 0, refused = 0;
        foreach (var target in XmlTargets)
        {
            var valid = Encoding.UTF8.GetBytes(target.Document);
            var unmangled = await h.Send(target.Method, target.Path, valid, new Dictionary<string, string> { ["Content-MD5"] = Convert.ToBase64String(MD5.HashData(valid)) });
            Assert.That(unmangled.Status, Is.LessThan(300), $"the seed document of {target.Method} {target.Path} is valid: {unmangled.BodyText}");
            for (var i = 0; i < 250; i++)
            {
                var input = mutator.Mutate(valid);
                var before = await ReadBack(h, target.ReadBack);
                var headers = new Dictionary<string, string> { ["Content-MD5"] = Convert.ToBase64String(MD5.HashData(input)) };
                try
                {
                    var response = await h.Send(target.Method, target.Path, input, headers);
                    Assert.That(response.Status, Is.LessThan(500), $"{target.Method} {target.Path}: {response.Status} {response.BodyText}");
                    accepted++;
                }
                catch (Exception e)
                {
                    StatusOf(e);
                    Assert.That(await ReadBack(h, target.ReadBack), Is.EqualTo(before), $"a refused {target.Method} {target.Path} changed what it addressed: {Encoding.UTF8.GetString(input)}");
                    refused++;
                }
            }
        }

        TestContext.Out.WriteLine($"documents: {accepted} accepted, {refused} refused with a client error, over {XmlTargets.Length} handlers");
        Assert.That(refused, Is.GreaterThan(XmlTargets.Length * 150));
    }

    /// <summary>An aws-chunked body of <paramref name="data"/> in 8 KiB chunks, signed when <paramref name="context"/> is given, with a CRC32 trailer when asked.</summary>
    private static byte[] AwsChunked(byte[] data, ChunkSigningContext? context, bool trailer)
    {
        var body = new MemoryStream();
        void Write(string s) => body.Write(Encoding.ASCII.GetBytes(s));
        var previous = context?.SeedSignature;
        var chunks = data.Chunk(8192).Append([]).ToList();
        foreach (var chunk in chunks)
        {
            Write(chunk.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
            if (context is not null)
            {
                previous = SigV4.ChunkSignature(context.SigningKey, context.AmzDate, context.Scope, previous!, chunk);
                Write(";chunk-signature=" + previous);
            }

            Write("\r\n");
            body.Write(chunk);
            if (chunk.Length > 0)
            {
                Write("\r\n");
            }
        }

        if (trailer)
        {
            var crc = Convert.ToBase64String(BitConverter.GetBytes(System.IO.Hashing.Crc32.HashToUInt32(data)).Reverse().ToArray());
            var trailers = new List<KeyValuePair<string, string>> { new("x-amz-checksum-crc32", crc) };
            Write($"x-amz-checksum-crc32:{crc}\r\n");
            if (context is not null)
            {
                Write("x-amz-trailer-signature:" + SigV4.TrailerSignature(context.SigningKey, context.AmzDate, context.Scope, previous!, trailers) + "\r\n");
            }
        }

        Write("\r\n");
        return body.ToArray();
    }
}
