import { afterEach, describe, expect, it } from "vitest";
import { createRedactor } from "../redact.js";
import { fakeApiServer } from "../test-support/fake-api-server.js";
import { LogFollower } from "./log-follower.js";

let stopServer = () => {};
afterEach(() => stopServer());

describe("LogFollower", () => {
  it("re-follows a broken log without repeating lines, and stops at a refusal that will not pass", async () => {
    let logRequests = 0;
    const server = await fakeApiServer((_url, response) => {
      logRequests += 1;
      if (logRequests === 1) {
        response.writeHead(200).write("first\nsecond\nthi");
        setTimeout(() => response.socket?.destroy(), 20);
      } else {
        response.writeHead(200).end("first\nsecond\nthird\n");
      }
    });
    stopServer = server.stop;
    const lines: string[] = [];
    const follower = new LogFollower({
      api: server.api,
      namespace: "ns",
      podName: "p",
      container: "kaniko",
      onLine: (line) => lines.push(line),
      redact: createRedactor([]),
      retryMs: 10,
    });
    follower.start();
    await follower.finish(3000);
    expect(lines).toEqual(["first", "second", "third"]);

    const forbidden = await fakeApiServer((_url, response) => {
      response
        .writeHead(403, { "Content-Type": "application/json" })
        .end(JSON.stringify({ code: 403, reason: "Forbidden" }));
    });
    stopServer = () => {
      server.stop();
      forbidden.stop();
    };
    const refused = new LogFollower({
      api: forbidden.api,
      namespace: "ns",
      podName: "p",
      container: "kaniko",
      redact: createRedactor([]),
      retryMs: 10,
    });
    refused.start();
    for (let waited = 0; forbidden.requests.length === 0 && waited < 5000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Retrying would have asked again within 10 ms (retryMs) many times over.
    await new Promise((resolve) => setTimeout(resolve, 300));
    refused.stop();
    expect(forbidden.requests.length).toBe(1);
  });
});
