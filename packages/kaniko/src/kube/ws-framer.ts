/**
 * Binary websocket frames built by ws's own framing code, for writing to the
 * connection directly (see attach-stdin.ts: no copy per frame). `Sender.frame`
 * is not part of ws's documented API: `ws` is pinned exactly in package.json,
 * and ws-framer.test.ts checks that frames built this way reach a real ws
 * server intact.
 */

/** Masks `data` in place and returns the frame (header, payload) of one binary message. */
export type Framer = (data: Buffer) => Buffer[];

/**
 * ws's own framing (`Sender.frame`: header, random mask from ws's pool,
 * masking with `bufferutil` when installed), told that `data` may be masked in
 * place. `undefined` if this ws does not have it (then `send()` is used).
 */
export function wsFramer(ws: unknown): Framer | undefined {
  const sender = (ws as { Sender?: { frame?: unknown } }).Sender;
  const frame = sender?.frame;
  if (typeof frame !== "function") return undefined;
  return (data) =>
    (frame as (data: Buffer, options: object) => Buffer[]).call(sender, data, {
      fin: true,
      mask: true,
      opcode: 2,
      readOnly: false,
      rsv1: false,
    });
}
