// The child process of `startGcsEmulator`: Google's Cloud Storage emulator from firebase-tools (pinned exactly: used
// through its lib/ internals), without its CLI, behind a front that makes it answer as GCS does where it differs.
//
// Run in a process of its own because the emulator buffers every upload's body whole (its body parsers) and keeps
// its instance in a process-wide registry: in the test process, one 100 MB upload would count against the test's
// RSS bound, and two emulators (two test files in one worker) would share one registry entry.
//
// Protocol: argv[2] is the JSON `{ dir, projectId, accounts? }`; the child writes blobs under `dir` only, listens on a
// free port of 127.0.0.1 and sends `{ port }` over IPC. It removes `dir` and exits when the parent sends "stop" or
// disconnects.
import { createPublicKey, verify } from "node:crypto";
import { rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";

interface ProcessArgs {
  dir: string;
  projectId: string;
  /** When set, requests must carry a self-signed JWT of one of these accounts (PEM public keys). */
  accounts?: { allowed: string[]; denied: string[] };
}

interface Upload {
  id: string;
  bucketId: string;
  objectId: string;
  status: string;
}

interface EmulatorArgs {
  projectId: string;
  host: string;
  port: number;
}

interface EmulatorInternals {
  adminStorageLayer: { createBucket(id: string): void };
  uploadService: { _uploads: Map<string, Upload>; cancelResumableUpload(id: string): Upload };
}

const { dir, projectId, accounts } = JSON.parse(process.argv[2] ?? "{}") as ProcessArgs;
const require = createRequire(import.meta.url);
// The internals used here change between releases: refuse any version but the one this package pins.
const pinned: string = require("../../package.json").peerDependencies["firebase-tools"];
const installed: string = require("firebase-tools/package.json").version;
if (installed !== pinned) {
  process.stderr.write(`firebase-tools ${installed} is installed, but the GCS emulator needs exactly ${pinned}.\n`);
  process.exit(1);
}
const StorageEmulator = require("firebase-tools/lib/emulator/storage/index.js").StorageEmulator as new (
  args: EmulatorArgs,
) => EmulatorInternals;
const { createApp } = require("firebase-tools/lib/emulator/storage/server.js");
const { EmulatorRegistry } = require("firebase-tools/lib/emulator/registry.js");

// The emulator keeps its blobs in `<os tmpdir>/firebase/storage/blobs`, shared by every emulator on the machine:
// this subclass keeps them in the parent's temp dir instead.
class IsolatedStorageEmulator extends StorageEmulator {
  getPersistenceTmpDir(): string {
    return dir;
  }
}

const args: EmulatorArgs = { projectId, host: "127.0.0.1", port: 0 };
const emulator = new IsolatedStorageEmulator(args);
// Its object metadata builds self links from the registry's entry; its rules runtime (Java) is never started: the
// Cloud API endpoints check no rules.
EmulatorRegistry.set("storage", emulator);
const app = (await createApp(projectId, emulator)) as (request: IncomingMessage, response: ServerResponse) => void;

/** Buckets made with `createBucket`; the emulator itself creates any bucket a request names. */
const buckets = new Set<string>();

const BUCKET_PATH = /^\/(?:upload\/|download\/)?(?:storage\/v1\/)?b\/([^/?]+)(\/[^?]*)?/;
const INTERNAL_BUCKETS = /^\/_flavorstack\/buckets\/([^/?]+)$/;

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=UTF-8" }).end(JSON.stringify(body));
}

/** GCS's answer for a bucket that does not exist, as its JSON API gives it. */
function sendNoSuchBucket(response: ServerResponse): void {
  const message = "The specified bucket does not exist.";
  sendJson(response, 404, {
    error: { code: 404, message, errors: [{ message, domain: "global", reason: "notFound" }] },
  });
}

const allowedKeys = accounts?.allowed.map((pem) => createPublicKey(pem)) ?? [];
const deniedKeys = accounts?.denied.map((pem) => createPublicKey(pem)) ?? [];

