#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian 12 machine and builds the
# workspace. Idempotent: when everything is present it only runs
# `pnpm install --frozen-lockfile` and `pnpm build` (both fast when up to date).
#
#   bash test/infra/setup.sh            # everything
#   SKIP_BUILD=1 bash test/infra/setup.sh  # system packages + pnpm only
set -euo pipefail

PNPM_VERSION=10.34.9
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# Runs a command quietly; on failure shows the tail of its output and stops.
run() {
  if ! "$@" >"$out" 2>&1; then
    tail -n 40 "$out" >&2
    die "'$*' failed"
  fi
}
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

# command-on-PATH -> Debian package that provides it
declare -A PROVIDES=(
  [docker-registry]=docker-registry
  [buildah]=buildah
  [skopeo]=skopeo
  [pigz]=pigz
  [curl]=curl
  [tar]=tar
  [newuidmap]=uidmap
  # The kaniko proxy tests make a TLS server's certificate with it.
  [openssl]=openssl
  # OpenStack Swift with its s3api middleware: the S3 server the s3 store's tests start
  # (@flavorstack/testing/servers startSwiftS3Server), and the memcached s3api needs.
  [swift-ring-builder]=swift
  [swift-proxy-server]=swift-proxy
  [swift-account-server]=swift-account
  [swift-container-server]=swift-container
  [swift-object-server]=swift-object
  [memcached]=memcached
)
missing=()
for cmd in "${!PROVIDES[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${PROVIDES[$cmd]}")
done
# busybox-static: the static binary is what the base image is made of; a
# dynamically linked busybox (package `busybox`) would not run in the image.
if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'; then
  missing+=(busybox-static)
fi
# PostgreSQL, which the client's tests start (@flavorstack/testing/servers startPostgres): its programs live in
# /usr/lib/postgresql/<major>/bin, not on PATH.
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  missing+=(postgresql)
fi

if ((${#missing[@]})); then
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and apt-get is not available: install them by hand"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "missing ${missing[*]}: run as root or install sudo"
    SUDO=(sudo)
  fi
  log "installing ${missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  run "${SUDO[@]}" apt-get update -qq
  run "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

for cmd in "${!PROVIDES[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is still missing after apt-get install"
done

# pnpm, exactly the version in package.json's packageManager.
if [[ "$(pnpm -v 2>/dev/null || true)" != "$PNPM_VERSION" ]]; then
  command -v npm >/dev/null 2>&1 || die "npm is required to install pnpm $PNPM_VERSION (source scripts/use-node.sh first)"
  log "installing pnpm $PNPM_VERSION (npm)"
  run npm i -g --no-fund --no-audit "pnpm@$PNPM_VERSION"
  hash -r
  [[ "$(pnpm -v 2>/dev/null || true)" == "$PNPM_VERSION" ]] \
    || die "pnpm -v is '$(pnpm -v 2>/dev/null || echo none)', expected $PNPM_VERSION (check PATH)"
fi

[[ "${SKIP_BUILD:-}" == 1 ]] && exit 0

cd "$ROOT"
log "pnpm install --frozen-lockfile"
run pnpm install --frozen-lockfile
log "pnpm build"
run pnpm build
log "ok"
