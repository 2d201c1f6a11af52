import { describe, expect, it } from "vitest";
import { startGcsEmulator } from "./gcs-emulator.js";

describe("startGcsEmulator", () => {
  it("runs emulators side by side on free ports, each with its own buckets, answering as GCS for missing ones", async () => {
    const [first, second] = await Promise.all([startGcsEmulator(), startGcsEmulator({ projectId: "other" })]);
    try {
      expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(second.endpoint).not.toBe(first.endpoint);
      expect(second.projectId).toBe("other");
      await first.createBucket("only-first");
      const bucketOn = (emulator: typeof first) => fetch(`${emulator.endpoint}/storage/v1/b/only-first`);
      expect((await bucketOn(first)).status).toBe(200);
      const missing = await bucketOn(second);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({
        error: {
          code: 404,
          message: "The specified bucket does not exist.",
          errors: [{ message: "The specified bucket does not exist.", domain: "global", reason: "notFound" }],
        },
      });
      const listing = await fetch(`${first.endpoint}/storage/v1/b/only-first/o?prefix=a%2F&delimiter=%2F`);
      expect(await listing.json()).toMatchObject({ kind: "storage#objects" });
      expect(await first.pendingUploads()).toEqual([]);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    await expect(fetch(`${first.endpoint}/storage/v1/b/only-first`)).rejects.toThrow();
    await first.stop();
  }, 60_000);

  it("refuses requests without a token of an allowed account when asked to check credentials", async () => {
    const emulator = await startGcsEmulator({ accounts: { allowed: [] } });
    try {
      await emulator.createBucket("checked");
      const response = await fetch(`${emulator.endpoint}/storage/v1/b/checked/o`, {
        headers: { authorization: "Bearer not.a.token" },
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 401, message: "Invalid Credentials" } });
    } finally {
      await emulator.stop();
    }
  }, 60_000);
});