/** Whether `authorization` is `Bearer <JWT>` signed (RS256) by one of `keys`. */
function signedByOneOf(authorization: string | undefined, keys: ReturnType<typeof createPublicKey>[]): boolean {
  const [header, payload, signature] = /^Bearer (.+)$/.exec(authorization ?? "")?.[1]?.split(".") ?? [];
  if (header === undefined || payload === undefined || signature === undefined) return false;
  const data = Buffer.from(`${header}.${payload}`);
  return keys.some((key) => verify("RSA-SHA256", data, key, Buffer.from(signature, "base64url")));
}

/** GCS's 401 and 403 bodies, for requests whose token no allowed account signed. */
function refuseCredentials(request: IncomingMessage, response: ServerResponse): boolean {
  if (accounts === undefined) return false;
  const { authorization } = request.headers;
  if (signedByOneOf(authorization, allowedKeys)) return false;
  if (signedByOneOf(authorization, deniedKeys)) {
    const message = `caller does not have storage.objects.list access to the Google Cloud Storage bucket. Permission 'storage.objects.list' denied on resource (or it may not exist).`;
    sendJson(response, 403, {
      error: { code: 403, message, errors: [{ message, domain: "global", reason: "forbidden" }] },
    });
    return true;
  }
  const message = "Invalid Credentials";
  sendJson(response, 401, {
    error: {
      code: 401,
      message,
      errors: [{ message, domain: "global", reason: "authError", locationType: "header", location: "Authorization" }],
    },
  });
  return true;
}

/** Requests GCS answers and the emulator does not, or answers differently; `false` passes a request on. */
function answerAsGcs(request: IncomingMessage, response: ServerResponse): boolean {
  const url = new URL(request.url ?? "/", "http://emulator");
  const internal = INTERNAL_BUCKETS.exec(url.pathname);
  if (internal && request.method === "POST") {
    const name = decodeURIComponent(internal[1] as string);
    emulator.adminStorageLayer.createBucket(name);
    buckets.add(name);
    sendJson(response, 200, { name });
    return true;
  }
  if (url.pathname === "/_flavorstack/uploads" && request.method === "GET") {
    const uploads = [...emulator.uploadService._uploads.values()]
      .filter((upload) => upload.status === "active")
      .map(({ bucketId, objectId }) => ({ bucket: bucketId, name: objectId }));
    sendJson(response, 200, { uploads });
    return true;
  }
  const match = BUCKET_PATH.exec(url.pathname);
  if (!match) return false;
  const bucket = decodeURIComponent(match[1] as string);
  // A resumable session's URI is its own credential.
  if (!url.searchParams.has("upload_id") && refuseCredentials(request, response)) return true;
  if (!buckets.has(bucket)) {
    sendNoSuchBucket(response);
    return true;
  }
  const rest = match[2] ?? "";
  if ((rest === "" || rest === "/") && request.method === "GET") {
    sendJson(response, 200, { kind: "storage#bucket", id: bucket, name: bucket, projectNumber: "0" });
    return true;
  }
  // Cancelling a resumable session: GCS answers 499 and forgets the session; the emulator has no route for it.
  const uploadId = url.searchParams.get("upload_id");
  if (request.method === "DELETE" && uploadId !== null) {
    try {
      emulator.uploadService.cancelResumableUpload(uploadId);
      response.writeHead(499).end();
    } catch {
      sendJson(response, 404, { error: { code: 404, message: "No such upload session." } });
    }
    return true;
  }
  return false;
}

const server = createServer((request, response) => {
  if (answerAsGcs(request, response)) return;
  // Some of the emulator's routes (rewriteTo, patch) exist only without the JSON API's `/storage/v1` prefix, which
  // @google-cloud/storage sends; every route it has exists in that form.
  if (request.url?.startsWith("/storage/v1/")) request.url = request.url.slice("/storage/v1".length);
  app(request, response);
});
server.listen(0, "127.0.0.1", () => {
  args.port = (server.address() as AddressInfo).port;
  process.send?.({ port: args.port });
});

/** Closes the server and removes the blobs, also when the parent died without asking. */
function stop(): void {
  server.closeAllConnections();
  server.close(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}
process.on("message", (message) => {
  if (message === "stop") stop();
});
process.on("disconnect", stop);
