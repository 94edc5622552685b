// Kubernetes protobuf request bodies -> the JSON object Go's encoding/json would produce for the same Go struct,
// so the rest of kubeauth sees exactly what a JSON client would have sent.
//
// The wire format (k8s.io/apimachinery/pkg/runtime/serializer/protobuf): the magic `k8s\0`, then a
// runtime.Unknown {typeMeta{apiVersion=1, kind=2}=1, raw=2, contentEncoding=3, contentType=4}; raw is the
// object's own generated.proto message.
//
// Presence rule. Go's marshaller writes every non-pointer field (even "", 0, false, empty structs) and pointer,
// slice and map fields only when set; encoding/json then omits zero values of `omitempty` fields. So, per field:
// - present scalar: kept, unless it is a non-pointer omitempty field holding its zero value;
// - absent slice, map, pointer or []byte: omitted if omitempty, else null (Go's nil);
// - absent non-pointer scalar: omitted if omitempty, else its zero value ("", 0, false);
// - non-pointer struct: always emitted (omitempty never omits structs), from an empty message if absent;
//   a zero Time/MicroTime is null (`creationTimestamp: null`), like their MarshalJSON.
// The result equals the JSON body kubectl <= 1.31 sends for the same command (see kubectl.test.ts).
import { decodeJson } from '../decode/json.js';
import { setKey } from '../ownkeys.js';
import { type FieldDef, type MessageDef, messageForKind, messages } from './messages.js';
import { ProtobufError, Reader, WireType } from './wire.js';

export { ProtobufError } from './wire.js';

export const protobufMediaType = 'application/vnd.kubernetes.protobuf';
const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Messages nest at most ~15 deep in these tables; the cap only guards against bugs and hostile input. */
const maxDepth = 64;

/** A well-formed body whose kind kubeauth has no table for (kube-apiserver: not registered -> 400). */
export class UnknownKindError extends ProtobufError {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`no kind "${kind}" is registered for version "${apiVersion}"`);
    this.name = 'UnknownKindError';
  }
}

/** True for `application/vnd.kubernetes.protobuf` (parameters ignored). */
export function isProtobuf(contentType: string | undefined): boolean {
  // Most bodies are JSON: rule them out without splitting the header.
  if (contentType === undefined || !/protobuf/i.test(contentType)) return false;
  return contentType.split(';')[0]!.trim().toLowerCase() === protobufMediaType;
}

export interface GroupVersionKind {
  apiVersion?: string;
  kind?: string;
}

/**
 * Decodes a Kubernetes protobuf body into its JSON object (kind and apiVersion first). `defaults` fills an
 * empty typeMeta, as kube-apiserver does from the endpoint's kind.
 */
export function decodeKubernetesProtobuf(buf: Uint8Array, defaults: GroupVersionKind = {}): Record<string, unknown> {
  // Same checks and texts as the apimachinery protobuf serializer.
  if (buf.length === 0) throw new ProtobufError('empty data');
  if (buf.length < magic.length || !magic.equals(buf.subarray(0, magic.length)))
    throw new ProtobufError(`provided data does not appear to be a protobuf message, expected prefix [${[...magic]}]`);
  if (buf.length === magic.length) throw new ProtobufError('empty body');

  const r = new Reader(buf, magic.length);
  let apiVersion = '';
  let kind = '';
  const raw: Buffer[] = [];
  while (!r.done) {
    const [field, wire] = r.tag('Unknown');
    if (field === 1 && wire === WireType.bytes) {
      const tm = r.bytes();
      const t = new Reader(tm);
      while (!t.done) {
        const [f, w] = t.tag('TypeMeta');
        if (f === 1 && w === WireType.bytes) apiVersion = t.string();
        else if (f === 2 && w === WireType.bytes) kind = t.string();
        else if (f === 1 || f === 2) throw wrongWire(w, f === 1 ? 'APIVersion' : 'Kind');
        else t.skip(w, f);
      }
    } else if (field === 2 && wire === WireType.bytes) raw.push(r.bytes());
    else if (field <= 4 && wire !== WireType.bytes)
      throw wrongWire(wire, ['TypeMeta', 'Raw', 'ContentEncoding', 'ContentType'][field - 1]!);
    else r.skip(wire, field); // contentEncoding/contentType: kube-apiserver ignores them too
  }
  if (!kind) kind = defaults.kind ?? '';
  if (!apiVersion) apiVersion = defaults.apiVersion ?? '';
  if (!kind) throw new ProtobufError("Object 'Kind' is missing");
  const def = messageForKind(apiVersion, kind);
  if (!def) throw new UnknownKindError(apiVersion, kind);

  const out: Record<string, unknown> = { kind };
  if (apiVersion) out.apiVersion = apiVersion;
  return Object.assign(out, decodeMessage(concat(raw), def.name));
}

/** Decodes one message (no magic, no runtime.Unknown) by its qualified table name, e.g. `core.PodSpec`. */
export function decodeMessage(buf: Uint8Array, message: string): Record<string, unknown> {
  const def = messages.get(message);
  if (!def) throw new Error(`no protobuf table for ${message}`);
  return decode(buf, def, 0);
}

