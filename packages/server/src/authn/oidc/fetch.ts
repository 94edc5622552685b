// The only network code of the OIDC authenticator: GETs for the discovery document and the JWKS, over
// node:https with the issuer's CA bundle (replacing the host roots, as Go's RootCAs does). Never called on
// the request path. Errors read like Go's net/http client (`Get "<url>": dial tcp …: connect: connection
// refused`) because kube-apiserver logs them that way.
import { STATUS_CODES, get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { goQuote } from '../../gocompat/quote.js';

export interface HttpResult {
  /** Go's resp.Status, e.g. `404 Not Found`. */
  status: string;
  code: number;
  contentType: string;
  body: string;
}

export interface GetOptions {
  ca?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Responses larger than this are cut off with an error (a JWKS is a few KiB). */
  maxBytes?: number;
}

function goNetError(url: URL, e: NodeJS.ErrnoException): string {
  const hostPort = `${url.hostname.replace(/^\[|\]$/g, '')}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${hostPort}: connect: connection refused`;
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    case 'ENOTFOUND':
      return `dial tcp: lookup ${url.hostname}: no such host`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is valid for other names, not ${url.hostname}`;
    case 'CERT_HAS_EXPIRED':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ABORT_ERR':
      return 'context canceled';
    case 'ETIMEDOUT':
      return 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)';
    default:
      return e.message;
  }
}

/** GET `url`; resolves with any status, rejects with a Go-worded transport error. */
export function get(target: string, o: GetOptions): Promise<HttpResult> {
  const url = new URL(target);
  const maxBytes = o.maxBytes ?? 1 << 20;
  return new Promise((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException) => reject(new Error(`Get ${goQuote(target)}: ${goNetError(url, e)}`));
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          res.destroy();
          reject(new Error(`Get ${goQuote(target)}: response body larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('error', fail);
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        resolve({
          code,
          status: `${code} ${STATUS_CODES[code] ?? ''}`.trimEnd(),
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    };
    const opts = { signal: o.signal, timeout: o.timeoutMs, headers: { accept: 'application/json' } };
    const req =
      url.protocol === 'https:'
        ? httpsGet(url, { ...opts, ...(o.ca ? { ca: o.ca } : {}) }, onResponse)
        : httpGet(url, opts, onResponse);
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', fail);
  });
}

/** go-oidc's unmarshalResp: JSON, or an error that mentions the Content-Type. */
export function parseJsonResponse(r: HttpResult): unknown {
  try {
    return JSON.parse(r.body);
  } catch (e) {
    const why = goJsonSyntaxError(r.body, e as Error);
    const media = r.contentType.split(';')[0]!.trim().toLowerCase();
    if (media === 'application/json')
      throw new Error(`got Content-Type = application/json, but could not unmarshal as JSON: ${why}`, { cause: e });
    throw new Error(`expected Content-Type = application/json, got ${goQuote(r.contentType)}: ${why}`, { cause: e });
  }
}

function goJsonSyntaxError(body: string, e: Error): string {
  if (body.trim() === '') return 'unexpected end of JSON input';
  const m = /position (\d+)/.exec(e.message);
  const ch = m ? body[Number(m[1])] : body.trim()[0];
  return ch === undefined ? 'unexpected end of JSON input' : `invalid character '${ch}' looking for beginning of value`;
}
