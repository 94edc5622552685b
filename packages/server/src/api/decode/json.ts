// JSON request bodies: V8's JSON.parse (fast, iterative) for the value; Go's scanner (gocompat) for the error
// text and for the nesting limit, run only when the text could be too deep or did not parse.
import { scan } from '../../gocompat/json-scan.js';
import { maxNestingDepth } from './limits.js';

/** A body that is not valid JSON (or nests too deeply); the message is Go's encoding/json text. */
export class JsonError extends Error {}

/** Go's syntax error text for the text with kubeauth's nesting limit, or undefined when it is valid. */
export function jsonSyntaxError(text: string): string | undefined {
  return scan(text, maxNestingDepth);
}

/** More opening brackets than the depth limit: only then can the text nest too deeply (a native-speed count). */
function couldBeTooDeep(text: string): boolean {
  if (text.length <= maxNestingDepth) return false;
  let n = 0;
  for (let i = text.indexOf('['); i >= 0 && n <= maxNestingDepth; i = text.indexOf('[', i + 1)) n++;
  for (let i = text.indexOf('{'); i >= 0 && n <= maxNestingDepth; i = text.indexOf('{', i + 1)) n++;
  return n > maxNestingDepth;
}

/** The value of JSON text; JsonError with Go's encoding/json message when it is not valid or nests too deeply. */
export function decodeJson(text: string): unknown {
  if (couldBeTooDeep(text)) {
    const e = jsonSyntaxError(text);
    if (e) throw new JsonError(e);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON.parse refuses exactly the texts Go's scanner does; the scanner names the error.
    throw new JsonError(jsonSyntaxError(text) ?? 'unexpected end of JSON input');
  }
}

/**
 * The value of text that Go's scanner finds valid (within the nesting limit), else undefined: what
 * `jsonSyntaxError(text) === undefined ? JSON.parse(text) : undefined` gives, without the scan when it is valid.
 */
export function parseValidJSON(text: string): unknown {
  if (couldBeTooDeep(text)) return jsonSyntaxError(text) === undefined ? (JSON.parse(text) as unknown) : undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
