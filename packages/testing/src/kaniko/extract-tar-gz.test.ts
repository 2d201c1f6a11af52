import { mkdtemp, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractTarGz } from "./extract-tar-gz.js";

type Entry = { name: string; type?: "file" | "symlink" | "directory" | "link"; content?: string; linkname?: string };

async function tarGz(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const ended = new Promise((resolve) => pack.on("end", () => resolve(undefined)));
  for (const entry of entries) {
    const { content, ...header } = entry;
    pack.entry({ ...header, type: entry.type ?? "file" }, content ?? "");
  }
  pack.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}

describe("extractTarGz", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "extract-test-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("extracts files, directories and symlinks", async () => {
    const archive = await tarGz([
      { name: "./", type: "directory" },
      { name: "./Dockerfile", content: "FROM scratch\n" },
      { name: "./src/a.txt", content: "a" },
      { name: "./link", type: "symlink", linkname: "src/a.txt" },
      { name: "./hard", type: "link", linkname: "src/a.txt" },
    ]);
    const summary = await extractTarGz(Readable.from([archive]), dir);
    expect(summary.files).toBe(2);
    expect(await readFile(join(dir, "Dockerfile"), "utf8")).toBe("FROM scratch\n");
    expect(await readlink(join(dir, "link"))).toBe("src/a.txt");
    expect(await readFile(join(dir, "hard"), "utf8")).toBe("a");
  });

  it.each([
    ["a .. path", [{ name: "../escape.txt", content: "x" }]],
    [
      "a write through a symlink",
      [
        { name: "out", type: "symlink", linkname: "/tmp" },
        { name: "out/escape.txt", content: "x" },
      ],
    ],
    ["a hard link out of the context", [{ name: "hard", type: "link", linkname: "../../etc/passwd" }]],
  ] as [string, Entry[]][])("refuses %s", async (_label, entries) => {
    const archive = await tarGz(entries);
    await expect(extractTarGz(Readable.from([archive]), dir)).rejects.toThrow(/refusing tar entry outside the context/);
  });

  it("fails on a truncated archive", async () => {
    const archive = await tarGz([{ name: "big.bin", content: "y".repeat(100_000) }]);
    await expect(extractTarGz(Readable.from([archive.subarray(0, 50)]), dir)).rejects.toThrow(/unexpected end of file/);
  });
});
