using Gateway.Errors;
using Gateway.Routing;

namespace Gateway.Tests.Routing;

[TestFixture]
internal sealed class S3RouterTests
{
    private static readonly string[] Domains = ["localhost"];

    /// <summary>One literal request and what the router must make of it.</summary>
    internal sealed record Case(
        string Method,
        string Host,
        string Target,
        bool CopySource,
        S3Operation Operation,
        string? Bucket,
        string? Key,
        string? Detail = null,
        bool VirtualHosted = false)
    {
        public override string ToString() => $"{Method} {Host}{Target}{(CopySource ? " +copy" : "")}";
    }

    private const string H = "127.0.0.1:9000";

    private static Case C(string method, string target, S3Operation op, string? bucket, string? key, string? detail = null, bool copy = false) =>
        new(method, H, target, copy, op, bucket, key, detail);

    private static IEnumerable<TestCaseData> Table()
    {
        Case[] cases =
        [
            // Service.
            C("GET", "/", S3Operation.ListBuckets, null, null),
            C("GET", "/?prefix=a&max-buckets=2", S3Operation.ListBuckets, null, null),
            C("PUT", "/", S3Operation.NotImplemented, null, null, "PUT on the service"),

            // Bucket: GET and its subresources.
            C("GET", "/b", S3Operation.ListObjects, "b", null),
            C("GET", "/b/", S3Operation.ListObjects, "b", null),
            C("GET", "/b?list-type=2", S3Operation.ListObjectsV2, "b", null),
            C("GET", "/b?list-type=2&prefix=a%2F&delimiter=%2F", S3Operation.ListObjectsV2, "b", null),
            C("GET", "/b?list-type=1", S3Operation.ListObjects, "b", null),
            C("GET", "/b?location", S3Operation.GetBucketLocation, "b", null),
            C("GET", "/b?acl", S3Operation.GetBucketAcl, "b", null),
            C("GET", "/b?acl=", S3Operation.GetBucketAcl, "b", null),
            C("GET", "/b?versioning", S3Operation.GetBucketVersioning, "b", null),
            C("GET", "/b?versions", S3Operation.ListObjectVersions, "b", null),
            C("GET", "/b?versions&prefix=x", S3Operation.ListObjectVersions, "b", null),
            C("GET", "/b?uploads", S3Operation.ListMultipartUploads, "b", null),
            C("GET", "/b?policy", S3Operation.GetBucketPolicy, "b", null),
            C("GET", "/b?policyStatus", S3Operation.GetBucketPolicyStatus, "b", null),
            C("PUT", "/b?policyStatus", S3Operation.NotImplemented, "b", null, "?policyStatus"),
            C("GET", "/b?publicAccessBlock", S3Operation.GetPublicAccessBlock, "b", null),
            C("PUT", "/b?publicAccessBlock", S3Operation.PutPublicAccessBlock, "b", null),
            C("DELETE", "/b?publicAccessBlock", S3Operation.DeletePublicAccessBlock, "b", null),
            C("PUT", "/b?ownershipControls", S3Operation.PutBucketOwnershipControls, "b", null),
            C("DELETE", "/b?ownershipControls", S3Operation.DeleteBucketOwnershipControls, "b", null),
            C("GET", "/b?tagging", S3Operation.GetBucketTagging, "b", null),
            C("GET", "/b?lifecycle", S3Operation.GetBucketLifecycle, "b", null),
            C("GET", "/b?cors", S3Operation.GetBucketCors, "b", null),
            C("PUT", "/b?cors", S3Operation.PutBucketCors, "b", null),
            C("DELETE", "/b?cors", S3Operation.DeleteBucketCors, "b", null),
            C("GET", "/b/?policy", S3Operation.GetBucketPolicy, "b", null),

            // Bucket: HEAD, PUT, DELETE, POST.
            C("HEAD", "/b", S3Operation.HeadBucket, "b", null),
            C("HEAD", "/b/", S3Operation.HeadBucket, "b", null),
            C("PUT", "/b", S3Operation.CreateBucket, "b", null),
            C("PUT", "/b/", S3Operation.CreateBucket, "b", null),
            C("PUT", "/b?acl", S3Operation.PutBucketAcl, "b", null),
            C("PUT", "/b?policy", S3Operation.PutBucketPolicy, "b", null),
            C("PUT", "/b?tagging", S3Operation.PutBucketTagging, "b", null),
            C("PUT", "/b?versioning", S3Operation.PutBucketVersioning, "b", null),
            C("PUT", "/b?lifecycle", S3Operation.PutBucketLifecycle, "b", null),
            C("DELETE", "/b?lifecycle", S3Operation.DeleteBucketLifecycle, "b", null),
            C("DELETE", "/b", S3Operation.DeleteBucket, "b", null),
            C("DELETE", "/b?policy", S3Operation.DeleteBucketPolicy, "b", null),
            C("DELETE", "/b?tagging", S3Operation.DeleteBucketTagging, "b", null),
            C("POST", "/b?delete", S3Operation.DeleteObjects, "b", null),
            C("POST", "/b?delete=", S3Operation.DeleteObjects, "b", null),
            C("POST", "/b", S3Operation.PostObject, "b", null),
            C("POST", "/b/", S3Operation.PostObject, "b", null),
            C("POST", "/b?policy", S3Operation.NotImplemented, "b", null, "?policy"),
            C("PATCH", "/b", S3Operation.NotImplemented, "b", null, "PATCH"),

            // Object: GET, HEAD.
            C("GET", "/b/k", S3Operation.GetObject, "b", "k"),
            C("GET", "/b/k?partNumber=1", S3Operation.GetObject, "b", "k"),
            C("GET", "/b/k?versionId=null", S3Operation.GetObject, "b", "k"),
            C("GET", "/b/k?acl", S3Operation.GetObjectAcl, "b", "k"),
            C("GET", "/b/k?attributes", S3Operation.GetObjectAttributes, "b", "k"),
            C("GET", "/b/k?uploadId=u1", S3Operation.ListParts, "b", "k"),
            C("GET", "/b/k?uploadId=u1&max-parts=2", S3Operation.ListParts, "b", "k"),
            C("GET", "/b/k?tagging", S3Operation.GetObjectTagging, "b", "k"),
            C("GET", "/b/k?tagging&versionId=null", S3Operation.GetObjectTagging, "b", "k"),
            C("GET", "/b/k?retention", S3Operation.GetObjectRetention, "b", "k"),
            C("GET", "/b/k?legal-hold", S3Operation.GetObjectLegalHold, "b", "k"),
            C("GET", "/b?object-lock", S3Operation.GetObjectLockConfiguration, "b", null),
            C("PUT", "/b?object-lock", S3Operation.PutObjectLockConfiguration, "b", null),
            C("GET", "/b/k?torrent", S3Operation.NotImplemented, "b", "k", "?torrent"),
            C("HEAD", "/b/k", S3Operation.HeadObject, "b", "k"),
            C("HEAD", "/b/k?partNumber=1", S3Operation.HeadObject, "b", "k"),

            // Object: PUT. ?tagging must never become PutObject (it would overwrite the data with the XML body).
            C("PUT", "/b/k", S3Operation.PutObject, "b", "k"),
            C("PUT", "/b/k", S3Operation.CopyObject, "b", "k", copy: true),
            C("PUT", "/b/k?acl", S3Operation.PutObjectAcl, "b", "k"),
            C("PUT", "/b/k?tagging", S3Operation.PutObjectTagging, "b", "k"),
            C("PUT", "/b/k?tagging", S3Operation.PutObjectTagging, "b", "k", copy: true),
            C("PUT", "/b/k?legal-hold", S3Operation.PutObjectLegalHold, "b", "k"),
            C("PUT", "/b/k?retention", S3Operation.PutObjectRetention, "b", "k"),
            C("PUT", "/b/k?partNumber=1&uploadId=u1", S3Operation.UploadPart, "b", "k"),
            C("PUT", "/b/k?uploadId=u1&partNumber=1", S3Operation.UploadPart, "b", "k"),
            C("PUT", "/b/k?partNumber=1&uploadId=u1", S3Operation.UploadPartCopy, "b", "k", copy: true),
            C("PUT", "/b/k?partNumber=1&uploadId=u1&tagging", S3Operation.PutObjectTagging, "b", "k"),

            // Object: POST, DELETE.
            C("POST", "/b/k?uploads", S3Operation.CreateMultipartUpload, "b", "k"),
            C("POST", "/b/k?uploads=", S3Operation.CreateMultipartUpload, "b", "k"),
            C("POST", "/b/k?uploadId=u1", S3Operation.CompleteMultipartUpload, "b", "k"),
            C("POST", "/b/k?restore", S3Operation.NotImplemented, "b", "k", "?restore"),
            C("POST", "/b/k?select&select-type=2", S3Operation.NotImplemented, "b", "k", "?select"),
            C("POST", "/b/k", S3Operation.NotImplemented, "b", "k", "POST on an object"),
            C("DELETE", "/b/k", S3Operation.DeleteObject, "b", "k"),
            C("DELETE", "/b/k?uploadId=u1", S3Operation.AbortMultipartUpload, "b", "k"),
            C("DELETE", "/b/k?tagging", S3Operation.DeleteObjectTagging, "b", "k"),
            C("GET", "/b?ownershipControls", S3Operation.GetBucketOwnershipControls, "b", null),
            C("OPTIONS", "/b/k", S3Operation.NotImplemented, "b", "k", "OPTIONS"),

            // Keys: percent-encoding, '+', trailing slashes, double slashes, unicode.
            C("GET", "/b/a%20b%2Bc", S3Operation.GetObject, "b", "a b+c"),
            C("GET", "/b/a+b", S3Operation.GetObject, "b", "a+b"),
            C("GET", "/b/a%2Fb", S3Operation.GetObject, "b", "a/b"),
            C("GET", "/b/dir/", S3Operation.GetObject, "b", "dir/"),
            C("PUT", "/b/dir/", S3Operation.PutObject, "b", "dir/"),
            C("GET", "/b/a/b/c", S3Operation.GetObject, "b", "a/b/c"),
            C("GET", "/b//k", S3Operation.GetObject, "b", "/k"),
            C("GET", "/b//", S3Operation.GetObject, "b", "/"),
            C("GET", "/b/%E2%82%AC", S3Operation.GetObject, "b", "€"),
            C("GET", "/b/%e2%82%ac", S3Operation.GetObject, "b", "€"),
            C("GET", "/b/€", S3Operation.GetObject, "b", "€"),
            C("GET", "/b/%F0%9F%98%80.txt", S3Operation.GetObject, "b", "\U0001F600.txt"),
            C("GET", "/b/100%25", S3Operation.GetObject, "b", "100%"),
            C("GET", "/b/a%zzb", S3Operation.GetObject, "b", "a%zzb"),
            C("GET", "/b/k%", S3Operation.GetObject, "b", "k%"),
            C("GET", "/b/k?", S3Operation.GetObject, "b", "k"),

            // Absolute-form targets use only their path.
            C("GET", "http://example.com/b/k", S3Operation.GetObject, "b", "k"),
            C("GET", "http://example.com", S3Operation.ListBuckets, null, null),

            // Virtual-hosted style under a configured domain.
            new("GET", "b.localhost:9000", "/", false, S3Operation.ListObjects, "b", null, VirtualHosted: true),
            new("GET", "b.localhost:9000", "/?list-type=2", false, S3Operation.ListObjectsV2, "b", null, VirtualHosted: true),
            new("GET", "b.localhost", "/k", false, S3Operation.GetObject, "b", "k", VirtualHosted: true),
            new("GET", "my.bucket.localhost:9000", "/a/b", false, S3Operation.GetObject, "my.bucket", "a/b", VirtualHosted: true),
            new("GET", "b.localhost:9000", "/dir/", false, S3Operation.GetObject, "b", "dir/", VirtualHosted: true),
            new("GET", "b.localhost:9000", "//k", false, S3Operation.GetObject, "b", "/k", VirtualHosted: true),
            new("GET", "b.LOCALHOST:9000", "/k", false, S3Operation.GetObject, "b", "k", VirtualHosted: true),
            new("PUT", "b.localhost:9000", "/", false, S3Operation.CreateBucket, "b", null, VirtualHosted: true),
            new("PUT", "b.localhost:9000", "/a%20b", true, S3Operation.CopyObject, "b", "a b", VirtualHosted: true),
            new("HEAD", "b.localhost:9000", "/", false, S3Operation.HeadBucket, "b", null, VirtualHosted: true),

            // Hosts that are not "bucket.domain" are path style.
            new("GET", "localhost:9000", "/b/k", false, S3Operation.GetObject, "b", "k"),
            new("GET", "localhost", "/", false, S3Operation.ListBuckets, null, null),
            new("GET", "127.0.0.1:9000", "/b/k", false, S3Operation.GetObject, "b", "k"),
            new("GET", "127.0.0.1", "/b", false, S3Operation.ListObjects, "b", null),
            new("GET", "[::1]:9000", "/b/k", false, S3Operation.GetObject, "b", "k"),
            new("GET", "[::1]", "/b/k", false, S3Operation.GetObject, "b", "k"),
            new("GET", "example.com", "/b/k", false, S3Operation.GetObject, "b", "k"),
            new("GET", "blocalhost:9000", "/b/k", false, S3Operation.GetObject, "b", "k"),
        ];
        return cases.Select(c => new TestCaseData(c).SetArgDisplayNames(c.ToString()));
    }

