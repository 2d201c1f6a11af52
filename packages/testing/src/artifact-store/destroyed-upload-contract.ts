import { once } from "node:events";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import type { ContractContext } from "./contract-context.js";
import { requireHooks } from "./require-hooks.js";
import { generatedBytes } from "./stream-data.js";

/** How long to wait for the server to list the upload under way before destroying it. */
const PENDING_UPLOAD_WAIT_MS = 2_000;
const OLD_CONTENT = "old content";

function closeOf(stream: Writable): Promise<void> {
  return new Promise((resolve) => stream.once("close", () => resolve()));
}

/**
 * An upload that fails after `streamBytes` (above a multipart part size): destroyed by its writer,
 * or failed by its source in a pipeline. Nothing appears, nothing is replaced, and the server holds
 * no unfinished upload (no orphaned parts) once the stream has closed.
 */
export function describeDestroyedUploadContract(context: ContractContext, streamBytes: number): void {
  /** Writes `streamBytes` into `writer` as fast as it takes them, without ending it. */
  async function writeWithoutEnding(writer: Writable): Promise<void> {
    for await (const chunk of generatedBytes(streamBytes)) {
      if (!writer.write(chunk)) await once(writer, "drain");
    }
  }

  /** Starts an upload of a new file, feeds it, runs `whileUnderway`, then destroys it with an error. */
  async function destroyMidway(whileUnderway: () => Promise<void> = async () => {}): Promise<unknown[]> {
    const writer = await context.store.openWrite("up/new.bin");
    const errors: unknown[] = [];
    writer.on("error", (error) => errors.push(error));
    const closed = closeOf(writer);
    await writeWithoutEnding(writer);
    await whileUnderway();
    writer.destroy(new Error("the writer gave up midway"));
    await closed;
    return errors;
  }

  /** Overwrites `up/old.bin` from a source that fails after `streamBytes`. */
  async function failMidway(): Promise<void> {
    await context.store.writeFile("up/old.bin", OLD_CONTENT);
    const failingSource = async function* (source: AsyncIterable<Buffer>) {
      yield* source;
      throw new Error("the source failed midway");
    };
    const writer = await context.store.openWrite("up/old.bin");
    const closed = closeOf(writer);
    await expect(pipeline(generatedBytes(streamBytes), failingSource, writer)).rejects.toThrow(
      "the source failed midway",
    );
    await closed;
  }

  async function expectNothingLeft(): Promise<void> {
    expect(await context.store.exists("up/new.bin")).toBe(false);
    expect((await context.store.readFile("up/old.bin")).toString()).toBe(OLD_CONTENT);
    expect(await context.store.glob("up/**")).toEqual([context.store.join("up/old.bin")]);
  }

  describe("uploads that fail midway", () => {
    it("leave no object behind and replace nothing", async () => {
      const errors = await destroyMidway();
      expect(errors).toHaveLength(1);
      await failMidway();
      await expectNothingLeft();
    });

    it("leave no unfinished upload on the server", async (test) => {
      const fixture = requireHooks(context, test, "listPendingUploads");
      let seenUnderway = false;
      await destroyMidway(async () => {
        const deadline = Date.now() + PENDING_UPLOAD_WAIT_MS;
        while (!seenUnderway && Date.now() < deadline) {
          seenUnderway = (await fixture.listPendingUploads()).length > 0;
          if (!seenUnderway) await new Promise((resolve) => setTimeout(resolve, 50));
        }
      });
      await test.annotate(
        seenUnderway
          ? "the server listed the upload before it was destroyed"
          : `the server listed no upload after ${streamBytes} bytes: a store that lists uploads needs streamBytes above its part size`,
      );
      await failMidway();
      expect(await fixture.listPendingUploads()).toEqual([]);
      await expectNothingLeft();
    });
  });
}
