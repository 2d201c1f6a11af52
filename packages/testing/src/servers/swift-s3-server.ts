import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { delimiter, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import { freePort } from "./free-port.js";

/** A running OpenStack Swift with the s3api middleware: an S3 endpoint that checks SigV4 signatures. */
export interface SwiftS3Server {
  /** `http://127.0.0.1:PORT`: use it with path-style addressing. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Creates a bucket (a Swift container); an existing one is fine. */
  createBucket(name: string): Promise<void>;
  /** Kills every process it started and removes its directory. */
  stop(): Promise<void>;
}

export interface SwiftS3ServerOptions {
  /** Milliseconds to wait for the servers to answer (default 90 s: Swift starts in about 4 s on an idle machine, much slower on a loaded one). */
  startTimeout?: number;
}

/** The programs the server needs, and the Debian packages that provide them (`test/infra/setup.sh` installs them). */
export const SWIFT_S3_SERVER_PROGRAMS: Readonly<Record<string, string>> = Object.freeze({
  "swift-ring-builder": "swift",
  "swift-proxy-server": "swift-proxy",
  "swift-account-server": "swift-account",
  "swift-container-server": "swift-container",
  "swift-object-server": "swift-object",
  memcached: "memcached",
});

const REGION = "us-east-1";
// tempauth's account `test`, user `tester`: s3api takes `account:user` as the access key, the user's key as the secret.
const ACCESS_KEY_ID = "test:tester";
/** The proxy pipeline's filters that need no settings: section name → Swift's egg entry point. */
const PLAIN_PROXY_FILTERS: Readonly<Record<string, string>> = Object.freeze({
  catch_errors: "catch_errors",
  gatekeeper: "gatekeeper",
  healthcheck: "healthcheck",
  "proxy-logging": "proxy_logging",
  listing_formats: "listing_formats",
  copy: "copy",
  slo: "slo",
  dlo: "dlo",
});
const BACKENDS = ["account", "container", "object"] as const;
type Backend = (typeof BACKENDS)[number];

const execFileAsync = promisify(execFile);

/** The programs of {@link SWIFT_S3_SERVER_PROGRAMS} that are not on PATH (a test that needs them skips naming them). */
export function missingSwiftS3Programs(): string[] {
  return Object.keys(SWIFT_S3_SERVER_PROGRAMS).filter((program) => findOnPath(program) === undefined);
}

function findOnPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {}
  }
  return undefined;
}

/**
 * Starts memcached and Swift's account, container, object and proxy servers (s3api, tempauth) on free 127.0.0.1
 * ports, with configs, rings and a device in a temp dir, and waits until they answer (about 4 s on an idle machine).
 */
