#!/usr/bin/python3
"""Summarise one s3-tests run (tools/s3-tests/run.sh calls this; our own code, not part of s3-tests).

Inputs: pytest's junit XML (outcomes and failure messages), the event file written by s3t_plugin.py (markers,
start and end time of every test), and optionally the gateway's log with every line prefixed by its epoch time
(which test was running when the gateway logged an unhandled error).

Outputs, in --out:
  results.tsv         one row per test: test, family, outcome, fails_on_aws, seconds, markers, message
  summary.md          the per-family table, the total, fails_on_aws tests alone, the slowest tests
  failures.md         failure reasons grouped (error code and operation, or assertion), most common first
  gateway-errors.md   errors the gateway logged (Unhandled error, fail/crit entries) with the test running then
The family table and the total line are printed to stdout as well.

    summarise.py --junit J --events E [--gateway-log L] [--gateway-exit X] [--meta M] --out DIR
"""
import argparse
import collections
import html
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

# ---------------------------------------------------------------------------------------------------------------
# Families. The first rule that matches wins, so specific features (encryption, versioning, ACLs...) come before
# the basic operations they use (objects, copy, multipart). A rule matches when the test name (without its
# [parameters]) matches `pattern` (re.search), or when the test carries one of `markers`.
# ---------------------------------------------------------------------------------------------------------------
FAMILY_RULES = [
    # family             name pattern                                                       markers
    ("lifecycle",         r"lifecycle|^test_restore_|^test_read_through",                   {"lifecycle", "lifecycle_expiration", "lifecycle_transition", "cloud_transition", "cloud_restore"}),
    ("bucket logging",    r"bucket_logging",                                                {"bucket_logging", "bucket_logging_cleanup"}),
    ("bucket policy",     r"^test_bucketv?2?_policy|_policy_status$",                       set()),
    ("encryption",        r"sse_|encrypt|_enc$|kms",                                        {"encryption", "sse_s3", "bucket_encryption"}),
    ("POST",              r"^test_post_object",                                             set()),
    ("public access block", r"public_block|block_public|ignore_public_acls",               set()),
    ("bucket policy",     r"policy",                                                        {"bucket_policy"}),
    ("object lock",       r"object_lock",                                                   {"object_lock"}),
    ("ownership controls", r"ownership",                                                    {"object_ownership"}),
    ("delete markers",    r"delete_marker|delete_merkers",                                  {"delete_marker"}),
    ("versioning",        r"versioning|versioned",                                          {"versioning"}),
    ("tagging",           r"tagging|(^|_)tags?(_|$)",                                       {"tagging"}),
    ("CORS",              r"cors",                                                          set()),
    # raw/anonymous: unsigned requests (boto3 UNSIGNED client, plain `requests`) and ACL-opened access to them;
    # the presigned-URL expiry tests among test_object_raw_* belong to auth.
    ("raw/anonymous",     r"^test_object_raw_(?!get_x_amz_expires|put_authenticated_expired)|anonymous|_anon_", set()),
    ("ACL",               r"acl|grant|^test_access_bucket_",                                set()),
    ("conditional",       r"if_?match|if_?none_?match|ifnonematch|ifnonmatch|if_?modified_?since|if_?unmodified_?since|conditional", {"conditional_write"}),
    ("checksums",         r"checksum|cksum|_md5",                                           {"checksum"}),
    ("auth",              r"_aws2$|authorization|bad_auth|invalid_auth|presigned|x_amz_expires|put_authenticated_expired|signature|amz_date|bad_access_key|bad_ua_", {"auth_aws2", "auth_aws4"}),
    ("copy",              r"copy",                                                          {"copy"}),
    ("multipart",         r"multipart|upload_part|_get_part$|^test_abort_multipart",        set()),
    ("objects",           r"^test_multi_objectv?2?_delete",                                 set()),   # DeleteObjects (has list_objects_v2)
    ("bucket",            r"^test_expected_bucket_owner",                                   set()),   # (has list_objects_v2)
    ("listing",           r"list|prefix|delimiter|marker|key_count|maxkeys|continuationtoken|startafter|fetchowner|encoding_basic", {"list_objects_v2"}),
    ("bucket",            r"^test_buckets?_|^test_bucketv2_|^test_head_bucket|^test_account_usage",  set()),
    ("objects",           r"object|^test_ranged_|^test_atomic_|^test_100_continue|metadata|^test_(get|put|head|delete)_", set()),
]
FAMILY_ORDER = [
    "listing", "objects", "multipart", "copy", "checksums", "auth", "raw/anonymous", "conditional", "POST",
    "versioning", "delete markers", "object lock", "tagging", "ACL", "bucket policy", "CORS", "encryption",
    "ownership controls", "public access block", "lifecycle", "bucket logging", "bucket", "other",
]
_COMPILED = [(fam, re.compile(pat), marks) for fam, pat, marks in FAMILY_RULES]


