#!/usr/bin/env bash
# Makes the base image REGISTRY/flavorstack/busybox:latest from Debian's
# busybox-static (a rootfs with /bin/busybox and its applet links, `FROM
# scratch` + `ADD rootfs.tar /`) with buildah and pushes it over plain HTTP.
# Prints the image reference. Idempotent: skipped when the registry already
# has the manifest.
#
#   test/infra/push-busybox-base.sh 127.0.0.1:5000
#
# buildah storage: $FLAVORSTACK_BUILDAH_ROOT (default ${TMPDIR:-/tmp}/flavorstack-buildah),
# with root/ and runroot/ under it; vfs driver, chroot isolation (works as
# root without overlay or user namespaces).
set -euo pipefail

REGISTRY="${1:?usage: push-busybox-base.sh REGISTRY_HOSTPORT}"
IMAGE="$REGISTRY/flavorstack/busybox:latest"
BUSYBOX="${BUSYBOX:-/bin/busybox}"
BUILDAH_BASE="${FLAVORSTACK_BUILDAH_ROOT:-${TMPDIR:-/tmp}/flavorstack-buildah}"

die() { printf 'push-busybox-base: error: %s\n' "$*" >&2; exit 1; }

ACCEPT='application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json'
code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -I -H "Accept: $ACCEPT" \
  "http://$REGISTRY/v2/flavorstack/busybox/manifests/latest" || true)"
if [[ "$code" == 200 ]]; then
  echo "$IMAGE"
  exit 0
fi
[[ "$code" == 404 ]] || die "registry http://$REGISTRY did not answer as expected (HTTP '$code'): is it running?"

command -v buildah >/dev/null 2>&1 || die "buildah is not installed: run 'bash test/infra/setup.sh' (or apt-get install buildah)"
[[ -x "$BUSYBOX" ]] || die "$BUSYBOX not found: apt-get install busybox-static"
file_info="$(LC_ALL=C "$BUSYBOX" 2>&1 | head -n 1 || true)"
[[ "$file_info" == BusyBox* ]] || die "$BUSYBOX does not run as busybox"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/root"
chmod 1777 "$rootfs/tmp"
cp "$BUSYBOX" "$rootfs/bin/busybox"
# One link per applet, all in /bin (PATH in the image is /bin).
for applet in $("$BUSYBOX" --list); do
  [[ "$applet" == busybox ]] || ln -sf busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$work/rootfs.tar" .
cat >"$work/Containerfile" <<'DOCKERFILE'
FROM scratch
ADD rootfs.tar /
ENV PATH=/bin
CMD ["/bin/sh"]
DOCKERFILE

B=(buildah --root "$BUILDAH_BASE/root" --runroot "$BUILDAH_BASE/runroot" --storage-driver vfs)
log="$work/buildah.log"
if ! "${B[@]}" bud --isolation chroot --quiet --timestamp 0 -f "$work/Containerfile" -t "$IMAGE" "$work" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  die "buildah bud of $IMAGE failed"
fi
if ! "${B[@]}" push --tls-verify=false --quiet "$IMAGE" "docker://$IMAGE" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  die "buildah push of $IMAGE failed"
fi
# The registry holds it now; drop the local name (layers are shared anyway).
"${B[@]}" rmi "$IMAGE" >/dev/null 2>&1 || true
echo "$IMAGE"