function wrongWire(wire: number, field: string): ProtobufError {
  return new ProtobufError(`proto: wrong wireType = ${wire} for field ${field}`);
}

const concat = (chunks: Buffer[]): Buffer =>
  chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks as readonly Uint8Array[]);

// What one decode pass collected per field: scalar values as read (last wins), single messages as raw chunks
// (repeated occurrences merge, as in protobuf), repeated fields as arrays, maps as objects.
type Seen = Map<FieldDef, unknown>;

function decode(buf: Uint8Array, def: MessageDef, depth: number): Record<string, unknown> {
  if (depth > maxDepth) throw new ProtobufError('proto: exceeded maximum nesting depth');
  const r = new Reader(buf);
  const seen: Seen = new Map();
  while (!r.done) {
    const [number, wire] = r.tag(def.name.slice(def.name.indexOf('.') + 1));
    const f = def.byNumber.get(number);
    if (!f) r.skip(wire, number);
    else if (f.map) readMapEntry(r, f, wire, seen, depth);
    else if (f.repeated) readRepeated(r, f, wire, seen, depth);
    else if (f.kind === 'scalar') seen.set(f, readScalar(r, f, wire));
    else {
      if (wire !== WireType.bytes) throw wrongWire(wire, f.name);
      const chunks = (seen.get(f) as Buffer[] | undefined) ?? [];
      chunks.push(r.bytes());
      seen.set(f, chunks);
    }
  }
  return render(def, seen, depth);
}

const expectedWire: Record<string, number> = {
  s: WireType.bytes,
  bytes: WireType.bytes,
  b: WireType.varint,
  i32: WireType.varint,
  i64: WireType.varint,
  u32: WireType.varint,
  u64: WireType.varint,
  f32: WireType.fixed32,
  f64: WireType.fixed64,
};

function readScalar(r: Reader, f: FieldDef, wire: number): unknown {
  if (wire !== expectedWire[f.type]) throw wrongWire(wire, f.name);
  return scalarValue(r, f.type);
}

function scalarValue(r: Reader, type: string): unknown {
  switch (type) {
    case 's':
      return r.string();
    case 'bytes':
      return r.bytes().toString('base64');
    case 'b':
      return r.bool();
    case 'i32':
      return r.int32();
    case 'i64':
      return r.int64();
    case 'u32':
      return r.uint32();
    case 'u64':
      return r.uint64();
    case 'f32':
      return finite(r.float());
    default:
      return finite(r.double());
  }
}

function finite(n: number): number {
  // encoding/json refuses NaN and infinities.
  if (!Number.isFinite(n)) throw new ProtobufError(`json: unsupported value: ${n}`);
  return n;
}

function readRepeated(r: Reader, f: FieldDef, wire: number, seen: Seen, depth: number): void {
  const list = (seen.get(f) as unknown[] | undefined) ?? [];
  seen.set(f, list);
  if (f.kind !== 'scalar') {
    if (wire !== WireType.bytes) throw wrongWire(wire, f.name);
    list.push(value(r.bytes(), f.type, depth + 1));
  } else if (wire === WireType.bytes && expectedWire[f.type] !== WireType.bytes) {
    // Packed numbers (proto3 style): gogo accepts both encodings for repeated scalars.
    const body = r.bytes();
    const p = new Reader(body);
    while (!p.done) list.push(scalarValue(p, f.type));
  } else list.push(readScalar(r, f, wire));
}

function readMapEntry(r: Reader, f: FieldDef, wire: number, seen: Seen, depth: number): void {
  if (wire !== WireType.bytes) throw wrongWire(wire, f.name);
  const entry = new Reader(r.bytes());
  let key = '';
  let val: unknown;
  while (!entry.done) {
    const [n, w] = entry.tag(f.name);
    if (n === 1) {
      if (w !== WireType.bytes) throw wrongWire(w, 'key');
      key = entry.string();
    } else if (n === 2) {
      if (f.kind === 'scalar') {
        if (w !== expectedWire[f.type]) throw wrongWire(w, 'value');
        val = scalarValue(entry, f.type);
      } else {
        if (w !== WireType.bytes) throw wrongWire(w, 'value');
        val = value(entry.bytes(), f.type, depth + 1);
      }
    } else entry.skip(w, n);
  }
  // A missing value is the value type's zero (Go map values are never nil here: "" for bytes too).
  if (val === undefined)
    val = f.kind === 'scalar' ? zeroScalar(f.type, true) : value(Buffer.alloc(0), f.type, depth + 1);
  const map = (seen.get(f) as Record<string, unknown> | undefined) ?? {};
  seen.set(f, map);
  setKey(map, key, val);
}

