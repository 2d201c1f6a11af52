#!/usr/bin/env bash
# The main job on a fresh machine: installs what is missing (apt packages,
# pnpm, the workspace), starts a container registry on 127.0.0.1:5000, pushes
# the busybox base image the example builds FROM, then builds examples/hello
# with a stack of local artifact store + that registry + the `local` image
# builder and prints the pushed image reference with its digest.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node >= 22.19 first on PATH (installs a pinned Node 24 into .node/ when the system's is older).
. scripts/use-node.sh

PORT="${FLAVORSTACK_REGISTRY_PORT:-5000}"
export FLAVORSTACK_REGISTRY="127.0.0.1:$PORT"

bash test/infra/setup.sh >&2
bash test/infra/start-registry.sh "$PORT" >&2
bash test/infra/push-busybox-base.sh "$FLAVORSTACK_REGISTRY" >&2
exec pnpm --silent --filter @flavorstack/examples hello
