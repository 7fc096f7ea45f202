#!/usr/bin/env python3
"""One compare workload through boto3 with its default settings (Bench compare --client boto3 runs this).

usage: boto3_workload.py WORKLOAD ENDPOINT KEY DATAFILE EXPECTED_SHA256
The bytes come from DATAFILE (the bench's generated object), so every endpoint gets the same ones; a download is
checked against EXPECTED_SHA256. Prints one JSON line: {"seconds": ..., "bytes": ..., "requests": ..., "detail": ...}.
"""
import hashlib
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

GIB = 1 << 30


def client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                        region_name="us-east-1", config=Config(max_pool_connections=16, s3={"addressing_style": "path"}))


def multipart(s3, key, data, part_size, in_flight):
    upload = s3.create_multipart_upload(Bucket="bench", Key=key)["UploadId"]

    def part(i):
        with open(data, "rb") as f:
            f.seek(i * part_size)
            body = f.read(part_size)
        return {"PartNumber": i + 1, "ETag": s3.upload_part(Bucket="bench", Key=key, UploadId=upload, PartNumber=i + 1, Body=body)["ETag"]}

    with ThreadPoolExecutor(in_flight) as pool:
        parts = list(pool.map(part, range(GIB // part_size)))
    s3.complete_multipart_upload(Bucket="bench", Key=key, UploadId=upload, MultipartUpload={"Parts": parts})


def main():
    workload, endpoint, key, data, expected = sys.argv[1:6]
    s3 = client(endpoint)
    detail = ""
    start = time.perf_counter()
    if workload in ("mp64x4", "mp8x1"):
        multipart(s3, key, data, (64 if workload == "mp64x4" else 8) << 20, 4 if workload == "mp64x4" else 1)
        moved, requests = GIB, 0
    elif workload == "get":
        body = s3.get_object(Bucket="bench", Key=key)["Body"]
        digest = hashlib.sha256()
        moved = 0
        for chunk in iter(lambda: body.read(1 << 20), b""):
            digest.update(chunk)
            moved += len(chunk)
        if moved != GIB or digest.hexdigest() != expected:
            raise SystemExit(f"GET {key}: {moved} bytes, sha256 {digest.hexdigest()} (expected {expected})")
        requests = 0
    elif workload == "put4k":
        with open(data, "rb") as f:
            small = f.read(4096)
        latencies = []

        def put(i):
            t = time.perf_counter()
            s3.put_object(Bucket="bench", Key=f"{key}/{i:05d}", Body=small)
            latencies.append((time.perf_counter() - t) * 1000)

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(put, range(2000)))
        latencies.sort()
        detail = f"PUT median {latencies[len(latencies) // 2]:.2f} ms, p99 {latencies[int(len(latencies) * 0.99)]:.2f} ms"
        moved, requests = 0, 2000
    else:
        raise SystemExit(f"unknown workload {workload}")
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "bytes": moved, "requests": requests, "detail": detail}))


if __name__ == "__main__":
    main()
