import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it, onTestFinished } from "vitest";
import { silentLogger } from "../logger.js";
import { BuildContext, type BuildContextOptions } from "./build-context.js";

async function tree(files: Record<string, string | Buffer>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "flavorstack-digest-"));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
  return root;
}

const context = (root: string, options: Partial<BuildContextOptions> = {}) =>
  new BuildContext({ root, logger: silentLogger, ...options });

async function archiveSha(root: string, options: Partial<BuildContextOptions> = {}): Promise<string> {
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  return (await context(root, options).writeArchive(sink, { gzip: false })).sha256;
}

describe("BuildContext.checksum", () => {
  it("changes exactly when the archive changes", async () => {
    const big = randomBytes(3 * 1024 * 1024 + 5);
    const root = await tree({ Dockerfile: "FROM scratch\n", "src/app.py": "print(1)\n", "data/big.bin": big });
    const seen = new Map<string, string>();
    const expectConsistent = async (label: string, options: Partial<BuildContextOptions> = {}) => {
      const [sum, archive] = await Promise.all([context(root, options).checksum(), archiveSha(root, options)]);
      const before = seen.get(archive);
      if (before === undefined) {
        expect([...seen.values()], `${label}: a new archive has a new checksum`).not.toContain(sum);
        seen.set(archive, sum);
      } else {
        expect(sum, `${label}: the same archive has the same checksum`).toBe(before);
      }
    };

    await expectConsistent("start");
    await utimes(path.join(root, "src/app.py"), new Date(2030, 0, 1), new Date(2030, 0, 1));
    await expectConsistent("touched: same archive");
    await writeFile(path.join(root, "src/app.py"), "print(2)\n");
    await expectConsistent("same size, other content");
    await chmod(path.join(root, "src/app.py"), 0o755);
    await expectConsistent("executable");
    await chmod(path.join(root, "src/app.py"), 0o700);
    await expectConsistent("another executable mode: same archive");
    big[big.length - 1] = (big.at(-1) ?? 0) ^ 1;
    await writeFile(path.join(root, "data/big.bin"), big);
    await expectConsistent("the last byte of a multi-block file");
    await symlink("app.py", path.join(root, "src/link"));
    await expectConsistent("a symbolic link");
    await unlink(path.join(root, "src/link"));
    await symlink("other.py", path.join(root, "src/link"));
    await expectConsistent("the link's target");
    await mkdir(path.join(root, "empty"));
    await expectConsistent("an empty directory");
    await expectConsistent("an extra file", { extraFiles: { "gen/config.json": "{}" } });
    await expectConsistent("another extra file", { extraFiles: { "gen/config.json": "{ }" } });
    await writeFile(path.join(root, ".dockerignore"), "data\n");
    await expectConsistent("ignored data");
    await writeFile(path.join(root, "data/more.bin"), "ignored anyway");
    await expectConsistent("a change under an ignored directory: same archive");
  });

  it("is the same for a copy elsewhere", async () => {
    const files = { Dockerfile: "FROM scratch\n", "a/b.txt": "b", "a/c/d.txt": "" };
    expect(await context(await tree(files)).checksum()).toBe(await context(await tree(files)).checksum());
  });
});

describe("BuildContext.digest().unchanged()", () => {
  it("is true until a file, a directory's entries or the ignore file change", async () => {
    const root = await tree({ Dockerfile: "FROM scratch\n", "a/b.txt": "b", ".dockerignore": "tmp\n" });
    const check = async (change: () => Promise<unknown>) => {
      const digest = await context(root).digest();
      expect(digest.unchanged()).toBe(true);
      await change();
      return digest.unchanged();
    };
    expect(await check(async () => {})).toBe(true);
    expect(await check(() => writeFile(path.join(root, "a/b.txt"), "c"))).toBe(false);
    expect(await check(() => writeFile(path.join(root, "a/new.txt"), "new"))).toBe(false);
    expect(await check(() => unlink(path.join(root, "a/new.txt")))).toBe(false);
    expect(await check(() => writeFile(path.join(root, ".dockerignore"), "tmp\na\n"))).toBe(false);
  });
});

describe("the digest cache", () => {
  it("goes where the tests' global setup says, not to ~/.cache", () => {
    expect(process.env.FLAVORSTACK_CACHE_DIR).toMatch(/flavorstack-test-cache-/);
  });

  it("is reused while the context's stat data is unchanged, and only for settled files", async () => {
    const root = await tree({ Dockerfile: "FROM scratch\n", "a/b.txt": "b" });
    const cacheDir = await mkdtemp(path.join(tmpdir(), "flavorstack-digest-cache-"));
    onTestFinished(() => rm(cacheDir, { recursive: true, force: true }));
    const entries = () => readdir(path.join(cacheDir, "build-context-digests")).catch(() => []);
    const uncached = await context(root, { cacheDir: false }).checksum();

    expect(await context(root, { cacheDir }).checksum()).toBe(uncached);
    expect(await entries()).toEqual([]); // just written: a change in the same tick of a coarse clock would go unseen

    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await context(root, { cacheDir }).checksum()).toBe(uncached);
    const [file] = await entries();
    const cacheFile = path.join(cacheDir, "build-context-digests", file as string);
    const entry = JSON.parse(await readFile(cacheFile, "utf8"));
    // Proof that the next digest reads the cache, not the files: a planted value comes back.
    await writeFile(cacheFile, JSON.stringify({ ...entry, sha256: "planted" }));
    expect(await context(root, { cacheDir }).checksum()).toBe("planted");

    await writeFile(path.join(root, "a/b.txt"), "c");
    const changed = await context(root, { cacheDir }).checksum();
    expect(changed).not.toBe("planted");
    expect(changed).toBe(await context(root, { cacheDir: false }).checksum());
  });
});
