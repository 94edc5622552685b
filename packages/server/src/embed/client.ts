// A minimal HTTPS client for the testing API's helpers: JSON in and out, the server's CA, and a client
// certificate or bearer token. Errors carry the server's Status.
import { request as httpsRequest } from 'node:https';

export interface Credentials {
  caPem: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
}

export interface KubeStatus {
  kind: 'Status';
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** A request the server answered with an error: `status` is the HTTP code, `body` the kube Status. */
export class KubeRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: KubeStatus | undefined,
    what: string,
  ) {
    super(`${what}: ${status} ${body?.message ?? ''}`.trim());
    this.name = 'KubeRequestError';
  }
}

export interface Response {
  status: number;
  body: unknown;
}

export function send(
  base: string,
  creds: Credentials,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<Response> {
  const url = new URL(path, base);
  const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((res, rej) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca: creds.caPem,
        cert: creds.certPem,
        key: creds.keyPem,
        // A fresh connection per call: instances come and go within one test process.
        agent: false,
        headers: {
          accept: 'application/json',
          ...(data !== undefined ? { 'content-type': contentType } : {}),
          ...(creds.token ? { authorization: `Bearer ${creds.token}` } : {}),
        },
      },
      (r) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (d: string) => (text += d));
        r.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* plain-text answer (kube has two) */
          }
          res({ status: r.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', rej);
    req.end(data);
  });
}

/** Like send(), but a status of 300 or more throws a KubeRequestError. */
export async function must(
  base: string,
  creds: Credentials,
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
): Promise<unknown> {
  const r = await send(base, creds, method, path, body, contentType);
  if (r.status >= 300) throw new KubeRequestError(r.status, r.body as KubeStatus, `${method} ${path}`);
  return r.body;
}