def family_of(name, markers):
    base = name.split("[", 1)[0]
    for fam, rx, marks in _COMPILED:
        if rx.search(base) or (marks & markers):
            return fam
    return "other"


# ---------------------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------------------
def nodeid_of(classname, name):
    # junit classname "s3tests.functional.test_s3" -> "s3tests/functional/test_s3.py"
    return classname.replace(".", "/") + ".py::" + name


def read_events(path):
    """markers, start, end, deselected by nodeid; `leftovers`: (nodeid of the test whose setup found them,
    the test that ran before it, bucket and count) for incomplete uploads the plugin aborted."""
    markers, start, end, deselected, leftovers = {}, {}, {}, {}, []
    last_started = ""
    if not path or not os.path.exists(path):
        return markers, start, end, deselected, leftovers
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            kind, nodeid = parts[0], parts[1]
            value = parts[2] if len(parts) > 2 else ""
            if kind == "C":
                markers[nodeid] = set(filter(None, value.split(",")))
            elif kind == "D":
                deselected[nodeid] = set(filter(None, value.split(",")))
            elif kind == "S":
                if nodeid != last_started:
                    previous, last_started = last_started, nodeid
                start[nodeid] = float(value)
            elif kind == "U":
                leftovers.append((nodeid, previous, value))
            elif kind == "E":
                end[nodeid] = float(value)
    return markers, start, end, deselected, leftovers


def first_line(message):
    """The first meaningful line of a failure message (botocore's ParamValidationError puts its reason on
    the second line, after 'Parameter validation failed:')."""
    lines = [l.strip() for l in (message or "").splitlines() if l.strip()]
    if not lines:
        return ""
    line = lines[0]
    if line.endswith(":") and len(lines) > 1:
        line = line + " " + lines[1]
    return line[:400]


def read_junit(path):
    """nodeid -> dict(outcome, message, seconds). A test whose call failed and whose teardown also errored is
    'failed'; one that passed but errored in setup or teardown is 'errored'."""
    results = {}
    if not path or not os.path.exists(path):
        return results
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        if not case.get("name"):   # the partial record of a test interrupted by Ctrl-C
            continue
        nodeid = nodeid_of(case.get("classname", ""), case.get("name", ""))
        failure, error, skipped = case.find("failure"), case.find("error"), case.find("skipped")
        if failure is not None:
            outcome, el = "failed", failure
        elif error is not None:
            outcome, el = "errored", error
        elif skipped is not None:
            outcome, el = "skipped", skipped
        else:
            outcome, el = "passed", None
        message = ""
        if el is not None:
            message = el.get("message") or (el.text or "")
            if outcome == "errored":
                # pytest: 'failed on teardown with "botocore...ClientError: ..."'
                m = re.match(r'failed on (setup|teardown) with "(.*)', message, re.S)
                if m:
                    message = f"[{m.group(1)}] " + m.group(2).rstrip('"')
        results[nodeid] = {"outcome": outcome, "message": first_line(message), "seconds": float(case.get("time") or 0)}
        if failure is not None and error is not None:
            results[nodeid]["message"] += "  (and a teardown error: " + first_line(error.get("message", ""))[:120] + ")"
    return results


# ---------------------------------------------------------------------------------------------------------------
# Failure reasons
# ---------------------------------------------------------------------------------------------------------------
_CLIENT_ERROR = re.compile(r"An error occurred \(([^)]*)\) when calling the (\w+) operation")


def reason_of(message):
    """A grouping key: 'ClientError <Code> (<Operation>)' for S3 errors, the normalised assertion otherwise."""
    m = _CLIENT_ERROR.search(message)
    if m:
        return f"ClientError {m.group(1)} ({m.group(2)})"
    m = re.search(r'ParamValidationError: .*?(Unknown parameter in [^:]*: "[^"]+")', message)
    if m:   # the client (botocore) does not know a parameter the test passes: nothing was sent
        return "botocore ParamValidationError: " + m.group(1)
    msg = message
    msg = re.sub(r"^\[(setup|teardown)\] ", r"[\1] ", msg)
    msg = re.sub(r"^(AssertionError|E\s+AssertionError):\s*", "", msg)
    msg = re.sub(r"s3t-[a-z0-9]+-\d+", "<bucket>", msg)          # our bucket names
    msg = re.sub(r"\b[0-9a-f]{16,}\b", "<hex>", msg)              # ETags, ids
    msg = re.sub(r"\b(?=[A-Za-z0-9+/]*[0-9+/])[A-Za-z0-9+/]{22,}={0,2}", "<b64>", msg)   # base64 checksums
    msg = re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?", "<time>", msg)
    msg = re.sub(r"object at 0x[0-9a-f]+", "object", msg)
    msg = re.sub(r"'(?:[^'\\]|\\.){120,}'", "'<long string>'", msg)
    return msg[:200]


