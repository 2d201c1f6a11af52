import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../infra/push-busybox-base.sh");

/** The base image's repository in every test registry. */
export const BUSYBOX_REPOSITORY = "flavorstack/busybox";

/**
 * Builds the busybox base image (Debian's busybox-static on `FROM scratch`)
 * with buildah and pushes it to the registry at `hostPort` as
 * `<hostPort>/flavorstack/busybox:latest`, unless the registry has it
 * already. Returns the image reference. Images that `RUN` commands start
 * `FROM` it. Needs `bash test/infra/setup.sh`.
 */
export function pushBusyboxBase(hostPort: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("bash", [SCRIPT, hostPort], { encoding: "utf8", timeout: 300_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${path.basename(SCRIPT)} ${hostPort} failed: ${stderr.trim() || error.message}`));
        return;
      }
      const reference = stdout.trim().split("\n").pop() ?? "";
      if (reference !== `${hostPort}/${BUSYBOX_REPOSITORY}:latest`) {
        reject(new Error(`${path.basename(SCRIPT)} printed '${stdout.trim()}', expected the image reference`));
        return;
      }
      resolve(reference);
    });
  });
}
