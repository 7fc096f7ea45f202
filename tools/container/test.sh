#!/usr/bin/env bash
# Builds the Dockerfile with podman, offline, against locally made base images (a debootstrapped Debian with the
# ASP.NET runtime, and with the SDK, copied from this machine: Microsoft's images cannot be pulled here), then runs
# the image and checks what a user relies on: the health endpoint and the image's HEALTHCHECK, an S3 round trip with
# boto3, /data surviving a container restart, an adapter's port, that the process is not root, a clean stop.
# Ends with a line in dotnet test's summary form (tools/test.sh adds it to its total); where podman cannot run
# containers it says why and skips, it does not fail.
set -uo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"

# On this kind of VM (no systemd, cgroup v1 or a nested cgroup v2): runc and cgroupfs, and explicit limits.
# Without systemd, podman logs an error for each health-check timer it cannot set up (the check itself runs, by
# `podman healthcheck run`): those lines are dropped.
podman_() { podman --runtime runc --cgroup-manager cgroupfs "$@" 2> >(grep -v 'systemd connection\|healthcheck: unable to get systemd' >&2); }
limits=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
image=localhost/s3-gateway:test
deps=localhost/s3gw-base-runtime-deps:10.0
sdk=localhost/s3gw-base-sdk-aot:10.0
name=s3gw-container-test
volume=s3gw-container-test-data
suite="container (tools/container/test.sh)"
passed=0
failed=0

summary() {
  local state=Passed
  [ "$failed" -ne 0 ] && state=Failed
  echo "$state!  - Failed: $failed, Passed: $passed, Skipped: 0, Total: $((passed + failed)) - $suite"
}
skip() {
  echo "container test skipped: $1"
  echo "Passed!  - Failed: 0, Passed: 0, Skipped: 1, Total: 1 - $suite"
  exit 0
}
check() { # description, command...
  local what="$1"
  shift
  if "$@"; then
    echo "ok - $what"
    passed=$((passed + 1))
  else
    echo "not ok - $what"
    failed=$((failed + 1))
  fi
}
cleanup() {
  podman_ rm -f -t 5 "$name" >/dev/null 2>&1
  podman_ volume rm -f "$volume" >/dev/null 2>&1
}

if [ "$(id -u)" -ne 0 ]; then
  skip "it runs podman as root (rootless podman needs subuid ranges this script does not set up)"
fi
if ! command -v podman >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  echo "tools/container/test.sh: installing podman, runc and debootstrap (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null \
    || skip "podman, runc and debootstrap could not be installed"
fi
if ! podman_ info >/dev/null 2>&1; then
  skip "podman cannot run here: $(podman_ info 2>&1 | tail -n 1)"
fi

dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"

