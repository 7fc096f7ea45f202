using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Gateway.Errors;
using Storage.Faults;

namespace Gateway.Tests.Handlers;

/// <summary>Versioning through the handlers: the configuration, version ids in answers, reads and deletes by version, delete markers, the listing.</summary>
[TestFixture]
internal sealed class VersioningHandlersTests
{
    private const string Ns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
    private HandlerHarness _h = null!;

    [SetUp]
    public void SetUp()
    {
        _h = new HandlerHarness();
        _h.Storage.Buckets.Create("bkt", HandlerHarness.Account);
    }

    [TearDown]
    public void TearDown() => _h.Dispose();

    private Task Enable(string status = "Enabled") =>
        _h.Send("PUT", "/bkt?versioning", $"<VersioningConfiguration {Ns}><Status>{status}</Status></VersioningConfiguration>");

    private static Dictionary<string, string> Md5(string body) => new() { ["Content-MD5"] = Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(body))) };

    [Test]
    public async Task TheConfigurationShowsItsStatusOnceSet()
    {
        Assert.That((await _h.Send("GET", "/bkt?versioning")).BodyText, Is.EqualTo($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><VersioningConfiguration {Ns}/>"));
        await Enable();
        Assert.That((await _h.Send("GET", "/bkt?versioning")).BodyText,
            Is.EqualTo($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><VersioningConfiguration {Ns}><Status>Enabled</Status></VersioningConfiguration>"));
        await Enable("Suspended");
        Assert.That((await _h.Send("GET", "/bkt?versioning")).BodyText, Does.Contain("<Status>Suspended</Status>"));
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => Enable("Disabled"))!.Code, Is.EqualTo(S3ErrorCode.MalformedXML));
        Assert.That(Assert.ThrowsAsync<S3Exception>(() => _h.Send("PUT", "/bkt?versioning",
            "<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>"))!.Code, Is.EqualTo(S3ErrorCode.NotImplemented));
    }

    [Test]
    public async Task AnUnversionedBucketAnswersWithoutVersionIds()
    {
        var put = await _h.Send("PUT", "/bkt/k", "one");
        Assert.That(put.Header("x-amz-version-id"), Is.Null);
        Assert.That((await _h.Send("HEAD", "/bkt/k")).Header("x-amz-version-id"), Is.Null);
        var delete = await _h.Send("DELETE", "/bkt/k");
        Assert.That((delete.Header("x-amz-version-id"), delete.Header("x-amz-delete-marker")), Is.EqualTo(((string?)null, (string?)null)));
    }

    [Test]
    public async Task VersionIdsComeBackAndNameWhatIsRead()
    {
        await _h.Send("PUT", "/bkt/k", "before");
        await Enable();
        var v1 = (await _h.Send("PUT", "/bkt/k", "one")).Header("x-amz-version-id")!;
        var v2 = (await _h.Send("PUT", "/bkt/k", "two")).Header("x-amz-version-id")!;
        Assert.That(v1, Is.Not.EqualTo(v2).And.Not.EqualTo("null"));
        Assert.That((await _h.Send("HEAD", "/bkt/k")).Header("x-amz-version-id"), Is.EqualTo(v2));
        var get = await _h.Send("GET", $"/bkt/k?versionId={v1}");
        Assert.That((get.Header("x-amz-version-id"), Encoding.UTF8.GetString(await HandlerHarness.BodyOf(get))), Is.EqualTo((v1, "one")));
        var old = await _h.Send("GET", "/bkt/k?versionId=null");
        Assert.That((old.Header("x-amz-version-id"), Encoding.UTF8.GetString(await HandlerHarness.BodyOf(old))), Is.EqualTo(("null", "before")));
        Assert.That(Assert.ThrowsAsync<StorageException>(() => _h.Send("GET", "/bkt/k?versionId=nope"))!.Fault, Is.EqualTo(StorageFault.VersionNotFound));
        var empty = Assert.ThrowsAsync<S3Exception>(() => _h.Send("GET", "/bkt/k?versionId="))!;
        Assert.That((empty.Code, empty.Message), Is.EqualTo((S3ErrorCode.InvalidArgument, "Version id cannot be the empty string")));
    }

    [Test]
    public async Task DeleteMakesAMarkerThatReadsAsDeletedAndDeletingItBringsTheObjectBack()
    {
        await Enable();
        await _h.Send("PUT", "/bkt/k", "data");
        var delete = await _h.Send("DELETE", "/bkt/k");
        var marker = delete.Header("x-amz-version-id")!;
        Assert.That((delete.Status, delete.Header("x-amz-delete-marker")), Is.EqualTo((204, "true")));
        var gone = FaultMap.ToS3(Assert.ThrowsAsync<StorageException>(() => _h.Send("GET", "/bkt/k"))!);
        Assert.That(gone.Code, Is.EqualTo(S3ErrorCode.NoSuchKey));
        Assert.That(gone.ResponseHeaders, Does.Contain(new KeyValuePair<string, string>("x-amz-version-id", marker)));
        var asVersion = FaultMap.ToS3(Assert.ThrowsAsync<StorageException>(() => _h.Send("HEAD", $"/bkt/k?versionId={marker}"))!);
        Assert.That(asVersion.Code, Is.EqualTo(S3ErrorCode.MethodNotAllowed));
        var undo = await _h.Send("DELETE", $"/bkt/k?versionId={marker}");
        Assert.That((undo.Header("x-amz-version-id"), undo.Header("x-amz-delete-marker")), Is.EqualTo((marker, "true")));
        Assert.That((await _h.Send("HEAD", "/bkt/k")).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task DeleteObjectsReportsMarkersAndVersions()
    {
        await Enable();
        var v1 = (await _h.Send("PUT", "/bkt/a", "a")).Header("x-amz-version-id")!;
        await _h.Send("PUT", "/bkt/b", "b");
        var body = $"<Delete><Object><Key>a</Key><VersionId>{v1}</VersionId></Object><Object><Key>b</Key></Object></Delete>";
        var r = await _h.Send("POST", "/bkt?delete", body, Md5(body));
        var doc = XDocument.Parse(r.BodyText);
        var deleted = doc.Root!.Elements().Select(e => string.Join("|", e.Elements().Select(x => x.Name.LocalName + "=" + (x.Name.LocalName == "DeleteMarkerVersionId" ? "id" : x.Value)))).ToList();
        Assert.That(deleted, Is.EqualTo(new[] { $"Key=a|VersionId={v1}", "Key=b|DeleteMarker=true|DeleteMarkerVersionId=id" }));
    }

    [Test]
    public async Task TheListingShowsVersionsAndMarkersNewestFirst()
    {
        await Enable();
        var v1 = (await _h.Send("PUT", "/bkt/k", "12345")).Header("x-amz-version-id")!;
        var marker = (await _h.Send("DELETE", "/bkt/k")).Header("x-amz-version-id")!;
        var list = await _h.Send("GET", "/bkt?versions");
        var lastModified = System.Text.RegularExpressions.Regex.Matches(list.BodyText, "<LastModified>([^<]*)</LastModified>").Select(m => m.Groups[1].Value).ToList();
        var owner = "<Owner><ID>" + Gateway.Access.Accounts.CanonicalId(HandlerHarness.Account) + "</ID><DisplayName>" + HandlerHarness.Account + "</DisplayName></Owner>";
        Assert.That(list.BodyText, Is.EqualTo(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListVersionsResult {Ns}><Name>bkt</Name><Prefix></Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker>" +
            "<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>" +
            $"<DeleteMarker><Key>k</Key><VersionId>{marker}</VersionId><IsLatest>true</IsLatest><LastModified>{lastModified[0]}</LastModified>{owner}</DeleteMarker>" +
            $"<Version><Key>k</Key><VersionId>{v1}</VersionId><IsLatest>false</IsLatest><LastModified>{lastModified[1]}</LastModified>" +
            "<ETag>&quot;827ccb0eea8a706c4c34a16891f84e7b&quot;</ETag><ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>" +
            $"<Size>5</Size><StorageClass>STANDARD</StorageClass>{owner}</Version></ListVersionsResult>"));
        Assert.That((await _h.Send("GET", "/bkt?list-type=2")).BodyText, Does.Not.Contain("<Contents>"), "a deleted key is not listed");
    }
}
