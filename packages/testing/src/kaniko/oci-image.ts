import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import type { ImageDestination } from "./image-destination.js";

export const OCI_MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

/** A one-layer OCI image held in memory. */
export interface OciImage {
  layer: Buffer;
  config: Buffer;
  manifest: Buffer;
  /** `sha256:<hex>` of the manifest bytes: the image digest. */
  digest: string;
}

function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

async function walk(dir: string, prefix = ""): Promise<string[]> {
  const names = (await readdir(join(dir, prefix))).sort();
  const out: string[] = [];
  for (const name of names) {
    const relative = prefix ? `${prefix}/${name}` : name;
    out.push(relative);
    if ((await lstat(join(dir, relative))).isDirectory()) out.push(...(await walk(dir, relative)));
  }
  return out;
}

async function tarDirectory(dir: string): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const ended = new Promise<void>((resolve, reject) => {
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  for (const relative of await walk(dir)) {
    const path = join(dir, relative);
    const stat = await lstat(path);
    const base = { name: relative, mtime: new Date(0), uid: 0, gid: 0 };
    if (stat.isDirectory()) pack.entry({ ...base, type: "directory", mode: 0o755 });
    else if (stat.isSymbolicLink())
      pack.entry({ ...base, type: "symlink", linkname: await readlink(path), mode: 0o777 });
    else if (stat.isFile())
      pack.entry({ ...base, type: "file", mode: stat.mode & 0o111 ? 0o755 : 0o644 }, await readFile(path));
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** Builds a one-layer OCI image whose layer is the whole context directory (no Dockerfile instruction runs). */
export async function buildContextImage(contextDir: string, labels: Record<string, string>): Promise<OciImage> {
  const layerTar = await tarDirectory(contextDir);
  const layer = gzipSync(layerTar);
  const config = Buffer.from(
    JSON.stringify({
      created: "1970-01-01T00:00:00Z",
      architecture: "amd64",
      os: "linux",
      config: { Labels: labels, Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] },
      rootfs: { type: "layers", diff_ids: [sha256(layerTar)] },
      history: [{ created: "1970-01-01T00:00:00Z", created_by: "flavorstack simulated kaniko: COPY . /" }],
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST_TYPE,
      config: { mediaType: OCI_CONFIG_TYPE, digest: sha256(config), size: config.length },
      layers: [{ mediaType: OCI_LAYER_TYPE, digest: sha256(layer), size: layer.length }],
    }),
  );
  return { layer, config, manifest, digest: sha256(manifest) };
}

async function check(response: Response, what: string): Promise<Response> {
  if (response.ok) return response;
  const body = await response.text().catch(() => "");
  throw new Error(`${what}: HTTP ${response.status} ${body.trim().slice(0, 300)}`);
}

/** Pushes an {@link OciImage} with the registry HTTP API (HEAD, POST + PUT per blob, PUT manifest). */
export async function pushOciImage(
  image: OciImage,
  destination: ImageDestination,
  options: { scheme: "http" | "https"; signal?: AbortSignal },
): Promise<string> {
  const base = `${options.scheme}://${destination.registry}/v2/${destination.path}`;
  const signal = options.signal;
  for (const blob of [image.layer, image.config]) {
    const digest = sha256(blob);
    const head = await fetch(`${base}/blobs/${digest}`, { method: "HEAD", ...(signal ? { signal } : {}) });
    if (head.ok) continue;
    const started = await check(
      await fetch(`${base}/blobs/uploads/`, { method: "POST", ...(signal ? { signal } : {}) }),
      `starting blob upload to ${destination.repository}`,
    );
    const location = started.headers.get("location");
    if (!location) throw new Error(`registry gave no upload location for ${destination.repository}`);
    const uploadUrl = new URL(location, `${options.scheme}://${destination.registry}`);
    uploadUrl.searchParams.set("digest", digest);
    await check(
      await fetch(uploadUrl, {
        method: "PUT",
        headers: { "Content-Type": "application/octet-stream", "Content-Length": String(blob.length) },
        body: blob,
        ...(signal ? { signal } : {}),
      }),
      `uploading blob ${digest} to ${destination.repository}`,
    );
  }
  const put = await check(
    await fetch(`${base}/manifests/${destination.tag}`, {
      method: "PUT",
      headers: { "Content-Type": OCI_MANIFEST_TYPE },
      body: image.manifest,
      ...(signal ? { signal } : {}),
    }),
    `pushing manifest to ${destination.repository}:${destination.tag}`,
  );
  const digest = put.headers.get("docker-content-digest") ?? image.digest;
  if (digest !== image.digest) throw new Error(`registry stored digest ${digest}, expected ${image.digest}`);
  return digest;
}
