import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import zlib from "node:zlib";
import tar from "tar-stream";
import { afterEach, beforeEach, describe, expect, it, type TestContext } from "vitest";
import { BuildContextError } from "../errors.js";
import type { Logger } from "../logger.js";
import { BuildContext, type BuildContextOptions, DEFAULT_COMPRESSION_LEVEL } from "./build-context.js";

interface TarEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  linkname: string | null;
  content: Buffer;
}

const tmpDirs: string[] = [];

const NOBODY_CANNOT_REACH_TMP =
  "running as root, the read is made as uid 65534, which cannot reach the OS temp dir (a folder above it lacks o+x); the test changes nothing outside its own temp dirs";

/** Whether users other than the owner may traverse `dir` and every folder above it. */
function othersCanTraverse(dir: string): boolean {
  for (let current = dir; ; current = path.dirname(current)) {
    if ((fs.statSync(current).mode & 0o001) === 0) return false;
    if (path.dirname(current) === current) return true;
  }
}
let root: string;

/**
 * Root reads anything, so as root a permission test reads as uid 65534 instead. Only our own temp
 * root is opened up for it (never the OS temp dir); when a folder above it keeps others out, the test
 * is skipped with its reason. Returns how to run the read.
 */
function readUnprivileged(test: TestContext): <T>(read: () => Promise<T>) => Promise<T> {
  if (process.getuid?.() !== 0) return (read) => read();
  if (!othersCanTraverse(path.dirname(root))) {
    test.task.meta.skipReason = NOBODY_CANNOT_REACH_TMP;
    test.skip(NOBODY_CANNOT_REACH_TMP);
  }
  fs.chmodSync(root, 0o755);
  return async (read) => {
    process.seteuid?.(65534);
    try {
      return await read();
    } finally {
      process.seteuid?.(0);
    }
  };
}

function makeTmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flavorstack-bc-"));
  tmpDirs.push(dir);
  return dir;
}

function write(rel: string, content: string | Buffer = rel, mode?: number): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  if (mode !== undefined) fs.chmodSync(file, mode);
}

function collectingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    debug: () => {},
    info: () => {},
    warn: (message) => warnings.push(message),
    warnings,
  };
}

function context(options: Partial<BuildContextOptions> = {}): BuildContext {
  return new BuildContext({ root, logger: collectingLogger(), ...options });
}

/** A sink that keeps everything written to it. */
function memorySink(): Writable & { data: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  }) as Writable & { data: () => Buffer };
  sink.data = () => Buffer.concat(chunks);
  return sink;
}

async function archive(ctx: BuildContext, gzip = true): Promise<Buffer> {
  const sink = memorySink();
  const result = await ctx.writeArchive(sink, { gzip });
  const data = sink.data();
  expect(result.bytes).toBe(data.length);
  expect(result.sha256).toBe(createHash("sha256").update(data).digest("hex"));
  return data;
}

async function entries(tarball: Buffer): Promise<TarEntry[]> {
  const extract = tar.extract();
  const out: TarEntry[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const h = entry.header;
      out.push({
        name: h.name,
        type: h.type,
        mode: h.mode,
        uid: h.uid,
        gid: h.gid,
        uname: h.uname,
        gname: h.gname,
        mtime: h.mtime.getTime(),
        linkname: h.linkname ?? null,
        content: Buffer.concat(chunks),
      });
    }
  })();
  Readable.from([tarball]).pipe(extract);
  await done;
  return out;
}

const names = async (ctx: BuildContext): Promise<string[]> =>
  (await entries(zlib.gunzipSync(await archive(ctx)))).map((e) => e.name);

beforeEach(() => {
  root = makeTmp();
});

