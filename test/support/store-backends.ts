import type { ArtifactStore } from "@flavorstack/core/plugin";
import { GcsArtifactStoreFlavor } from "@flavorstack/gcp";
import { S3ArtifactStoreFlavor } from "@flavorstack/s3";
import {
  type GcsEmulator,
  missingSwiftS3Programs,
  type RecordingProxy,
  type SwiftS3Server,
  startGcsEmulator,
  startRecordingProxy,
  startSwiftS3Server,
} from "@flavorstack/testing/servers";

interface ListedObject {
  key: string;
  size: number;
  updated: string;
}

/** A real storage server behind a byte-counting proxy, and how to look at it without our stores. */
export interface StoreBackend {
  name: string;
  scheme: "s3" | "gs";
  bucket: string;
  /** Why the backend cannot run here (a missing program), or undefined. */
  unavailable: string | undefined;
  /** Valid once started. */
  proxy: RecordingProxy;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A store on `<bucket>/<prefix>` reached through the proxy. */
  store(prefix: string): Promise<ArtifactStore>;
  /** The flavor and raw config of that store, for registering it elsewhere (e.g. in a client's store). */
  storeConfig(prefix: string): { flavor: string; config: Record<string, unknown> };
  /** A store on `<bucket>/<prefix>` whose uploads the server refuses, and what its error must say. */
  failingStore(prefix: string): Promise<ArtifactStore>;
  failingStoreMessage: RegExp;
  /** Values that must not appear in errors. */
  secrets: string[];
  /** The pod's own credentials, which the tests put in a Secret the pod's `envFrom` names. */
  podCredentials: Record<string, string>;
  /** The env the builder must add from the store's config. */
  expectedPodEnv: Record<string, string>;
  /** The server's own listing under `prefix` (keys relative to the bucket), sorted. */
  listObjects(prefix: string): Promise<ListedObject[]>;
  /** Unfinished uploads under `prefix`, as the server lists them. */
  pendingUploads(prefix: string): Promise<string[]>;
}

const BUCKET = "flavorstack-e2e";

function s3Backend(): StoreBackend {
  let server: SwiftS3Server;
  const missing = missingSwiftS3Programs();
  const backend: StoreBackend = {
    name: "S3 (Swift s3api)",
    scheme: "s3",
    bucket: BUCKET,
    unavailable: missing.length
      ? `Swift is not installed (missing ${missing.join(", ")}; see test/infra/setup.sh)`
      : undefined,
    proxy: undefined as unknown as RecordingProxy,
    secrets: [],
    podCredentials: {},
    expectedPodEnv: {},
    failingStoreMessage: /credentials/i,
    async start() {
      server = await startSwiftS3Server();
      await server.createBucket(BUCKET);
      backend.proxy = await startRecordingProxy(server.endpoint);
      backend.secrets = [server.secretAccessKey, "wrong-secret-that-must-not-leak"];
      backend.podCredentials = {
        AWS_ACCESS_KEY_ID: server.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
      };
      backend.expectedPodEnv = {
        S3_ENDPOINT: backend.proxy.endpoint,
        S3_FORCE_PATH_STYLE: "true",
        AWS_REGION: server.region,
      };
    },
    async stop() {
      await backend.proxy?.close();
      await server?.stop();
    },
    store: (prefix) =>
      S3ArtifactStoreFlavor.createComponent({ name: "s3-store", config: s3Config(prefix, server.secretAccessKey) }),
    storeConfig: (prefix) => ({ flavor: "s3", config: s3Config(prefix, server.secretAccessKey) }),
    failingStore: (prefix) =>
      S3ArtifactStoreFlavor.createComponent({
        name: "s3-store",
        config: s3Config(prefix, "wrong-secret-that-must-not-leak"),
      }),
    async listObjects(prefix) {
      const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
      const client = await s3Client();
      const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
      client.destroy();
      return (listed.Contents ?? []).map((item) => ({
        key: item.Key ?? "",
        size: item.Size ?? 0,
        updated: item.LastModified?.toISOString() ?? "",
      }));
    },
    async pendingUploads(prefix) {
      const { ListMultipartUploadsCommand } = await import("@aws-sdk/client-s3");
      const client = await s3Client();
      const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }));
      client.destroy();
      return (listed.Uploads ?? []).map((upload) => upload.Key ?? "");
    },
  };

  async function s3Client() {
    const { S3Client } = await import("@aws-sdk/client-s3");
    return new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    });
  }

  function s3Config(prefix: string, secret: string): Record<string, unknown> {
    return {
      path: `s3://${BUCKET}/${prefix}`,
      key: server.accessKeyId,
      secret,
      clientKwargs: { endpointUrl: backend.proxy.endpoint, regionName: server.region },
      forcePathStyle: true,
    };
  }
  return backend;
}

function gcsBackend(): StoreBackend {
  let emulator: GcsEmulator;
  const backend: StoreBackend = {
    name: "GCS (storage emulator)",
    scheme: "gs",
    bucket: BUCKET,
    unavailable: undefined,
    proxy: undefined as unknown as RecordingProxy,
    // The emulator checks no credentials: the failing store's bucket does not exist.
    secrets: [],
    podCredentials: {},
    expectedPodEnv: {},
    failingStoreMessage: /does not exist/,
    async start() {
      emulator = await startGcsEmulator();
      await emulator.createBucket(BUCKET);
      backend.proxy = await startRecordingProxy(emulator.endpoint);
      backend.expectedPodEnv = { STORAGE_EMULATOR_HOST: backend.proxy.endpoint };
    },
    async stop() {
      await backend.proxy?.close();
      await emulator?.stop();
    },
    store: (prefix) =>
      GcsArtifactStoreFlavor.createComponent({ name: "gcs-store", config: gcsConfig(`gs://${BUCKET}/${prefix}`) }),
    storeConfig: (prefix) => ({ flavor: "gcp", config: gcsConfig(`gs://${BUCKET}/${prefix}`) }),
    failingStore: (prefix) =>
      GcsArtifactStoreFlavor.createComponent({
        name: "gcs-store",
        config: gcsConfig(`gs://no-such-bucket-${process.pid}/${prefix}`),
      }),
    async listObjects(prefix) {
      const { Storage } = await import("@google-cloud/storage");
      const storage = new Storage({ apiEndpoint: emulator.endpoint, projectId: emulator.projectId });
      const [files] = await storage.bucket(BUCKET).getFiles({ prefix });
      return files
        .map((file) => ({
          key: file.name,
          size: Number(file.metadata.size ?? 0),
          updated: String(file.metadata.updated ?? ""),
        }))
        .sort((a, b) => (a.key < b.key ? -1 : 1));
    },
    async pendingUploads(prefix) {
      return (await emulator.pendingUploads())
        .filter((upload) => upload.bucket === BUCKET && upload.name.startsWith(prefix))
        .map((upload) => upload.name);
    },
  };

  function gcsConfig(path: string): Record<string, unknown> {
    return { path, apiEndpoint: backend.proxy.endpoint, projectId: emulator.projectId };
  }
  return backend;
}

/** The S3 and GCS backends of the store e2e tests. */
export function storeBackends(): StoreBackend[] {
  return [s3Backend(), gcsBackend()];
}
