import type { AnyFlavor, StackComponentType } from "@flavorstack/core";
import { RegistryError } from "@flavorstack/core/errors";
import type { Command } from "commander";
import { printFields, printJson, printTable } from "../output/print.js";
import { STDERR_LOGGER } from "../output/stderr-logger.js";
import { withClient } from "./with-client.js";

export async function listIntegrations(command: Command, options: { json?: boolean }) {
  const integrations = await withClient(command, async (client) => {
    for (const problem of await client.integrationProblems()) {
      STDERR_LOGGER.warn(`the integration package in ${problem.packageDir} failed to load: ${problem.message}`);
    }
    return client.integrations();
  });
  if (options.json) return printJson(integrations);
  printTable(
    ["NAME", "INSTALLED", "FLAVORS", "REQUIREMENTS"],
    integrations.map((integration) => [
      integration.name,
      integration.installed ? "yes" : "no",
      integration.flavors.join(", "),
      integration.requirements.join(", ") || "-",
    ]),
  );
}

export async function describeIntegration(command: Command, name: string, options: { json?: boolean }) {
  const integrations = await withClient(command, (client) => client.integrations());
  const integration = integrations.find((candidate) => candidate.name === name);
  if (!integration) {
    throw new RegistryError(
      `No integration named '${name}'. Installed integrations: ${integrations.map((known) => known.name).join(", ")}. Install its package (e.g. \`pnpm add @flavorstack/${name}\`).`,
    );
  }
  if (options.json) return printJson(integration);
  printFields([
    ["name", integration.name],
    ["installed", integration.installed ? "yes" : "no (install its requirements)"],
    ["flavors", integration.flavors.join(", ")],
    ["requirements", integration.requirements.join(", ") || "-"],
  ]);
}

export async function listFlavors(command: Command, options: { type?: string; json?: boolean }) {
  const type = options.type === undefined ? undefined : await componentType(command, options.type);
  const flavors = await withClient(command, (client) => client.flavors(type));
  if (options.json) return printJson(flavors.map((flavor) => describeFlavorFields(flavor)));
  printTable(
    ["TYPE", "FLAVOR", "INTEGRATION", "DISPLAY NAME"],
    flavors.map((flavor) => [flavor.type, flavor.name, flavor.integration, flavor.displayName]),
  );
}

export async function describeFlavor(command: Command, typeName: string, name: string, options: { json?: boolean }) {
  const type = await componentType(command, typeName);
  const flavor = await withClient(command, (client) => client.flavor(type, name));
  const configSchema = flavor.jsonSchema();
  if (options.json) return printJson({ ...describeFlavorFields(flavor), configSchema });
  printFields([
    ["type", flavor.type],
    ["flavor", flavor.name],
    ["display name", flavor.displayName],
    ["integration", flavor.integration],
    ["docs", flavor.docsUrl ?? "-"],
    ["config schema", JSON.stringify(configSchema, null, 2)],
  ]);
}

function describeFlavorFields(flavor: AnyFlavor) {
  const { type, name, displayName, integration, docsUrl, sdkDocsUrl, logoUrl } = flavor;
  return { type, name, displayName, integration, docsUrl, sdkDocsUrl, logoUrl };
}

/** `image-builder` or `image_builder`; anything else is a usage error listing the types. */
async function componentType(command: Command, text: string): Promise<StackComponentType> {
  const { STACK_COMPONENT_TYPES, isStackComponentType } = await import("@flavorstack/core");
  const type = text.replaceAll("-", "_");
  if (isStackComponentType(type)) return type;
  return command.error(`error: '${text}' is not a component type. Types: ${STACK_COMPONENT_TYPES.join(", ")}.`, {
    exitCode: 2,
  });
}