# ---------------------------------------------------------------------------------------------------------------
# Gateway log
# ---------------------------------------------------------------------------------------------------------------
_LOG_HEADER = re.compile(r"^(trce|dbug|info|warn|fail|crit): (\S+)\[(\d+)\]")


def read_gateway_log(path):
    """Entries of the .NET console log whose level is fail/crit or that mention 'Unhandled error'.
    Each line of the file is '<epoch> <text>'."""
    entries, current = [], None
    if not path or not os.path.exists(path):
        return entries
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            raw = raw.rstrip("\n")
            ts, _, text = raw.partition(" ")
            try:
                t = float(ts)
            except ValueError:
                t, text = None, raw
            header = _LOG_HEADER.match(text)
            if header:
                current = {"time": t, "level": header.group(1), "category": header.group(2), "lines": []}
                entries.append(current)
            elif current is not None:
                current["lines"].append(text.strip())
            else:
                entries.append({"time": t, "level": "raw", "category": "", "lines": [text.strip()]})
    keep = []
    for e in entries:
        body = " ".join(e["lines"])
        if e["level"] in ("fail", "crit") or "Unhandled error" in body or "Unhandled exception" in body:
            keep.append(e)
    return keep


def test_at(t, spans):
    """The test running at epoch time t (spans: sorted list of (start, end, nodeid)); else the last one started."""
    if t is None:
        return ""
    best = ""
    for s, e, nodeid in spans:
        if s <= t <= (e if e is not None else float("inf")):
            return nodeid
        if s <= t:
            best = nodeid + " (after it ended)"
    return best


def describe_entry(e):
    lines = e["lines"]
    what = lines[0] if lines else ""
    exc = next((l for l in lines[1:] if re.match(r"^[\w.]+(Exception|Error)\b", l)), "")
    frame = next((l for l in lines if l.startswith("at ") and ("Gateway." in l or "Storage." in l)), "")
    return what, exc, frame


