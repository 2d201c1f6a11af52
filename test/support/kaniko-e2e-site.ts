import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { BuildContext, type ContainerRegistry, DefaultContainerRegistryFlavor, silentLogger } from "@flavorstack/core";
import { type RunningRegistry, startRegistry } from "@flavorstack/testing/servers";

/** What the kaniko e2e files share: a real registry, its `ContainerRegistry`, and a scratch dir with a context. */
export interface KanikoE2eSite {
  registry: RunningRegistry;
  containerRegistry: ContainerRegistry;
  /** A temp dir of the test file's own, removed by `stop()`. */
  scratch: string;
  /** A build context in `scratch/<contextDir>` holding `files`. */
  context: BuildContext;
  /** Stops the registry and removes the scratch dir. */
  stop(): Promise<void>;
}

/** By default a context that COPYs one file and runs nothing, so it builds on any executor. */
export async function startKanikoE2eSite(
  name: string,
  options: { contextDir?: string; files?: Record<string, string> } = {},
): Promise<KanikoE2eSite> {
  const registry = await startRegistry();
  const containerRegistry = await DefaultContainerRegistryFlavor.createComponent({
    name: "registry",
    config: { uri: registry.hostPort },
  });
  const scratch = await mkdtemp(path.join(tmpdir(), `flavorstack-kaniko-${name}-e2e-`));
  const contextDir = path.join(scratch, options.contextDir ?? "tiny");
  await mkdir(contextDir);
  const files = options.files ?? {
    Dockerfile: "FROM scratch\nCOPY hello.txt /hello.txt\n",
    "hello.txt": `hello from the kaniko ${name} e2e test\n`,
  };
  for (const [file, content] of Object.entries(files)) await writeFile(path.join(contextDir, file), content);
  return {
    registry,
    containerRegistry,
    scratch,
    context: new BuildContext({ root: contextDir, logger: silentLogger }),
    async stop() {
      await registry.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
