#!/usr/bin/env bash
# Run Ceph's s3-tests conformance suite (test_s3.py + test_headers.py) against the gateway and print a
# per-family pass table. Results go to --out (default /tmp/s3-tests-results). See README.md beside this file.
#
# usage: tools/s3-tests/run.sh [target] [options] [-- extra pytest args]
#  target (one of; default: build the HEAD commit of the repository this script is in):
#   --gateway PATH            start this gateway: a `dotnet publish` folder, Gateway.dll, an executable, or a
#                             .csproj (published to a cache folder first; that builds in the project's obj/)
#   --gateway-git REPO[@REV]  `git archive` REV (default HEAD) of REPO into a temp folder, publish it (cached per
#                             commit in ~/.cache/s3-tests), start it
#   --endpoint URL            test a gateway that is already running; name its accounts with --main, --alt and
#                             --tenant (ACCESS:SECRET; --main defaults to test:test, --alt and --tenant required)
#  options:
#   --gateway-arg ARG         extra argument for a gateway we start, e.g. --gateway-arg=--Gateway:Clock=virtual
#   --gateway-log FILE        with --endpoint: the gateway's log, scanned for unhandled errors
#   --s3tests DIR             an s3-tests checkout (default: HEAD of $S3TESTS_MIRROR, a bare git repository,
#                             default /work/.mirror/ceph+s3-tests/repo, extracted once to ~/.cache/s3-tests/)
#   --out DIR                 results folder (default /tmp/s3-tests-results; emptied first)
#   --timeout SECONDS         per-test timeout (pytest-timeout), default 180
#   --run-timeout SECONDS     limit for the whole pytest run, default 3000
#   --markers EXPR            pytest -m expression replacing the default exclusions (see README.md)
#   --with-slow               also run the lifecycle expiration/transition tests (they sleep for minutes)
#   -k EXPR                   only tests matching the pytest -k expression
#   --no-install              do not apt-get install missing Debian packages
#   -h, --help                this text
set -euo pipefail

TOOL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=/usr/bin/python3                 # Debian's python, where the apt-installed packages are
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/s3-tests"
S3TESTS_MIRROR="${S3TESTS_MIRROR:-/work/.mirror/ceph+s3-tests/repo}"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "run.sh: $*" >&2; exit 2; }
log() { echo "[s3-tests $(date +%H:%M:%S)] $*" >&2; }

# ---------------------------------------------------------------------------------------------- arguments
GATEWAY="" GATEWAY_GIT="" ENDPOINT="" GATEWAY_LOG="" S3TESTS="" OUT=/tmp/s3-tests-results
MAIN="" ALT="" TENANT="" TIMEOUT=180 RUN_TIMEOUT=3000 MARKERS="" WITH_SLOW=0 KEXPR="" INSTALL=1
GATEWAY_ARGS=() EXTRA=()
while (($#)); do
    case "$1" in
        --gateway) GATEWAY="${2:?}"; shift ;;
        --gateway=*) GATEWAY="${1#*=}" ;;
        --gateway-git) GATEWAY_GIT="${2:?}"; shift ;;
        --gateway-git=*) GATEWAY_GIT="${1#*=}" ;;
        --endpoint) ENDPOINT="${2:?}"; shift ;;
        --endpoint=*) ENDPOINT="${1#*=}" ;;
        --gateway-arg) GATEWAY_ARGS+=("${2:?}"); shift ;;
        --gateway-arg=*) GATEWAY_ARGS+=("${1#*=}") ;;
        --gateway-log) GATEWAY_LOG="${2:?}"; shift ;;
        --main) MAIN="${2:?}"; shift ;;
        --alt) ALT="${2:?}"; shift ;;
        --tenant) TENANT="${2:?}"; shift ;;
        --s3tests) S3TESTS="${2:?}"; shift ;;
        --out) OUT="${2:?}"; shift ;;
        --timeout) TIMEOUT="${2:?}"; shift ;;
        --run-timeout) RUN_TIMEOUT="${2:?}"; shift ;;
        --markers) MARKERS="${2:?}"; shift ;;
        --with-slow) WITH_SLOW=1 ;;
        -k) KEXPR="${2:?}"; shift ;;
        --no-install) INSTALL=0 ;;
        -h|--help) usage; exit 0 ;;
        --) shift; EXTRA=("$@"); break ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
    shift
