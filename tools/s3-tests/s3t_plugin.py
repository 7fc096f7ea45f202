"""pytest plugin loaded by tools/s3-tests/run.sh (`-p s3t_plugin`); our own code, not part of s3-tests.

It writes one tab-separated line per event to the file named by $S3T_EVENTS, flushed at once so that a run that
is killed still says which test was running:

    C  <nodeid>  <markers>           collected and selected (markers comma-separated)
    D  <nodeid>  <markers>           deselected by -m / -k
    S  <nodeid>  <epoch seconds>     test started (setup begins)
    E  <nodeid>  <epoch seconds>     test finished (teardown done)
    U  <nodeid>  <bucket> <count>    incomplete multipart uploads left by an earlier test, aborted before this
                                     test's setup (see below)

Leftover uploads: s3-tests' per-test setup and teardown delete every bucket of the run's prefix, but they never
abort incomplete multipart uploads. A server that refuses to delete a bucket holding incomplete uploads then
fails the setup of every later test. The gateway no longer does (DeleteBucket aborts them, as S3 does), so this
help is off by default; S3T_ABORT_UPLOADS=1 turns it on to measure a gateway that still refuses.

The summariser joins these with the junit XML (outcomes) and with the gateway's timestamped log (which test
was running when the gateway logged an unhandled error).
"""
import os
import time

import pytest

_events = None


def _write(*fields):
    if _events is None:
        return
    _events.write("\t".join(str(f).replace("\t", " ").replace("\n", " ") for f in fields) + "\n")
    _events.flush()


def _markers(item):
    return ",".join(sorted({m.name for m in item.iter_markers()} - {"parametrize"}))


def pytest_configure(config):
    global _events
    path = os.environ.get("S3T_EVENTS")
    if path:
        _events = open(path, "a", encoding="utf-8")


def pytest_unconfigure(config):
    global _events
    if _events is not None:
        _events.close()
        _events = None


def pytest_deselected(items):
    for item in items:
        _write("D", item.nodeid, _markers(item))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    # trylast: runs after -m/-k deselection has removed items, so `items` is what will run.
    for item in items:
        _write("C", item.nodeid, _markers(item))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _write("S", item.nodeid, f"{time.time():.6f}")
    yield
    _write("E", item.nodeid, f"{time.time():.6f}")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if os.environ.get("S3T_ABORT_UPLOADS", "0") != "1":
        return
    try:
        import s3tests.functional as f
    except Exception:
        return
    if getattr(f, "prefix", None) is None:   # not configured yet: the first test, nothing left over
        return
    for get in (f.get_client, f.get_alt_client, f.get_tenant_client):
        try:
            client = get()
            for b in client.list_buckets().get("Buckets", []):
                if not b["Name"].startswith(f.prefix):
                    continue
                n = 0
                for _ in range(100):   # pages
                    page = client.list_multipart_uploads(Bucket=b["Name"])
                    for u in page.get("Uploads", []):
                        try:
                            client.abort_multipart_upload(Bucket=b["Name"], Key=u["Key"], UploadId=u["UploadId"])
                            n += 1
                        except Exception:
                            pass
                    if not page.get("IsTruncated"):
                        break
                if n:
                    _write("U", item.nodeid, f"{b['Name']} {n}")
        except Exception:
            pass