    [TestCaseSource(nameof(Table))]
    public void Routes(Case c)
    {
        var route = S3Router.Route(c.Method, c.Host, c.Target, c.CopySource, Domains);
        Assert.Multiple(() =>
        {
            Assert.That(route.Operation, Is.EqualTo(c.Operation), "operation");
            Assert.That(route.Bucket, Is.EqualTo(c.Bucket), "bucket");
            Assert.That(route.Key, Is.EqualTo(c.Key), "key");
            Assert.That(route.Detail, Is.EqualTo(c.Detail), "detail");
            Assert.That(route.VirtualHosted, Is.EqualTo(c.VirtualHosted), "virtual hosted");
        });
    }

    [Test]
    public void PutTaggingIsNeverPutObjectWhateverElseIsInTheQuery()
    {
        foreach (var target in new[] { "/b/k?tagging", "/b/k?tagging=", "/b/k?versionId=null&tagging", "/b/k?x-id=PutObjectTagging&tagging" })
        {
            foreach (var copy in new[] { false, true })
            {
                var route = S3Router.Route("PUT", H, target, copy, Domains);
                Assert.That(route.Operation, Is.EqualTo(S3Operation.PutObjectTagging), target);
            }
        }
    }

    [Test]
    public void DirectoryBucketsOperationsAreNamedByTheirSubresourceAndTheServiceByTheSigningScope()
    {
        Assert.Multiple(() =>
        {
            Assert.That(S3Router.Route("GET", H, "/d--use1-az4--x-s3?session", false, Domains).Operation, Is.EqualTo(S3Operation.CreateSession));
            Assert.That(S3Router.Route("PUT", H, "/d--use1-az4--x-s3?session", false, Domains).Operation, Is.EqualTo(S3Operation.NotImplemented), "only GET ?session is CreateSession");
            Assert.That(S3Router.Route("PUT", H, "/d--use1-az4--x-s3/new.txt?renameObject", false, Domains).Operation, Is.EqualTo(S3Operation.RenameObject));
            Assert.That(S3Router.Route("PUT", H, "/d--use1-az4--x-s3/new.txt?renameObject", true, Domains).Operation, Is.EqualTo(S3Operation.RenameObject),
                "a copy-source header does not make a rename a copy");
            Assert.That(S3Router.Route("GET", H, "/d--use1-az4--x-s3/new.txt?renameObject", false, Domains).Operation, Is.EqualTo(S3Operation.NotImplemented));
            Assert.That(S3Router.Route("GET", H, "/", false, Domains, signedForExpress: true).Operation, Is.EqualTo(S3Operation.ListDirectoryBuckets));
            Assert.That(S3Router.Route("GET", H, "/?max-directory-buckets=2", false, Domains, signedForExpress: false).Operation, Is.EqualTo(S3Operation.ListBuckets));
            Assert.That(S3Router.Route("GET", H, "/b?list-type=2", false, Domains, signedForExpress: true).Operation, Is.EqualTo(S3Operation.ListObjectsV2),
                "the scope names the operation on the service only");
        });
    }

    [TestCase("AWS4-HMAC-SHA256 Credential=AK/20261206/us-east-1/s3express/aws4_request, SignedHeaders=host, Signature=00", "", true)]
    [TestCase("AWS4-HMAC-SHA256 Credential=AK/20261206/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00", "", false)]
    [TestCase(null, "X-Amz-Credential=AK%2F20261206%2Fus-east-1%2Fs3express%2Faws4_request&X-Amz-Signature=00", true)]
    [TestCase(null, "X-Amz-Credential=AK%2F20261206%2Fus-east-1%2Fs3%2Faws4_request", false)]
    [TestCase(null, "", false)]
    public void TheSigningScopeIsReadFromTheHeaderOrTheQuery(string? authorization, string query, bool express)
    {
        Assert.That(S3Router.SignedForExpress(authorization, query), Is.EqualTo(express));
    }

    [Test]
    public void NoVirtualHostDomainsMeansPathStyle()
    {
        var route = S3Router.Route("GET", "b.localhost:9000", "/b/k", false, []);
        Assert.That((route.Bucket, route.Key, route.VirtualHosted), Is.EqualTo(("b", "k", false)));
    }

    [TestCase("/b/a%20b%2Bc?prefix=a%2Fb&x=1+2", "/b/a%20b%2Bc", "prefix=a%2Fb&x=1+2")]
    [TestCase("/b/k", "/b/k", "")]
    [TestCase("/b/k?", "/b/k", "")]
    [TestCase("/b/%E2%82%AC?uploads", "/b/%E2%82%AC", "uploads")]
    [TestCase("/b//k?a=b?c", "/b//k", "a=b?c")]
    [TestCase("/", "/", "")]
    public void RawPathAndQueryArePreservedAsSent(string target, string rawPath, string rawQuery)
    {
        var route = S3Router.Route("GET", H, target, false, Domains);
        Assert.That(route.RawPath, Is.EqualTo(rawPath));
        Assert.That(route.RawQuery, Is.EqualTo(rawQuery));
    }

