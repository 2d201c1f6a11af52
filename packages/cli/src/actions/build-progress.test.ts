import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createBuildProgress } from "./build-progress.js";

function captureStream(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & NodeJS.WriteStream;
  Object.assign(stream, {
    isTTY,
    columns: 100,
    cursorTo: () => true,
    moveCursor: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
  });
  let text = "";
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

describe("createBuildProgress", () => {
  it("off a TTY: a line when a phase starts and ends, the log lines as they are", async () => {
    const { stream, text } = captureStream(false);
    const progress = await createBuildProgress(stream);
    progress.onProgress({ phase: "archive", bytes: 0 });
    progress.onProgress({ phase: "archive", bytes: 2048 });
    progress.onProgress({ phase: "upload", bytes: 3 * 1024 * 1024 });
    progress.onLog("STEP 1/2: FROM busybox");
    progress.logger.info("Reusing nothing");
    progress.stop();
    progress.stop();
    expect(text()).toBe(
      [
        "archive: started",
        "archive: 2.0 KiB, done",
        "upload: started",
        "STEP 1/2: FROM busybox",
        "Reusing nothing",
        "upload: 3.0 MiB, done",
        "",
      ].join("\n"),
    );
  });

  it("progress without a phase counts the context's bytes", async () => {
    const { stream, text } = captureStream(false);
    const progress = await createBuildProgress(stream);
    progress.onProgress({ bytes: 10 });
    progress.stop();
    expect(text()).toBe("context: started\ncontext: 10 B, done\n");
  });

  it("on a TTY: a line per phase and the executor's log lines", async () => {
    const { stream, text } = captureStream(true);
    const progress = await createBuildProgress(stream);
    progress.onProgress({ phase: "stream", bytes: 5 * 1024 });
    progress.onLog("INFO[0001] Pushing image");
    progress.stop();
    expect(text()).toContain("INFO[0001] Pushing image");
    expect(text()).toMatch(/stream\s+5\.0 KiB/);
    expect(text()).toMatch(/log\s+1 executor log line/);
  });
});
