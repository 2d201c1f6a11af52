import { type ChildProcess, execFile, spawn } from "node:child_process";
import { accessSync, constants, readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import { freePort } from "./free-port.js";

/** A PostgreSQL server on 127.0.0.1 with a temp data directory, trusting local connections. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`. */
  url: string;
  /** Makes a new, empty database and returns its URL (a fresh one per test suite). */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

export interface PostgresServerOptions {
  /** Milliseconds to wait for the server to accept connections (default 60 s; ~2 s on an idle machine). */
  startTimeout?: number;
}

/** Where Debian's `postgresql` package puts the server's programs (the major version varies). */
const DEBIAN_POSTGRES_LIB = "/usr/lib/postgresql";
const POSTGRES_PROGRAMS = ["initdb", "pg_ctl", "postgres", "psql"] as const;
/** The OS user the server runs as when the tests run as root (PostgreSQL refuses to run as root). */
const SERVER_USER = "postgres";

const execFileAsync = promisify(execFile);

/** The server's programs that cannot be found (a test that needs them skips naming them). */
export function missingPostgresPrograms(): string[] {
  const bin = postgresBinDir();
  return POSTGRES_PROGRAMS.filter((program) => bin === undefined || !isExecutable(join(bin, program)));
}

/**
 * Starts PostgreSQL (Debian's `postgresql` package: `apt-get install -y postgresql`) on a free port of 127.0.0.1,
 * its data and socket in a new temp directory. As root, the server runs as the `postgres` user, which owns that
 * directory. `stop()` ends it and removes the directory; so does the test process's exit.
 */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const missing = missingPostgresPrograms();
  if (bin === undefined || missing.length > 0) {
    throw new Error(
      `Cannot start PostgreSQL: ${missing.join(", ")} not found in ${DEBIAN_POSTGRES_LIB}/*/bin. Install it with 'bash test/infra/setup.sh' (apt-get install -y postgresql).`,
    );
  }
  const home = await mkdtemp(join(tmpdir(), "flavorstack-postgres-"));
  const asUser = await serverUser(home);
  const run = (program: string, args: string[]) =>
    execFileAsync(join(bin, program), args, { ...asUser, cwd: home, maxBuffer: 16 * 1024 * 1024 });
  const data = join(home, "data");
  let server: ChildProcess | undefined;
  const killOnExit = () => server?.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async (): Promise<void> => {
    process.off("exit", killOnExit);
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      server.kill("SIGINT"); // "fast" shutdown: ends the sessions and stops at once
      const timer = setTimeout(() => server?.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(home, { recursive: true, force: true });
  };
  try {
    await run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
    const port = await freePort();
    const output: string[] = [];
    // Run in the foreground (no pg_ctl), so the child is the server and ends with it.
    server = spawn(
      join(bin, "postgres"),
      ["-D", data, "-c", "listen_addresses=127.0.0.1", "-p", String(port), "-k", home, "-c", "fsync=off"],
      { ...asUser, cwd: home, stdio: ["ignore", "pipe", "pipe"] },
    );
    for (const stream of [server.stdout, server.stderr]) {
      stream?.setEncoding("utf8");
      stream?.on("data", (text: string) => output.push(text));
    }
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const psql = (sql: string, database = "postgres") =>
      run("psql", [
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
        "-U",
        "postgres",
        "-d",
        database,
        "-v",
        "ON_ERROR_STOP=1",
        "-qAtc",
        sql,
      ]);
    const deadline = Date.now() + (options.startTimeout ?? 60_000);
    for (;;) {
      if (server.exitCode !== null || server.signalCode !== null) {
        throw new Error(`PostgreSQL exited (${server.exitCode ?? server.signalCode}):\n${output.join("")}`);
      }
      if (
        await psql("select 1").then(
          () => true,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections in time:\n${output.join("")}`);
      await delay(100);
    }
    let databases = 0;
    return {
      url,
      async createDatabase(name = `flavorstack_${process.pid}_${++databases}`) {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`'${name}' is not a plain lowercase database name.`);
        await psql(`create database ${name}`);
        return url.replace(/\/postgres$/, `/${name}`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function postgresBinDir(): string | undefined {
  try {
    const versions = readdirSync(DEBIAN_POSTGRES_LIB)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    return versions.length > 0 ? join(DEBIAN_POSTGRES_LIB, versions[0] as string, "bin") : undefined;
  } catch {
    return undefined;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** As root, the `postgres` user's ids (and the dir handed to it); otherwise the current user, as it is. */
async function serverUser(home: string): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const { stdout } = await execFileAsync("id", ["-u", SERVER_USER]).catch(() => {
    throw new Error(`PostgreSQL refuses to run as root, and there is no '${SERVER_USER}' user to run it as.`);
  });
  const uid = Number(stdout.trim());
  const gid = Number((await execFileAsync("id", ["-g", SERVER_USER])).stdout.trim());
  await chown(home, uid, gid);
  return { uid, gid };
}
