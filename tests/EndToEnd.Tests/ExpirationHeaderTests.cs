namespace EndToEnd.Tests;

/// <summary>x-amz-expiration on PutObject, HeadObject and GetObject where a lifecycle Expiration rule applies, as boto3 reads it.</summary>
public sealed class ExpirationHeaderTests
{
    [Test]
    public async Task Boto3_sees_when_and_by_which_rule_an_object_expires()
    {
        var home = TempDir.Create("expiration-home");
        try
        {
            await Boto3.AssertPassesAsync("""
                import datetime, email.utils, re, boto3
                s3 = boto3.client("s3")
                s3.create_bucket(Bucket="expiry-bucket")
                s3.put_bucket_lifecycle_configuration(Bucket="expiry-bucket", LifecycleConfiguration={"Rules": [
                    {"ID": "logs-rule", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 3}},
                    {"ID": "big-rule", "Status": "Enabled", "Filter": {"ObjectSizeGreaterThan": 1000}, "Expiration": {"Days": 10}},
                    {"ID": "off", "Status": "Disabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 1}}]})
                put = s3.put_object(Bucket="expiry-bucket", Key="logs/a.txt", Body=b"x")
                m = re.fullmatch(r'expiry-date="([^"]+)", rule-id="logs-rule"', put["Expiration"])
                assert m, put["Expiration"]
                when = email.utils.parsedate_to_datetime(m.group(1))
                made = s3.head_object(Bucket="expiry-bucket", Key="logs/a.txt")["LastModified"]
                # S3's rounding: creation plus the days, up to the next midnight UTC.
                assert when.time() == datetime.time(0) and datetime.timedelta(days=3) <= when - made < datetime.timedelta(days=4), (when, made)
                assert s3.head_object(Bucket="expiry-bucket", Key="logs/a.txt")["Expiration"] == put["Expiration"]
                assert s3.get_object(Bucket="expiry-bucket", Key="logs/a.txt")["Expiration"] == put["Expiration"]
                assert 'rule-id="big-rule"' in s3.put_object(Bucket="expiry-bucket", Key="data/big.bin", Body=b"y" * 2000)["Expiration"]
                assert "Expiration" not in s3.put_object(Bucket="expiry-bucket", Key="data/small.bin", Body=b"z")
                print("expiry-ok")
                """, "expiry-ok", SharedGateway.Instance, home);
        }
        finally
        {
            TempDir.TryDelete(home);
        }
    }
}
