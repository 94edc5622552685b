// Request bodies: size limit, JSON or YAML by Content-Type, and Kubernetes' messages for bad input.
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { errors } from '../api/errors.js';
import { decodeKubernetesProtobuf, isProtobuf, ProtobufError } from '../api/protobuf/decode.js';
import { maxRequestBodyBytes } from '../api/decode/limits.js';
import { decodeJson, JsonError } from '../api/decode/json.js';
import { YamlError, yamlToJsonSync } from '../api/decode/yaml.js';

/** kube-apiserver's MaxRequestBodyBytes. */
export const maxBodyBytes = maxRequestBodyBytes;

/** The media types whose bodies are YAML (converted to JSON before anything else reads them). */
export function isYaml(mt: string): boolean {
  return mt === 'application/yaml' || mt === 'application/apply-patch+yaml';
}

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

export function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  // The same few Content-Type values arrive on every write (only ordinary-sized ones are kept: headers may be
  // up to 1 MiB, and the memo must not pin a client's megabytes).
  if (contentType.length > 256) return contentType.split(';')[0]!.trim().toLowerCase();
  let mt = mediaTypes.get(contentType);
  if (mt === undefined) {
    mt = contentType.split(';')[0]!.trim().toLowerCase();
    if (mediaTypes.size >= 256) mediaTypes.clear();
    mediaTypes.set(contentType, mt);
  }
  return mt;
}
const mediaTypes = new Map<string, string>();

/** Decodes a JSON or YAML body into a value (objects only for resource writes). */
export function decodeBody(
  buf: Buffer,
  contentType: string | undefined,
  defaults?: { apiVersion: string; kind: string },
  /** `buf` already decoded as UTF-8 (the caller keeps the text for the duplicate-field scan). */
  utf8?: string,
): unknown {
  const mt = mediaType(contentType);
  // kubectl 1.32+ sends typed-client bodies as Kubernetes protobuf; decoded, they are the same objects.
  if (isProtobuf(mt)) {
    try {
      return decodeKubernetesProtobuf(buf, defaults);
    } catch (e) {
      if (e instanceof ProtobufError) throw errors.badRequest(e.message);
      throw e;
    }
  }
  let text = utf8 ?? buf.toString('utf8');
  if (mt === 'application/yaml' || mt === 'application/apply-patch+yaml') {
    // Requests arrive here already converted (the server converts YAML off the event loop); other callers not.
    try {
      text = yamlToJsonSync(text);
    } catch (e) {
      if (e instanceof YamlError) throw errors.badRequest(`error converting YAML to JSON: ${e.message}`);
      throw e;
    }
  } else if (mt && mt !== 'application/json' && !mt.endsWith('+json') && mt !== '*/*') {
    throw errors.unsupportedMediaType('application/json, application/yaml, application/vnd.kubernetes.protobuf');
  }
  if (text.trim() === '') throw errors.badRequest("Object 'Kind' is missing in ''");
  try {
    return decodeJson(text);
  } catch (e) {
    if (e instanceof JsonError) throw errors.badRequest(`couldn't get version/kind; json parse error: ${e.message}`);
    throw e;
  }
}
