import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openContextSource, parseContextLocation } from "./context-source.js";

describe("parseContextLocation", () => {
  it("reads stdin, s3 and gs contexts; a bucket without a key means context.tar.gz", () => {
    expect(parseContextLocation("tar://stdin")).toEqual({ scheme: "stdin" });
    expect(parseContextLocation("s3://bucket/dir/ctx.tar.gz")).toEqual({
      scheme: "s3",
      bucket: "bucket",
      key: "dir/ctx.tar.gz",
    });
    expect(parseContextLocation("s3://bucket")).toEqual({ scheme: "s3", bucket: "bucket", key: "context.tar.gz" });
    expect(parseContextLocation("gs://bucket/")).toEqual({ scheme: "gs", bucket: "bucket", key: "context.tar.gz" });
    expect(() => parseContextLocation("dir:///workspace")).toThrow(/unsupported build context/);
  });
});

describe("openContextSource against stand-in object servers", () => {
  let server: Server;
  let endpoint: string;
  const requests: { url: string; authorization: string | undefined }[] = [];
  const payload = Buffer.from("gzipped-context-bytes");

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      requests.push({ url: req.url ?? "", authorization: req.headers.authorization });
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": payload.length });
      res.end(payload);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks);
  }

  it("reads s3:// with the pod's S3_ENDPOINT, path style and credentials", async () => {
    const stream = await openContextSource(
      parseContextLocation("s3://builds/contexts/abc.tar.gz"),
      {
        S3_ENDPOINT: endpoint,
        S3_FORCE_PATH_STYLE: "true",
        AWS_ACCESS_KEY_ID: "AKIDPOD",
        AWS_SECRET_ACCESS_KEY: "secret",
        AWS_REGION: "eu-west-1",
      },
      new PassThrough(),
      new AbortController().signal,
    );
    expect(await read(stream)).toEqual(payload);
    const request = requests.at(-1);
    expect(request?.url.split("?")[0]).toBe("/builds/contexts/abc.tar.gz");
    expect(request?.authorization).toMatch(/Credential=AKIDPOD\/\d{8}\/eu-west-1\/s3\//);
  });

  it("reads gs:// from STORAGE_EMULATOR_HOST without credentials", async () => {
    const stream = await openContextSource(
      parseContextLocation("gs://builds"),
      { STORAGE_EMULATOR_HOST: endpoint },
      new PassThrough(),
      new AbortController().signal,
    );
    expect(await read(stream)).toEqual(payload);
    expect(requests.at(-1)?.url).toMatch(/^\/(download\/)?storage\/v1\/b\/builds\/o\/context\.tar\.gz\?.*alt=media/);
  });
});
