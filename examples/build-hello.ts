// Builds examples/hello with a stack of the local artifact store, a container
// registry on 127.0.0.1 and the `local` image builder, and prints the pushed
// image reference with its digest. Run through `bash examples/hello.sh`.
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  BuildContext,
  consoleLogger,
  createFlavorstackContainer,
  createStack,
  FlavorRegistryToken,
  FlavorstackError,
  resolve,
} from "@flavorstack/core";

const here = path.dirname(fileURLToPath(import.meta.url));
const registryUri = process.env.FLAVORSTACK_REGISTRY ?? "127.0.0.1:5000";

async function main(): Promise<void> {
  const flavors = resolve(createFlavorstackContainer(), FlavorRegistryToken);
  const stack = createStack({
    name: "hello",
    components: [
      await flavors.get("artifact_store", "local").createComponent({
        name: "hello-store",
        config: { path: path.join(here, ".flavorstack", "store") },
      }),
      await flavors.get("container_registry", "default").createComponent({
        name: "local-registry",
        config: { uri: registryUri },
      }),
      await flavors
        .get("image_builder", "local")
        .createComponent({ name: "local-builder", config: { engine: "auto" } }),
    ],
  });
  stack.validate();

  const image = await stack.buildImage(
    `${registryUri}/flavorstack/hello:latest`,
    new BuildContext({ root: path.join(here, "hello") }),
    {
      buildArgs: { BASE_IMAGE: `${registryUri}/flavorstack/busybox:latest` },
      labels: { "org.opencontainers.image.title": "flavorstack hello" },
      logger: consoleLogger,
      onLog: (line) => process.stderr.write(`  ${line}\n`),
    },
  );
  console.log(image.toString());
}

main().catch((error: unknown) => {
  console.error(error instanceof FlavorstackError ? `error: ${error.message}` : error);
  process.exitCode = 1;
});
