/** Writes ASCII text straight into a Buffer (much faster than building strings row by row). */
export class AsciiWriter {
  readonly buffer: Buffer;
  length = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  /** Room left; callers write a row only while this exceeds the longest row. */
  get free(): number {
    return this.buffer.length - this.length;
  }

  bytes(data: Uint8Array): void {
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  char(code: number): void {
    this.buffer[this.length++] = code;
  }

  /** A non-negative integer, left-padded with zeros to `width` digits. */
  uint(value: number, width = 1): void {
    let digits = 1;
    for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
    const total = Math.max(digits, width);
    let at = this.length + total - 1;
    for (let i = 0; i < total; i++) {
      this.buffer[at--] = 48 + (value % 10);
      value = Math.floor(value / 10);
    }
    this.length += total;
  }

  /** `value / 10^decimals` with exactly `decimals` decimals. */
  fixed(value: number, decimals: number): void {
    if (value < 0) {
      this.char(45);
      value = -value;
    }
    const scale = 10 ** decimals;
    this.uint(Math.floor(value / scale));
    this.char(46);
    this.uint(value % scale, decimals);
  }

  /** Empties the writer, returning a copy of what it held. */
  take(): Buffer {
    const out = Buffer.from(this.buffer.subarray(0, this.length));
    this.length = 0;
    return out;
  }
}
