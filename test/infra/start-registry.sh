#!/usr/bin/env bash
# Starts the real `distribution` registry (Debian's docker-registry) on
# 127.0.0.1:PORT in the background, storage under DIR, deletes enabled.
# Prints the registry's URL. Idempotent: when a registry already answers
# /v2/ on PORT it only prints the URL.
#
#   test/infra/start-registry.sh [PORT=5000] [DIR=${TMPDIR:-/tmp}/flavorstack-registry-PORT]
#   stop: kill "$(cat DIR/registry.pid)"
set -euo pipefail

PORT="${1:-5000}"
DIR="${2:-${TMPDIR:-/tmp}/flavorstack-registry-$PORT}"
URL="http://127.0.0.1:$PORT"

die() { printf 'start-registry: error: %s\n' "$*" >&2; exit 1; }
answers() { curl -fsS -o /dev/null --max-time 2 "$URL/v2/" 2>/dev/null; }

command -v docker-registry >/dev/null 2>&1 \
  || die "docker-registry is not installed: run 'bash test/infra/setup.sh' (or apt-get install docker-registry)"

if answers; then
  echo "$URL"
  exit 0
fi

mkdir -p "$DIR/storage"
cat >"$DIR/config.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $DIR/storage
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:$PORT
  secret: flavorstack-test-only
  headers:
    X-Content-Type-Options: [nosniff]
YAML

# setsid: the registry outlives this script and the caller's process group.
setsid docker-registry serve "$DIR/config.yml" >"$DIR/registry.log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$DIR/registry.pid"

for _ in $(seq 1 200); do
  if answers; then
    echo "$URL"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 20 "$DIR/registry.log" >&2 || true
    die "docker-registry exited before answering on $URL (port in use?)"
  fi
  sleep 0.05
done
tail -n 20 "$DIR/registry.log" >&2 || true
kill "$pid" 2>/dev/null || true
die "docker-registry did not answer $URL/v2/ within 10 s"
