import { createCipheriv, createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { AsciiWriter } from "./ascii-writer.js";
import { Prng } from "./prng.js";
import { randomIdent, SOURCE_EXTENSIONS, sourceText } from "./source-text.js";

/** Bump when the generated tree changes, so cached trees are regenerated. */
const GENERATOR_VERSION = 2;
const SEED = 0x5eed_c0de;

/** Shares of the context: source-like text, one CSV-like file, random (incompressible) binary. */
const SOURCE_SHARE = 0.3;
const CSV_SHARE = 0.45;
/** Of the binary share, what goes into small image-like files (the rest: model shards). */
const SMALL_BINARY_SHARE = 0.2;
const MAX_SHARD = 32 * 1024 * 1024;
const WRITE_CHUNK = 4 * 1024 * 1024;

export interface GeneratedContext {
  root: string;
  label: string;
  /** Sum of the file sizes. */
  bytes: number;
  files: number;
  dirs: number;
  /** False when an earlier run's tree was reused. */
  generated: boolean;
  ms: number;
}

interface Manifest {
  version: number;
  seed: number;
  size: number;
  bytes: number;
  files: number;
  dirs: number;
}

/** The context of `size` bytes under `dataDir/<label>`, generated unless a complete one is there. */
export function ensureContext(dataDir: string, size: number, label: string): GeneratedContext {
  const root = path.join(dataDir, label);
  const manifestPath = path.join(dataDir, `${label}.json`);
  const started = performance.now();
  if (existsSync(manifestPath) && existsSync(root)) {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
    if (manifest.version === GENERATOR_VERSION && manifest.seed === SEED && manifest.size === size) {
      return {
        root,
        label,
        bytes: manifest.bytes,
        files: manifest.files,
        dirs: manifest.dirs,
        generated: false,
        ms: 0,
      };
    }
  }
  rmSync(manifestPath, { force: true });
  rmSync(root, { recursive: true, force: true });
  const partial = `${root}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const stats = generate(partial, size);
  renameSync(partial, root);
  const manifest: Manifest = { version: GENERATOR_VERSION, seed: SEED, size, ...stats };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { root, label, ...stats, generated: true, ms: performance.now() - started };
}

class Tree {
  bytes = 0;
  files = 0;
  private readonly made = new Set<string>();

  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  get dirs(): number {
    return this.made.size;
  }

  write(rel: string, data: string | Uint8Array): void {
    this.mkdir(path.posix.dirname(rel));
    writeFileSync(path.join(this.root, rel), data);
    this.bytes += typeof data === "string" ? Buffer.byteLength(data) : data.length;
    this.files++;
  }

  /** Writes a large file chunk by chunk from `next(remaining)`. */
  stream(rel: string, size: number, next: (max: number) => Uint8Array): void {
    this.mkdir(path.posix.dirname(rel));
    const fd = openSync(path.join(this.root, rel), "w");
    try {
      let written = 0;
      while (written < size) {
        const chunk = next(Math.min(WRITE_CHUNK, size - written));
        writeSync(fd, chunk);
        written += chunk.length;
      }
      this.bytes += written;
    } finally {
      closeSync(fd);
    }
    this.files++;
  }

  private mkdir(rel: string): void {
    if (rel === "." || this.made.has(rel)) return;
    mkdirSync(path.join(this.root, rel), { recursive: true });
    for (let dir = rel; dir !== "." && !this.made.has(dir); dir = path.posix.dirname(dir)) this.made.add(dir);
  }
}

function generate(root: string, size: number): Pick<Manifest, "bytes" | "files" | "dirs"> {
  const prng = new Prng(SEED);
  const tree = new Tree(root);
  tree.write("Dockerfile", "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n");
  tree.write("requirements.txt", "numpy==1.26.4\npandas==2.2.2\nrequests==2.32.3\n");
  tree.write("README.md", sourceText(prng, "md", 4096));

  writeSources(tree, prng, size * SOURCE_SHARE);
  writeCsv(tree, prng, Math.round(size * CSV_SHARE));
  writeBinary(tree, prng, size - tree.bytes);
  return { bytes: tree.bytes, files: tree.files, dirs: tree.dirs };
}

/** Thousands of small source files in nested directories. */
function writeSources(tree: Tree, prng: Prng, budget: number): void {
  const dirs: string[] = ["src", "tests", "docs"];
  const target = tree.bytes + budget;
  for (let index = 0; tree.bytes < target; index++) {
    // roughly one new directory per dozen files, nested under an existing one
    if (prng.int(0, 11) === 0 || dirs.length < 8) {
      const parent = prng.pick(dirs);
      if (parent.split("/").length < 7) dirs.push(`${parent}/${randomIdent(prng, prng.int(1, 2))}`);
    }
    const dir = prng.pick(dirs);
    const ext = dir.startsWith("docs") ? "md" : prng.pick(SOURCE_EXTENSIONS);
    const fileSize = Math.min(prng.logInt(200, 48 * 1024), target - tree.bytes);
    tree.write(`${dir}/${randomIdent(prng)}_${index}.${ext}`, sourceText(prng, ext, fileSize));
  }
}

const CATEGORIES = ["grocery", "electronics", "books", "garden", "toys", "sports", "health", "travel", "fashion"];
const STATUSES = ["ok", "ok", "ok", "pending", "refunded", "failed"];
const CITIES = ["Berlin", "Lyon", "Porto", "Austin", "Osaka", "Nairobi", "Lima", "Oslo", "Pune", "Perth"];

const ascii = (items: string[]): Buffer[] => items.map((item) => Buffer.from(item, "latin1"));
const CSV_HEADER = Buffer.from("event_id,timestamp,user_id,city,category,amount,quantity,lat,lon,status,note\n");
const ZULU_COMMA_U = Buffer.from("Z,u");
const MAX_ROW = 256;

/** One large CSV-like text file, written byte by byte into big buffers (strings would be ~5x slower). */
function writeCsv(tree: Tree, prng: Prng, size: number): void {
  const out = new AsciiWriter(WRITE_CHUNK + MAX_ROW);
  const categories = ascii(CATEGORIES);
  const statuses = ascii(STATUSES);
  const cities = ascii(CITIES);
  const notes = ascii(Array.from({ length: 512 }, () => randomIdent(prng, 3)));
  let id = 0;
  let seconds = 1_704_067_200; // 2024-01-01T00:00:00Z
  let dayStart = -1;
  let day: Buffer = Buffer.alloc(0);
  let carry: Buffer = Buffer.alloc(0);
  out.bytes(CSV_HEADER);
  tree.stream("data/events.csv", size, (max) => {
    out.bytes(carry);
    while (out.length < max) {
      seconds += prng.int(0, 4);
      if (dayStart < 0 || seconds - dayStart >= 86_400) {
        dayStart = seconds - (seconds % 86_400);
        day = Buffer.from(`${new Date(dayStart * 1000).toISOString().slice(0, 10)}T`);
      }
      const t = seconds - dayStart;
      out.uint(++id);
      out.char(44);
      out.bytes(day);
      out.uint(Math.floor(t / 3600), 2);
      out.char(58);
      out.uint(Math.floor(t / 60) % 60, 2);
      out.char(58);
      out.uint(t % 60, 2);
      out.bytes(ZULU_COMMA_U);
      out.uint(prng.int(1, 250_000));
      out.char(44);
      out.bytes(prng.pick(cities));
      out.char(44);
      out.bytes(prng.pick(categories));
      out.char(44);
      out.fixed(prng.int(0, 50_000), 2);
      out.char(44);
      out.uint(prng.int(1, 12));
      out.char(44);
      out.fixed(prng.int(-9_000_000, 9_000_000), 5);
      out.char(44);
      out.fixed(prng.int(-18_000_000, 18_000_000), 5);
      out.char(44);
      out.bytes(prng.pick(statuses));
      out.char(44);
      if (prng.int(0, 3) === 0) out.bytes(prng.pick(notes));
      out.char(10);
    }
    const all = out.take();
    carry = all.subarray(max);
    return all.subarray(0, max);
  });
}
/** Random bytes (AES-CTR keystream: fast, seeded, incompressible): image-like files and model shards. */
function writeBinary(tree: Tree, prng: Prng, budget: number): void {
  const key = createHash("sha256").update(`flavorstack-bench:${SEED}`).digest().subarray(0, 16);
  const cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(WRITE_CHUNK);
  const random = (max: number): Buffer => cipher.update(zeros.subarray(0, max));

  const target = tree.bytes + budget;
  const smallTarget = tree.bytes + budget * SMALL_BINARY_SHARE;
  for (let index = 0; tree.bytes < smallTarget; index++) {
    const fileSize = Math.min(prng.logInt(4 * 1024, 512 * 1024), Math.ceil(smallTarget - tree.bytes));
    tree.write(`assets/img/${randomIdent(prng, 2)}_${index}.png`, random(fileSize));
  }
  for (let index = 0; tree.bytes < target; index++) {
    const fileSize = Math.min(MAX_SHARD, Math.ceil(target - tree.bytes));
    tree.stream(`models/shard-${String(index).padStart(4, "0")}.bin`, fileSize, random);
  }
}
