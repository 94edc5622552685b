// Patch documents are JSON decoded with Go's messages; the scanner lives with the other body decoders.
import { GoJSONSyntaxError, parseGoJSON as parse, scan } from '../api/decode/json-syntax.js';
import type { Json } from './json.js';

export { GoJSONSyntaxError, scan };

export function parseGoJSON(text: string): Json {
  return parse(text) as Json;
}
