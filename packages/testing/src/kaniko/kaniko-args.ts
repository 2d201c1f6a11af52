/** The kaniko executor flags the simulated executor understands. */
export interface KanikoArgs {
  dockerfile: string;
  context: string | undefined;
  destinations: string[];
  imageNameWithDigestFile: string | undefined;
  digestFile: string | undefined;
  buildArgs: string[];
  labels: string[];
  target: string | undefined;
  insecure: boolean;
  skipTlsVerify: boolean;
  insecureRegistries: string[];
  skipTlsVerifyRegistries: string[];
  noPush: boolean;
  /** `--cache`: use and fill the layer cache. */
  cache: boolean;
  cacheRepo: string | undefined;
  /** `--cache-ttl` as written (a Go duration). */
  cacheTtl: string | undefined;
  cacheCopyLayers: boolean;
  verbosity: string | undefined;
  /** Flags accepted but not simulated (each as written). */
  ignored: string[];
  /** Arguments that are not flags. */
  positional: string[];
}

const VALUE_FLAGS = new Set([
  "dockerfile",
  "context",
  "destination",
  "image-name-with-digest-file",
  "digest-file",
  "build-arg",
  "label",
  "target",
  "verbosity",
  "insecure-registry",
  "skip-tls-verify-registry",
  "cache-repo",
  "cache-ttl",
]);

const BOOLEAN_FLAGS = new Set(["insecure", "skip-tls-verify", "no-push", "cache", "cache-copy-layers"]);

/** Kaniko flags that take a value but are not simulated (so `--flag value` is read as one flag). */
const IGNORED_VALUE_FLAGS = new Set([
  "cache-dir",
  "snapshot-mode",
  "push-retry",
  "registry-mirror",
  "custom-platform",
  "log-format",
  "tar-path",
  "kaniko-dir",
  "ignore-path",
  "image-fs-extract-retry",
  "compression",
  "compression-level",
  "registry-certificate",
  "registry-client-cert",
  "oci-layout-path",
  "git",
  "image-download-retry",
  "registry-map",
  "credential-helpers",
]);

const SHORT_FLAGS: Record<string, string> = { f: "dockerfile", c: "context", d: "destination", v: "verbosity" };

function isTrue(value: string | undefined): boolean {
  return value === undefined || value === "" || value === "true" || value === "1";
}

/** Parses kaniko executor args (`--flag=value`, `--flag value`, `-f value`, repeatable flags). */
export function parseKanikoArgs(args: readonly string[]): KanikoArgs {
  const parsed: KanikoArgs = {
    dockerfile: "Dockerfile",
    context: undefined,
    destinations: [],
    imageNameWithDigestFile: undefined,
    digestFile: undefined,
    buildArgs: [],
    labels: [],
    target: undefined,
    insecure: false,
    skipTlsVerify: false,
    insecureRegistries: [],
    skipTlsVerifyRegistries: [],
    noPush: false,
    cache: false,
    cacheRepo: undefined,
    cacheTtl: undefined,
    cacheCopyLayers: false,
    verbosity: undefined,
    ignored: [],
    positional: [],
  };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    const match = /^--?([A-Za-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) {
      parsed.positional.push(arg);
      continue;
    }
    const long = arg.startsWith("--");
    const name = long ? (match[1] as string) : (SHORT_FLAGS[match[1] as string] ?? (match[1] as string));
    let value = match[2];
    const takesValue = VALUE_FLAGS.has(name) || IGNORED_VALUE_FLAGS.has(name);
    if (takesValue && value === undefined) {
      value = args[index + 1];
      index += 1;
      if (value === undefined) throw new Error(`flag needs an argument: --${name}`);
    }
    switch (name) {
      case "dockerfile":
        parsed.dockerfile = value as string;
        break;
      case "context":
        parsed.context = value;
        break;
      case "destination":
        parsed.destinations.push(value as string);
        break;
      case "image-name-with-digest-file":
        parsed.imageNameWithDigestFile = value;
        break;
      case "digest-file":
        parsed.digestFile = value;
        break;
      case "build-arg":
        parsed.buildArgs.push(value as string);
        break;
      case "label":
        parsed.labels.push(value as string);
        break;
      case "target":
        parsed.target = value;
        break;
      case "verbosity":
        parsed.verbosity = value;
        break;
      case "insecure-registry":
        parsed.insecureRegistries.push(value as string);
        break;
      case "skip-tls-verify-registry":
        parsed.skipTlsVerifyRegistries.push(value as string);
        break;
      case "insecure":
        parsed.insecure = isTrue(value);
        break;
      case "skip-tls-verify":
        parsed.skipTlsVerify = isTrue(value);
        break;
      case "no-push":
        parsed.noPush = isTrue(value);
        break;
      case "cache":
        parsed.cache = isTrue(value);
        break;
      case "cache-copy-layers":
        parsed.cacheCopyLayers = isTrue(value);
        break;
      case "cache-repo":
        parsed.cacheRepo = value;
        break;
      case "cache-ttl":
        parsed.cacheTtl = value;
        break;
      default:
        parsed.ignored.push(takesValue ? `--${name}=${value}` : arg);
    }
    if (BOOLEAN_FLAGS.has(name) && value !== undefined && !["true", "false", "1", "0", ""].includes(value)) {
      throw new Error(
        `invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
      );
    }
  }
  return parsed;
}