afterEach(() => {
  for (const dir of tmpDirs.splice(0)) {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe("BuildContext contents and order", () => {
  it("lists files in byte-wise path order and archives directories before their contents", async () => {
    for (const rel of ["b.txt", "a.txt", "a/z", "a/b/c", "a-b", "B", "dir/x", "ä.txt", "empty/.keep"]) write(rel);
    fs.mkdirSync(path.join(root, "emptydir"));
    const ctx = context();
    expect(await ctx.files()).toEqual(["B", "a-b", "a.txt", "a/b/c", "a/z", "b.txt", "dir/x", "empty/.keep", "ä.txt"]);
    expect(await names(ctx)).toEqual([
      "B",
      "a-b",
      "a.txt",
      "a/",
      "a/b/",
      "a/b/c",
      "a/z",
      "b.txt",
      "dir/",
      "dir/x",
      "empty/",
      "empty/.keep",
      "emptydir/",
      "ä.txt",
    ]);
  });

  it("normalises headers: mtime 0, uid/gid 0, no names, modes 0644/0755/0777", async () => {
    write("plain.txt", "x", 0o600);
    write("run.sh", "#!/bin/sh\n", 0o700);
    write("group-exec", "x", 0o610);
    fs.symlinkSync("plain.txt", path.join(root, "link"));
    fs.mkdirSync(path.join(root, "d"), { mode: 0o700 });
    const all = await entries(zlib.gunzipSync(await archive(context())));
    const byName = Object.fromEntries(all.map((e) => [e.name, e]));
    for (const e of all) {
      expect(e.mtime).toBe(0);
      expect([e.uid, e.gid, e.uname, e.gname]).toEqual([0, 0, "", ""]);
    }
    expect(byName["plain.txt"]?.mode).toBe(0o644);
    expect(byName["run.sh"]?.mode).toBe(0o755);
    expect(byName["group-exec"]?.mode).toBe(0o755);
    expect(byName["d/"]?.mode).toBe(0o755);
    expect(byName["d/"]?.type).toBe("directory");
    expect(byName.link?.mode).toBe(0o777);
    expect(byName["plain.txt"]?.content.toString()).toBe("x");
  });

  it("keeps symlinks as symlinks and never follows them", async () => {
    const outside = makeTmp();
    fs.writeFileSync(path.join(outside, "secret"), "outside");
    write("real/file.txt", "inside");
    fs.symlinkSync("real", path.join(root, "dirlink"));
    fs.symlinkSync(outside, path.join(root, "outlink"));
    fs.symlinkSync("does-not-exist", path.join(root, "dangling"));
    const ctx = context();
    expect(await ctx.files()).toEqual(["dangling", "dirlink", "outlink", "real/file.txt"]);
    const all = await entries(zlib.gunzipSync(await archive(ctx)));
    const links = all.filter((e) => e.type === "symlink").map((e) => [e.name, e.linkname, e.content.length]);
    expect(links).toEqual([
      ["dangling", "does-not-exist", 0],
      ["dirlink", "real", 0],
      ["outlink", outside, 0],
    ]);
    expect(all.some((e) => e.content.toString() === "outside")).toBe(false);
  });

  it("skips FIFOs with a warning naming them", async () => {
    write("a.txt");
    execFileSync("mkfifo", [path.join(root, "pipe")]);
    const logger = collectingLogger();
    const ctx = context({ logger });
    expect(await names(ctx)).toEqual(["a.txt"]);
    expect(logger.warnings.some((w) => w.includes("'pipe'") && w.includes("FIFO"))).toBe(true);
  });

  it("handles long and non-ASCII paths (pax headers)", async () => {
    const long = `${"d".repeat(120)}/${"f".repeat(150)}.txt`;
    write(long, "long");
    write("ünï/çødé.txt", "utf8");
    const all = await entries(zlib.gunzipSync(await archive(context())));
    expect(all.map((e) => e.name)).toEqual([`${"d".repeat(120)}/`, long, "ünï/", "ünï/çødé.txt"]);
    expect(all[1]?.content.toString()).toBe("long");
  });
});

describe("BuildContext determinism", () => {
  beforeEach(() => {
    write("Dockerfile", "FROM scratch\n");
    write("src/app.py", "print('hi')\n".repeat(1000));
    write("src/run.sh", "#!/bin/sh\n", 0o755);
    write("data/blob.bin", randomBytes(3 * 1024 * 1024 + 17));
    write("data/text.csv", "a,b,c\n1,2,3\n".repeat(200_000));
    fs.symlinkSync("app.py", path.join(root, "src/link.py"));
  });

  it("gives the same bytes twice, after touching files, and after copying the tree", async () => {
    const first = await archive(context());
    expect((await archive(context())).equals(first)).toBe(true);
    const sum = await context().checksum();
    expect(sum).toMatch(/^[0-9a-f]{64}$/);

    const later = new Date("2030-01-01T00:00:00Z");
    for (const rel of ["Dockerfile", "src/app.py", "data/blob.bin", "src", "data"])
      fs.utimesSync(path.join(root, rel), later, later);
    expect(await context().checksum()).toBe(sum);

    const copy = path.join(makeTmp(), "elsewhere");
    fs.cpSync(root, copy, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(path.join(copy, "src/app.py"), 0o600);
    expect(
      await new BuildContext({
        root: copy,
        logger: collectingLogger(),
      }).checksum(),
    ).toBe(sum);
  });

  it("writes a gzip that gunzip, `gzip -t` and `tar -tzf` accept, holding exactly the plain tar", async () => {
    const gz = await archive(context());
    const plain = await archive(context(), false);
    expect(zlib.gunzipSync(gz).equals(plain)).toBe(true);
    expect(gz.subarray(0, 10)).toEqual(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3]));
    const file = path.join(makeTmp(), "ctx.tar.gz");
    fs.writeFileSync(file, gz);
    execFileSync("gzip", ["-t", file]);
    const listed = execFileSync("tar", ["-tzf", file], { encoding: "utf8" }).trim().split("\n");
    expect(listed).toEqual((await entries(plain)).map((e) => e.name));
    const plainFile = path.join(path.dirname(file), "ctx.tar");
    fs.writeFileSync(plainFile, plain);
    expect(execFileSync("tar", ["-tf", plainFile], { encoding: "utf8" }).trim().split("\n")).toEqual(listed);
    // the content survives the round trip
    const csv = (await entries(plain)).find((e) => e.name === "data/text.csv");
    expect(csv?.content.equals(fs.readFileSync(path.join(root, "data/text.csv")))).toBe(true);
  });

  it("honours the compression level and defaults to a fast one", async () => {
    expect(DEFAULT_COMPRESSION_LEVEL).toBe(1);
    const fast = await archive(context());
    const sink = memorySink();
    await context().writeArchive(sink, { gzip: true, level: 9 });
    const best = sink.data();
    expect(best.length).toBeLessThan(fast.length);
    expect(zlib.gunzipSync(best).equals(zlib.gunzipSync(fast))).toBe(true);
    await expect(context().writeArchive(memorySink(), { level: 12 })).rejects.toThrow(BuildContextError);
  });
});

describe("BuildContext .dockerignore", () => {
  it("applies .dockerignore and never ships it", async () => {
    write(".dockerignore", "*.log\nbuild\n!build/keep.txt\n");
    write("Dockerfile");
    write("app.log");
    write("src/app.py");
    write("src/debug.log");
    write("build/out.bin");
    write("build/keep.txt");
    const ctx = context();
    expect(await ctx.files()).toEqual(["Dockerfile", "build/keep.txt", "src/app.py", "src/debug.log"]);
    expect(await names(ctx)).toEqual(["Dockerfile", "build/", "build/keep.txt", "src/", "src/app.py", "src/debug.log"]);
  });

  it("always includes the Dockerfile, even with an allow-list", async () => {
    write(".dockerignore", "*\n!app\n");
    write("Dockerfile");
    write("app/main.py");
    write("secret.env");
    expect(await context().files()).toEqual(["Dockerfile", "app/main.py"]);
  });

  it("keeps dir/a.txt excluded with **/*.txt then !dir (entry-by-entry exceptions)", async () => {
    write(".dockerignore", "**/*.txt\n!dir\n");
    write("dir/a.txt");
    write("dir/a.go");
    write("top.txt");
    expect(await names(context())).toEqual(["dir/", "dir/a.go"]);
  });

  it("descends into an excluded directory only for exceptions, emitting needed directory entries", async () => {
    write(".dockerignore", "*\n!src/keep/**\n");
    write("src/keep/a.py");
    write("src/other.py");
    write("node_modules/x/index.js");
    expect(await names(context())).toEqual(["src/", "src/keep/", "src/keep/a.py"]);
  });

  it("uses an explicit dockerignoreFile (relative or absolute) and does not ship it", async () => {
    write("docker/ignore", "*.tmp\n");
    write("a.tmp");
    write("b.txt");
    expect(await context({ dockerignoreFile: "docker/ignore" }).files()).toEqual(["b.txt"]);
    const outside = path.join(makeTmp(), "ignore");
    fs.writeFileSync(outside, "*.txt\n");
    expect(await context({ dockerignoreFile: outside }).files()).toEqual(["a.tmp", "docker/ignore"]);
  });

  it("rejects a missing explicit dockerignoreFile", async () => {
    write("a.txt");
    const error = await context({ dockerignoreFile: "nope/.dockerignore" })
      .files()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildContextError);
    expect((error as Error).message).toContain(path.join(root, "nope/.dockerignore"));
  });
});

describe("BuildContext extra files", () => {
  it("adds extra files that override and survive ignore patterns, in directories that need not exist", async () => {
    write(".dockerignore", "*\n");
    write("Dockerfile", "on disk");
    write("requirements.txt", "old");
    const ctx = context({
      extraFiles: {
        Dockerfile: "FROM python\n",
        "requirements.txt": new TextEncoder().encode("new"),
        "gen/sub/build.txt": "generated",
        ".dockerignore": "shipped on purpose",
      },
    });
    expect(await ctx.files()).toEqual([".dockerignore", "Dockerfile", "gen/sub/build.txt", "requirements.txt"]);
    const all = await entries(zlib.gunzipSync(await archive(ctx)));
    expect(all.map((e) => [e.name, e.content.toString(), e.mode])).toEqual([
      [".dockerignore", "shipped on purpose", 0o644],
      ["Dockerfile", "FROM python\n", 0o644],
      ["gen/", "", 0o755],
      ["gen/sub/", "", 0o755],
      ["gen/sub/build.txt", "generated", 0o644],
      ["requirements.txt", "new", 0o644],
    ]);
  });

  it("puts an extra file into an excluded directory on disk", async () => {
    write(".dockerignore", "build\n");
    write("build/old.bin");
    const ctx = context({ extraFiles: { "build/new.txt": "x" } });
    expect(await names(ctx)).toEqual(["build/", "build/new.txt"]);
  });

  it("rejects absolute, escaping and conflicting paths", () => {
    for (const bad of ["/etc/passwd", "../x", "a/../../x", "", "dir/"]) {
      expect(() => context({ extraFiles: { [bad]: "x" } }), bad).toThrow(BuildContextError);
    }
    expect(() => context({ extraFiles: { a: "x", "a/b": "y" } })).toThrow(BuildContextError);
  });
});

describe("BuildContext errors and warnings", () => {
  it("reports a missing root and a root that is a file", async () => {
    const missing = path.join(root, "missing");
    await expect(new BuildContext({ root: missing }).files()).rejects.toThrow(
      new RegExp(`'${missing}' does not exist`),
    );
    write("file");
    await expect(new BuildContext({ root: path.join(root, "file") }).writeArchive(memorySink())).rejects.toThrow(
      /is not a directory/,
    );
  });

  it("names an unreadable file and keeps the OS error as cause, and destroys the sink", async (test) => {
    write("ok.txt");
    write("locked/secret.txt", "x");
    fs.chmodSync(path.join(root, "locked/secret.txt"), 0o000);
    const unprivileged = readUnprivileged(test);
    fs.chmodSync(path.join(root, "locked"), 0o755);
    const sink = memorySink();
    const error = await unprivileged(() =>
      context()
        .writeArchive(sink)
        .catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(BuildContextError);
    expect((error as Error).message).toContain("locked/secret.txt");
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe("EACCES");
    expect(sink.destroyed).toBe(true);
  });

  it("names an unreadable directory", async (test) => {
    write("closed/a.txt");
    fs.chmodSync(path.join(root, "closed"), 0o000);
    const unprivileged = readUnprivileged(test);
    let error: unknown;
    try {
      error = await unprivileged(() =>
        context()
          .files()
          .catch((e: unknown) => e),
      );
    } finally {
      fs.chmodSync(path.join(root, "closed"), 0o755);
    }
    expect(error).toBeInstanceOf(BuildContextError);
    expect((error as Error).message).toContain("'closed'");
  });

  it("warns when the context exceeds 50 MiB without a .dockerignore", async () => {
    write("Dockerfile");
    const big = path.join(root, "big.bin");
    fs.closeSync(fs.openSync(big, "w"));
    fs.truncateSync(big, 51 * 1024 * 1024); // sparse: fast to make and to read
    const logger = collectingLogger();
    await new BuildContext({ root, logger }).writeArchive(new Writable({ write: (_c, _e, cb) => cb() }));
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/51\.0 MiB.*no \.dockerignore.*Add a \.dockerignore/s);

    write(".dockerignore", "*.tmp\n");
    const quiet = collectingLogger();
    await new BuildContext({ root, logger: quiet }).checksum();
    expect(quiet.warnings).toEqual([]);
  });
});

describe("BuildContext streaming", () => {
  it("never reuses the memory of a chunk a sink may still hold (a PassThrough, an SDK's upload body)", async () => {
    // Incompressible data: several output blocks, so the gzip encoder would recycle its output buffers.
    write("Dockerfile");
    write("blob.bin", randomBytes(12 * 1024 * 1024));
    const held: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        held.push(chunk); // a reference, as a PassThrough's queue keeps it
        callback();
      },
    });
    const written = await context().writeArchive(sink);
    expect(createHash("sha256").update(Buffer.concat(held)).digest("hex")).toBe(written.sha256);
  });

  it("respects a slow sink's backpressure, ends it, and keeps memory bounded", async () => {
    write("Dockerfile");
    write("big.bin", randomBytes(24 * 1024 * 1024));
    for (let i = 0; i < 200; i++) write(`src/f${i}.txt`, `file ${i}\n`.repeat(100));
    let maxBuffered = 0;
    let total = 0;
    const hash = createHash("sha256");
    const sink = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        total += chunk.length;
        hash.update(chunk);
        setTimeout(callback, 0);
      },
    });
    const rssBefore = process.memoryUsage().rss;
    let maxRss = rssBefore;
    const timer = setInterval(() => {
      maxBuffered = Math.max(maxBuffered, sink.writableLength);
      maxRss = Math.max(maxRss, process.memoryUsage().rss);
    }, 1);
    const result = await context().writeArchive(sink, { gzip: true });
    clearInterval(timer);
    expect(sink.writableFinished).toBe(true);
    expect(result.bytes).toBe(total);
    expect(result.sha256).toBe(hash.digest("hex"));
    // a few compressed blocks at most wait in the sink, never the whole archive
    expect(maxBuffered).toBeLessThan(8 * 1024 * 1024);
    expect(maxRss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it("rejects and stops when the sink fails", async () => {
    write("big.bin", randomBytes(8 * 1024 * 1024));
    const sink = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error("disk full"));
      },
    });
    sink.on("error", () => {});
    await expect(context().writeArchive(sink)).rejects.toThrow(/disk full/);
  });

  it("rejects with the error of a sink that failed before the archive began (no unhandled 'error')", async () => {
    write("Dockerfile");
    const failed = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    failed.destroy(new Error("connection reset")); // emits 'error' on the next tick, with no listener of its own
    await expect(context().writeArchive(failed)).rejects.toThrow(/connection reset/);

    const closed = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    closed.destroy();
    await expect(context().writeArchive(closed)).rejects.toThrow(
      new BuildContextError("The archive sink closed before the archive was written."),
    );
  });
});