/** A message or builtin value from its bytes. */
function value(buf: Uint8Array, type: string, depth: number): unknown {
  switch (type) {
    case 'Time':
      return time(buf, false);
    case 'MicroTime':
      return time(buf, true);
    case 'Quantity':
      return quantity(buf);
    case 'IntOrString':
      return intOrString(buf);
    case 'FieldsV1':
      return fieldsV1(buf);
    case 'StringList':
      return stringList(buf);
  }
  const def = messages.get(type);
  if (!def) throw new Error(`no protobuf table for ${type}`);
  return decode(buf, def, depth);
}

function zeroScalar(type: string, inMap = false): unknown {
  if (type === 's') return '';
  if (type === 'b') return false;
  if (type === 'bytes') return inMap ? '' : null;
  return 0;
}

function isZero(v: unknown): boolean {
  return v === '' || v === false || v === 0;
}

function render(def: MessageDef, seen: Seen, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of def.fields) {
    const v = seen.get(f);
    if (f.inline) {
      Object.assign(out, value(v ? concat(v as Buffer[]) : Buffer.alloc(0), f.type, depth + 1));
    } else if (v !== undefined) {
      if (f.repeated || f.map) out[f.name] = v;
      else if (f.kind !== 'scalar') out[f.name] = value(concat(v as Buffer[]), f.type, depth + 1);
      // A present pointer keeps its zero value (Go's omitempty does not omit a non-nil pointer).
      else if (!(f.omitempty && !f.pointer && isZero(v))) out[f.name] = v;
    } else if (f.repeated || f.map || f.pointer || f.type === 'bytes') {
      if (!f.omitempty) out[f.name] = null;
    } else if (f.kind === 'scalar') {
      if (!f.omitempty) out[f.name] = zeroScalar(f.type);
    } else {
      out[f.name] = value(Buffer.alloc(0), f.type, depth + 1);
    }
  }
  return out;
}

// --- builtins -------------------------------------------------------------------------------------------------

/** Reads a small builtin message, handing each field to `on`; wrong wire types throw. */
function fields(buf: Uint8Array, name: string, wires: number[], on: (field: number, r: Reader) => void): void {
  const r = new Reader(buf);
  while (!r.done) {
    const [n, w] = r.tag(name);
    const want = wires[n - 1];
    if (want === undefined) r.skip(w, n);
    else if (w !== want) throw wrongWire(w, `${name}.${n}`);
    else on(n, r);
  }
}

/**
 * metav1.Time (seconds precision; its Unmarshal drops nanos) and MicroTime (microseconds). An empty message is
 * the zero time, whose JSON is null.
 */
function time(buf: Uint8Array, micro: boolean): string | null {
  if (buf.length === 0) return null;
  let seconds = 0;
  let nanos = 0;
  fields(buf, micro ? 'MicroTime' : 'Time', [WireType.varint, WireType.varint], (n, r) => {
    if (n === 1) seconds = r.int64();
    else nanos = r.int32();
  });
  let micros = micro ? Math.trunc(nanos / 1000) : 0;
  // time.Unix normalises nanoseconds outside [0, 1e9).
  seconds += Math.floor(micros / 1e6);
  micros -= Math.floor(micros / 1e6) * 1e6;
  const ms = seconds * 1000;
  // Go's MarshalJSON fails outside years 0..9999.
  if (!(ms >= -62167219200000 && ms <= 253402300799000))
    throw new ProtobufError('Time.MarshalJSON: year outside of range [0,9999]');
  const iso = new Date(ms).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(micros).padStart(6, '0')}Z` : `${iso}Z`;
}

/** resource.Quantity {string=1}: clients send the canonical form already; an empty message is zero. */
function quantity(buf: Uint8Array): string {
  let s = '';
  fields(buf, 'Quantity', [WireType.bytes], (_n, r) => (s = r.string()));
  return s === '' ? '0' : s;
}

/** intstr.IntOrString {type=1, intVal=2, strVal=3} -> a number or a string. */
function intOrString(buf: Uint8Array): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  fields(buf, 'IntOrString', [WireType.varint, WireType.varint, WireType.bytes], (n, r) => {
    if (n === 1) type = r.int64();
    else if (n === 2) intVal = r.int32();
    else strVal = r.string();
  });
  if (type === 0) return intVal;
  if (type === 1) return strVal;
  throw new ProtobufError('impossible IntOrString.Type');
}

/** metav1.FieldsV1 {Raw=1}: the raw bytes are the JSON itself. */
function fieldsV1(buf: Uint8Array): unknown {
  let raw: Buffer | undefined;
  fields(buf, 'FieldsV1', [WireType.bytes], (_n, r) => (raw = r.bytes()));
  if (!raw || raw.length === 0) return null;
  try {
    // The same decoder (and nesting limit) as every other JSON in a request.
    return decodeJson(raw.toString('utf8'));
  } catch {
    throw new ProtobufError('json: error calling MarshalJSON for type *v1.FieldsV1: invalid JSON');
  }
}

/** `type ExtraValue []string` and friends: a message wrapping {repeated string items = 1}. */
function stringList(buf: Uint8Array): string[] {
  const items: string[] = [];
  fields(buf, 'StringList', [WireType.bytes], (_n, r) => items.push(r.string()));
  return items;
}