done
targets=0; for t in "$GATEWAY" "$GATEWAY_GIT" "$ENDPOINT"; do [[ -n $t ]] && targets=$((targets + 1)); done
((targets <= 1)) || die "give only one of --gateway, --gateway-git, --endpoint"
[[ $TIMEOUT =~ ^[0-9]+$ && $RUN_TIMEOUT =~ ^[0-9]+$ ]] || die "--timeout and --run-timeout take seconds"

# The repository this tool lives in: nothing of s3-tests, no results and no build output may land inside it.
OWN_REPO="$(git -C "$TOOL_DIR" rev-parse --show-toplevel 2>/dev/null || true)"
inside_own_repo() {
    [[ -n $OWN_REPO ]] || return 1
    local p; p="$(realpath -m "$1")"
    [[ $p == "$OWN_REPO" || $p == "$OWN_REPO"/* ]]
}
inside_own_repo "$OUT" && die "--out must be outside the repository ($OWN_REPO)"

# ---------------------------------------------------------------------------------------------- cleanup
RUNDIR="$(mktemp -d /tmp/s3-tests-run.XXXXXX)"
WRAPPER_PID="" PROGRESS_PID="" PYTEST_PID=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $PROGRESS_PID ]]; then kill "$PROGRESS_PID" 2>/dev/null || true; wait "$PROGRESS_PID" 2>/dev/null || true; fi
    if [[ -n $PYTEST_PID ]] && kill -0 "$PYTEST_PID" 2>/dev/null; then
        log "stopping pytest (pid $PYTEST_PID)"
        kill -TERM "$PYTEST_PID" 2>/dev/null || true; wait "$PYTEST_PID" 2>/dev/null || true
    fi
    if [[ -f $RUNDIR/gateway.pid ]]; then
        local gp; gp="$(cat "$RUNDIR/gateway.pid")"
        touch "$RUNDIR/stopping"
        if kill -0 "$gp" 2>/dev/null; then
            log "stopping the gateway (pid $gp)"
            kill -TERM "$gp" 2>/dev/null || true
            for _ in $(seq 1 100); do kill -0 "$gp" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$gp" 2>/dev/null && { log "gateway did not stop in 10 s: SIGKILL"; kill -KILL "$gp" 2>/dev/null || true; }
        fi
    fi
    [[ -n $WRAPPER_PID ]] && { wait "$WRAPPER_PID" 2>/dev/null || true; }
    rm -rf "$RUNDIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# ---------------------------------------------------------------------------------------------- Debian packages
# requirements.txt of s3-tests -> Debian package (tox is not needed; dateutil is imported by test_s3.py).
PACKAGES=(
    python3-boto3       # boto3
    python3-botocore    # botocore
    python3-munch       # munch
    python3-gevent      # gevent
    python3-isodate     # isodate
    python3-requests    # requests
    python3-tz          # pytz
    python3-httplib2    # httplib2
    python3-lxml        # lxml
    python3-pytest      # pytest
    python3-yaml        # PyYAML
    python3-dateutil    # dateutil (not in requirements.txt, imported by test_s3.py)
)
OPTIONAL_PACKAGES=(python3-pytest-timeout)   # per-test timeout; the run still works without it
install_packages() {
    local missing=() p sudo=()
    for p in "${PACKAGES[@]}" "${OPTIONAL_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    if ((!INSTALL)); then log "missing Debian packages (not installing, --no-install): ${missing[*]}"; return 0; fi
    [[ $(id -u) -ne 0 ]] && sudo=(sudo)
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >"$RUNDIR/apt.log" 2>&1; then
        "${sudo[@]}" apt-get update -q >>"$RUNDIR/apt.log" 2>&1 || true
        "${sudo[@]}" apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >>"$RUNDIR/apt.log" 2>&1 \
            || { tail -20 "$RUNDIR/apt.log" >&2; die "apt-get install failed"; }
        "${sudo[@]}" apt-get install -y -q --no-install-recommends "${OPTIONAL_PACKAGES[@]}" >>"$RUNDIR/apt.log" 2>&1 \
            || log "optional packages not installed: ${OPTIONAL_PACKAGES[*]}"
    fi
}
install_packages
[[ -x $PY ]] || die "$PY not found (Debian's python3)"
"$PY" -c 'import boto3, botocore, munch, gevent, isodate, requests, pytz, httplib2, lxml, pytest, yaml, dateutil' \
    || die "the suite's Python modules are not importable by $PY"
HAVE_TIMEOUT=0; "$PY" -c 'import pytest_timeout' 2>/dev/null && HAVE_TIMEOUT=1

# ---------------------------------------------------------------------------------------------- s3-tests checkout
S3TESTS_COMMIT=""
if [[ -z $S3TESTS ]]; then
    [[ -d $S3TESTS_MIRROR ]] || die "no s3-tests checkout: give --s3tests DIR or set S3TESTS_MIRROR to a git repository"
    S3TESTS_COMMIT="$(git -C "$S3TESTS_MIRROR" rev-parse HEAD)"
    S3TESTS="$CACHE/s3-tests-${S3TESTS_COMMIT:0:12}"
    if [[ ! -f $S3TESTS/.extracted ]]; then
        log "extracting s3-tests ${S3TESTS_COMMIT:0:12} to $S3TESTS"
        rm -rf "$S3TESTS.tmp.$$"; mkdir -p "$S3TESTS.tmp.$$"
        git -C "$S3TESTS_MIRROR" archive HEAD | tar -x -C "$S3TESTS.tmp.$$"
        touch "$S3TESTS.tmp.$$/.extracted"
        rm -rf "$S3TESTS"; mv "$S3TESTS.tmp.$$" "$S3TESTS"
    fi
else
    S3TESTS="$(realpath "$S3TESTS")"
    S3TESTS_COMMIT="$(git -C "$S3TESTS" rev-parse HEAD 2>/dev/null || echo unknown)"
fi
inside_own_repo "$S3TESTS" && die "the s3-tests checkout must be outside the repository ($OWN_REPO)"
[[ -f $S3TESTS/s3tests/functional/test_s3.py ]] || die "$S3TESTS is not an s3-tests checkout"

# ---------------------------------------------------------------------------------------------- gateway binary
publish() {   # publish PROJECT OUTDIR
    log "dotnet publish $1 -> $2"
    dotnet publish "$1" -c Release -o "$2" --nologo >"$RUNDIR/publish.log" 2>&1 \
        || { tail -30 "$RUNDIR/publish.log" >&2; die "dotnet publish failed"; }
}
publish_git() {   # publish_git REPO[@REV] -> sets GW_DLL
    local repo="${1%@*}" rev=HEAD commit dest src
    [[ $1 == *@* ]] && rev="${1##*@}"
    commit="$(git -C "$repo" rev-parse --verify "$rev^{commit}")" || die "no commit $rev in $repo"
    dest="$CACHE/gateway-${commit:0:12}"
    if [[ ! -f $dest/Gateway.dll ]]; then
        src="$RUNDIR/src"; mkdir -p "$src"
        log "git archive ${commit:0:12} of $repo -> $src"
        git -C "$repo" archive "$commit" | tar -x -C "$src"
        rm -rf "$dest.tmp.$$"
        publish "$src/gateway/Gateway.csproj" "$dest.tmp.$$"
        rm -rf "$dest"; mv "$dest.tmp.$$" "$dest"; rm -rf "$src"
    fi
    GW_DLL="$dest/Gateway.dll"; GW_DESC="git ${commit:0:12} of $repo"
}
GW_CMD=() GW_DLL="" GW_DESC=""
if [[ -z $ENDPOINT ]]; then
    command -v dotnet >/dev/null || die "dotnet not found"
    if [[ -n $GATEWAY_GIT ]]; then
        publish_git "$GATEWAY_GIT"
    elif [[ -n $GATEWAY ]]; then
        GATEWAY="$(realpath "$GATEWAY")"
        if [[ -d $GATEWAY && -f $GATEWAY/Gateway.dll ]]; then GW_DLL="$GATEWAY/Gateway.dll"
        elif [[ -d $GATEWAY && -n $(ls "$GATEWAY"/*.csproj 2>/dev/null) ]]; then GATEWAY="$(ls "$GATEWAY"/*.csproj | head -1)"
        fi
        if [[ -z $GW_DLL && $GATEWAY == *.csproj ]]; then
            dest="$CACHE/publish-$(printf %s "$GATEWAY" | sha256sum | cut -c1-12)"
            publish "$GATEWAY" "$dest"; GW_DLL="$dest/Gateway.dll"
        elif [[ -z $GW_DLL && $GATEWAY == *.dll ]]; then GW_DLL="$GATEWAY"
        elif [[ -z $GW_DLL && -x $GATEWAY && -f $GATEWAY ]]; then GW_CMD=("$GATEWAY")
        elif [[ -z $GW_DLL ]]; then die "--gateway $GATEWAY: not a publish folder, .dll, executable or .csproj"
        fi
        GW_DESC="$GATEWAY"
    else
        [[ -n $OWN_REPO ]] || die "not inside a git repository: give --gateway, --gateway-git or --endpoint"
        publish_git "$OWN_REPO"
    fi
    [[ ${#GW_CMD[@]} -gt 0 ]] || GW_CMD=(dotnet "$GW_DLL")
fi

# ---------------------------------------------------------------------------------------------- accounts
randkey() { "$PY" -c "import secrets,string,sys; a=string.ascii_uppercase+string.digits; print('$1'+''.join(secrets.choice(a) for _ in range(int(sys.argv[1]))))" "$2"; }
split_key() { [[ $1 == *:* ]] || die "credentials must be ACCESS:SECRET, got '$1'"; }
if [[ -n $ENDPOINT ]]; then
    [[ -n $ALT && -n $TENANT ]] || die "--endpoint needs --alt and --tenant (ACCESS:SECRET of two more accounts)"
    MAIN="${MAIN:-test:test}"
    for k in "$MAIN" "$ALT" "$TENANT"; do split_key "$k"; done
    ENDPOINT="${ENDPOINT%/}"
    HOSTPORT="${ENDPOINT#*://}"; HOST="${HOSTPORT%%:*}"; PORT="${HOSTPORT##*:}"
    [[ $PORT =~ ^[0-9]+$ ]] || PORT=80
    [[ $ENDPOINT == https://* ]] && SECURE=True || SECURE=False
else
    MAIN="$(randkey S3TMAIN 13):$(randkey "" 40)"
    ALT="$(randkey S3TALT0 13):$(randkey "" 40)"
    TENANT="$(randkey S3TTEN0 13):$(randkey "" 40)"
    HOST=127.0.0.1 SECURE=False
    PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    ENDPOINT="http://$HOST:$PORT"
fi
ak() { printf %s "${1%%:*}"; }
sk() { printf %s "${1#*:}"; }
# The gateway shows an account's canonical id as the SHA-256 of its access key, its display name as the key.
uid() { printf %s "$(ak "$1")" | sha256sum | cut -d' ' -f1; }

# ---------------------------------------------------------------------------------------------- output folder
if [[ -d $OUT && -n $(ls -A "$OUT") && ! -f $OUT/.s3-tests-results ]]; then
    die "--out $OUT exists and is not a results folder of this tool: not emptying it"
fi
rm -rf "$OUT"; mkdir -p "$OUT"; touch "$OUT/.s3-tests-results"
CONF="$RUNDIR/s3tests.conf"
section() {   # section NAME CREDS [extra lines...]
    local name="$1" creds="$2"; shift 2
    printf '[%s]\naccess_key = %s\nsecret_key = %s\ndisplay_name = %s\nuser_id = %s\nemail = %s@example.com\n' \
        "$name" "$(ak "$creds")" "$(sk "$creds")" "$(ak "$creds")" "$(uid "$creds")" "$(ak "$creds" | tr 'A-Z' 'a-z')"
    local l; for l in "$@"; do printf '%s\n' "$l"; done
    printf '\n'
}
{
    printf '[DEFAULT]\nhost = %s\nport = %s\nis_secure = %s\nssl_verify = False\n\n' "$HOST" "$PORT" "$SECURE"
    printf '[fixtures]\nbucket prefix = s3t-{random}-\niam name prefix = s3t-iam-\niam path prefix = /s3t/\n\n'
    # lc_debug_interval: RGW's "a lifecycle day is N seconds" debug knob; the tests sleep multiples of it.
    # No api_name: it is an RGW zonegroup name sent as a LocationConstraint (test_bucket_get_location skips).
    section "s3 main" "$MAIN" "lc_debug_interval = 2"
    section "s3 alt" "$ALT"
    section "s3 tenant" "$TENANT" "tenant = s3ttenant"
    # IAM/STS are out of scope; the sections are required by configure(), so they reuse the accounts.
    section "iam" "$MAIN"
    section "iam root" "$MAIN"
    section "iam alt root" "$ALT"
} >"$CONF"
# A copy without secrets for the record.
sed -E 's/^(secret_key = ).*/\1<redacted>/' "$CONF" >"$OUT/s3tests.conf"

# ---------------------------------------------------------------------------------------------- start the gateway
stamp_lines() {   # prefix every line with the epoch time, so the summariser can tell which test was running
    local line LC_ALL=C
    while IFS= read -r line || [[ -n $line ]]; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done
}
if [[ ${#GW_CMD[@]} -gt 0 ]]; then
    mkdir -p "$RUNDIR/data"
    GW_FULL=("${GW_CMD[@]}" --urls "$ENDPOINT" "--Gateway:DataDir=$RUNDIR/data" --Gateway:Region=us-east-1
        "--Gateway:Credentials:0:AccessKey=$(ak "$MAIN")" "--Gateway:Credentials:0:SecretKey=$(sk "$MAIN")" "--Gateway:Credentials:0:Email=$(ak "$MAIN" | tr 'A-Z' 'a-z')@example.com"
        "--Gateway:Credentials:1:AccessKey=$(ak "$ALT")" "--Gateway:Credentials:1:SecretKey=$(sk "$ALT")" "--Gateway:Credentials:1:Email=$(ak "$ALT" | tr 'A-Z' 'a-z')@example.com"
        "--Gateway:Credentials:2:AccessKey=$(ak "$TENANT")" "--Gateway:Credentials:2:SecretKey=$(sk "$TENANT")" "--Gateway:Credentials:2:Email=$(ak "$TENANT" | tr 'A-Z' 'a-z')@example.com"
        # The KMS key ids s3-tests uses when its configuration names none (kms_keyid, kms_keyid2).
        "--Gateway:Kms:KeyIds:0=testkey-1" "--Gateway:Kms:KeyIds:1=testkey-2"
        "${GATEWAY_ARGS[@]}")
    log "starting the gateway ($GW_DESC) on $ENDPOINT, data in $RUNDIR/data"
    (
        cd "$RUNDIR"
        "${GW_FULL[@]}" </dev/null > >(stamp_lines >"$OUT/gateway.log") 2>&1 &
        gp=$!
        echo "$gp" >"$RUNDIR/gateway.pid"
        rc=0; wait "$gp" || rc=$?
        if [[ -e $RUNDIR/stopping ]]; then echo "stopped $rc $EPOCHREALTIME"; else echo "$rc $EPOCHREALTIME"; fi >"$OUT/gateway.exit"
    ) &
    WRAPPER_PID=$!
    GATEWAY_LOG="$OUT/gateway.log"
fi
for i in $(seq 1 120); do
    curl -s -o /dev/null --max-time 2 "$ENDPOINT/_gateway/health" && break
    if [[ -n $WRAPPER_PID ]] && ! kill -0 "$WRAPPER_PID" 2>/dev/null; then
        cat "$OUT/gateway.log" >&2 || true; die "the gateway exited at start"
    fi
    ((i < 120)) || die "no answer from $ENDPOINT/_gateway/health after 60 s"
    sleep 0.5
done
log "gateway is up at $ENDPOINT"

# ---------------------------------------------------------------------------------------------- pytest
# Out of scope here (not S3 object storage features the gateway is meant to have, or they need other services
# or wait minutes): cloud tiering, IAM/STS/SNS/s3select, bucket logging, lifecycle waits.
DEFAULT_EXCLUDE=(cloud_transition cloud_restore target_by_bucket sns s3select test_of_sts webidentity_test
    iam_account iam_user iam_role iam_tenant iam_cross_account abac_test user_policy role_policy group_policy
    session_policy token_claims_trust_policy_test token_principal_tag_role_policy_test
    token_request_tag_trust_policy_test token_resource_tags_test token_role_tags_test token_tag_keys_test
    bucket_logging bucket_logging_cleanup fails_without_logging_rollover)
((WITH_SLOW)) || DEFAULT_EXCLUDE+=(lifecycle_expiration lifecycle_transition)
if [[ -z $MARKERS ]]; then MARKERS="not ($(printf '%s or ' "${DEFAULT_EXCLUDE[@]}" | sed 's/ or $//'))"; fi
PYTEST_ARGS=(-p no:cacheprovider -p s3t_plugin -o junit_family=xunit2 "--junitxml=$OUT/junit.xml"
    -q -rN --tb=short -m "$MARKERS")
((HAVE_TIMEOUT)) && PYTEST_ARGS+=("--timeout=$TIMEOUT" --timeout-method=signal) || log "python3-pytest-timeout missing: no per-test timeout"
[[ -n $KEXPR ]] && PYTEST_ARGS+=(-k "$KEXPR")
PYTEST_ARGS+=(s3tests/functional/test_s3.py s3tests/functional/test_headers.py "${EXTRA[@]}")

EVENTS="$OUT/events.tsv"; : >"$EVENTS"
progress() {   # one line a minute: tests done, the one running
    local t0=$SECONDS n=0 sel done cur
    while sleep 5; do
        (( ++n % 12 == 0 )) || continue
        sel=$(grep -c '^C' "$EVENTS" || true); done=$(grep -c '^E' "$EVENTS" || true)
        cur=$(tail -n 1 "$EVENTS" | awk -F'\t' '$1=="S"{sub(/.*::/, "", $2); print $2}')
        log "$((SECONDS - t0))s: $done of $sel tests done${cur:+, running $cur}"
    done
}
progress & PROGRESS_PID=$!

STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"; T0=$SECONDS
log "pytest in $S3TESTS (-m \"$MARKERS\"; log: $OUT/pytest.log)"
# pytest runs in the background under `timeout` (which forwards signals to it) and we wait for it, so that a
# Ctrl-C stops it gracefully (it still writes the junit XML) and the partial results are summarised.
(
    cd "$S3TESTS"
    exec env -u PYTHONHOME -u VIRTUAL_ENV -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
        -u AWS_SESSION_TOKEN -u AWS_ENDPOINT_URL -u AWS_CA_BUNDLE \
        PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$TOOL_DIR" \
        S3TEST_CONF="$CONF" S3T_EVENTS="$EVENTS" \
        AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 \
        timeout --signal=INT --kill-after=60 "$RUN_TIMEOUT" "$PY" -m pytest "${PYTEST_ARGS[@]}"
) >"$OUT/pytest.log" 2>&1 </dev/null &
PYTEST_PID=$!
trap 'log "interrupted: stopping pytest, the partial results follow (Ctrl-C again to force)"; kill -INT "$PYTEST_PID" 2>/dev/null || true' INT
rc=0
while :; do
    wait "$PYTEST_PID" && rc=0 || rc=$?
    kill -0 "$PYTEST_PID" 2>/dev/null || break
done
PYTEST_PID=""
trap 'log "interrupted"; exit 130' INT
DURATION=$((SECONDS - T0))
kill "$PROGRESS_PID" 2>/dev/null || true; wait "$PROGRESS_PID" 2>/dev/null || true; PROGRESS_PID=""
log "pytest finished in ${DURATION}s with exit status $rc"
tail -n 3 "$OUT/pytest.log" >&2 || true
if [[ -n $WRAPPER_PID ]] && ! kill -0 "$(cat "$RUNDIR/gateway.pid")" 2>/dev/null; then
    log "WARNING: the gateway is no longer running (see $OUT/gateway.exit and $OUT/gateway.log)"
fi

# ---------------------------------------------------------------------------------------------- summary
"$PY" - "$OUT/meta.json" <<EOF
import json, sys
json.dump({"gateway": """${GW_DESC:-$ENDPOINT}""", "endpoint": "$ENDPOINT", "s3tests": "$S3TESTS",
           "s3tests_commit": "$S3TESTS_COMMIT", "markers": """$MARKERS""",
           "timeout": "${TIMEOUT}s per test" if $HAVE_TIMEOUT else "none", "started": "$STARTED",
           "duration_seconds": $DURATION, "pytest_exit": $rc}, open(sys.argv[1], "w"), indent=1)
EOF
SUMMARY_ARGS=(--junit "$OUT/junit.xml" --events "$EVENTS" --meta "$OUT/meta.json" --out "$OUT")
[[ -n $GATEWAY_LOG ]] && SUMMARY_ARGS+=(--gateway-log "$GATEWAY_LOG")
[[ -n $WRAPPER_PID ]] && SUMMARY_ARGS+=(--gateway-exit "$OUT/gateway.exit")
# Stop the gateway first so its exit status and last log lines are in.
if [[ -n $WRAPPER_PID ]]; then
    touch "$RUNDIR/stopping"; kill -TERM "$(cat "$RUNDIR/gateway.pid")" 2>/dev/null || true
    wait "$WRAPPER_PID" 2>/dev/null || true; WRAPPER_PID=""; rm -f "$RUNDIR/gateway.pid"
fi
echo
"$PY" "$TOOL_DIR/summarise.py" "${SUMMARY_ARGS[@]}"
echo
echo "run time: ${DURATION}s; results in $OUT (summary.md, results.tsv, failures.md, gateway-errors.md, junit.xml, pytest.log)"
# Test failures are the measurement, not an error of this tool: exit 0 for pytest's 0 (all passed) and 1 (some
# failed); pass on anything else (interrupted, internal error, nothing collected).
((rc <= 1)) || exit "$rc"
