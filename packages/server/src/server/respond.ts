// Writing responses. Errors are always Status objects built by api/errors.ts; nothing else writes them.
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { yaml } from '../api/yaml.js';
import { type StatusError } from '../api/errors.js';
import type { Negotiated } from './negotiate.js';

export type AnyResponse = ServerResponse | Http2ServerResponse;

export function serialize(body: unknown, neg: Negotiated | undefined): string {
  if (neg?.kind === 'yaml')
    return yaml().stringify(typeof body === 'string' ? JSON.parse(body) : body, { lineWidth: 0 });
  if (typeof body === 'string') return neg?.pretty ? JSON.stringify(JSON.parse(body), null, 2) + '\n' : body;
  return neg?.pretty ? JSON.stringify(body, null, 2) + '\n' : JSON.stringify(body);
}

/** Sends a body that is an object or pre-serialized JSON text. */
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
    'Content-Length': Buffer.byteLength(text),
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
  if (err.rawBody !== undefined) {
    (res as ServerResponse).writeHead(err.code, {
      ...headers,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(err.rawBody),
    });
    return void res.end(err.rawBody);
  }
  send(res, err.code, err.status, n, headers);
}

/** RFC 7234 warning as kube-apiserver emits it: `299 - "text"`. */
export function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text)}`;
}
