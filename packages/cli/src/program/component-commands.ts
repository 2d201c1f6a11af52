import type { StackComponentType } from "@flavorstack/core";

/** The component types the CLI manages, as commands: `flavorstack image-builder register …`. */
export const COMPONENT_COMMANDS = [
  {
    command: "artifact-store",
    type: "artifact_store",
    noun: "artifact store",
    aNoun: "an artifact store",
    plural: "artifact stores",
  },
  {
    command: "container-registry",
    type: "container_registry",
    noun: "container registry",
    aNoun: "a container registry",
    plural: "container registries",
  },
  {
    command: "image-builder",
    type: "image_builder",
    noun: "image builder",
    aNoun: "an image builder",
    plural: "image builders",
  },
] as const satisfies readonly {
  command: string;
  type: StackComponentType;
  noun: string;
  aNoun: string;
  plural: string;
}[];

export type ComponentCommand = (typeof COMPONENT_COMMANDS)[number];

/** The help of `--flavor`, on the first and the second parse of `register`. */
export function flavorOptionHelp(type: StackComponentType): string {
  return `the flavor (\`flavorstack flavor list --type ${type}\`)`;
}
