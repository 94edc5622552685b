// A minimal, defensive protobuf wire reader: just what decoding Kubernetes' generated.proto messages needs.
// Every read is bounds-checked and advances the cursor, so malformed input throws a ProtobufError instead of
// reading past the buffer or looping. Error texts follow gogo-protobuf's (what kube-apiserver answers with).

/** Malformed protobuf input (kube-apiserver answers such bodies with 400 BadRequest). */
export class ProtobufError extends Error {
  readonly code: number = 400;
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export const WireType = { varint: 0, fixed64: 1, bytes: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;

/** How deep unknown groups may nest while being skipped (real messages never use groups). */
const maxGroupDepth = 32;
const two32 = 4294967296;

export const unexpectedEOF = (): ProtobufError => new ProtobufError('unexpected EOF');

export class Reader {
  pos: number;
  readonly end: number;
  private readonly buf: Buffer;
  // The last varint, as two unsigned 32-bit halves (JS numbers cannot hold 64 bits exactly).
  private lo = 0;
  private hi = 0;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    if (start < 0 || end > this.buf.length || start > end) throw unexpectedEOF();
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private varint(): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0, shift = 0; ; i++, shift += 7) {
      // gogo: more than 64 bits of payload is an overflow, not a wrap-around.
      if (i === 10) throw new ProtobufError('proto: integer overflow');
      if (this.pos >= this.end) throw unexpectedEOF();
      const b = this.buf[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if (b < 0x80) break;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  uint32(): number {
    this.varint();
    return this.lo;
  }
  int32(): number {
    this.varint();
    return this.lo | 0;
  }
  /** int64 as a number (exact up to 2^53, like JSON.parse of the same value). */
  int64(): number {
    this.varint();
    return (this.hi | 0) * two32 + this.lo;
  }
  uint64(): number {
    this.varint();
    return this.hi * two32 + this.lo;
  }
  bool(): boolean {
    this.varint();
    return (this.lo | this.hi) !== 0;
  }

  private take(n: number): number {
    if (n > this.end - this.pos) throw unexpectedEOF();
    const at = this.pos;
    this.pos += n;
    return at;
  }
  fixed32(): number {
    return this.buf.readUInt32LE(this.take(4));
  }
  fixed64(): number {
    const at = this.take(8);
    return this.buf.readUInt32LE(at + 4) * two32 + this.buf.readUInt32LE(at);
  }
  float(): number {
    return this.buf.readFloatLE(this.take(4));
  }
  double(): number {
    return this.buf.readDoubleLE(this.take(8));
  }

  /** A length-delimited field's payload (a view, not a copy). */
  bytes(): Buffer {
    this.varint();
    // gogo reads the length as int; anything that does not fit is negative there.
    if (this.hi !== 0 || this.lo > 0x7fffffff)
      throw new ProtobufError('proto: negative length found during unmarshaling');
    const at = this.take(this.lo);
    return this.buf.subarray(at, at + this.lo);
  }
  string(): string {
    return this.bytes().toString('utf8');
  }

  /** The next field's number and wire type; `message` names the message in errors. */
  tag(message: string): [field: number, wire: number] {
    this.varint();
    const wire = this.lo & 7;
    const field = (this.lo >>> 3) + this.hi * 0x20000000;
    if (wire === WireType.endGroup) throw new ProtobufError(`proto: ${message}: wiretype end group for non-group`);
    if (field <= 0 || field > 0x7fffffff)
      throw new ProtobufError(`proto: ${message}: illegal tag ${field > 0x7fffffff ? -1 : field} (wire type ${wire})`);
    return [field, wire];
  }

  /** Skips one field's value (unknown fields are ignored, as Go's generated Unmarshal does). */
  skip(wire: number, field: number, depth = 0): void {
    switch (wire) {
      case WireType.varint:
        this.varint();
        return;
      case WireType.fixed64:
        this.take(8);
        return;
      case WireType.bytes:
        this.bytes();
        return;
      case WireType.fixed32:
        this.take(4);
        return;
      case WireType.startGroup:
        if (depth >= maxGroupDepth) throw new ProtobufError('proto: exceeded maximum group nesting depth');
        for (;;) {
          if (this.done) throw unexpectedEOF();
          this.varint();
          const w = this.lo & 7;
          const f = (this.lo >>> 3) + this.hi * 0x20000000;
          if (w === WireType.endGroup) {
            if (f !== field) throw new ProtobufError('proto: mismatched end group');
            return;
          }
          this.skip(w, f, depth + 1);
        }
      default:
        throw new ProtobufError(`proto: illegal wireType ${wire}`);
    }
  }
}