    [Test]
    public void VirtualHostedRawPathIsThePathAsSent()
    {
        var route = S3Router.Route("GET", "b.localhost:9000", "/a%20b?acl", false, Domains);
        Assert.That((route.RawPath, route.RawQuery, route.Key), Is.EqualTo(("/a%20b", "acl", "a b")));
    }

    [TestCase("/", "/")]
    [TestCase("/b", "/b")]
    [TestCase("/b/", "/b")]
    [TestCase("/b/a%20b", "/b/a b")]
    [TestCase("/b/dir/", "/b/dir/")]
    [TestCase("/b//k", "/b//k")]
    public void Resource(string target, string resource)
    {
        Assert.That(S3Router.Route("GET", H, target, false, Domains).Resource, Is.EqualTo(resource));
    }

    [Test]
    public void VirtualHostedResourceNamesTheBucket()
    {
        Assert.That(S3Router.Route("GET", "b.localhost", "/k", false, Domains).Resource, Is.EqualTo("/b/k"));
        Assert.That(S3Router.Route("GET", "b.localhost", "/", false, Domains).Resource, Is.EqualTo("/b"));
    }

    [Test]
    public void QueryNamesWithoutEqualsHaveEmptyValues()
    {
        var q = S3Router.Route("GET", H, "/b?versions&prefix=a&delimiter=", false, Domains).Query;
        Assert.That(q.Pairs, Is.EqualTo(new[]
        {
            new KeyValuePair<string, string>("versions", ""),
            new KeyValuePair<string, string>("prefix", "a"),
            new KeyValuePair<string, string>("delimiter", ""),
        }));
        Assert.That(q.Has("versions"), Is.True);
        Assert.That(q.Get("versions"), Is.EqualTo(""));
        Assert.That(q.Has("marker"), Is.False);
        Assert.That(q.Get("marker"), Is.Null);
    }

