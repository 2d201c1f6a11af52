import { ConfigError, type ContainerRegistry, ImageReference } from "@flavorstack/core/plugin";
import { z } from "zod";

/** A Go duration as kaniko's `--cache-ttl` takes it: `168h`, `30m`, `1h30m`. */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

export const kanikoCacheSchema = z.strictObject({
  enabled: z.boolean({ error: "cache.enabled is required (true or false)" }).describe("Use kaniko's layer cache."),
  repository: z
    .string()
    .trim()
    .min(1)
    .refine((repository) => {
      const reference = ImageReference.tryParse(repository);
      return reference !== undefined && reference.tag === undefined && reference.digest === undefined;
    }, "the cache repository is a repository name without tag or digest, e.g. 'registry.example.com/team/app/cache'")
    .optional()
    .describe("Where cached layers are pushed; default `<destination repository>/cache`, in the stack's registry."),
  ttl: z
    .string()
    .trim()
    .regex(GO_DURATION, "cache.ttl is a Go duration such as '168h' or '30m'")
    .optional()
    .describe("How long cached layers are used (kaniko's --cache-ttl; kaniko's default is two weeks)."),
});

export type KanikoCacheConfig = z.output<typeof kanikoCacheSchema>;

/** The cache flags as `executorArgs` sets them by hand: flag name → value (`true` for a bare boolean flag). */
export function cacheFlagsInArgs(args: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let index = 0; index < args.length; index += 1) {
    const match = /^--(cache|cache-repo|cache-ttl)(?:=(.*))?$/s.exec(args[index] as string);
    if (!match) continue;
    const name = match[1] as string;
    let value = match[2];
    if (value === undefined) {
      const next = args[index + 1];
      if (name !== "cache" && next !== undefined) {
        value = next;
        index += 1;
      } else value = "true";
    }
    flags.set(name, value);
  }
  return flags;
}

/**
 * Where `cache` and flags set by hand in `executorArgs` disagree: each a message saying which two values clash.
 * Agreeing values, and flags `cache` leaves to its defaults, are no conflict (the hand-set flag wins).
 */
export function checkCacheFlags(cache: KanikoCacheConfig | undefined, executorArgs: readonly string[]): string[] {
  if (cache === undefined) return [];
  const byHand = cacheFlagsInArgs(executorArgs);
  const problems: string[] = [];
  const handCache = byHand.get("cache");
  if (handCache !== undefined && isTrue(handCache) !== cache.enabled) {
    problems.push(
      `cache.enabled is ${cache.enabled} but executorArgs has --cache=${handCache}: set it in one place only`,
    );
  }
  if (!cache.enabled) return problems;
  const pairs: [keyof KanikoCacheConfig, string][] = [
    ["repository", "cache-repo"],
    ["ttl", "cache-ttl"],
  ];
  for (const [field, flag] of pairs) {
    const mine = cache[field];
    const theirs = byHand.get(flag);
    if (mine !== undefined && theirs !== undefined && String(mine) !== theirs) {
      problems.push(`cache.${field} is '${mine}' but executorArgs has --${flag}=${theirs}: set it in one place only`);
    }
  }
  return problems;
}

/** Go's `strconv.ParseBool` true values (what kaniko's flags take), and a bare flag. */
function isTrue(value: string): boolean {
  return ["", "1", "t", "T", "true", "TRUE", "True"].includes(value);
}

/** The cache repository: `cache.repository`, else `<destination repository>/cache` (same registry). */
function cacheRepository(cache: KanikoCacheConfig, destination: ImageReference): ImageReference {
  return ImageReference.parse(cache.repository ?? `${destination.name}/cache`);
}

/**
 * The executor's cache flags for `cache` (none when it is absent or disabled), leaving out each flag that
 * `executorArgs` sets by hand (conflicts were refused with the config).
 */
export function kanikoCacheArgs(
  cache: KanikoCacheConfig | undefined,
  destination: ImageReference,
  executorArgs: readonly string[],
): string[] {
  if (!cache?.enabled) return [];
  const byHand = cacheFlagsInArgs(executorArgs);
  const args: string[] = [];
  if (!byHand.has("cache")) args.push("--cache=true");
  if (!byHand.has("cache-repo")) args.push(`--cache-repo=${cacheRepository(cache, destination)}`);
  if (cache.ttl !== undefined && !byHand.has("cache-ttl")) args.push(`--cache-ttl=${cache.ttl}`);
  return args;
}

/** The cache repository we pass must be in the stack's registry, like the destination (a hand-set one is the user's). */
export function checkCacheRepository(
  cache: KanikoCacheConfig | undefined,
  destination: ImageReference,
  executorArgs: readonly string[],
  containerRegistry: ContainerRegistry,
): void {
  if (!cache?.enabled || cacheFlagsInArgs(executorArgs).has("cache-repo")) return;
  const repository = cacheRepository(cache, destination);
  if (!containerRegistry.contains(repository)) {
    throw new ConfigError(
      `The cache repository '${repository}' (cache.repository) is not in container registry '${containerRegistry.name}' (${containerRegistry.uri}): name it '${containerRegistry.uri}/<repository>', or leave it out to use '${destination.name}/cache'.`,
    );
  }
}
