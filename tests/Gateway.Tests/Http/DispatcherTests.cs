using Gateway.Http;
using Gateway.Routing;
using Storage.Usage;

namespace Gateway.Tests.Http;

/// <summary>Dispatcher.Classify: S3's billing class of every operation.</summary>
[TestFixture]
internal sealed class DispatcherTests
{
    /// <summary>Every operation's billing class, written out: an operation added without a row here fails the coverage test.</summary>
    private static readonly Dictionary<S3Operation, RequestClass> Classes = new()
    {
        [S3Operation.ListBuckets] = RequestClass.WriteOrList,
        [S3Operation.CreateBucket] = RequestClass.WriteOrList,
        [S3Operation.HeadBucket] = RequestClass.Read,
        [S3Operation.DeleteBucket] = RequestClass.Other,
        [S3Operation.GetBucketLocation] = RequestClass.Read,
        [S3Operation.GetBucketVersioning] = RequestClass.Read,
        [S3Operation.GetBucketAcl] = RequestClass.Read,
        [S3Operation.CreateSession] = RequestClass.Read,
        [S3Operation.ListDirectoryBuckets] = RequestClass.WriteOrList,
        [S3Operation.RenameObject] = RequestClass.WriteOrList,
        [S3Operation.PutBucketAcl] = RequestClass.WriteOrList,
        [S3Operation.ListObjects] = RequestClass.WriteOrList,
        [S3Operation.ListObjectsV2] = RequestClass.WriteOrList,
        [S3Operation.ListObjectVersions] = RequestClass.WriteOrList,
        [S3Operation.DeleteObjects] = RequestClass.WriteOrList,
        [S3Operation.PostObject] = RequestClass.WriteOrList,
        [S3Operation.PutObject] = RequestClass.WriteOrList,
        [S3Operation.CopyObject] = RequestClass.WriteOrList,
        [S3Operation.GetObject] = RequestClass.Read,
        [S3Operation.HeadObject] = RequestClass.Read,
        [S3Operation.DeleteObject] = RequestClass.Other,
        [S3Operation.GetObjectAcl] = RequestClass.Read,
        [S3Operation.PutObjectAcl] = RequestClass.WriteOrList,
        [S3Operation.CreateMultipartUpload] = RequestClass.WriteOrList,
        [S3Operation.UploadPart] = RequestClass.WriteOrList,
        [S3Operation.UploadPartCopy] = RequestClass.WriteOrList,
        [S3Operation.ListParts] = RequestClass.WriteOrList,
        [S3Operation.ListMultipartUploads] = RequestClass.WriteOrList,
        [S3Operation.CompleteMultipartUpload] = RequestClass.WriteOrList,
        [S3Operation.AbortMultipartUpload] = RequestClass.Other,
        [S3Operation.GetObjectAttributes] = RequestClass.Read,
        [S3Operation.GetBucketLifecycle] = RequestClass.Read,
        [S3Operation.PutBucketLifecycle] = RequestClass.WriteOrList,
        [S3Operation.DeleteBucketLifecycle] = RequestClass.Other,
        [S3Operation.GetBucketTagging] = RequestClass.Read,
        [S3Operation.PutBucketVersioning] = RequestClass.WriteOrList,
        [S3Operation.GetBucketCors] = RequestClass.Read,
        [S3Operation.PutBucketCors] = RequestClass.WriteOrList,
        [S3Operation.DeleteBucketCors] = RequestClass.Other,
        [S3Operation.GetBucketPolicy] = RequestClass.Read,
        [S3Operation.PutBucketPolicy] = RequestClass.WriteOrList,
        [S3Operation.DeleteBucketPolicy] = RequestClass.Other,
        [S3Operation.GetBucketPolicyStatus] = RequestClass.Read,
        [S3Operation.GetBucketOwnershipControls] = RequestClass.Read,
        [S3Operation.PutBucketOwnershipControls] = RequestClass.WriteOrList,
        [S3Operation.DeleteBucketOwnershipControls] = RequestClass.Other,
        [S3Operation.GetPublicAccessBlock] = RequestClass.Read,
        [S3Operation.PutPublicAccessBlock] = RequestClass.WriteOrList,
        [S3Operation.DeletePublicAccessBlock] = RequestClass.Other,
        [S3Operation.GetBucketEncryption] = RequestClass.Read,
        [S3Operation.PutBucketEncryption] = RequestClass.WriteOrList,
        [S3Operation.DeleteBucketEncryption] = RequestClass.Other,
        [S3Operation.GetObjectLockConfiguration] = RequestClass.Read,
        [S3Operation.PutObjectLockConfiguration] = RequestClass.WriteOrList,
        [S3Operation.GetObjectRetention] = RequestClass.Read,
        [S3Operation.PutObjectRetention] = RequestClass.WriteOrList,
        [S3Operation.GetObjectLegalHold] = RequestClass.Read,
        [S3Operation.PutObjectLegalHold] = RequestClass.WriteOrList,
        [S3Operation.PutBucketTagging] = RequestClass.WriteOrList,
        [S3Operation.DeleteBucketTagging] = RequestClass.Other,
        [S3Operation.GetObjectTagging] = RequestClass.Read,
        [S3Operation.PutObjectTagging] = RequestClass.WriteOrList,
        [S3Operation.DeleteObjectTagging] = RequestClass.Other,
        [S3Operation.NotImplemented] = RequestClass.Other,
    };

    [Test]
    public void EveryOperationHasTheBillingClassWrittenHere()
    {
        Assert.That(Classes.Keys, Is.EquivalentTo(Enum.GetValues<S3Operation>()), "the table names every operation");
        Assert.Multiple(() =>
        {
            foreach (var (op, expected) in Classes)
            {
                Assert.That(Dispatcher.Classify(op), Is.EqualTo(expected), op.ToString());
            }
        });
    }

    [TestCase(S3Operation.PutObject, RequestClass.WriteOrList)]
    [TestCase(S3Operation.CopyObject, RequestClass.WriteOrList)]
    [TestCase(S3Operation.UploadPart, RequestClass.WriteOrList)]
    [TestCase(S3Operation.CompleteMultipartUpload, RequestClass.WriteOrList)]
    [TestCase(S3Operation.ListObjectsV2, RequestClass.WriteOrList)]
    [TestCase(S3Operation.ListBuckets, RequestClass.WriteOrList)]
    [TestCase(S3Operation.GetObject, RequestClass.Read)]
    [TestCase(S3Operation.HeadObject, RequestClass.Read)]
    [TestCase(S3Operation.HeadBucket, RequestClass.Read)]
    [TestCase(S3Operation.GetBucketLifecycle, RequestClass.Read)]
    [TestCase(S3Operation.DeleteObject, RequestClass.Other)]
    [TestCase(S3Operation.DeleteBucket, RequestClass.Other)]
    [TestCase(S3Operation.AbortMultipartUpload, RequestClass.Other)]
    [TestCase(S3Operation.NotImplemented, RequestClass.Other)]
    public void ClassifySpotChecks(S3Operation op, RequestClass expected) => Assert.That(Dispatcher.Classify(op), Is.EqualTo(expected));
}