export async function startSwiftS3Server(options: SwiftS3ServerOptions = {}): Promise<SwiftS3Server> {
  const missing = missingSwiftS3Programs();
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((program) => SWIFT_S3_SERVER_PROGRAMS[program]))].join(" ");
    throw new Error(
      `Cannot start Swift: ${missing.join(", ")} not on PATH. Install them with 'bash test/infra/setup.sh' (apt-get install -y ${packages}).`,
    );
  }
  const home = await mkdtemp(join(tmpdir(), "flavorstack-swift-"));
  // A fresh secret per server: a test that looks for it in messages finds no accidental match.
  const secretAccessKey = randomBytes(16).toString("hex");
  const processes: ChildProcess[] = [];
  // A test process that exits without stop() (a crash, a timeout) takes the servers with it.
  const killOnExit = () => {
    for (const child of processes) child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  const stop = async (): Promise<void> => {
    process.off("exit", killOnExit);
    await Promise.all(processes.map(kill));
    await rm(home, { recursive: true, force: true });
  };
  try {
    const ports = { proxy: await freePort(), memcached: await freePort(), ...(await backendPorts()) };
    await writeSwiftFiles(home, ports, secretAccessKey);
    const output: string[] = [];
    const start = (command: string, args: string[]) => {
      const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
      for (const stream of [child.stdout, child.stderr]) {
        stream?.setEncoding("utf8");
        stream?.on("data", (text: string) => output.push(`${command}: ${text}`));
      }
      processes.push(child);
      return child;
    };
    const asRoot = process.getuid?.() === 0 ? ["-u", "root"] : [];
    start("memcached", ["-l", "127.0.0.1", "-p", String(ports.memcached), "-U", "0", ...asRoot]);
    // The backends start without rings; the proxy reads them at start-up.
    for (const backend of BACKENDS) start(`swift-${backend}-server`, [join(home, "etc", `${backend}-server.conf`)]);
    await buildRings(join(home, "etc"), ports);
    start("swift-proxy-server", [join(home, "etc", "proxy-server.conf")]);

    const endpoint = `http://127.0.0.1:${ports.proxy}`;
    await waitUntil(options.startTimeout ?? 90_000, processes, output, async () => {
      for (const backend of BACKENDS) if (!(await accepts(ports[backend]))) return false;
      const response = await fetch(`${endpoint}/healthcheck`).catch(() => undefined);
      return response?.ok === true;
    });
    return {
      endpoint,
      region: REGION,
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey,
      createBucket: (name) => createContainer(endpoint, secretAccessKey, name),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function backendPorts(): Promise<Record<Backend, number>> {
  return { account: await freePort(), container: await freePort(), object: await freePort() };
}

/** The configs of the testinfra recipe, on our ports and paths; the rings; the device dir. */
async function writeSwiftFiles(
  home: string,
  ports: Record<Backend | "proxy" | "memcached", number>,
  secretAccessKey: string,
): Promise<void> {
  const etc = join(home, "etc");
  await mkdir(join(home, "srv", "d1"), { recursive: true });
  await mkdir(etc);
  const user = userInfo().username;
  const common = (port: number) =>
    ["[DEFAULT]", "bind_ip = 127.0.0.1", `bind_port = ${port}`, "workers = 0", `swift_dir = ${etc}`, `user = ${user}`]
      // Swift logs to syslog; an address that is no socket keeps it quiet.
      .concat("log_address = /nonexistent");
  const files: Record<string, string[]> = {
    "swift.conf": [
      "[swift-hash]",
      "swift_hash_path_suffix = flavorstack",
      "swift_hash_path_prefix = flavorstack",
      "[storage-policy:0]",
      "name = Policy-0",
      "default = yes",
    ],
    "proxy-server.conf": [
      ...common(ports.proxy),
      "[pipeline:main]",
      "pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server",
      "[app:proxy-server]",
      "use = egg:swift#proxy",
      "account_autocreate = true",
      "[filter:tempauth]",
      "use = egg:swift#tempauth",
      `user_test_tester = ${secretAccessKey} .admin`,
      "[filter:s3api]",
      "use = egg:swift#s3api",
      `location = ${REGION}`,
      "[filter:cache]",
      "use = egg:swift#memcache",
      `memcache_servers = 127.0.0.1:${ports.memcached}`,
      ...Object.entries(PLAIN_PROXY_FILTERS).flatMap(([name, egg]) => [`[filter:${name}]`, `use = egg:swift#${egg}`]),
    ],
  };
  for (const backend of BACKENDS) {
    files[`${backend}-server.conf`] = [
      ...common(ports[backend]),
      `devices = ${join(home, "srv")}`,
      "mount_check = false",
      "[pipeline:main]",
      `pipeline = ${backend}-server`,
      `[app:${backend}-server]`,
      `use = egg:swift#${backend}`,
    ];
  }
  await Promise.all(Object.entries(files).map(([name, lines]) => writeFile(join(etc, name), `${lines.join("\n")}\n`)));
}

/**
 * The three rings (one device, one replica each), built in one Python process with Swift's RingBuilder: the same as
 * `swift-ring-builder X.builder create 10 1 1; … add r1z1-127.0.0.1:PORT/d1 1; … rebalance`, in a third of the time.
 */
async function buildRings(etc: string, ports: Record<Backend, number>): Promise<void> {
  const script = [
    "import json, sys",
    "from swift.common.ring import RingBuilder",
    "etc, ports = sys.argv[1], json.loads(sys.argv[2])",
    "for name, port in ports.items():",
    "    builder = RingBuilder(10, 1, 1)",
    "    builder.add_dev({'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': port, 'device': 'd1', 'weight': 1})",
    "    builder.rebalance()",
    "    builder.get_ring().save(f'{etc}/{name}.ring.gz')",
  ].join("\n");
  const backendPorts = Object.fromEntries(BACKENDS.map((backend) => [backend, ports[backend]]));
  await execFileAsync(await swiftPython(), ["-c", script, etc, JSON.stringify(backendPorts)]);
}

/**
 * The Python that Swift's programs run with: the interpreter of `swift-ring-builder`'s `#!` line (Debian's is
 * `#! /usr/bin/python3`; with `#!/usr/bin/env python3`, the command `env` would run).
 */
async function swiftPython(): Promise<string> {
  const program = findOnPath("swift-ring-builder") as string;
  const firstLine = (await readFile(program, "utf8")).split("\n", 1)[0] ?? "";
  const [interpreter, argument] = firstLine.replace(/^#!/, "").trim().split(/\s+/);
  if (!firstLine.startsWith("#!") || interpreter === undefined) {
    throw new Error(`${program} has no #! line naming its Python.`);
  }
  return interpreter.endsWith("/env") && argument !== undefined ? argument : interpreter;
}

/** A bucket is a Swift container: created through Swift's own API with tempauth's token. */
async function createContainer(endpoint: string, secretAccessKey: string, name: string): Promise<void> {
  const auth = await fetch(`${endpoint}/auth/v1.0`, {
    headers: { "X-Auth-User": ACCESS_KEY_ID, "X-Auth-Key": secretAccessKey },
  });
  const token = auth.headers.get("x-auth-token");
  const storageUrl = auth.headers.get("x-storage-url");
  if (!auth.ok || token === null || storageUrl === null) {
    throw new Error(`Swift refused tempauth's login (HTTP ${auth.status}).`);
  }
  const response = await fetch(`${storageUrl}/${encodeURIComponent(name)}`, {
    method: "PUT",
    headers: { "X-Auth-Token": token },
  });
  if (!response.ok) throw new Error(`Swift refused to create bucket '${name}' (HTTP ${response.status}).`);
}

async function waitUntil(
  timeout: number,
  processes: readonly ChildProcess[],
  output: readonly string[],
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await ready())) {
    const exited = processes.find((child) => child.exitCode !== null || child.signalCode !== null);
    if (exited !== undefined) {
      throw new Error(`${exited.spawnfile} exited (${exited.exitCode ?? exited.signalCode}):\n${output.join("")}`);
    }
    if (Date.now() > deadline) throw new Error(`Swift did not answer within ${timeout} ms:\n${output.join("")}`);
    await delay(100);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
