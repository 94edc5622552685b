// Request bodies off the connection, within kube-apiserver's size limit. Decoding them by media type is
// api/decode/body.ts.
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { errors } from '../../api/errors.js';
import { maxRequestBodyBytes } from '../../api/decode/limits.js';

/** kube-apiserver's MaxRequestBodyBytes. */
export const maxBodyBytes = maxRequestBodyBytes;

export type AnyRequest = IncomingMessage | Http2ServerRequest;

export function readBody(req: AnyRequest, limit = maxBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? -1);
  if (declared > limit) {
    req.resume();
    return Promise.reject(errors.tooLarge(`limit is ${limit}`));
  }
  // Plain 'data'/'end' listeners: `for await` over the request builds an async iterator and stream
  // helpers for every request, a measurable share of a small POST's cost.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const onData = (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(errors.tooLarge(`limit is ${limit}`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (e: Error) => {
      cleanup();
      if (!failed) reject(e);
      failed = true;
    };
    // The client went away before the end of the body: whoever awaits it stops (the response is moot).
    const onAborted = () => onError(new Error('request aborted'));
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      req.off('close', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    req.on('close', onAborted);
  });
}
