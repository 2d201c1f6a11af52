import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../store/store-error.js";
import type { StoreLocation } from "../store/store-location.js";
import { createSecretsKeySource, SECRETS_KEY_ENV, SecretsKey, secretsKeyFilePath } from "./secrets-key.js";

let dir: string;
let sqlite: Extract<StoreLocation, { dialect: "sqlite" }>;
const postgres: StoreLocation = {
  dialect: "postgres",
  connectionString: "postgres://u:p@127.0.0.1/db",
  display: "postgres://u:***@127.0.0.1/db",
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "flavorstack-secrets-key-"));
  const file = path.join(dir, "store", "store.db");
  await mkdir(path.dirname(file));
  sqlite = { dialect: "sqlite", file, display: file };
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectStoreError(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe("secretsKeyFilePath", () => {
  it("puts an SQLite store's key file beside the store file", () => {
    expect(secretsKeyFilePath({ location: sqlite, env: {} })).toBe(path.join(dir, "store", "secrets.key"));
  });

  it("puts a PostgreSQL store's key file under FLAVORSTACK_HOME, else under ~/.config/flavorstack", () => {
    expect(secretsKeyFilePath({ location: postgres, env: { FLAVORSTACK_HOME: dir }, homeDir: "/nowhere" })).toBe(
      path.join(dir, "secrets.key"),
    );
    expect(secretsKeyFilePath({ location: postgres, env: { FLAVORSTACK_HOME: "home" }, cwd: dir })).toBe(
      path.join(dir, "home", "secrets.key"),
    );
    expect(secretsKeyFilePath({ location: postgres, env: {}, homeDir: dir })).toBe(
      path.join(dir, ".config", "flavorstack", "secrets.key"),
    );
  });
});

describe("createSecretsKeySource", () => {
  it("takes FLAVORSTACK_SECRETS_KEY, and writes no key file", async () => {
    const bytes = randomBytes(32);
    const source = createSecretsKeySource({ location: sqlite, env: { [SECRETS_KEY_ENV]: bytes.toString("base64") } });
    expect(source.origin).toBe(SECRETS_KEY_ENV);
    const key = await source.load({ create: true });
    expect(key?.bytes().equals(bytes)).toBe(true);
    expect(await readdir(path.dirname(sqlite.file))).toEqual([]);
  });

  it.each([
    ["not base64", "this is not a key!", "is not base64"],
    ["16 bytes", randomBytes(16).toString("base64"), "decodes to 16 bytes"],
    ["33 bytes", randomBytes(33).toString("base64"), "decodes to 33 bytes"],
  ])("refuses a FLAVORSTACK_SECRETS_KEY that is %s, saying how to make one, without echoing it", (_, value, what) => {
    let error: unknown;
    try {
      createSecretsKeySource({ location: sqlite, env: { [SECRETS_KEY_ENV]: value } });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(StoreError);
    const { message } = error as StoreError;
    expect(message).toContain(`${SECRETS_KEY_ENV} ${what}`);
    expect(message).toContain("openssl rand -base64 32");
    expect(message).not.toContain(value);
  });

  it("creates the key file with mode 0600 on first need only, and reads the same key afterwards", async () => {
    const source = createSecretsKeySource({ location: sqlite, env: {} });
    const file = path.join(dir, "store", "secrets.key");
    expect(source.origin).toBe(file);
    expect(await source.load({ create: false })).toBeUndefined();
    expect(await readdir(path.dirname(file))).toEqual([]);

    const created = await source.load({ create: true });
    expect(((await stat(file)).mode & 0o777).toString(8)).toBe("600");
    const text = await readFile(file, "utf8");
    expect(Buffer.from(text.trim(), "base64").equals(created?.bytes() as Buffer)).toBe(true);
    expect(await readdir(path.dirname(file))).toEqual(["secrets.key"]);

    const again = await createSecretsKeySource({ location: sqlite, env: {} }).load({ create: false });
    expect(again?.bytes().equals(created?.bytes() as Buffer)).toBe(true);
    expect(again?.origin).toBe(file);
  });

  it("creates a PostgreSQL store's key file and its folders under the home dir", async () => {
    const source = createSecretsKeySource({ location: postgres, env: {}, homeDir: dir });
    await source.load({ create: true });
    const folder = path.join(dir, ".config", "flavorstack");
    expect(((await stat(folder)).mode & 0o777).toString(8)).toBe("700");
    expect(((await stat(path.join(folder, "secrets.key"))).mode & 0o777).toString(8)).toBe("600");
  });

  it("gives every concurrent creator the one key that won", async () => {
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => createSecretsKeySource({ location: sqlite, env: {} }).load({ create: true })),
    );
    const onDisk = Buffer.from((await readFile(secretsKeyFilePath({ location: sqlite }), "utf8")).trim(), "base64");
    for (const key of keys) expect(key?.bytes().equals(onDisk)).toBe(true);
    expect(await readdir(path.dirname(sqlite.file))).toEqual(["secrets.key"]);
  });

  it("refuses a key file others can read, saying how to fix it, without printing the key", async () => {
    const file = secretsKeyFilePath({ location: sqlite });
    const key = randomBytes(32).toString("base64");
    await writeFile(file, `${key}\n`, { mode: 0o644 });
    await chmod(file, 0o644);
    const error = await expectStoreError(createSecretsKeySource({ location: sqlite, env: {} }).load({ create: true }));
    expect(error.message).toContain("has mode 0644");
    expect(error.message).toContain(`chmod 600 '${file}'`);
    expect(error.message).not.toContain(key);
  });

  it.each([
    ["a short key", randomBytes(16).toString("base64")],
    ["text", "not a key at all"],
    ["nothing", ""],
  ])("refuses a key file holding %s", async (_, content) => {
    const file = secretsKeyFilePath({ location: sqlite });
    await writeFile(file, content, { mode: 0o600 });
    const error = await expectStoreError(createSecretsKeySource({ location: sqlite, env: {} }).load({ create: true }));
    expect(error.message).toBe(
      `The secrets key file ${file} does not hold a key (the base64 of 32 bytes): put the key used before back into it, or set ${SECRETS_KEY_ENV} to it.`,
    );
    expect(await readFile(file, "utf8")).toBe(content);
  });

  it("refuses a key file that is a folder", async () => {
    const file = secretsKeyFilePath({ location: sqlite });
    await mkdir(file);
    const error = await expectStoreError(createSecretsKeySource({ location: sqlite, env: {} }).load({ create: true }));
    expect(error.message).toContain("is not a file");
  });

  it("says why a key file cannot be created", async () => {
    const location: StoreLocation = {
      dialect: "sqlite",
      file: path.join(dir, "missing", "x", "store.db"),
      display: "",
    };
    await writeFile(path.join(dir, "missing"), "a file where a folder should be");
    const error = await expectStoreError(createSecretsKeySource({ location, env: {} }).load({ create: true }));
    expect(error.message).toMatch(
      /^Cannot use the secrets key file .*secrets\.key: .*ENOTDIR.*set FLAVORSTACK_SECRETS_KEY\.$/,
    );
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe("SecretsKey", () => {
  it("never shows its bytes: not in String(), JSON or util.inspect", () => {
    const bytes = randomBytes(32);
    const key = new SecretsKey(bytes, SECRETS_KEY_ENV);
    for (const shown of [
      String(key),
      `${key}`,
      JSON.stringify({ key }),
      inspect(key),
      inspect({ key }, { depth: 5 }),
    ]) {
      expect(shown).toContain("SecretsKey");
      for (const encoding of ["base64", "hex", "base64url", "latin1"] as const) {
        expect(shown).not.toContain(bytes.toString(encoding));
      }
    }
  });

  it("is 32 bytes", () => {
    expect(() => new SecretsKey(randomBytes(31), "x")).toThrow(/A secrets key is 32 bytes, not 31/);
  });
});
