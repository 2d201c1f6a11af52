import { randomBytes } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Framer, wsFramer } from "./ws-framer.js";

const V5 = "v5.channel.k8s.io";
const MIB = 1024 * 1024;
/** Payload sizes around each of the websocket length encodings (7 bit, 16 bit, 64 bit), up to the writer's 1 MiB frames. */
const SIZES = [1, 2, 125, 126, 127, 65_535, 65_536, 65_537, 300_000, MIB, MIB + 1];

describe("wsFramer: frames written to the raw connection, read by a real ws server behind an HTTP upgrade", () => {
  const ws = { module: undefined as typeof import("ws") | undefined };
  let server: http.Server;
  let url: string;
  const received: { data: Buffer; isBinary: boolean }[] = [];
  let protocol = "";

  beforeAll(async () => {
    ws.module = await import("ws");
    const webSockets = new ws.module.WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (offered) => (offered.has(V5) ? V5 : false),
    });
    server = http.createServer((_request, response) => response.writeHead(404).end());
    server.on("upgrade", (request, socket, head) => {
      webSockets.handleUpgrade(request, socket, head, (connection) => {
        protocol = connection.protocol;
        connection.on("message", (data: Buffer, isBinary: boolean) => received.push({ data, isBinary }));
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/namespaces/ns/pods/p/attach`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("this ws has Sender.frame (ws is pinned: a release without it would send through ws.send instead)", () => {
    expect(wsFramer(ws.module)).toBeTypeOf("function");
  });

  it("delivers binary frames of every length encoding intact, masked in place, then the v5 close frame", async () => {
    const module = ws.module as typeof import("ws");
    const framer = wsFramer(module) as Framer;
    const client = new module.WebSocket(url, [V5], { perMessageDeflate: false });
    let raw: Duplex | undefined;
    client.once("upgrade", (response) => {
      raw = response.socket;
    });
    await once(client, "open");
    expect(protocol).toBe(V5);
    const socket = raw as Duplex;

    const expected: Buffer[] = [];
    for (const size of SIZES) {
      const data = randomBytes(size);
      data[0] = 0; // the stdin channel, as the attach writer sends it
      expected.push(Buffer.from(data));
      const [head, payload] = framer(data);
      // The mask bit is set, and the payload is the caller's buffer, masked in place (no copy).
      expect(((head as Buffer)[1] ?? 0) & 0x80).toBe(0x80);
      expect(payload).toBe(data);
      if (size > 125) expect(payload?.equals(expected.at(-1) as Buffer)).toBe(false);
      socket.cork();
      socket.write(head as Buffer);
      socket.write(payload as Buffer);
      socket.uncork();
    }
    const close = Buffer.from([255, 0]);
    expected.push(Buffer.from(close));
    const [head, payload] = framer(close);
    socket.write(Buffer.concat([head as Buffer, payload as Buffer]));

    for (let waited = 0; received.length < expected.length && waited < 10_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    client.terminate();
    expect(received.map((message) => message.data.length)).toEqual(expected.map((data) => data.length));
    for (const [index, message] of received.entries()) {
      expect(message.isBinary).toBe(true);
      expect(
        message.data.equals(expected[index] as Buffer),
        `message ${index} (${SIZES[index] ?? "close"} bytes)`,
      ).toBe(true);
    }
  });
});
