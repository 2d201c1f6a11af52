// The README's example, kept here so that `pnpm typecheck` proves it compiles.

import {
  BuildContext,
  createStack,
  DefaultContainerRegistryFlavor,
  LocalArtifactStoreFlavor,
  LocalImageBuilderFlavor,
} from "@flavorstack/core";
import { defineFlavor, StackComponent } from "@flavorstack/core/plugin";
import { z } from "zod";

// 1. A flavor: a zod schema (the config's type, defaults, validation and JSON
//    Schema) and a lazily loaded implementation.
class SlackAlerter extends StackComponent<{ channel: string }> {
  readonly type = "alerter" as const;
}
export const SlackAlerterFlavor = defineFlavor({
  name: "slack",
  type: "alerter",
  configSchema: z.strictObject({ channel: z.string().startsWith("#") }),
  implementation: async () => (init) => new SlackAlerter(init),
});

// 2. A stack: one component per type, validated all at once.
const stack = createStack({
  name: "dev",
  components: [
    await LocalArtifactStoreFlavor.createComponent({ name: "files", config: { path: "/tmp/store" } }),
    await DefaultContainerRegistryFlavor.createComponent({ name: "registry", config: { uri: "127.0.0.1:5000" } }),
    await LocalImageBuilderFlavor.createComponent({ name: "builder", config: { engine: "auto" } }),
    await SlackAlerterFlavor.createComponent({ name: "alerts", config: { channel: "#builds" } }),
  ],
});
stack.validate();

// 3. Build and push: a deterministic, streamed build context; the result carries the digest.
const image = await stack.buildImage("127.0.0.1:5000/hello:dev", new BuildContext({ root: "examples/hello" }));
console.log(image.toString()); // 127.0.0.1:5000/hello:dev@sha256:…
