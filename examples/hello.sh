#!/usr/bin/env bash
# The main job on a fresh machine, through the `flavorstack` command: installs what is missing (apt packages, pnpm,
# the workspace), starts a container registry on 127.0.0.1:5000 and pushes the busybox base image the example builds
# FROM, registers a stack (the local artifact store, that registry, the `local` image builder) in a store of its own,
# and builds examples/hello with it. It prints the pushed image reference with its digest. Run it again and the
# unchanged build is reused: the same reference, nothing built.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node >= 22.19 first on PATH (installs a pinned Node 24 into .node/ when the system's is older).
. scripts/use-node.sh

PORT="${FLAVORSTACK_REGISTRY_PORT:-5000}"
REGISTRY="127.0.0.1:$PORT"

bash test/infra/setup.sh >&2
bash test/infra/start-registry.sh "$PORT" >&2
bash test/infra/push-busybox-base.sh "$REGISTRY" >&2

# The example's store: examples/.flavorstack (gitignored), unless FLAVORSTACK_HOME names another.
export FLAVORSTACK_HOME="${FLAVORSTACK_HOME:-$PWD/examples/.flavorstack}"
flavorstack() { node packages/cli/dist/bin.js "$@"; }

# Register once; on later runs only the registry's address is brought up to date.
if flavorstack container-registry describe hello-registry >/dev/null 2>&1; then
  flavorstack container-registry update hello-registry --uri "$REGISTRY" >/dev/null
else
  flavorstack container-registry register hello-registry --flavor default --uri "$REGISTRY" >&2
fi
flavorstack image-builder describe hello-builder >/dev/null 2>&1 ||
  flavorstack image-builder register hello-builder --flavor local --engine auto >&2
flavorstack stack describe hello >/dev/null 2>&1 ||
  flavorstack stack register hello -a default -c hello-registry -i hello-builder >&2
flavorstack stack set hello >&2

flavorstack build examples/hello --image flavorstack/hello:latest \
  --build-arg "BASE_IMAGE=$REGISTRY/flavorstack/busybox:latest" \
  --label "org.opencontainers.image.title=flavorstack hello"