# --- the base images: Debian bookworm (minbase) as runtime-deps, and with clang and this machine's .NET SDK -------
# The official images are Ubuntu's (sdk:10.0-noble-aot, runtime-deps:10.0); these stand in for them, made once and
# kept by podman.
debootstrap_into() { # rootfs, extra packages
  local log="$1.log"
  if ! debootstrap --variant=minbase --include="$2" bookworm "$1" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$log" 2>&1; then
    tail -n 5 "$log"
    return 1
  fi
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*
  # The official images' non-root user: app, uid and gid 1654.
  echo 'app:x:1654:1654:app:/home/app:/usr/sbin/nologin' >>"$1/etc/passwd"
  echo 'app:x:1654:' >>"$1/etc/group"
  mkdir -p "$1/home/app" && chown 1654:1654 "$1/home/app"
}
make_bases() {
  local work
  work="$(mktemp -d /var/tmp/s3gw-base.XXXXXX)"
  local env=(--change 'ENV APP_UID=1654' --change 'ENV DOTNET_RUNNING_IN_CONTAINER=true'
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["/bin/bash"]')
  echo "== debootstrap bookworm (minbase) for runtime-deps"
  # The CA certificates (and with them OpenSSL) as runtime-deps has them; no ICU: the gateway runs without.
  debootstrap_into "$work/deps" ca-certificates || { rm -rf "$work"; return 1; }
  tar -C "$work/deps" -c . | podman_ import "${env[@]}" - "$deps" >/dev/null || { rm -rf "$work"; return 1; }
  echo "== debootstrap bookworm (minbase) with clang for the SDK"
  # The SDK needs ICU; Native AOT needs clang and zlib.
  debootstrap_into "$work/sdk" ca-certificates,libicu72,clang,zlib1g-dev || { rm -rf "$work"; return 1; }
  mkdir -p "$work/sdk/usr/share/dotnet"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/shared" "$dotnet_root/LICENSE.txt" \
    "$dotnet_root/sdk" "$dotnet_root/packs" "$dotnet_root/sdk-manifests" "$work/sdk/usr/share/dotnet/"
  [ -d "$dotnet_root/metadata" ] && cp -a "$dotnet_root/metadata" "$work/sdk/usr/share/dotnet/"
  ln -s /usr/share/dotnet/dotnet "$work/sdk/usr/bin/dotnet"
  tar -C "$work/sdk" -c . | podman_ import "${env[@]}" --change 'ENV DOTNET_ROOT=/usr/share/dotnet' \
    --change 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1' --change 'ENV DOTNET_NOLOGO=1' - "$sdk" >/dev/null || { rm -rf "$work"; return 1; }
  rm -rf "$work"
}
if ! podman_ image exists "$deps" || ! podman_ image exists "$sdk"; then
  started=$SECONDS
  make_bases || skip "the base images could not be made (debootstrap needs a Debian mirror)"
  echo "base images made in $((SECONDS - started)) s"
fi

# --- build, offline: no network; NuGet packages from this machine's package folder, as the restore needs them ------
nuget_packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
# Fills the folder with what the image's restore needs (the Native AOT compiler's packages among them).
dotnet restore gateway/Gateway.csproj -r linux-x64 -p:PublishAot=true -v q --nologo >/dev/null
echo "== podman build (offline, base images $sdk and $deps)"
started=$SECONDS
build_log="$(mktemp)"
if podman_ build --format docker --network none --pull=never \
  --build-arg SDK_IMAGE="$sdk" --build-arg RUNTIME_IMAGE="$deps" --build-arg RESTORE_ARGS=-p:NuGetAudit=false \
  -v "$nuget_packages:/root/.nuget/packages:ro" -t "$image" . >"$build_log" 2>&1; then
  echo "ok - the Dockerfile builds offline against local base images ($((SECONDS - started)) s)"
  passed=$((passed + 1))
else
  tail -n 30 "$build_log"
  echo "not ok - the Dockerfile builds offline against local base images"
  failed=1
  summary
  exit 1
fi
rm -f "$build_log"
echo "image size: $(podman_ image inspect "$image" --format '{{.Size}}' | awk '{printf "%.1f MB", $1/1e6}') (base $(podman_ image inspect "$deps" --format '{{.Size}}' | awk '{printf "%.1f MB", $1/1e6}'))"
check "the image is one native executable: no .NET runtime in it" \
  podman_ run --rm "${limits[@]}" --entrypoint /bin/sh "$image" -c 'test -x /app/Gateway && test ! -e /app/Gateway.dll && ! command -v dotnet'
# Published for linux-x64 alone: SQLite's one native library beside the binary, no runtimes/ folder of 32 platforms.
check "the image carries SQLite's native library for linux-x64 only" \
  podman_ run --rm "${limits[@]}" --entrypoint /bin/sh "$image" -c 'test -f /app/libe_sqlite3.so && test ! -e /app/runtimes'
echo "the application layer: $(podman_ run --rm "${limits[@]}" --entrypoint /bin/sh "$image" -c 'du -sh /app' | cut -f1)"

# --- run ---------------------------------------------------------------------------------------------------------
free_port() { "${PYTEST_PYTHON:-python3}" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
s3_port="$(free_port)"
box_port="$(free_port)"
trap cleanup EXIT
cleanup
run_gateway() {
  podman_ run -d --name "$name" "${limits[@]}" -p "127.0.0.1:$s3_port:9000" -p "127.0.0.1:$box_port:9001" \
    -e Gateway__Adapters__Box__Url=http://0.0.0.0:9001 -v "$volume:/data" "$image" >/dev/null
}
healthy() { # waits up to 60 s for /_gateway/health
  local deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    curl -fsS -o /dev/null "http://127.0.0.1:$s3_port/_gateway/health" 2>/dev/null && return 0
    sleep 0.2
  done
  podman_ logs "$name" | tail -n 20
  return 1
}
started=$SECONDS
if ! run_gateway; then
  echo "not ok - the container starts"
  failed=$((failed + 1))
  summary
  exit 1
fi
check "the gateway answers its health endpoint through the published port" healthy
echo "health answered $((SECONDS - started)) s after podman run"
check "the image's HEALTHCHECK passes (podman healthcheck run)" podman_ healthcheck run "$name"
check "the process runs as app (uid 1654), not root" test "$(podman_ exec "$name" sh -c 'grep ^Uid: /proc/1/status | cut -f2')" = "1654"
check "the data folder is /data, owned by app" test "$(podman_ exec "$name" stat -c %U /data)" = "app"
echo "the gateway's resident memory after start: $(podman_ exec "$name" grep VmRSS /proc/1/status | awk '{printf "%.1f MiB", $2/1024}')"

python="${PYTEST_PYTHON:-${BOTO3_PYTHON:-python3}}"
boto3_round_trip() { # put (multipart) then get with boto3's defaults
  "$python" - "$s3_port" <<'PY'
import io, sys, boto3
from boto3.s3.transfer import TransferConfig
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", aws_access_key_id="test",
                  aws_secret_access_key="test", region_name="us-east-1")
data = bytes(range(256)) * (28 * 1024)  # 7 MiB: two parts
s3.create_bucket(Bucket="kept")
s3.upload_fileobj(io.BytesIO(data), "kept", "object.bin",
                  Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
assert s3.get_object(Bucket="kept", Key="object.bin")["Body"].read() == data
assert s3.head_object(Bucket="kept", Key="object.bin")["ETag"].endswith('-2"')
PY
}
check "an S3 round trip with boto3 (a two-part upload, read back byte for byte)" boto3_round_trip
box_answers() { # the Box adapter refuses a wrong token as Box does: 401 with WWW-Authenticate invalid_token
  local head
  head="$(curl -s -i -H 'Authorization: Bearer wrong' "http://127.0.0.1:$box_port/api/2.0/files/upload_sessions/x")"
  [[ "$head" == "HTTP/1.1 401"* && "$head" == *'error="invalid_token"'* ]]
}
check "the Box adapter answers on its port (9001) as Box does (401, invalid_token)" box_answers

survives_restart() {
  podman_ restart -t 10 "$name" >/dev/null && healthy && "$python" - "$s3_port" <<'PY'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", aws_access_key_id="test",
                  aws_secret_access_key="test", region_name="us-east-1")
assert s3.head_object(Bucket="kept", Key="object.bin")["ContentLength"] == 7 * 1024 * 1024
PY
}
check "the object is still there after the container restarts (the /data volume)" survives_restart
survives_new_container() {
  podman_ rm -f -t 10 "$name" >/dev/null && run_gateway && healthy && "$python" - "$s3_port" <<'PY'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", aws_access_key_id="test",
                  aws_secret_access_key="test", region_name="us-east-1")
assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept"]
PY
}
check "a new container on the same volume sees it too" survives_new_container
stops_cleanly() {
  podman_ stop -t 20 "$name" >/dev/null && test "$(podman_ inspect "$name" --format '{{.State.ExitCode}}')" = "0"
}
check "podman stop ends it cleanly (SIGTERM, exit code 0)" stops_cleanly

