#!/usr/bin/env bash
# The README's test command. Installs the real clients the end-to-end tests drive when they are missing
# (the AWS CLI, s3cmd, boto3 and pytest from Debian), then builds and runs every test project of the solution and
# the packaged samples (samples/run.sh) and the container test (tools/container/test.sh), and ends with the total over all of them: "N passed, N failed".
# Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~ListTests).
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq "$@"
}

if ! command -v dotnet >/dev/null 2>&1; then
  echo "tools/test.sh: the .NET 10 SDK (dotnet) is required: https://dotnet.microsoft.com/download" >&2
  exit 2
fi

if ! command -v aws >/dev/null 2>&1; then
  echo "tools/test.sh: installing the AWS CLI (Debian package awscli)"
  apt_install awscli
fi

if ! command -v s3cmd >/dev/null 2>&1; then
  echo "tools/test.sh: installing s3cmd (Debian package s3cmd)"
  apt_install s3cmd
fi

# The browser CORS test drives Debian's chromium (headless, through Playwright).
if ! command -v chromium >/dev/null 2>&1; then
  echo "tools/test.sh: installing chromium (Debian package chromium)"
  apt_install chromium
fi

# The JavaScript SDK tests (tests/js) run the npm packages its lock file pins.
if ! command -v node >/dev/null 2>&1; then
  echo "tools/test.sh: installing Node.js (Debian packages nodejs and npm)"
  apt_install nodejs npm
fi
if [ ! -d tests/js/node_modules/@aws-sdk/client-s3 ]; then
  echo "tools/test.sh: installing the JavaScript SDK (npm ci in tests/js)"
  (cd tests/js && npm ci --no-audit --no-fund)
fi

# The first of the given pythons that can import the given modules (comma-separated), as a path; empty if none can.
python_with() {
  local modules="$1" py
  shift
  for py in "$@"; do
    if [ -n "$py" ] && command -v "$py" >/dev/null 2>&1 && "$py" -c "import $modules" 2>/dev/null; then
      command -v "$py"
      return
    fi
  done
}

# The boto3 test runs the first python that can import boto3.
if [ -z "${BOTO3_PYTHON:-}" ]; then
  BOTO3_PYTHON="$(python_with boto3 python3 /usr/bin/python3)"
  if [ -z "$BOTO3_PYTHON" ]; then
    echo "tools/test.sh: installing boto3 (Debian package python3-boto3)"
    apt_install python3-boto3
    BOTO3_PYTHON=/usr/bin/python3
  fi
  export BOTO3_PYTHON
fi

# The pytest recipe (samples/python) runs with the first python that has both boto3 and pytest.
if [ -z "${PYTEST_PYTHON:-}" ]; then
  PYTEST_PYTHON="$(python_with "boto3, pytest" "$BOTO3_PYTHON" python3 /usr/bin/python3)"
  if [ -z "$PYTEST_PYTHON" ]; then
    echo "tools/test.sh: installing pytest (Debian packages python3-pytest and python3-boto3)"
    apt_install python3-pytest python3-boto3
    PYTEST_PYTHON=/usr/bin/python3
  fi
  export PYTEST_PYTHON
fi

# dotnet test prints one summary line per test assembly; the last line here is their total, as .ci/run reports it.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# errexit is off around the run: a failing test must still reach the total below (with it on, the failed pipeline
# ended the script first, and .ci/run could only report "0 passed, 1 failed").
set +e
dotnet test Gateway.sln "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# The packages as a user meets them (samples/run.sh): packed, restored from a folder feed, the tool installed and
# driven by the pytest and Node recipes. Skipped when arguments narrow the run (a --filter).
if [ "$#" -eq 0 ]; then
  bash samples/run.sh 2>&1 | tee -a "$log"
  samples_rc=${PIPESTATUS[0]}
  [ "$samples_rc" -ne 0 ] && rc=$samples_rc
  # The container image, built offline with podman and run (skipped, with the reason, where podman cannot run).
  bash tools/container/test.sh 2>&1 | tee -a "$log"
  container_rc=${PIPESTATUS[0]}
  [ "$container_rc" -ne 0 ] && rc=$container_rc
fi
set -e
summaries="$(grep -E '^(Passed|Failed)!' "$log" || true)"
passed="$(printf '%s\n' "$summaries" | grep -oE 'Passed: +[0-9]+' | awk '{s+=$2} END {print s+0}')"
failed="$(printf '%s\n' "$summaries" | grep -oE 'Failed: +[0-9]+' | awk '{s+=$2} END {print s+0}')"
assemblies="$(printf '%s\n' "$summaries" | grep -c . || true)"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed before reporting: count it as a failure, never as a pass.
  failed=1
fi
echo "test assemblies reporting: $assemblies"
echo "$passed passed, $failed failed"
exit "$rc"
