import { isSecretName } from "./is-secret-name.js";

/** Plain values a build sets by name: the config's `env` (those with a `value`), build args, the store's env. */
export interface NamedValues {
  env?: readonly { name: string; value?: string | undefined }[];
  buildArgs?: Readonly<Record<string, string>> | undefined;
  environment?: Readonly<Record<string, string>> | undefined;
}

/** The values whose names look secret ({@link isSecretName}); every other value stays readable in logs. */
export function namedSecretValues({ env = [], buildArgs = {}, environment = {} }: NamedValues): string[] {
  const named: [string, string | undefined][] = [
    ...env.map((variable): [string, string | undefined] => [variable.name, variable.value]),
    ...Object.entries(buildArgs),
    ...Object.entries(environment),
  ];
  return named
    .filter((entry): entry is [string, string] => entry[1] !== undefined && isSecretName(entry[0]))
    .map(([, value]) => value);
}
