#!/usr/bin/env bash
# Packs S3Gateway.Testing and S3Gateway.Tool into artifacts/packages and runs what a user would run with them:
# the NUnit and xUnit samples (restored from that folder feed, never a project reference), the tool installed with
# `dotnet tool install --tool-path`, the pytest recipe and the Node test-runner recipe against it.
# Each suite ends with a line in dotnet test's summary form, which tools/test.sh adds into its total.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
feed="$root/artifacts/packages"
tool_dir="$root/artifacts/tool"
# A package packed again under the same version must not be taken from the package folder's old copy: our own
# packages are dropped from it (everything else in it is reused).
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
rm -rf "$feed" "$tool_dir" "$packages"/s3gateway.testing "$packages"/s3gateway.tool "$packages"/s3gateway.testcontainers
mkdir -p "$feed"

summary() { # name passed failed
  local state=Passed
  [ "$3" -ne 0 ] && state=Failed
  echo "$state!  - Failed: $3, Passed: $2, Skipped: 0, Total: $(($2 + $3)) - $1"
}

echo "== packing S3Gateway.Testing and S3Gateway.Tool into $feed"
if ! dotnet pack testing/S3Gateway.Testing.csproj -c Release -o "$feed" -v q --nologo \
  || ! dotnet pack tool/S3Gateway.Tool.csproj -c Release -o "$feed" -v q --nologo; then
  summary "samples: packing failed" 0 1
  exit 1
fi

rc=0
for sample in nunit xunit; do
  echo "== samples/$sample (S3Gateway.Testing from the folder feed)"
  # dotnet test prints its own Passed!/Failed! line.
  dotnet test "samples/$sample" --nologo || rc=1
done

echo "== dotnet tool install S3Gateway.Tool --tool-path artifacts/tool"
if ! (cd samples && dotnet tool install S3Gateway.Tool --version 0.1.0 --tool-path "$tool_dir"); then
  summary "samples: tool install failed" 0 1
  exit 1
fi
export S3GATEWAY="$tool_dir/s3gateway"
"$S3GATEWAY" --version

python="${PYTEST_PYTHON:-/usr/bin/python3}"
echo "== pytest recipe (samples/python) with $python"
log="$(mktemp)"
(cd samples/python && "$python" -m pytest -q -p no:cacheprovider) 2>&1 | tee "$log"
passed="$(grep -oE '[0-9]+ passed' "$log" | tail -n 1 | awk '{print $1+0}')"
failed="$(grep -oE '[0-9]+ (failed|error|errors)' "$log" | awk '{s+=$1} END {print s+0}')"
if [ "${passed:-0}" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
summary "pytest recipe (samples/python)" "${passed:-0}" "$failed"
[ "$failed" -ne 0 ] && rc=1

echo "== Node test-runner recipe (samples/node)"
(cd samples/node && { [ -d node_modules/@aws-sdk/client-s3 ] || npm ci --no-audit --no-fund; } && node --test) 2>&1 | tee "$log"
passed="$(grep -oE '^# pass [0-9]+' "$log" | awk '{print $3+0}')"
failed="$(grep -oE '^# fail [0-9]+' "$log" | awk '{print $3+0}')"
if [ "${passed:-0}" -eq 0 ] && [ "${failed:-0}" -eq 0 ]; then failed=1; fi
summary "Node recipe (samples/node)" "${passed:-0}" "${failed:-0}"
[ "${failed:-0}" -ne 0 ] && rc=1
rm -f "$log"
exit "$rc"
