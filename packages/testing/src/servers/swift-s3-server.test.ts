import { readdir } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { missingSwiftS3Programs, startSwiftS3Server } from "./swift-s3-server.js";

const MISSING = missingSwiftS3Programs();
const SKIP_REASON = `Swift is not installed (${MISSING.join(", ")} not on PATH): run 'bash test/infra/setup.sh'`;

const swiftDirs = async () => (await readdir(tmpdir())).filter((name) => name.startsWith("flavorstack-swift-"));

function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("startSwiftS3Server", {
  skip: MISSING.length > 0,
  meta: { skipReason: SKIP_REASON },
  timeout: 240_000,
}, () => {
  it("serves S3 with checked signatures, and stop() ends every process and removes its dir", async () => {
    const before = await swiftDirs();
    const server = await startSwiftS3Server({ startTimeout: 180_000 });
    let stopped = false;
    try {
      expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.endpoint).not.toBe("http://127.0.0.1:8080");
      await server.createBucket("swift-test");
      const client = (secretAccessKey: string) =>
        new S3Client({
          endpoint: server.endpoint,
          region: server.region,
          forcePathStyle: true,
          credentials: { accessKeyId: server.accessKeyId, secretAccessKey },
        });
      await client(server.secretAccessKey).send(
        new PutObjectCommand({ Bucket: "swift-test", Key: "a/b.txt", Body: "hello" }),
      );
      const read = await client(server.secretAccessKey).send(
        new GetObjectCommand({ Bucket: "swift-test", Key: "a/b.txt" }),
      );
      expect(await read.Body?.transformToString()).toBe("hello");
      const refused = await client(`${server.secretAccessKey}x`)
        .send(new GetObjectCommand({ Bucket: "swift-test", Key: "a/b.txt" }))
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({ name: "SignatureDoesNotMatch", $metadata: { httpStatusCode: 403 } });
      expect((await swiftDirs()).length).toBe(before.length + 1);
      await server.stop();
      stopped = true;
      expect(await accepts(server.endpoint)).toBe(false);
      expect(await swiftDirs()).toEqual(before);
    } finally {
      if (!stopped) await server.stop();
    }
  });
});
