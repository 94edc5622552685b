// Every case of corpus.json — strings printed by Go's standard library itself (tools/gocorpus) — answered the
// same way by this module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { goDuration, goDurationNs, parseGoDurationNs } from './duration.js';
import { unmarshalMapError } from './json-decode.js';
import { goJoseJson, goJson, goNumber, goQuoteJson } from './json-encode.js';
import { goFormatFloat, goNumberV } from './number.js';
import { scan } from './json-scan.js';
import { goQuote, goQuoteList } from './quote.js';
import { goTimeGoString, goTimeString } from './time.js';

interface Text {
  s?: string;
  bytes?: number[];
  runs?: { s: string; n: number }[];
}
interface Corpus {
  goVersion: string;
  maxDepth: number;
  json: { in: Text; syntax: string; map: string }[];
  quote: { in: Text; out: string }[];
  quoteList: { in: string[]; out: string }[];
  jsonString: { in: Text; out: string }[];
  jsonNumber: { in: number; out: string }[];
  formatFloat: { in: number; out: string }[];
  timeString: { ms: number; out: string }[];
  timeGoString: { in: string; out: string }[];
  duration: { ns: string; out: string }[];
  parseDuration: { in: string; ns: string; error: string }[];
}

// Tests run from dist/; the corpus stays in src/ (it is data, not compiled).
const here = fileURLToPath(new URL('.', import.meta.url));
const src = here.replace(/\/dist\/gocompat\/$/, '/src/gocompat/');
const corpus = JSON.parse(readFileSync(src + 'corpus.json', 'utf8')) as Corpus;

/** The input as Go saw it (bytes), and as a JS string when it is valid UTF-8. */
function input(t: Text): { bytes: Uint8Array; text?: string } {
  if (t.bytes) return { bytes: Uint8Array.from(t.bytes) };
  const text = t.runs ? t.runs.map((r) => r.s.repeat(r.n)).join('') : t.s!;
  return { bytes: Buffer.from(text, 'utf8'), text };
}

const show = (t: Text) => JSON.stringify(t).slice(0, 120);

test('the corpus is complete: every section has cases', () => {
  for (const k of ['json', 'quote', 'quoteList', 'jsonString', 'jsonNumber', 'formatFloat', 'timeString'] as const)
    assert.ok(corpus[k].length > 0, k);
  assert.ok(corpus.timeGoString.length > 0 && corpus.duration.length > 0 && corpus.parseDuration.length > 0);
  assert.ok(corpus.json.length > 1500, 'every byte in every scanner context');
});

test("encoding/json syntax errors: Go's text for every case, from bytes and from text", () => {
  for (const c of corpus.json) {
    const { bytes, text } = input(c.in);
    assert.equal(scan(bytes, corpus.maxDepth) ?? '', c.syntax, show(c.in));
    if (text !== undefined) assert.equal(scan(text, corpus.maxDepth) ?? '', c.syntax, show(c.in));
  }
});

test('json.Unmarshal into map[string]interface{}: syntax errors first, then type errors', () => {
  for (const c of corpus.json) {
    // The depth limit is Go's here; every case nests within or fails by it.
    assert.equal(unmarshalMapError(input(c.in).bytes) ?? '', c.map, show(c.in));
  }
});

test('%q (strconv.Quote), from bytes and from text', () => {
  for (const c of corpus.quote) {
    const { bytes, text } = input(c.in);
    assert.equal(goQuote(bytes), c.out, show(c.in));
    if (text !== undefined) assert.equal(goQuote(text), c.out, show(c.in));
  }
  for (const c of corpus.quoteList) assert.equal(goQuoteList(c.in), c.out, JSON.stringify(c.in));
});

test('encoding/json string and number encoding', () => {
  for (const c of corpus.jsonString) {
    assert.equal(goQuoteJson(input(c.in).text!), c.out, show(c.in));
    assert.equal(goJson(input(c.in).text!), c.out, show(c.in));
  }
  for (const c of corpus.jsonNumber) {
    assert.equal(goNumber(c.in), c.out, String(c.in));
    assert.equal(goJson(c.in), c.out, String(c.in));
  }
});

test("%v of a float64 (strconv's 'g'), as go-jose writes non-integer numbers and kube prints decoded floats", () => {
  for (const c of corpus.formatFloat) {
    assert.equal(goFormatFloat(c.in), c.out, String(c.in));
    // Integers that fit int64 are int64 to Kubernetes' decoder and go-jose's claims; they print plainly.
    const int = Number.isInteger(c.in) && Math.abs(c.in) < 2 ** 63;
    assert.equal(goNumberV(c.in), int ? String(c.in) : c.out, String(c.in));
    assert.equal(goJoseJson(c.in), int ? String(c.in) : c.out, String(c.in));
  }
});

test('time.Time String and GoString', () => {
  for (const c of corpus.timeString) assert.equal(goTimeString(c.ms), c.out, String(c.ms));
  for (const c of corpus.timeGoString) assert.equal(goTimeGoString(c.in), c.out, c.in);
});

test('time.Duration String, from nanoseconds and (where exact) from seconds', () => {
  for (const c of corpus.duration) {
    const ns = BigInt(c.ns);
    assert.equal(goDurationNs(ns), c.out, c.ns);
    if (ns % 1000n === 0n && ns > -(1n << 50n) && ns < 1n << 50n)
      assert.equal(goDuration(Number(ns) / 1e9), c.out, c.ns);
  }
});

test('time.ParseDuration values and error texts', () => {
  for (const c of corpus.parseDuration) {
    const got = parseGoDurationNs(c.in);
    assert.deepEqual(got, c.error ? { error: c.error } : { ns: BigInt(c.ns) }, c.in);
  }
});
