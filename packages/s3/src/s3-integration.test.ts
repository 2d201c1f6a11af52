import { createFlavorstackContainer, FlavorRegistryToken, resolve, silentLogger } from "@flavorstack/core";
import { describe, expect, it, onTestFinished } from "vitest";
import { S3ArtifactStore, S3ArtifactStoreFlavor, S3Integration } from "./index.js";

describe("S3Integration", () => {
  it("ships the s3 artifact store flavor and requires the AWS SDK's S3 client and lib-storage", async () => {
    expect(S3Integration.name).toBe("s3");
    expect(S3Integration.requirements).toEqual(["@aws-sdk/client-s3", "@aws-sdk/lib-storage"]);
    expect(await S3Integration.flavors()).toEqual([S3ArtifactStoreFlavor]);
    expect(await S3Integration.isInstalled()).toBe(true);
    const flavors = resolve(createFlavorstackContainer({ logger: silentLogger }), FlavorRegistryToken);
    await S3Integration.register(flavors);
    expect(flavors.get("artifact_store", "s3")).toBe(S3ArtifactStoreFlavor);
  });

  it("makes a remote store rooted at the normalised path", async () => {
    const store = await S3ArtifactStoreFlavor.createComponent({ name: "prod", config: { path: "s3://bucket/a/b/" } });
    expect(store).toBeInstanceOf(S3ArtifactStore);
    expect(store.path).toBe("s3://bucket/a/b");
    expect(store.isRemote).toBe(true);
    expect(store.supportedSchemes).toEqual(["s3://"]);
  });

  it("gives a container the endpoint, path style and region as kaniko's S3 client reads them, never credentials", async () => {
    const custom = await S3ArtifactStoreFlavor.createComponent({
      name: "minio",
      config: {
        path: "s3://bucket",
        key: "id",
        secret: "secret-value",
        clientKwargs: { endpointUrl: "http://minio.example.com:9000", regionName: "eu-west-1" },
        forcePathStyle: true,
      },
    });
    expect(custom.containerEnvironment()).toEqual({
      S3_ENDPOINT: "http://minio.example.com:9000",
      S3_FORCE_PATH_STYLE: "true",
      AWS_REGION: "eu-west-1",
    });
    const aws = await S3ArtifactStoreFlavor.createComponent({ name: "aws", config: { path: "s3://bucket" } });
    expect(aws.containerEnvironment()).toEqual({});
    // A custom endpoint without a region: the pod gets the one this store's client uses, as kaniko's SDK needs one.
    for (const name of ["AWS_REGION", "AWS_DEFAULT_REGION"]) {
      const saved = process.env[name];
      delete process.env[name];
      onTestFinished(() => {
        if (saved !== undefined) process.env[name] = saved;
      });
    }
    const noRegion = await S3ArtifactStoreFlavor.createComponent({
      name: "ceph",
      config: { path: "s3://bucket", clientKwargs: { endpointUrl: "https://ceph.example.com" } },
    });
    expect(noRegion.containerEnvironment()).toEqual({
      S3_ENDPOINT: "https://ceph.example.com",
      AWS_REGION: "us-east-1",
    });
  });

  it("says to set the region when neither the config, the environment nor a profile has one", async () => {
    const saved = { ...process.env };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    process.env.AWS_CONFIG_FILE = "/nonexistent/flavorstack-test/config";
    process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent/flavorstack-test/credentials";
    try {
      const store = await S3ArtifactStoreFlavor.createComponent({
        name: "no-region",
        config: { path: "s3://bucket/root", key: "key-id-0001", secret: "secret-0001" },
      });
      await expect(store.exists("a.txt")).rejects.toThrow(
        /Artifact store `s3:\/\/bucket\/root` has no region .* Set the bucket's region as `clientKwargs.regionName`/,
      );
    } finally {
      process.env = saved;
    }
  });
});
