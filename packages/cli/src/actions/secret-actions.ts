import type { Command } from "commander";
import { printFields, printJson, printLine, printTable } from "../output/print.js";
import { readSecretValues } from "./secret-values.js";
import { withClient } from "./with-client.js";

export async function createSecret(command: Command, name: string, pairs: string[], options: { valuesFile?: string }) {
  const values = await readSecretValues(command, pairs, options.valuesFile);
  if (Object.keys(values).length === 0) {
    command.error("error: a secret needs at least one value: give KEY=VALUE arguments or --values-file.", {
      exitCode: 2,
    });
  }
  await withClient(command, (client) => client.secrets.create(name, values));
  printLine(`Created secret '${name}' with keys: ${Object.keys(values).sort().join(", ")}.`);
}

export async function updateSecret(
  command: Command,
  name: string,
  pairs: string[],
  options: { valuesFile?: string; replace?: boolean },
) {
  const values = await readSecretValues(command, pairs, options.valuesFile);
  if (Object.keys(values).length === 0) {
    command.error("error: nothing to change: give KEY=VALUE arguments or --values-file.", { exitCode: 2 });
  }
  await withClient(command, (client) => client.secrets.update(name, values, { replace: options.replace ?? false }));
  printLine(`Updated secret '${name}'.`);
}

export async function listSecrets(command: Command, options: { json?: boolean }) {
  const secrets = await withClient(command, (client) => client.secrets.list());
  if (options.json) return printJson(secrets);
  printTable(
    ["NAME", "KEYS", "OWNER", "UPDATED"],
    secrets.map((secret) => [secret.name, secret.keys.join(","), describeOwner(secret.owner), secret.updatedAt]),
  );
}

export async function describeSecret(command: Command, name: string, options: { json?: boolean }) {
  const secret = await withClient(command, (client) => client.secrets.describe(name));
  if (options.json) return printJson(secret);
  printFields([
    ["name", secret.name],
    ["keys", secret.keys.join(", ")],
    ["owner", describeOwner(secret.owner)],
    ["created", secret.createdAt],
    ["updated", secret.updatedAt],
  ]);
}

export async function deleteSecret(command: Command, name: string) {
  await withClient(command, (client) => client.secrets.delete(name));
  printLine(`Deleted secret '${name}'.`);
}

/** The component whose secret fields a secret holds: `artifact_store/bucket`; `-` for a user's secret. */
function describeOwner(owner: { type: string; name: string } | null): string {
  return owner ? `${owner.type}/${owner.name}` : "-";
}