# --- Testcontainers for .NET, through podman's Docker-compatible API ------------------------------------------------
# samples/testcontainers restores S3Gateway.Testcontainers from the folder feed and starts this image with it.
testcontainers_sample() {
  local sock=/tmp/s3gw-podman-$$.sock conf svc ok=1
  conf="$(mktemp)"
  # The API's containers get what the command line gives ours above: runc, cgroupfs and explicit limits.
  printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n' >"$conf"
  CONTAINERS_CONF="$conf" podman system service --time=0 "unix://$sock" 2>/dev/null &
  svc=$!
  local deadline=$((SECONDS + 20))
  while [ ! -S "$sock" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/s3gateway.testcontainers" "$root/artifacts/packages"/S3Gateway.Testcontainers.*.nupkg
  if [ -S "$sock" ] && dotnet pack testcontainers/S3Gateway.Testcontainers.csproj -c Release -o "$root/artifacts/packages" -v q --nologo >/dev/null; then
    # Ryuk (Testcontainers' reaper) is an image of its own that cannot be pulled here; the fixture removes its container.
    DOCKER_HOST="unix://$sock" TESTCONTAINERS_RYUK_DISABLED=true S3GATEWAY_IMAGE="$image" \
      dotnet test samples/testcontainers --nologo && ok=0
  fi
  kill "$svc" 2>/dev/null
  wait "$svc" 2>/dev/null
  rm -f "$conf" "$sock"
  return $ok
}
check "Testcontainers for .NET (S3GatewayBuilder) starts the image through podman's socket and AWSSDK.S3 uses it" testcontainers_sample

summary
[ "$failed" -eq 0 ]
