import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { LocalArtifactStoreFlavor } from "@flavorstack/core";
import { describeArtifactStoreContract } from "@flavorstack/testing/artifact-store";

describeArtifactStoreContract("LocalArtifactStore", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "flavorstack-local-store-"));
  const root = path.join(dir, "root");
  const outsideDir = path.join(dir, "outside");
  await mkdir(outsideDir);
  const store = await LocalArtifactStoreFlavor.createComponent({ name: "local", config: { path: root } });
  return {
    store,
    cleanup: () => rm(dir, { recursive: true, force: true }),
    symbolicLinks: {
      outsideDir,
      async create(link, target) {
        const at = path.join(root, link);
        await mkdir(path.dirname(at), { recursive: true });
        await symlink(target, at);
      },
    },
  };
});