    [Test]
    public void QueryDecodesPercentAndPlusAsSpace()
    {
        var q = QueryString.Parse("prefix=a+b%2Bc&delimiter=%2F&start-after=%E2%82%AC&na%20me=v");
        Assert.That(q.Get("prefix"), Is.EqualTo("a b+c"));
        Assert.That(q.Get("delimiter"), Is.EqualTo("/"));
        Assert.That(q.Get("start-after"), Is.EqualTo("€"));
        Assert.That(q.Get("na me"), Is.EqualTo("v"));
    }

    [Test]
    public void QueryKeepsRepeatedNamesInOrderAndGetReturnsTheFirst()
    {
        var q = QueryString.Parse("a=1&b=2&a=3&&a");
        Assert.That(q.Pairs.Select(p => p.Key + "=" + p.Value), Is.EqualTo(new[] { "a=1", "b=2", "a=3", "a=" }));
        Assert.That(q.Get("a"), Is.EqualTo("1"));
    }

    [Test]
    public void QueryValueMayContainEquals()
    {
        var q = QueryString.Parse("x=a=b&y==");
        Assert.That(q.Get("x"), Is.EqualTo("a=b"));
        Assert.That(q.Get("y"), Is.EqualTo("="));
    }

    [Test]
    public void EmptyQueryHasNoPairs()
    {
        Assert.That(QueryString.Parse("").Pairs, Is.Empty);
        Assert.That(QueryString.Empty.Pairs, Is.Empty);
    }

