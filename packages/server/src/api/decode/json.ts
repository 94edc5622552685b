// JSON request bodies: V8's JSON.parse (fast, iterative) for the value; Go's scanner for the error text and for
// the nesting limit, run only when the text could be too deep or did not parse.
import { maxNestingDepth } from './limits.js';
import { scan } from './json-syntax.js';

export class JsonError extends Error {}

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
    const e = scan(text);
    if (e) throw new JsonError(e);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new JsonError(scan(text) ?? 'unexpected end of JSON input');
  }
}
