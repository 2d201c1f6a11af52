import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { ImageReference } from "@flavorstack/core";
import { buildContextImage, parseImageDestination, pushOciImage } from "@flavorstack/testing/kaniko";
import { type RunningRegistry, startRegistry } from "@flavorstack/testing/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistryManifests } from "./registry-manifests.js";

let registry: RunningRegistry;
let pushedDigest: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  cleanups.push(() => registry.stop());
  const contextDir = await mkdtemp(path.join(os.tmpdir(), "flavorstack-manifests-"));
  cleanups.push(() => rm(contextDir, { recursive: true, force: true }));
  await writeFile(path.join(contextDir, "hello.txt"), "hello\n");
  const image = await buildContextImage(contextDir, {});
  pushedDigest = await pushOciImage(image, parseImageDestination(`${registry.hostPort}/team/app:v1`), {
    scheme: "http",
  });
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe("createRegistryManifests().head", () => {
  it("finds a tag and a digest, with the registry's digest", async () => {
    const manifests = createRegistryManifests();
    expect(await manifests.head(ImageReference.parse(`${registry.hostPort}/team/app:v1`))).toEqual({
      status: "found",
      digest: pushedDigest,
    });
    expect(await manifests.head(ImageReference.parse(`${registry.hostPort}/team/app@${pushedDigest}`))).toEqual({
      status: "found",
      digest: pushedDigest,
    });
  });

  it("says missing for an unknown tag, digest or repository", async () => {
    const manifests = createRegistryManifests();
    const digest = `sha256:${"0".repeat(64)}`;
    for (const reference of [`team/app:v2`, `team/app@${digest}`, `team/other:v1`]) {
      expect(await manifests.head(ImageReference.parse(`${registry.hostPort}/${reference}`))).toEqual({
        status: "missing",
      });
    }
  });

  it("says unknown, with the reason, when the registry cannot be reached", async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const answer = await createRegistryManifests().head(ImageReference.parse(`127.0.0.1:${port}/team/app:v1`));
    expect(answer).toMatchObject({ status: "unknown", reason: expect.stringContaining(`127.0.0.1:${port}`) });
  });

  it("answers a Bearer challenge with a token from the realm (anonymous, then the docker config's credentials)", async () => {
    const configDir = await mkdtemp(path.join(os.tmpdir(), "flavorstack-docker-config-"));
    cleanups.push(() => rm(configDir, { recursive: true, force: true }));
    const tokenRequests: { scope: string | null; authorization: string | undefined }[] = [];
    // A front that asks for a token as Docker Hub and GHCR do, then passes requests with it to the real registry.
    const front = http.createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://front");
      if (url.pathname === "/token") {
        tokenRequests.push({ scope: url.searchParams.get("scope"), authorization: request.headers.authorization });
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ token: "t0k3n" }));
        return;
      }
      if (request.headers.authorization !== "Bearer t0k3n") {
        response.writeHead(401, {
          "www-authenticate": `Bearer realm="http://${request.headers.host}/token",service="front"`,
        });
        response.end();
        return;
      }
      const upstream = http.request(
        `${registry.url}${request.url}`,
        { method: request.method, headers: { accept: request.headers.accept ?? "*/*" } },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.end();
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => front.close(() => resolve())));
    const host = `127.0.0.1:${(front.address() as AddressInfo).port}`;

    const anonymous = createRegistryManifests({ env: { DOCKER_CONFIG: configDir } });
    expect(await anonymous.head(ImageReference.parse(`${host}/team/app:v1`))).toEqual({
      status: "found",
      digest: pushedDigest,
    });
    expect(tokenRequests).toEqual([{ scope: "repository:team/app:pull", authorization: undefined }]);

    const auth = Buffer.from("robot:s3cret").toString("base64");
    await writeFile(path.join(configDir, "config.json"), JSON.stringify({ auths: { [host]: { auth } } }));
    const withCredentials = createRegistryManifests({ env: { DOCKER_CONFIG: configDir } });
    expect((await withCredentials.head(ImageReference.parse(`${host}/team/app:v1`))).status).toBe("found");
    expect(tokenRequests.at(-1)).toEqual({ scope: "repository:team/app:pull", authorization: `Basic ${auth}` });
  });
});