    [TestCase("", false, "")]
    [TestCase("plain", false, "plain")]
    [TestCase("a+b", false, "a+b")]
    [TestCase("a+b", true, "a b")]
    [TestCase("a%2Bb", true, "a+b")]
    [TestCase("%41%62", false, "Ab")]
    [TestCase("%4a%4A", false, "JJ")]
    [TestCase("%E2%82%AC", false, "€")]
    [TestCase("%F0%9F%98%80", false, "\U0001F600")]
    [TestCase("\U0001F600%20", false, "\U0001F600 ")]
    [TestCase("€%20", false, "€ ")]
    [TestCase("%zz", false, "%zz")]
    [TestCase("%", false, "%")]
    [TestCase("a%", false, "a%")]
    [TestCase("a%4", false, "a%4")]
    [TestCase("%4g", false, "%4g")]
    [TestCase("%%41", false, "%A")]
    [TestCase("100%25", false, "100%")]
    [TestCase("%2525", false, "%25")]
    [TestCase("%zz+%20", true, "%zz  ")]
    public void PercentDecode(string input, bool plusIsSpace, string expected)
    {
        Assert.That(QueryString.PercentDecode(input, plusIsSpace), Is.EqualTo(expected));
    }

    [TestCase("%FF")]
    [TestCase("%C0%AF")]
    [TestCase("%ED%A0%80")]
    [TestCase("%E2%82")]
    [TestCase("%F4%90%80%80")]
    public void StrictDecodingRefusesWhatIsNotUtf8(string input) => Assert.That(QueryString.PercentDecodeStrict(input), Is.Null);

    [TestCase("%E2%82%AC", "€")]
    [TestCase("plain", "plain")]
    [TestCase("%zz%41", "%zzA")]
    public void StrictDecodingKeepsWhatIs(string input, string expected) => Assert.That(QueryString.PercentDecodeStrict(input), Is.EqualTo(expected));

    [TestCase("/bkt/a%FFb")]
    [TestCase("/bkt/%C0%AF")]
    [TestCase("/bkt/%ED%A0%80")]
    [TestCase("/bkt/%C2%AE%C2%8A-")]
    public void AKeyThatIsNotUtf8OrHoldsAC1ControlIsInvalidUri(string target)
    {
        var route = S3Router.Route("GET", "127.0.0.1:9000", target, false, ["localhost"]);
        Assert.That(route.Rejection?.Code, Is.EqualTo(S3ErrorCode.InvalidURI));
    }

    [Test]
    public void TwoKeysThatDifferOnlyInInvalidBytesAreNotTheSameKey() =>
        Assert.That(S3Router.Route("GET", "h", "/bkt/a%FF", false, []).Rejection, Is.Not.Null, "would have decoded as a\uFFFD, the key of /bkt/a%FE too");
}
