// Writing responses. Errors are always Status objects built by api/errors.ts; nothing else writes them.
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { yaml } from '../../api/yaml.js';
import { type StatusError } from '../../api/errors.js';
import { goQuote } from '../../gocompat/quote.js';
import type { Negotiated } from './negotiate.js';

export type AnyResponse = ServerResponse | Http2ServerResponse;

/**
 * The response text of `body`: an object, JSON text, or JSON already encoded as UTF-8 bytes (a `Uint8Array`, sent as
 * it is unless the client asked for YAML or pretty JSON).
 */
export function serialize(body: unknown, neg: Negotiated | undefined): string | Uint8Array {
  if (body instanceof Uint8Array) {
    if (neg?.kind !== 'yaml' && !neg?.pretty) return body;
    body = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  }
  if (neg?.kind === 'yaml')
    return yaml().stringify(typeof body === 'string' ? JSON.parse(body) : body, { lineWidth: 0 });
  if (typeof body === 'string') return neg?.pretty ? JSON.stringify(JSON.parse(body), null, 2) + '\n' : body;
  return neg?.pretty ? JSON.stringify(body, null, 2) + '\n' : JSON.stringify(body);
}

/** Sends a body that is an object or pre-serialized JSON (text or UTF-8 bytes). */
export function send(
  res: AnyResponse,
  code: number,
  body: unknown,
  neg: Negotiated | undefined,
  headers: Record<string, string | string[]> = {},
): void {
  const text = serialize(body, neg);
  const h: Record<string, string | string[] | number> = {
    'Content-Type': neg?.contentType ?? 'application/json',
    'Content-Length': typeof text === 'string' ? Buffer.byteLength(text) : text.byteLength,
  };
  // A spread of even an empty object is a slow runtime call on this path, taken by every response.
  for (const k in headers) h[k] = headers[k]!;
  (res as ServerResponse).writeHead(code, h);
  res.end(text);
}

export function sendStatus(
  res: AnyResponse,
  err: StatusError,
  neg: Negotiated | undefined,
  warnings: string[] = [],
): void {
  const headers: Record<string, string | string[]> = { ...(err.headers ?? {}) };
  if (warnings.length) headers['Warning'] = warnings.map(warningHeader);
  if (err.code === 403 || err.code === 401) headers['X-Content-Type-Options'] = 'nosniff';
  // Errors are JSON or YAML, never Tables.
  const n =
    neg && neg.kind === 'yaml'
      ? neg
      : { kind: 'json' as const, contentType: 'application/json', pretty: neg?.pretty ?? false };
  if (res.headersSent) return void res.end();
  send(res, err.code, err.status, n, headers);
}

/** RFC 7234 warning as kube-apiserver emits it: `299 - "text"`. */
export function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text)}`;
}

const htmlSanitizer: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * kube-apiserver's responsewriters.InternalError: Go's http.Error with `Internal Server Error: %q: %v` of the
 * request URI and the error, `&`, `<` and `>` escaped as HTML — a plain-text 500, not a Status (client-go shows it
 * as `an error on the server ("…") has prevented the request from succeeding`).
 */
export function internalErrorText(res: AnyResponse, requestURI: string, message: string): void {
  const body = `Internal Server Error: ${goQuote(requestURI)}: ${message}`.replace(/[&<>]/g, (c) => htmlSanitizer[c]!);
  const text = body + '\n';
  (res as ServerResponse).writeHead(500, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
