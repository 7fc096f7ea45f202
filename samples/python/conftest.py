"""pytest fixtures that run the S3 gateway for a test session: copy this file into your tests.

`s3gateway --port 0 --ephemeral` binds a free port and keeps its data in a temporary folder it deletes on exit;
its first line on standard output is "S3 gateway listening on http://127.0.0.1:PORT".
Set S3GATEWAY to the command's path when it is not on PATH (dotnet tool install --global S3Gateway.Tool puts it there).
"""
import os
import queue
import shutil
import subprocess
import threading

import boto3
import pytest
from botocore.config import Config

S3GATEWAY = os.environ.get("S3GATEWAY") or shutil.which("s3gateway") or "s3gateway"
START_TIMEOUT_SECONDS = 30


def _first_line(stream, timeout):
    """The process's first line of output, or None if none came within timeout seconds."""
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None


@pytest.fixture(scope="session")
def s3_gateway():
    """The gateway's URL; the process is stopped (and its data deleted) after the session."""
    process = subprocess.Popen(
        [S3GATEWAY, "--port", "0", "--ephemeral"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = _first_line(process.stdout, START_TIMEOUT_SECONDS)
        prefix = "S3 gateway listening on "
        if not line or not line.startswith(prefix):
            raise RuntimeError(f"s3gateway did not start: first line {line!r}, exit code {process.poll()}")
        yield line[len(prefix):].strip()
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def s3(s3_gateway):
    """A boto3 S3 client for the gateway, on an empty gateway (reset before each test)."""
    subprocess.run([S3GATEWAY, "reset", "--endpoint", s3_gateway], check=True, capture_output=True, timeout=30)
    return boto3.client(
        "s3",
        endpoint_url=s3_gateway,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )
