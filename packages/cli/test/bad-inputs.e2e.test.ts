// Bad inputs through the built binary: each gets one clear message on stderr and its exit code (2 usage,
// 1 refused or failed), prints no stack trace and no secret, and leaves the store byte-for-byte unchanged.
import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, type CliSandbox, createCliSandbox, hashFiles } from "./support/cli-sandbox.js";

/** A value that must never appear in any output. */
const SECRET_VALUE = "hunter2-do-not-print";
/** A valid secrets key (32 bytes, base64) that is not the store's. */
const OTHER_SECRETS_KEY = Buffer.alloc(32, 7).toString("base64");

/**
 * For the read-only case: root ignores file modes, so as root (CI) the command runs as Debian's unprivileged
 * user; anyone else is refused by the modes already.
 */
const UNPRIVILEGED = process.getuid?.() === 0 ? { uid: "nobody", gid: "nogroup" } : undefined;

interface BadInput {
  name: string;
  args: string[];
  code: 1 | 2;
  message: RegExp;
  env?: Record<string, string>;
  input?: string;
  /** commander answers with the usage alone, no `error:` line. */
  helpOnly?: boolean;
}

const BAD_INPUTS: BadInput[] = [
  { name: "unknown command", args: ["stak", "list"], code: 2, message: /unknown command 'stak'/ },
  {
    name: "unknown subcommand",
    args: ["stack", "lst"],
    code: 2,
    message: /unknown command 'lst'[\s\S]*Did you mean list\?/,
  },
  { name: "unknown option", args: ["stack", "list", "--jsn"], code: 2, message: /unknown option '--jsn'/ },
  {
    name: "unknown option whose value may be a secret",
    args: ["secret", "create", "s", `--valus=${SECRET_VALUE}`],
    code: 2,
    message: /unknown option '--valus=…'/,
  },
  { name: "no command", args: [], code: 2, message: /Usage: flavorstack/, helpOnly: true },
  {
    name: "missing required option of stack register",
    args: ["stack", "register", "s1"],
    code: 2,
    message: /required option '-a, --artifact-store <name>' not specified/,
  },
  {
    name: "missing --flavor",
    args: ["image-builder", "register", "kb"],
    code: 2,
    message: /required option '--flavor <flavor>' not specified/,
  },
  {
    name: "missing required config flag from the flavor's schema",
    args: ["image-builder", "register", "kb", "--flavor", "kaniko"],
    code: 2,
    message: /required option '--kubernetes-context <value>' not specified/,
  },
  { name: "missing argument", args: ["stack", "set"], code: 2, message: /missing required argument 'name'/ },
  {
    name: "too many arguments",
    args: ["stack", "delete", "a", "b"],
    code: 2,
    message: /too many arguments/,
  },
  {
    name: "malformed JSON flag",
    args: [
      "image-builder",
      "register",
      "kb",
      "--flavor",
      "kaniko",
      "--kubernetes-context",
      "p",
      "--executor-args",
      "[--cache",
    ],
    code: 2,
    message: /option '--executor-args <json>' argument '\[--cache' is invalid\. Expected JSON/,
  },
  {
    name: "a number flag that is not a number",
    args: [
      "image-builder",
      "register",
      "kb",
      "--flavor",
      "kaniko",
      "--kubernetes-context",
      "p",
      "--pod-running-timeout",
      "soon",
    ],
    code: 2,
    message: /--pod-running-timeout <integer>.*Expected an integer/,
  },
  {
    name: "an integer flag with a fraction",
    args: [
      "image-builder",
      "register",
      "kb",
      "--flavor",
      "kaniko",
      "--kubernetes-context",
      "p",
      "--pod-running-timeout",
      "1.5",
    ],
    code: 2,
    message: /Expected an integer/,
  },
  {
    name: "an option the component's flavor does not have",
    args: ["image-builder", "update", "lb", "--kubernetes-context", "p"],
    code: 2,
    message: /unknown option '--kubernetes-context'/,
  },
  {
    name: "invalid enum",
    args: ["image-builder", "register", "x", "--flavor", "local", "--engine", "dockr"],
    code: 2,
    message: /argument 'dockr' is invalid\. Allowed choices are auto, /,
  },
  {
    name: "invalid config the schema refuses",
    args: ["container-registry", "register", "r2", "--flavor", "default", "--uri", "http://example.com"],
    code: 1,
    message: /uri/,
  },
  {
    name: "too-long name",
    args: ["stack", "register", "s".repeat(65), "-a", "default"],
    code: 1,
    message: /64/,
  },
  {
    name: "name with a space",
    args: ["artifact-store", "register", "my store", "--flavor", "local"],
    code: 1,
    message: /"my store" is not a valid component name/,
  },
  {
    name: "name with a control character",
    args: ["artifact-store", "register", "bad\u0007name", "--flavor", "local"],
    code: 1,
    message: /name/,
  },
  {
    name: "secret name with a dot",
    args: ["secret", "create", "a.b", "k=v"],
    code: 1,
    message: /'a\.b'/,
  },
  {
    name: "duplicate component",
    args: ["image-builder", "register", "lb", "--flavor", "local"],
    code: 1,
    message: /'lb'.*already/,
  },
  { name: "duplicate stack", args: ["stack", "register", "dev", "-a", "default"], code: 1, message: /'dev'.*already/ },
  { name: "duplicate secret", args: ["secret", "create", "aws", "k=v"], code: 1, message: /'aws'.*already/ },
  {
    name: "unknown flavor",
    args: ["image-builder", "register", "x", "--flavor", "kanikoo"],
    code: 1,
    message: /kanikoo[\s\S]*kaniko/,
  },
  { name: "unknown stack", args: ["stack", "set", "nope"], code: 1, message: /'nope'/ },
  {
    name: "unknown stack to build with",
    args: ["build", ".", "--image", "x", "--stack", "nope"],
    code: 1,
    message: /'nope'/,
  },
  { name: "unknown component", args: ["image-builder", "describe", "nope"], code: 1, message: /'nope'/ },
  { name: "unknown component in a stack", args: ["stack", "register", "s2", "-a", "nope"], code: 1, message: /'nope'/ },
  {
    name: "component of the wrong type in a stack",
    args: ["stack", "register", "s3", "-a", "default", "-c", "lb"],
    code: 1,
    message: /'lb'/,
  },
  {
    name: "deleting a component in use",
    args: ["image-builder", "delete", "lb"],
    code: 1,
    message: /'lb'[\s\S]*dev/,
  },
  { name: "deleting the active stack", args: ["stack", "delete", "default"], code: 1, message: /default/ },
  {
    name: "unknown integration",
    args: ["integration", "describe", "nope"],
    code: 1,
    message: /No integration named 'nope'/,
  },
  {
    name: "unknown component type",
    args: ["flavor", "list", "--type", "robot"],
    code: 2,
    message: /'robot' is not a component type/,
  },
  {
    name: "bad secret reference",
    args: [
      "artifact-store",
      "register",
      "b2",
      "--flavor",
      "s3",
      "--path",
      "s3://b",
      "--key",
      "{{missing.key}}",
      "--secret",
      "x",
    ],
    code: 1,
    message: /\{\{missing\.key\}\} in key: there is no secret 'missing'/,
  },
  {
    name: "the wrong secrets key",
    args: ["secret", "update", "aws", "extra=1"],
    env: { FLAVORSTACK_SECRETS_KEY: OTHER_SECRETS_KEY },
    code: 1,
    message: /encrypted with another key; set FLAVORSTACK_SECRETS_KEY to the key used before/,
  },
  {
    name: "a secrets key that is not 32 bytes of base64",
    args: ["secret", "create", "other", "k=v"],
    env: { FLAVORSTACK_SECRETS_KEY: "short" },
    code: 1,
    message: /openssl rand -base64 32/,
  },
  {
    name: "a secret value argument without KEY=",
    args: ["secret", "create", "other", SECRET_VALUE],
    code: 2,
    message: /value argument 1 is invalid: Expected KEY=VALUE/,
  },
  { name: "a secret without values", args: ["secret", "create", "other"], code: 2, message: /at least one value/ },
  {
    name: "a values file that does not exist",
    args: ["secret", "create", "other", "--values-file", "missing.env"],
    code: 2,
    message: /cannot read the values file 'missing\.env' \(ENOENT\)/,
  },
  {
    name: "a values file of JSON that is not strings",
    args: ["secret", "create", "other", "--values-file", "-"],
    input: JSON.stringify({ port: 5432 }),
    code: 2,
    message: /JSON object whose values are strings \('port' is not\)/,
  },
  { name: "build without --image", args: ["build", "."], code: 2, message: /required option '--image <name>'/ },
  {
    name: "a malformed --build-arg",
    args: ["build", ".", "--image", "x", "--build-arg", "NOVALUE"],
    code: 2,
    message: /Expected KEY=VALUE/,
  },
  {
    name: "stack update without a change",
    args: ["stack", "update", "dev"],
    code: 2,
    message: /nothing to change/,
  },
  {
    name: "component update without a change",
    args: ["image-builder", "update", "lb"],
    code: 2,
    message: /nothing to change/,
  },
  {
    name: "a store URL the client cannot open",
    args: ["--store", "ftp://host/store", "stack", "list"],
    code: 1,
    message: /ftp:\/\/host\/store/,
  },
];

describe("bad inputs against a store in use", () => {
  let sandbox: CliSandbox;

  beforeAll(async () => {
    sandbox = await createCliSandbox();
    const setup: string[][] = [
      ["image-builder", "register", "lb", "--flavor", "local"],
      ["container-registry", "register", "reg", "--flavor", "default", "--uri", "127.0.0.1:5000"],
      ["stack", "register", "dev", "-a", "default", "-c", "reg", "-i", "lb"],
      ["image-builder", "register", "kb", "--flavor", "kaniko", "--kubernetes-context", "prod"],
      ["stack", "register", "kaniko-local", "-a", "default", "-c", "reg", "-i", "kb"],
      ["secret", "create", "aws", "key=AKIAEXAMPLE", `secret=${SECRET_VALUE}`],
    ];
    for (const args of setup) {
      const result = await sandbox.run(args);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
    }
  });

  afterAll(async () => {
    await sandbox.remove();
  });

  it(`has at least 30 cases (${BAD_INPUTS.length})`, () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD_INPUTS)("$name", async ({ args, env, input, code, message, helpOnly }) => {
    const before = await sandbox.storeHash();
    const result = await sandbox.run(args, { ...(env ? { env } : {}), ...(input ? { input } : {}) });
    expectRefusal(result, code, message, { helpOnly });
    expect(await sandbox.storeHash()).toBe(before);
  });
});

describe("FLAVORSTACK_DEBUG", () => {
  let sandbox: CliSandbox;

  beforeAll(async () => {
    sandbox = await createCliSandbox();
  });

  afterAll(async () => {
    await sandbox.remove();
  });

  it("adds the stack trace and its causes to an error", async () => {
    const result = await sandbox.run(["stack", "set", "nope"], { env: { FLAVORSTACK_DEBUG: "1" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: No stack named 'nope'/m);
    expect(result.stderr).toMatch(/^\s+at /m);
  });
});

describe("bad stores", () => {
  let sandbox: CliSandbox;

  beforeAll(async () => {
    sandbox = await createCliSandbox();
  });

  afterAll(async () => {
    await sandbox.remove();
  });

  it("a store written by a newer flavorstack", async () => {
    const file = path.join(sandbox.dir, "newer.db");
    expect((await sandbox.run(["--store", file, "stack", "list"])).code).toBe(0);
    const db = new Database(file);
    db.prepare("INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)").run(
      "9999-from-the-future",
      new Date().toISOString(),
    );
    db.close();
    const before = await hashFiles(file);
    const result = await sandbox.run(["--store", file, "artifact-store", "register", "x", "--flavor", "local"]);
    expectRefusal(result, 1, /written by a newer flavorstack[\s\S]*9999-from-the-future[\s\S]*Upgrade flavorstack/);
    expect(await hashFiles(file)).toBe(before);
  });

  it("a read-only store directory (as an unprivileged user: root ignores file modes)", async () => {
    expect((await sandbox.run(["stack", "list"])).code).toBe(0);
    const storeDir = path.dirname(sandbox.storeFile);
    await chmod(sandbox.storeFile, 0o444);
    await chmod(storeDir, 0o555);
    const before = await sandbox.storeHash();
    const result = await sandbox.run(
      ["artifact-store", "register", "x", "--flavor", "local"],
      UNPRIVILEGED ? { user: UNPRIVILEGED } : {},
    );
    expectRefusal(result, 1, /Cannot open the store \S*store\.db: it cannot be opened for reading and writing/);
    expect(await sandbox.storeHash()).toBe(before);
  });

  it("a corrupt store file", async () => {
    const file = path.join(sandbox.dir, "corrupt.db");
    await writeFile(file, "this is not an SQLite database, just text that someone wrote here\n".repeat(100));
    const before = await hashFiles(file);
    const result = await sandbox.run(["--store", file, "stack", "list"]);
    expectRefusal(result, 1, /corrupt\.db: the file is not an SQLite database or is damaged/);
    expect(await hashFiles(file)).toBe(before);
  });
});

function expectRefusal(result: CliResult, code: number, message: RegExp, { helpOnly = false } = {}): void {
  expect(result.stderr).toMatch(message);
  if (!helpOnly) expect(result.stderr).toMatch(/^error: /m);
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout + result.stderr).not.toContain(SECRET_VALUE);
}
