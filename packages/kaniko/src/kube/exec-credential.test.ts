import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecCredentialSource } from "./exec-credential.js";

const API_VERSION = "client.authentication.k8s.io/v1";

describe("createExecCredentialSource", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "kaniko-exec-credential-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A plugin that counts its runs in `<name>.runs` and prints `body` (evaluated, with `run` the count). */
  const plugin = async (name: string, body: string) => {
    const file = path.join(dir, `${name}.mjs`);
    const runs = path.join(dir, `${name}.runs`);
    await writeFile(
      file,
      `import { appendFileSync, readFileSync } from "node:fs";
appendFileSync(${JSON.stringify(runs)}, "x");
const run = readFileSync(${JSON.stringify(runs)}, "utf8").length;
${body}
`,
    );
    return {
      exec: { command: process.execPath, args: [file], apiVersion: API_VERSION },
      runs: async () => (await readFile(runs, "utf8").catch(() => "")).length,
    };
  };
  const credential = (status: string) =>
    `process.stdout.write(JSON.stringify({ apiVersion: "${API_VERSION}", kind: "ExecCredential", status: ${status} }));`;

  it("caches the credential until its expirationTimestamp, and runs the plugin again once it expired", async () => {
    const { exec, runs } = await plugin(
      "expiring",
      credential(`{ token: "t" + run, expirationTimestamp: new Date(Date.now() + 1500).toISOString() }`),
    );
    const source = createExecCredentialSource(exec);
    expect(await source.get()).toEqual({ token: "t1" });
    expect(await source.get()).toEqual({ token: "t1" });
    await sleep(1600);
    expect(await source.get()).toEqual({ token: "t2" });
    expect(await runs()).toBe(2);
  });

  it("runs the plugin once for concurrent callers, and again after invalidate()", async () => {
    const { exec, runs } = await plugin("shared", credential(`{ token: "t" + run }`));
    const source = createExecCredentialSource(exec);
    expect(await Promise.all([source.get(), source.get(), source.get()])).toEqual([
      { token: "t1" },
      { token: "t1" },
      { token: "t1" },
    ]);
    source.invalidate();
    expect(await source.get()).toEqual({ token: "t2" });
    expect(await runs()).toBe(2);
  });

  it("kills a plugin that hangs (waiting for a login) once every caller aborted", async () => {
    const pidFile = path.join(dir, "hanging.pid");
    const { exec } = await plugin(
      "hanging",
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nsetInterval(() => {}, 1000);`,
    );
    const source = createExecCredentialSource(exec);
    const first = new AbortController();
    const second = new AbortController();
    const waits = [source.get(first.signal), source.get(second.signal)].map((wait) => wait.catch((error) => error));
    let pid = 0;
    while (!pid) {
      pid = Number(await readFile(pidFile, "utf8").catch(() => "0"));
      await sleep(20);
    }
    first.abort(new Error("first gave up"));
    expect(await waits[0]).toMatchObject({ message: "first gave up" });
    expect(isAlive(pid)).toBe(true);
    second.abort(new Error("second gave up"));
    expect(await waits[1]).toMatchObject({ message: "second gave up" });
    for (let tries = 0; tries < 100 && isAlive(pid); tries++) await sleep(20);
    expect(isAlive(pid)).toBe(false);
  });

  it("says what went wrong: a failing plugin (with its stderr), output that is not a credential, a wrong apiVersion", async () => {
    const failing = await plugin("failing", `console.error("please run 'cloud auth login'"); process.exit(3);`);
    await expect(createExecCredentialSource(failing.exec).get()).rejects.toThrow(
      `the kubeconfig's exec plugin '${process.execPath}' exited with code 3: please run 'cloud auth login'`,
    );
    const garbage = await plugin("garbage", `process.stdout.write("hello");`);
    await expect(createExecCredentialSource(garbage.exec).get()).rejects.toThrow(
      "printed output that is not JSON (an ExecCredential was expected)",
    );
    const empty = await plugin("empty", credential("{}"));
    await expect(createExecCredentialSource(empty.exec).get()).rejects.toThrow(
      "printed an ExecCredential with neither a token nor a client certificate and key",
    );
    const other = await plugin("other", credential(`{ token: "t" }`).replace(API_VERSION, "v1beta1-other"));
    await expect(createExecCredentialSource(other.exec).get()).rejects.toThrow(
      `printed an ExecCredential of apiVersion 'v1beta1-other', not the configured '${API_VERSION}'`,
    );
    await expect(createExecCredentialSource({ command: path.join(dir, "missing-plugin") }).get()).rejects.toThrow(
      `cannot run the kubeconfig's exec plugin '${path.join(dir, "missing-plugin")}': spawn`,
    );
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
