"""Tests written as a user would write them against S3, run against the gateway the conftest.py fixture starts."""
import io

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError


def test_put_and_get(s3):
    s3.create_bucket(Bucket="photos")
    s3.put_object(Bucket="photos", Key="cat.txt", Body=b"meow")
    assert s3.get_object(Bucket="photos", Key="cat.txt")["Body"].read() == b"meow"


def test_each_test_starts_empty(s3):
    assert s3.list_buckets()["Buckets"] == []
    s3.create_bucket(Bucket="left-behind")


def test_multipart_upload_with_the_transfer_manager(s3):
    s3.create_bucket(Bucket="videos")
    data = bytes(range(256)) * (48 * 1024)  # 12 MiB
    config = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
    s3.upload_fileobj(io.BytesIO(data), "videos", "clip.bin", Config=config)
    head = s3.head_object(Bucket="videos", Key="clip.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-3"')
    assert s3.get_object(Bucket="videos", Key="clip.bin")["Body"].read() == data


def test_a_missing_key_is_s3s_no_such_key(s3):
    s3.create_bucket(Bucket="empty")
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket="empty", Key="nothing")
    assert error.value.response["Error"]["Code"] == "NoSuchKey"
