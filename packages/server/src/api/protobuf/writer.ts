// A minimal protobuf wire writer (the counterpart of wire.ts's Reader): enough for the documents kubeauth
// serves in protobuf (the gnostic OpenAPI v2 document). Fields are written in the order they are called,
// so callers write them in field-number order as Go's proto.Marshal does; proto3 zero values are skipped.
import { WireType } from './wire.js';

export class Writer {
  private buf = Buffer.allocUnsafe(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** An unsigned varint (n < 2^53). */
  private varint(n: number): void {
    this.reserve(10);
    while (n > 0x7f) {
      this.buf[this.len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.len++] = n;
  }
  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** A length-delimited field (bytes, string or an encoded message). */
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, WireType.bytes);
    this.varint(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  string(field: number, s: string | undefined): this {
    if (s) this.bytes(field, Buffer.from(s, 'utf8'));
    return this;
  }
  /** `always`: a oneof member, which Go writes even when false. */
  bool(field: number, b: boolean | undefined, always = false): this {
    if (b || always) {
      this.tag(field, WireType.varint);
      this.varint(b ? 1 : 0);
    }
    return this;
  }
  /** int64 as a varint; negative values take ten bytes (two's complement), as Go writes them. */
  int64(field: number, n: number | undefined): this {
    if (!n) return this;
    this.tag(field, WireType.varint);
    if (n >= 0) this.varint(n);
    else {
      const v = BigInt.asUintN(64, BigInt(Math.trunc(n)));
      this.reserve(10);
      for (let x = v; ; x >>= 7n) {
        if (x <= 0x7fn) {
          this.buf[this.len++] = Number(x);
          break;
        }
        this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      }
    }
    return this;
  }
  double(field: number, n: number | undefined): this {
    if (!n) return this;
    this.tag(field, WireType.fixed64);
    this.reserve(8);
    this.buf.writeDoubleLE(n, this.len);
    this.len += 8;
    return this;
  }
  /** An embedded message, written even when empty (Go writes every set message pointer). */
  message(field: number, write: (w: Writer) => void): this {
    const w = new Writer();
    write(w);
    return this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