# ---------------------------------------------------------------------------------------------------------------
def md_escape(s):
    return s.replace("|", "\\|")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--junit", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--gateway-log")
    ap.add_argument("--gateway-exit")
    ap.add_argument("--meta")
    ap.add_argument("--out", required=True)
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()

    markers, start, end, deselected, leftovers = read_events(args.events)
    junit = read_junit(args.junit)
    meta = {}
    if args.meta and os.path.exists(args.meta):
        with open(args.meta) as f:
            meta = json.load(f)

    # Every selected test; one that started but never finished (the run was killed) counts as errored.
    nodeids = list(dict.fromkeys(list(markers) + list(junit)))
    rows = []
    for nodeid in nodeids:
        name = nodeid.split("::", 1)[-1]
        mk = markers.get(nodeid, set())
        r = junit.get(nodeid)
        if r is None:
            if nodeid in start:
                r = {"outcome": "errored", "message": "HUNG: started, no result (the run was interrupted or killed during it)",
                     "seconds": end.get(nodeid, start[nodeid]) - start[nodeid]}
            else:
                r = {"outcome": "not run", "message": "collected but never started (the run stopped early)", "seconds": 0.0}
        rows.append({
            "test": name, "nodeid": nodeid, "family": family_of(name, mk), "outcome": r["outcome"],
            "fails_on_aws": "fails_on_aws" in mk, "seconds": r["seconds"], "markers": ",".join(sorted(mk)),
            "message": r["message"],
        })

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.tsv"), "w", encoding="utf-8") as f:
        f.write("test\tfamily\toutcome\tfails_on_aws\tseconds\tmarkers\tmessage\n")
        for r in sorted(rows, key=lambda r: (FAMILY_ORDER.index(r["family"]), r["test"])):
            f.write("\t".join([r["test"], r["family"], r["outcome"], "yes" if r["fails_on_aws"] else "",
                               f"{r['seconds']:.2f}", r["markers"], r["message"].replace("\t", " ")]) + "\n")

    # ---- the family table
    outcomes = ("passed", "failed", "errored", "skipped")
    by_family = collections.OrderedDict((fam, collections.Counter()) for fam in FAMILY_ORDER)
    aws_only = collections.OrderedDict((fam, collections.Counter()) for fam in FAMILY_ORDER)
    not_run = sum(r["outcome"] == "not run" for r in rows)
    for r in rows:
        if r["outcome"] == "not run":
            continue
        by_family[r["family"]][r["outcome"]] += 1
        by_family[r["family"]]["total"] += 1
        if r["fails_on_aws"]:
            by_family[r["family"]]["aws"] += 1
            aws_only[r["family"]][r["outcome"]] += 1
            aws_only[r["family"]]["total"] += 1
    total = collections.Counter()
    for c in by_family.values():
        total.update(c)

    def table(counters, with_aws):
        head = "| family | passed | failed | errored | skipped | total |" + (" of which fails_on_aws |" if with_aws else "")
        sep = "|---|---:|---:|---:|---:|---:|" + ("---:|" if with_aws else "")
        out = [head, sep]
        grand = collections.Counter()
        for fam, c in counters.items():
            if not c["total"]:
                continue
            grand.update(c)
            out.append(f"| {fam} | " + " | ".join(str(c[o]) for o in outcomes) + f" | {c['total']} |"
                       + (f" {c['aws']} |" if with_aws else ""))
        out.append("| **total** | " + " | ".join(f"**{grand[o]}**" for o in outcomes) + f" | **{grand['total']}** |"
                   + (f" **{grand['aws']}** |" if with_aws else ""))
        return out

    non_aws = collections.Counter({o: total[o] - sum(c[o] for c in aws_only.values()) for o in outcomes})
    non_aws_total = total["total"] - total["aws"]
    total_line = (f"TOTAL: {total['passed']} passed, {total['failed']} failed, {total['errored']} errored, "
                  f"{total['skipped']} skipped of {total['total']} run ({len(deselected)} deselected by markers"
                  + (f"; {not_run} NOT RUN, the run stopped early" if not_run else "") + "); "
                  f"without fails_on_aws tests: {non_aws['passed']} passed of {non_aws_total}")

    # ---- failure groups
    groups = collections.OrderedDict()
    for r in rows:
        if r["outcome"] in ("failed", "errored"):
            groups.setdefault(reason_of(r["message"]), []).append(r)
    ranked = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    focus = ["listing", "objects", "multipart", "copy", "checksums", "auth", "conditional", "POST", "bucket"]

    def examples(rs, n=6):
        # focus families first, one per family before repeating
        seen, picked = set(), []
        for pass_ in (0, 1):
            for r in sorted(rs, key=lambda r: (r["family"] not in focus, FAMILY_ORDER.index(r["family"]), r["test"])):
                if len(picked) >= n:
                    break
                if r in picked or (pass_ == 0 and r["family"] in seen):
                    continue
                seen.add(r["family"])
                picked.append(r)
        return picked

    fail_md = ["# Failure reasons, most common first", "",
               f"{sum(len(v) for v in groups.values())} failed or errored tests in {len(groups)} groups. "
               "A group is the S3 error code and operation of a botocore ClientError, or the normalised "
               "assertion / exception line.", ""]
    for i, (reason, rs) in enumerate(ranked[: args.top], 1):
        fams = collections.Counter(r["family"] for r in rs)
        fail_md.append(f"## {i}. `{reason}` — {len(rs)} tests")
        fail_md.append("families: " + ", ".join(f"{f} {n}" for f, n in fams.most_common()))
        for r in examples(rs):
            fail_md.append(f"- {r['test']} ({r['family']}{', fails_on_aws' if r['fails_on_aws'] else ''})")
        fail_md.append("")
    if len(ranked) > args.top:
        rest = ranked[args.top:]
        fail_md.append(f"... and {len(rest)} more groups covering {sum(len(v) for _, v in rest)} tests (see results.tsv).")
    with open(os.path.join(args.out, "failures.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(fail_md) + "\n")

    # ---- gateway errors
    spans = sorted((start[n], end.get(n), n) for n in start)
    gw_md = ["# Errors the gateway logged", ""]
    entries = read_gateway_log(args.gateway_log)
    if not args.gateway_log:
        gw_md.append("No gateway log (the gateway was not started by run.sh and no --gateway-log was given).")
    elif not entries:
        gw_md.append("None: no 'Unhandled error' and no fail/crit entries in the gateway log.")
    else:
        distinct = collections.OrderedDict()
        for e in entries:
            what, exc, frame = describe_entry(e)
            key = (re.sub(r"\(request \w+\)", "", re.sub(r"s3t-[a-z0-9]+-\d+", "<bucket>", what)).strip(), exc, frame)
            distinct.setdefault(key, set()).add(test_at(e["time"], spans).split("::", 1)[-1])
        gw_md.append(f"{len(entries)} entries ({len(distinct)} distinct; botocore retries a 500 up to 4 times, so "
                     "one failing request usually logs 5). Test = the test running at the entry's time.")
        gw_md.append("")
        gw_md.append("| message | exception | first gateway frame | tests |")
        gw_md.append("|---|---|---|---|")
        for (what, exc, frame), tests in distinct.items():
            gw_md.append(f"| {md_escape(what[:200])} | {md_escape(exc[:200])} | {md_escape(frame[:200])} | {md_escape(', '.join(sorted(tests)))} |")
        gw_md += ["", "All entries:", ""]
        gw_md.append("| time | test | message | exception | first gateway frame |")
        gw_md.append("|---|---|---|---|---|")
        for e in entries:
            what, exc, frame = describe_entry(e)
            t = test_at(e["time"], spans).split("::", 1)[-1]
            stamp = f"{e['time']:.3f}" if e["time"] else ""
            gw_md.append(f"| {stamp} | {md_escape(t)} | {md_escape(what[:200])} | {md_escape(exc[:200])} | {md_escape(frame[:160])} |")
    exit_note = ""
    if args.gateway_exit and os.path.exists(args.gateway_exit):
        with open(args.gateway_exit) as f:
            parts = f.read().split()
        if parts and parts[0] != "stopped":
            rc, t = parts[0], float(parts[1]) if len(parts) > 1 else None
            exit_note = f"GATEWAY EXITED during the run with status {rc} while running: {test_at(t, spans) or '?'}"
            gw_md += ["", "**" + exit_note + "**"]
    with open(os.path.join(args.out, "gateway-errors.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(gw_md) + "\n")

    # ---- summary
    hung = [r for r in rows if "Timeout >" in r["message"] or r["message"].startswith("HUNG")]
    slow = sorted(rows, key=lambda r: -r["seconds"])[:10]
    summ = ["# s3-tests against the gateway", ""]
    for k in ("gateway", "s3tests", "s3tests_commit", "markers", "timeout", "started", "duration_seconds"):
        if k in meta:
            summ.append(f"- {k}: `{meta[k]}`")
    summ += ["", *table(by_family, True), "", total_line, "",
             "errored = failed in setup or teardown without failing in the test body (here: mostly a teardown "
             "that could not delete a bucket); a test whose body failed is 'failed' even if its teardown also "
             "errored. 'of which fails_on_aws' counts the family's tests marked fails_on_aws, whatever their outcome.", ""]
    summ += ["## fails_on_aws tests only", "", *table(aws_only, False), ""]
    desel = collections.Counter(family_of(n.split("::", 1)[-1], m) for n, m in deselected.items())
    if desel:
        summ += ["## Deselected by the marker expression", "",
                 ", ".join(f"{f} {n}" for f, n in sorted(desel.items(), key=lambda kv: -kv[1])), ""]
    summ += ["## Hung (per-test timeout) or killed", ""]
    summ += [f"- {r['test']} ({r['family']}): {r['message']}" for r in hung] or ["none"]
    summ += ["", "## Incomplete multipart uploads left behind", "",
             "s3-tests' cleanup never aborts uploads and the gateway will not delete a bucket that has some "
             "(BucketNotEmpty), so the test that left them errors in teardown; s3t_plugin aborts them before the "
             "next test so that the error does not spread to every later test's setup.", ""]
    summ += [f"- after {prev.split('::', 1)[-1] or '?'}: {what}" for _, prev, what in leftovers] or ["none"]
    summ += ["", "## Gateway errors", "",
             f"{len(entries)} fail/crit entries in the gateway log (see gateway-errors.md)." + (" " + exit_note if exit_note else ""), ""]
    summ += ["## Slowest tests", ""] + [f"- {r['seconds']:.1f}s {r['test']} ({r['outcome']})" for r in slow] + [""]
    summ += ["## Top failure reasons", ""] + [f"- {len(rs)} × `{reason}`" for reason, rs in ranked[:15]] + [""]
    with open(os.path.join(args.out, "summary.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(summ) + "\n")

    print("\n".join(table(by_family, True)))
    print()
    print(total_line)
    if hung:
        print(f"{len(hung)} tests hung or timed out: " + ", ".join(r["test"] for r in hung[:10]))
    if entries:
        print(f"{len(entries)} gateway fail/crit log entries (Unhandled error...): see {args.out}/gateway-errors.md")
    if exit_note:
        print(exit_note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
