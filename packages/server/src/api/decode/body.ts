// Request bodies by media type: JSON, YAML or Kubernetes protobuf into a value, with Kubernetes' messages for
// bad input. Reading the bytes off the connection is the handler layer's (server/handlers/body.ts).
import { errors } from '../errors.js';
import { decodeKubernetesProtobuf, isProtobuf, ProtobufError } from '../protobuf/decode.js';
import { decodeJson, JsonError, JsonRangeError } from './json.js';
import { YamlError, yamlToJsonSync } from './yaml.js';

/** The media types whose bodies are YAML (converted to JSON before anything else reads them). */
export function isYaml(mt: string): boolean {
  return mt === 'application/yaml' || mt === 'application/apply-patch+yaml';
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
    // A number beyond float64 is a decoding error, not a syntax error: kube names the kind it decodes into.
    if (e instanceof JsonRangeError && defaults) throw errors.badRequest(rangeMessage(defaults, e));
    if (e instanceof JsonError) throw errors.badRequest(`couldn't get version/kind; json parse error: ${e.message}`);
    throw e;
  }
}

/** `ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number 1e400 into …`. */
export function rangeMessage(defaults: { apiVersion: string; kind: string }, e: JsonRangeError): string {
  const version = defaults.apiVersion.slice(defaults.apiVersion.indexOf('/') + 1);
  return `${defaults.kind} in version "${version}" cannot be handled as a ${defaults.kind}: ${e.message}`;
}
